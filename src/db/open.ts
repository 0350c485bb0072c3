/**
 * Opens whatever holds the dependency data as a DependencySource: a SQLite index file written by
 * `mach-nix db build`, or a folder read bucket by bucket — a pypi-deps-db tree (`sdist/`,
 * `wheel/`, and `pypi/` when it holds its nix-pypi-fetcher-2 tree too, as `db update` writes it),
 * or a corpus folder of the conformance layout (`deps/` holding that tree, `files/` holding a
 * nix-pypi-fetcher-2 tree).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { BucketSource } from './bucket-source.js';
import { SqliteSource } from './sqlite-source.js';
import type { DependencySource } from './source.js';

export interface OpenOptions {
  /** nix-pypi-fetcher-2 tree for a folder source (`--files-db DIR`); a corpus folder's `files/` otherwise. */
  readonly filesDir?: string | null;
}

export function openDependencySource(path: string, options: OpenOptions = {}): DependencySource {
  if (!existsSync(path)) throw new UsageError(`${path}: no such index file or folder`);
  if (!statSync(path).isDirectory()) return new SqliteSource(path);
  if (options.filesDir && !existsSync(options.filesDir)) throw new UsageError(`${options.filesDir}: no such folder`);
  const corpusDeps = join(path, 'deps');
  if (existsSync(corpusDeps)) {
    const corpusFiles = join(path, 'files');
    return new BucketSource({ depsDir: corpusDeps, filesDir: options.filesDir ?? (existsSync(corpusFiles) ? corpusFiles : null) });
  }
  // A tree `mach-nix db update` wrote holds its fetcher tree (`pypi/`) itself.
  return new BucketSource({ depsDir: path, filesDir: options.filesDir ?? (existsSync(join(path, 'pypi')) ? path : null) });
}
