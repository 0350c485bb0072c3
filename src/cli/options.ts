/**
 * The options `mach-nix resolve` and `mach-nix lock` share — the target, the dependency data (the
 * pinned data, or package indexes), the provider settings — declared once, and turned into what
 * the core takes: a target spec, an open data source, provider settings as written.
 */
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { condaInputs } from '../db/conda.js';
import { extendSource } from '../db/extended-source.js';
import { openDependencySource } from '../db/open.js';
import type { DependencySource } from '../db/source.js';
import { describeIndexConfiguration, effectiveIndexConfiguration } from '../index/index-config.js';
import { effectiveLocations } from '../index/locations.js';
import { SILENT_PROGRESS, terminalProgress } from '../index/progress.js';
import { IndexSession, PAGE_MAX_AGE_SECONDS } from '../index/session.js';
import { parseProvidersInput } from '../providers/settings.js';
import type { OptionLine } from '../requirements-txt.js';
import { PLATFORMS, type Platform, type Target } from '../target.js';
import type { Io } from './io.js';

/** glibc of the pinned nixpkgs (2.42 since January 2026); the Nix library passes the real one. */
export const DEFAULT_GLIBC = '2.42';

/** commander's collector of a repeatable option. */
export const collect = (value: string, previous: string[]) => [...previous, value];

export interface TargetFlags {
  python?: string;
  platform?: string;
  glibc?: string;
  macos?: string;
}

export interface DataFlags {
  depsDb?: string;
  filesDb?: string;
  nixpkgs?: string;
  conda?: string[];
}

export interface IndexFlags {
  indexUrl?: string;
  extraIndexUrl: string[];
  findLinks: string[];
  trustedHost: string[];
  /** commander's negation: false for `--no-index`. */
  index?: boolean;
  offline?: boolean;
  refresh?: boolean;
  timeout?: string;
  retries?: string;
  verbose?: boolean;
}

export interface ProviderFlags {
  providers?: string;
  providerDefaults?: string;
  cuda?: string;
}

export function addTargetOptions(command: Command): Command {
  return command
    .option('--python <version>', "target CPython version, e.g. 3.11 or 3.11.9 (for a lock: the interpreter's python.version)")
    .option('--platform <system>', `target Nix system: ${PLATFORMS.join(', ')}`)
    .option('--glibc <version>', `Linux: the target's glibc version, deciding which manylinux wheels run (default ${DEFAULT_GLIBC}, the glibc of the pinned nixpkgs)`)
    .option('--macos <version>', 'Darwin: the macOS deployment target (default 10.12 on x86_64, 11.0 on aarch64)');
}

export function addDataOptions(command: Command): Command {
  return command
    .option('--deps-db <index|dir>', 'the pinned dependency data: a SQLite index (mach-nix db build) or a pypi-deps-db folder; without it, package indexes are read')
    .option('--files-db <dir>', 'a nix-pypi-fetcher-2 folder (URLs and hashes of the files), for a pypi-deps-db folder')
    .option('--nixpkgs <file>', 'the python package index of your nixpkgs (JSON), for the nixpkgs provider')
    .option('--conda <source...>', 'conda repodata (condaChannelsExtra): CHANNEL=FILE, a conda-channels file or folder');
}

/** Without `--deps-db`, the package indexes: these options, pip's and uv's configuration, the requirements' own lines. */
export function addIndexOptions(command: Command): Command {
  return command
    .option('-i, --index-url <url>', "the package index (PEP 503/691), instead of pip's or uv's configured one (PIP_INDEX_URL, pip.conf, UV_INDEX_URL; else PyPI)")
    .option('--extra-index-url <url>', 'another package index, read after the configured ones (repeatable)', collect, [])
    .option('-f, --find-links <location>', 'a folder or page of links to distribution files (repeatable)', collect, [])
    .option('--no-index', 'read no package index, only --find-links locations')
    .option('--trusted-host <host>', 'a host whose plain-http index may be used, as pip allows it (repeatable)', collect, [])
    .option('--offline', 'answer from the index cache alone: no request at all')
    .option('--refresh', `ask the index for every page again, even those fetched less than ${PAGE_MAX_AGE_SECONDS / 60} minutes ago`)
    .option('--timeout <seconds>', 'seconds without an answer after which a request is tried again (default 30)')
    .option('--retries <n>', 'how often a failed request is tried again, with growing pauses (default 3)')
    .option('--verbose', 'tell which index configuration is in effect and what was fetched (stderr)');
}

export function addProviderOptions(command: Command): Command {
  return command
    .option('--providers <json>', 'provider preferences (mkPython\'s providers), e.g. \'{"_default": "wheel,sdist", "numpy": "nixpkgs"}\'')
    .option('--provider-defaults <json>', "replaces the built-in per-package defaults (mkPython's _providerDefaults; '{}' for none)")
    .option('--cuda <version>', 'the CUDA version conda packages may require (__cuda; mkPython\'s cudaVersion)');
}

/**
 * The target as the Nix library describes it: glibc on Linux only (the pinned nixpkgs' by
 * default), the macOS deployment target on Darwin only.
 */
export function targetFromFlags(flags: TargetFlags): { python: string; platform: Platform; glibc: string | null; macos: string | null } {
  if (flags.python === undefined) throw new UsageError('--python is required, e.g. --python 3.11');
  if (flags.platform === undefined) throw new UsageError(`--platform is required: one of ${PLATFORMS.join(', ')}`);
  if (!(PLATFORMS as readonly string[]).includes(flags.platform)) throw new UsageError(`--platform must be one of ${PLATFORMS.join(', ')}`);
  const platform = flags.platform as Platform;
  const linux = platform.endsWith('-linux');
  return { python: flags.python, platform, glibc: linux ? flags.glibc ?? DEFAULT_GLIBC : null, macos: linux ? null : flags.macos ?? null };
}

