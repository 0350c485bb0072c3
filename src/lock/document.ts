/**
 * Writing a resolution document (a lock file, or the answer of the import-from-derivation): checked
 * against `schemas/resolution.schema.json` and for safe hashes and strings first, then written atomically — a reader never sees half
 * a document, and a failed write leaves an existing file as it was. And reading one back.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputFileError, NotUtf8Error } from '../errors.js';
import type { Resolution, ResolutionDocument } from '../generated/resolution.js';
import { writeFileAtomic } from '../on-demand.js';
import { checkResolution } from '../schemas.js';
import { checkIntegrity } from './integrity.js';
import { readUtf8File } from '../utf8-text.js';

/**
 * The document's text: the schema checked, and a resolution's hashes and strings (./integrity.ts),
 * two-space indented, one newline at the end. `file` names where it goes, for the error.
 */
export function documentText(document: ResolutionDocument, file = 'the resolution'): string {
  checkResolution(document, { file: 'the resolution written' });
  if (!('error' in document)) checkIntegrity(document, file, 'write');
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function writeDocument(path: string, document: ResolutionDocument): void {
  writeFileAtomic().sync(path, documentText(document, path));
}

/**
 * A resolution read back: a lock file, the `--json` output of `mach-nix resolve`, or a folder
 * holding `mach-nix.lock.json` (`mach-nix env`'s). A failure document is refused with its error.
 */
export function readResolution(path: string): Resolution {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'mach-nix.lock.json') : path;
  let raw: unknown;
  try {
    raw = JSON.parse(readUtf8File(file));
  } catch (error) {
    if (error instanceof NotUtf8Error) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError({ file }, code === 'ENOENT' ? 'no such file: write it with mach-nix lock (or name another with --lock)' : `not a lock file: ${(error as Error).message}`);
  }
  const document = checkResolution(raw, { file });
  if ('error' in document) throw new InputFileError({ file }, `records a failed resolution: ${document.error.message.split('\n')[0]}`);
  checkReferences(document, file);
  checkIntegrity(document, file, 'read');
  return document;
}

/**
 * Every name a resolution refers to (roots, dependencies) is one of its packages — what the
 * schema cannot say. Checked with own keys only: a root named `constructor` must not find
 * Object.prototype's.
 */
function checkReferences(resolution: Resolution, file: string): void {
  const known = (name: string) => Object.hasOwn(resolution.packages, name);
  for (const root of resolution.roots) {
    if (!known(root)) throw new InputFileError({ file, key: 'roots' }, `names ${JSON.stringify(root)} as a root, but has no such package`);
  }
  for (const [name, p] of Object.entries(resolution.packages)) {
    for (const field of ['dependencies', 'buildDependencies', 'cycleDependencies'] as const) {
      const missing = (p?.[field] ?? []).find((dependency) => !known(dependency));
      if (missing !== undefined) {
        throw new InputFileError({ file, key: `packages.${name}.${field}` }, `names ${JSON.stringify(missing)}, which is not a package of the lock`);
      }
    }
  }
}
