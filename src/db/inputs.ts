/**
 * The data a DependencySource is made from, and the files of a pypi-deps-db tree beside its
 * buckets: `UNIX_TIMESTAMP` (when the DB was updated) and `PYPI_FETCHER_COMMIT` /
 * `PYPI_FETCHER_SHA256` (the nix-pypi-fetcher-2 revision it matches).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import type { CondaInput } from './conda.js';

export interface DataInputs {
  /** pypi-deps-db tree: `sdist/XX.json`, `wheel/XX.json` (either may be missing). */
  readonly depsDir: string;
  /** nix-pypi-fetcher-2 tree: `pypi/XX.json`. */
  readonly filesDir?: string | null;
  readonly conda?: readonly CondaInput[];
  /** The nixpkgs python index JSON. */
  readonly nixpkgsFile?: string | null;
}

export type BucketKind = 'sdist' | 'wheel' | 'files';

/** The file of one bucket of one kind, or null when the inputs have no tree of that kind. */
export function bucketFile(inputs: DataInputs, kind: BucketKind, bucket: string): string | null {
  if (kind === 'files') return inputs.filesDir ? join(inputs.filesDir, 'pypi', `${bucket}.json`) : null;
  return join(inputs.depsDir, kind, `${bucket}.json`);
}

/** Refuses a folder that is not a pypi-deps-db tree before anything is read from it. */
export function checkDepsTree(depsDir: string): void {
  if (!existsSync(join(depsDir, 'sdist')) && !existsSync(join(depsDir, 'wheel'))) {
    throw new DataError({ file: depsDir }, 'not a pypi-deps-db tree: it has neither sdist/ nor wheel/');
  }
}

export interface DepsTreeMeta {
  readonly depsTimestamp: number | null;
  readonly fetcherCommit: string | null;
  readonly fetcherSha256: string | null;
}

function readTextFile(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

export function readDepsTreeMeta(depsDir: string): DepsTreeMeta {
  const timestampFile = join(depsDir, 'UNIX_TIMESTAMP');
  const timestamp = readTextFile(timestampFile);
  if (timestamp !== null && !/^[0-9]+$/.test(timestamp)) {
    throw new DataError({ file: timestampFile }, `not a UNIX timestamp: ${JSON.stringify(timestamp.slice(0, 40))}`);
  }
  return {
    depsTimestamp: timestamp === null ? null : Number(timestamp),
    fetcherCommit: readTextFile(join(depsDir, 'PYPI_FETCHER_COMMIT')),
    fetcherSha256: readTextFile(join(depsDir, 'PYPI_FETCHER_SHA256')),
  };
}