/** The JSON of a providers option, checked, as written (a lock's request hashes it as written). */
export function providersJson(text: string | undefined, option: string): Record<string, string | string[]> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${option}: not JSON: ${text}`);
  }
  parseProvidersInput(value, option);
  return value as Record<string, string | string[]>;
}

export function openData(flags: DataFlags): DependencySource {
  if (flags.depsDb === undefined) throw new UsageError('--deps-db is required: a SQLite index (mach-nix db build) or a pypi-deps-db folder');
  const base = openDependencySource(flags.depsDb, { filesDir: flags.filesDb ?? null });
  return extendData(base, flags);
}

/** The nixpkgs index and conda channels of the flags, over a source of PyPI data. */
export function extendData(base: DependencySource, flags: DataFlags): DependencySource {
  return extendSource(base, { nixpkgsFile: flags.nixpkgs ?? null, conda: (flags.conda ?? []).flatMap(condaInputs) });
}

const INDEX_FLAGS: Array<[keyof IndexFlags, string]> = [
  ['indexUrl', '--index-url'], ['extraIndexUrl', '--extra-index-url'], ['findLinks', '--find-links'], ['index', '--no-index'],
  ['trustedHost', '--trusted-host'], ['offline', '--offline'], ['refresh', '--refresh'],
];

/**
 * Whether the resolution reads the pinned data (`--deps-db`) or package indexes (anything else).
 * The two are not mixed: which one knows a project would be an accident of what each holds.
 */
export function usesPinnedData(flags: DataFlags & IndexFlags): boolean {
  const given = INDEX_FLAGS.filter(([key]) => (key === 'index' ? flags.index === false : Array.isArray(flags[key]) ? (flags[key] as string[]).length > 0 : flags[key] !== undefined));
  if (flags.depsDb === undefined) {
    if (flags.filesDb !== undefined) throw new UsageError('--files-db goes with --deps-db (a pypi-deps-db folder); a package index gives the files itself');
    return false;
  }
  if (given.length > 0) {
    throw new UsageError(
      `${given.map(([, option]) => option).join(', ')} and --deps-db exclude each other: --deps-db resolves against the pinned dependency data, ` +
        'the index options against package indexes; give one of them',
    );
  }
  return true;
}

/**
 * The package indexes the flags, the environment's pip and uv configuration and the requirements'
 * option lines name, opened for one target; `--verbose` tells the configuration on stderr.
 */
export function openIndexSession(flags: IndexFlags, lines: readonly OptionLine[], target: Target, io: Io): IndexSession {
  const explicit = (values: readonly string[], option: string) => values.map((value) => ({ value, source: option }));
  const config = effectiveIndexConfiguration(
    { env: process.env },
    {
      ...(flags.indexUrl === undefined ? {} : { indexUrl: { value: flags.indexUrl, source: '--index-url' } }),
      extraIndexUrls: explicit(flags.extraIndexUrl, '--extra-index-url'),
      findLinks: explicit(flags.findLinks, '--find-links'),
      trustedHosts: explicit(flags.trustedHost, '--trusted-host'),
    },
  );
  const locations = effectiveLocations(config, flags.index === false, lines);
  if (flags.verbose) {
    const described = describeIndexConfiguration({ ...config, indexUrl: locations.indexUrls[0] ?? { value: '(none)', source: '--no-index' }, extraIndexUrls: locations.indexUrls.slice(1), findLinks: locations.findLinks, trustedHosts: locations.trustedHosts });
    io.stderr(described.map((line) => `mach-nix: ${line}\n`).join(''));
  }
  return new IndexSession({
    locations,
    target,
    offline: flags.offline ?? false,
    refresh: flags.refresh ?? false,
    http: httpFlags(flags),
    progress: process.stderr.isTTY ? terminalProgress() : SILENT_PROGRESS,
  });
}

/** `--timeout` and `--retries`, checked. */
export function httpFlags(flags: Pick<IndexFlags, 'timeout' | 'retries'>): { timeoutMs?: number; retries?: number } {
  const number = (text: string | undefined, option: string, integer: boolean) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
      throw new UsageError(`${option} must be a ${integer ? 'whole ' : ''}number ≥ 0, not ${JSON.stringify(text)}`);
    }
    return value;
  };
  const timeout = number(flags.timeout, '--timeout', false);
  const retries = number(flags.retries, '--retries', true);
  return { ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }), ...(retries === undefined ? {} : { retries }) };
}

/** `--verbose`: what the index session did, one line on stderr. */
export function reportIndexSession(session: IndexSession, flags: IndexFlags, io: Io): void {
  if (!flags.verbose) return;
  const { requests, bytes, retries, pageCacheHits, metadataCacheHits, metadataFrom } = session.clientStats;
  io.stderr(
    `mach-nix: ${requests} requests (${(bytes / 1024).toFixed(0)} KiB, ${retries} retries), ${pageCacheHits} pages and ${metadataCacheHits} metadata from the cache, ` +
      `metadata by PEP 658 ${metadataFrom.pep658}, range requests ${metadataFrom.rangeRequests}, local wheels ${metadataFrom.localWheel}, sdists ${metadataFrom.sdist}; ` +
      `${session.stats.runs} solver runs; ${(performance.now() - session.startedAt).toFixed(0)} ms\n`,
  );
}

/** The channel names of the `--conda` sources (`condaChannelsExtra`'s attribute names). */
export function condaChannelsFromFlags(flags: DataFlags): string[] {
  return (flags.conda ?? []).flatMap(condaInputs).map((input) => input.channel);
}
