/**
 * The PKG-INFO of an sdist (`{name}-{version}/PKG-INFO` at the archive's top level, as the sdist
 * format specification places it), from a `.tar.gz`, `.tgz`, `.tar` or legacy `.zip` sdist held
 * in memory. Whether that PKG-INFO may be trusted for dependencies is PEP 643's question, answered
 * by `dynamicDependencyReason` in `core-metadata.ts`.
 */
import type { ReadEntry } from 'tar';
import { tar } from '../on-demand.js';
import { readZipMemberFromBuffer } from './lazy-zip.js';

/** The top-level PKG-INFO among archive member names (`pkg-1.0/PKG-INFO`), or null. */
export function pickPkgInfo(names: readonly string[]): string | null {
  const candidates = names.filter((name) => /^\.?\/?[^/]+\/PKG-INFO$/.test(name)).sort();
  return candidates[0] ?? null;
}

async function readTarMember(archive: Buffer, pick: (name: string) => boolean): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    let found: Buffer | null = null;
    const parser = new (tar().Parser)({
      onReadEntry(entry: ReadEntry) {
        if (found === null && entry.type === 'File' && pick(entry.path)) {
          const chunks: Buffer[] = [];
          entry.on('data', (chunk: Buffer) => chunks.push(chunk));
          entry.on('end', () => {
            found = Buffer.concat(chunks);
          });
        } else {
          entry.resume();
        }
      },
    });
    parser.on('error', reject);
    parser.on('warn', (code: string, message: string) => {
      if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT') reject(new Error(message));
    });
    parser.on('end', () => resolve(found));
    parser.end(archive);
  });
}

/** The PKG-INFO bytes of an sdist, or null when it has none; throws for an unreadable archive. */
export async function readSdistPkgInfo(archive: Buffer, filename: string): Promise<Buffer | null> {
  if (filename.toLowerCase().endsWith('.zip')) {
    return (await readZipMemberFromBuffer(archive, pickPkgInfo))?.data ?? null;
  }
  return readTarMember(archive, (name) => pickPkgInfo([name]) !== null);
}
