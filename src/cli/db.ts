/**
 * `mach-nix db …`: the dependency data. `db build` writes the SQLite index the resolver reads
 * (see `src/db/README.md`); `openDependencySource` is how other commands open an index or a tree
 * (`--deps-db DIR|INDEX`, `--files-db DIR`).
 */
import { existsSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { SingleBar } from 'cli-progress';
import { MachNixError, UsageError } from '../errors.js';
import { condaInputs } from '../db/conda.js';
import { BuildInterrupted, buildIndexInterruptibly } from '../db/sqlite-writer.js';
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

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A build stopped by a signal: exit status 128 + the signal's number, as a shell reports it. */
class Interrupted extends MachNixError {
  override readonly exitCode: number;
  constructor(signal: NodeJS.Signals, message: string) {
    super(message);
    this.exitCode = 128 + constants.signals[signal];
  }
}

function requireFolder(option: string, path: string): void {
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new UsageError(`${option} ${path}: no such folder`);
}

/** A progress bar on stderr when a person watches it; nothing in logs and pipes. */
function progressReporter(): { update: (progress: BuildProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({ stream: process.stderr, format: 'building index [{bar}] {percentage}% | {value}/{total} | {eta}s left', hideCursor: true });
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
    .action(async (options: BuildOptions) => {
      requireFolder('--deps', options.deps);
      if (options.files !== undefined) requireFolder('--files', options.files);
      if (options.nixpkgs !== undefined && !existsSync(options.nixpkgs)) throw new UsageError(`--nixpkgs ${options.nixpkgs}: no such file`);
      requireFolder('--out', dirname(options.out));
      const conda = (options.conda ?? []).flatMap(condaInputs);
      const started = Date.now();
      const progress = progressReporter();
      let stats: BuildStats;
      // SIGINT, SIGTERM and SIGHUP stop the build between two buckets: the temporary is removed,
      // the old index (if any) stays, and the exit status is the signal's (128 + its number)
      let signal: NodeJS.Signals | null = null;
      const stop = (received: NodeJS.Signals) => void (signal ??= received);
      for (const name of STOP_SIGNALS) process.on(name, stop);
      try {
        const inputs = { depsDir: options.deps, filesDir: options.files ?? null, conda, nixpkgsFile: options.nixpkgs ?? null };
        stats = await buildIndexInterruptibly(inputs, options.out, () => signal !== null, progress.update);
      } catch (error) {
        if (error instanceof BuildInterrupted && signal !== null) throw new Interrupted(signal, `${signal}: stopped; ${options.out} was not written (an existing one is unchanged) and the partial index was removed`);
        throw error;
      } finally {
        for (const name of STOP_SIGNALS) process.off(name, stop);
        progress.stop();
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      io.stdout(
        `wrote ${options.out} in ${seconds} s: ${stats.names} names, ${stats.sdistReleases} sdist releases, ` +
          `${stats.wheelFiles} wheel files, ${stats.files} files, ${stats.condaRecords} conda records, ${stats.nixpkgsAttributes} nixpkgs attributes\n`,
      );
    });
};
