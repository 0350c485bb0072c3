/**
 * Pinning the local files of a resolution: a `name @ file:///…` requirement without `--hash` names
 * a file on this machine, so the lock records its sha256 — the build then fetches it as a
 * fixed-output file checked by that hash, instead of Nix copying whatever the path holds at
 * evaluation time into the (world-readable) store.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MachNixError } from '../errors.js';
import type { Resolution } from '../generated/resolution.js';
import { crypto } from '../on-demand.js';

/** The resolution with every unhashed `file://` URL source hashed from the file; `lock` names the lock being made. */
export function pinLocalFiles(resolution: Resolution, lock: string): Resolution {
  const packages = { ...resolution.packages };
  for (const [key, p] of Object.entries(packages)) {
    const { source } = p!;
    if (source.type !== 'url' || source.hash !== null || !source.url.startsWith('file:')) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(fileURLToPath(source.url.split('#')[0]!));
    } catch (error) {
      throw new MachNixError(`${p!.name} @ ${source.url}: cannot read the file to record its hash in ${lock} (${(error as Error).message}); nothing was written`);
    }
    const hash = `sha256-${crypto().createHash('sha256').update(bytes).digest('base64')}`;
    packages[key] = { ...p!, source: { ...source, hash }, notes: [...p!.notes, `pinned by the sha256 of the local file, read when the lock was written`] };
  }
  return { ...resolution, packages };
}
