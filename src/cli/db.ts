/**
 * `mach-nix db …`: the dependency data. `db build` writes the SQLite index the resolver reads
 * (see `src/db/README.md`); `openDependencySource` is how other commands open an index or a tree
 * (`--deps-db DIR|INDEX`, `--files-db DIR`).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { cliProgress } from '../on-demand.js';
import { UsageError } from '../errors.js';
import { condaInputs } from '../db/conda.js';
import { buildIndex } from '../db/sqlite-writer.js';
import type { BuildProgress, BuildStats } from '../db/sqlite-writer.js';
import type { RegisterCommands } from './io.js';

export { openDependencySource } from '../db/open.js';

interface BuildOptions {
  deps: string;
  files?: string;
  conda?: string[];
  nixpkgs?: string;
  out: string;
}

function requireFolder(option: string, path: string): void {
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new UsageError(`${option} ${path}: no such folder`);
}

/** A progress bar on stderr when a person watches it; nothing in logs and pipes. */
function progressReporter(): { update: (progress: BuildProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new (cliProgress().SingleBar)({ stream: process.stderr, format: 'building index [{bar}] {percentage}% | {value}/{total} | {eta}s left', hideCursor: true });
  let started = false;
  return {
    update: ({ done, total }) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

export const registerDbCommands: RegisterCommands = (program, io) => {
  const db = program.command('db').description('the dependency data: pypi-deps-db, nix-pypi-fetcher-2, conda, nixpkgs');
  db.command('build')
    .description('build the SQLite index the resolver reads, atomically (no partial file on failure)')
    .requiredOption('--deps <dir>', 'pypi-deps-db tree (sdist/XX.json, wheel/XX.json, UNIX_TIMESTAMP, PYPI_FETCHER_COMMIT)')
    .option('--files <dir>', 'nix-pypi-fetcher-2 tree (pypi/XX.json)')
    .option(
      '--conda <source...>',
      'conda repodata: CHANNEL=FILE (any repodata.json), a file …/channels/<channel>/<subdir>.<n>.json, or a conda-channels folder (with sha256.json)',
    )
    .option('--nixpkgs <file>', 'nixpkgs python index JSON: { attribute: { pname, version, requirements } | null }')
    .requiredOption('--out <file>', 'index file to write')
    .action((options: BuildOptions) => {
      requireFolder('--deps', options.deps);
      if (options.files !== undefined) requireFolder('--files', options.files);
      if (options.nixpkgs !== undefined && !existsSync(options.nixpkgs)) throw new UsageError(`--nixpkgs ${options.nixpkgs}: no such file`);
      requireFolder('--out', dirname(options.out));
      const conda = (options.conda ?? []).flatMap(condaInputs);
      const started = Date.now();
      const progress = progressReporter();
      let stats: BuildStats;
      try {
        const inputs = { depsDir: options.deps, filesDir: options.files ?? null, conda, nixpkgsFile: options.nixpkgs ?? null };
        stats = buildIndex(inputs, options.out, progress.update);
      } finally {
        progress.stop();
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      io.stdout(
        `wrote ${options.out} in ${seconds} s: ${stats.names} names, ${stats.sdistReleases} sdist releases, ` +
          `${stats.wheelFiles} wheel files, ${stats.files} files, ${stats.condaRecords} conda records, ${stats.nixpkgsAttributes} nixpkgs attributes\n`,
      );
    });
};
