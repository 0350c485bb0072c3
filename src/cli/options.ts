/**
 * The options `mach-nix resolve` and `mach-nix lock` share — the target, the dependency data, the
 * provider settings — declared once, and turned into what the core takes: a target spec, an open
 * data source, provider settings as written.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { condaInputs } from '../db/conda.js';
import { extendSource } from '../db/extended-source.js';
import { openDependencySource } from '../db/open.js';
import type { DependencySource } from '../db/source.js';
import { parseProvidersInput } from '../providers/settings.js';
import { PLATFORMS, type Platform } from '../target.js';

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
    .option('--deps-db <index|dir>', 'the dependency data: a SQLite index (mach-nix db build) or a pypi-deps-db folder')
    .option('--files-db <dir>', 'a nix-pypi-fetcher-2 folder (URLs and hashes of the files), for a pypi-deps-db folder')
    .option('--nixpkgs <file>', 'the python package index of your nixpkgs (JSON), for the nixpkgs provider')
    .option('--conda <source...>', 'conda repodata (condaChannelsExtra): CHANNEL=FILE, a conda-channels file or folder');
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
  return extendSource(base, { nixpkgsFile: flags.nixpkgs ?? null, conda: (flags.conda ?? []).flatMap(condaInputs) });
}

/** The channel names of the `--conda` sources (`condaChannelsExtra`'s attribute names). */
export function condaChannelsFromFlags(flags: DataFlags): string[] {
  return (flags.conda ?? []).flatMap(condaInputs).map((input) => input.channel);
}
