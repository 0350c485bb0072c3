/**
 * `mach-nix db …`: the dependency data. `db build` writes the SQLite index the resolver reads
 * (see `src/db/README.md`); `db update` resolves requirements against package indexes and writes
 * what the resolution read as a data tree (pypi-deps-db + nix-pypi-fetcher-2 format), or as a
 * SQLite index, so that the import-from-derivation path can use current data too;
 * `openDependencySource` is how other commands open an index or a tree (`--deps-db DIR|INDEX`,
 * `--files-db DIR`).
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { cliProgress, os } from '../on-demand.js';
import { MachNixError, UsageError } from '../errors.js';
import { condaInputs } from '../db/conda.js';
import { SqliteSource } from '../db/sqlite-source.js';
import { BuildInterrupted, buildIndex, buildIndexInterruptibly } from '../db/sqlite-writer.js';
import type { BuildProgress, BuildStats } from '../db/sqlite-writer.js';
import { type TreeContent, recoverTree, writeDataTree } from '../db/tree-writer.js';
import { resolutionTree } from '../index/data-tree.js';
import { readInputs } from '../inputs.js';
import { resolve } from '../resolve.js';
import { parseTarget } from '../target.js';
import { deferOptions } from './deferred-options.js';
import type { RegisterCommands } from './io.js';
import {
  type DataFlags,
  type IndexFlags,
  type ProviderFlags,
  type TargetFlags,
  addIndexOptions,
  addProviderOptions,
  addTargetOptions,
  collect,
  extendData,
  openIndexSession,
  providersJson,
  reportIndexSession,
  targetFromFlags,
} from './options.js';

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
    this.exitCode = 128 + os().constants.signals[signal];
  }
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
  const build = db.command('build').description('build the SQLite index the resolver reads, atomically (no partial file on failure)');
  deferOptions(build, (command) =>
    command
      .requiredOption('--deps <dir>', 'pypi-deps-db tree (sdist/XX.json, wheel/XX.json, UNIX_TIMESTAMP, PYPI_FETCHER_COMMIT)')
      .option('--files <dir>', 'nix-pypi-fetcher-2 tree (pypi/XX.json)')
      .option(
        '--conda <source...>',
        'conda repodata: CHANNEL=FILE (any repodata.json), a file …/channels/<channel>/<subdir>.<n>.json, or a conda-channels folder (with sha256.json)',
      )
      .option('--nixpkgs <file>', 'nixpkgs python index JSON: { attribute: { pname, version, requirements } | null }')
      .requiredOption('--out <file>', 'index file to write'),
  );
  build.action(async (options: BuildOptions) => {
      requireFolder('--deps', options.deps);
      // A tree written by `db update` is its own fetcher tree.
      options.files ??= existsSync(join(options.deps, 'pypi')) ? options.deps : undefined;
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
  db.addCommand(updateCommand(io));
};

interface UpdateFlags extends TargetFlags, Pick<DataFlags, 'nixpkgs' | 'conda'>, IndexFlags, ProviderFlags {
  requirement: string[];
  out: string;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `SOURCE_DATE_EPOCH` when set (reproducible builds' convention), else now. */
function timestampNow(): number {
  const fixed = process.env.SOURCE_DATE_EPOCH;
  if (fixed !== undefined && fixed !== '') {
    if (!/^\d+$/.test(fixed)) throw new UsageError(`SOURCE_DATE_EPOCH must be a number of seconds, not ${JSON.stringify(fixed)}`);
    return Number(fixed);
  }
  return Math.floor(Date.now() / 1000);
}

/**
 * The tree as a SQLite index at `out`, atomically. Equal content keeps an existing index byte for
 * byte (its timestamp included), as `writeDataTree` keeps a tree.
 */
function writeIndexFile(out: string, content: TreeContent, timestamp: number): void {
  const scratch = mkdtempSync(join(dirname(out), '.mach-nix-db-update-'));
  try {
    const build = (stamp: number, file: string) => {
      const tree = join(scratch, `tree-${stamp}`);
      writeDataTree(tree, content, stamp);
      buildIndex({ depsDir: tree, filesDir: tree }, file);
    };
    if (existsSync(out)) {
      const previous = (() => {
        const source = new SqliteSource(out);
        try {
          return source.info().depsTimestamp;
        } finally {
          source.close();
        }
      })();
      if (previous !== null) {
        const same = join(scratch, 'same.sqlite');
        build(previous, same);
        if (readFileSync(same).equals(readFileSync(out))) return;
      }
    }
    const fresh = join(scratch, 'fresh.sqlite');
    build(timestamp, fresh);
    renameSync(fresh, out);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function updateCommand(io: Parameters<RegisterCommands>[1]): Command {
  const command = new Command('update')
    .description(
      'resolve requirements against package indexes and write what the resolution read as a data tree in pypi-deps-db + nix-pypi-fetcher-2 format ' +
        '(pin it as the flake\'s pypi-deps-db input, or pass it as pypiData), or as a SQLite index when --out ends in .sqlite',
    )
    .argument('[requirement...]', 'requirement strings, e.g. "requests>=2"');
  deferOptions(command, () => {
    command.option('-r, --requirement <file>', 'a requirements.txt, pyproject.toml or environment.yml file (repeatable)', collect, []);
    addTargetOptions(command);
    addIndexOptions(command);
    addProviderOptions(command);
    command
      .option('--nixpkgs <file>', 'the python package index of your nixpkgs (JSON), for the nixpkgs provider (its packages are not written)')
      .requiredOption('--out <dir|file.sqlite>', 'the data tree to write (a new folder, or one an earlier db update wrote), or a SQLite index');
  });
  command
    .action(async (requirements: string[], flags: UpdateFlags) => {
      const target = parseTarget(targetFromFlags(flags));
      const inputs = readInputs({ files: flags.requirement, requirements });
      if (inputs.requirements.length === 0) throw new UsageError('nothing to resolve: give requirements or -r FILE');
      if (!existsSync(dirname(flags.out)) || !statSync(dirname(flags.out)).isDirectory()) throw new UsageError(`--out ${flags.out}: no folder ${dirname(flags.out)}`);
      if (!flags.out.endsWith('.sqlite')) recoverTree(flags.out);
      const session = await openIndexSession(flags, inputs.options.given, target, io);
      const source = extendData(session.source, flags);
      const { resolution, content } = await session.solve(inputs.requirements, () => {
        const { resolution } = resolve({
          source,
          inputs,
          target,
          providers: providersJson(flags.providers, '--providers') ?? {},
          providerDefaults: providersJson(flags.providerDefaults, '--provider-defaults') ?? null,
          cudaVersion: flags.cuda ?? null,
        });
        return { resolution, content: resolutionTree(resolution, session.snapshot, target) };
      });
      reportIndexSession(session, flags, io);
      const timestamp = timestampNow();
      if (flags.out.endsWith('.sqlite')) writeIndexFile(flags.out, content, timestamp);
      else writeDataTree(flags.out, content, timestamp);
      const packages = Object.keys(resolution.packages).length;
      const elsewhere = packages - content.wheels.length - content.sdists.length;
      io.stdout(
        `${flags.out}: ${count(content.wheels.length, 'wheel')} and ${count(content.sdists.length, 'sdist')} of the ${count(packages, 'package')} resolved` +
          `${elsewhere > 0 ? ` (${elsewhere} from nixpkgs or conda, not in the tree)` : ''}\n`,
      );
    });
  return command;
}
