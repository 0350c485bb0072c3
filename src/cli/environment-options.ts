/**
 * What `mach-nix env` and `mach-nix gen` share: their options (the requirements, mkPython's
 * settings, the pins of mach-nix, nixpkgs and the data) and the making of the lock, which Nix
 * does with the pinned sources — so it is exactly the lock mkPython's `lock` attribute gives
 * (the interpreter's full version, the glibc and the nixpkgs index of the pinned nixpkgs).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MachNixError, UsageError } from '../errors.js';
import type { Resolution, ResolutionDocument } from '../generated/resolution.js';
import { type EnvironmentSettings, pythonAttribute } from '../nix/expressions.js';
import { type InputReferences, type OwnSource, inputReference, ownSource } from '../nix/pins.js';
import { runNix } from '../nix/run-nix.js';
import { checkResolution } from '../schemas.js';
import type { Io } from './io.js';
import { collect, providersJson } from './options.js';

export interface EnvironmentFlags {
  requirement: string[];
  extra: string[];
  group: string[];
  python?: string;
  providers?: string;
  providerDefaults?: string;
  machNix?: string;
  nixpkgs?: string;
  pypiDepsDb?: string;
}

export function addEnvironmentOptions(command: Command): Command {
  return command
    .option('-r, --requirement <file>', 'a requirements.txt or environment.yml (taken as it is), or a pyproject.toml (its dependencies); repeatable', collect, [])
    .option('--extra <name>', 'an extra of the pyproject.toml project to include (repeatable)', collect, [])
    .option('--group <name>', 'a PEP 735 dependency group of the pyproject.toml to include (repeatable)', collect, [])
    .option('-p, --python <X.Y>', "the interpreter, e.g. 3.11 (nixpkgs' python311); default: the pinned nixpkgs' python3")
    .option('--providers <json>', 'provider preferences (mkPython\'s providers), e.g. \'{"_default": "wheel,sdist", "numpy": "nixpkgs"}\'')
    .option('--provider-defaults <json>', "replaces the built-in per-package defaults (mkPython's _providerDefaults; '{}' for none)")
    .option('--mach-nix <ref>', 'the mach-nix to pin: a flake reference, a path, or a commit/tag of github:mach-nix/mach-nix (default: this one)')
    .option('--nixpkgs <ref>', "the nixpkgs to pin, instead of mach-nix's: a flake reference, a path, or a branch/tag/commit of github:NixOS/nixpkgs")
    .option('--pypi-deps-db <ref>', "the dependency data to pin, instead of mach-nix's: a reference, a path, or a commit of github:DavHau/pypi-deps-db");
}

/** mkPython's settings the flags give (null where a flag is absent). */
export function settingsFromFlags(flags: EnvironmentFlags): EnvironmentSettings {
  let python: string | null = null;
  if (flags.python !== undefined) {
    try {
      python = pythonAttribute(flags.python);
    } catch {
      throw new UsageError(`--python ${flags.python}: give the version as X.Y, e.g. 3.11`);
    }
  }
  return {
    python,
    providers: providersJson(flags.providers, '--providers') ?? null,
    providerDefaults: providersJson(flags.providerDefaults, '--provider-defaults') ?? null,
  };
}

/** The references to pin, and this mach-nix's own source when it is the one pinned. */
export function referencesFromFlags(flags: Pick<EnvironmentFlags, 'machNix' | 'nixpkgs' | 'pypiDepsDb'>): { references: InputReferences; own: OwnSource | null } {
  const own = flags.machNix === undefined ? ownSource() : null;
  return {
    own,
    references: {
      'mach-nix': own?.reference ?? inputReference('mach-nix', flags.machNix!),
      nixpkgs: flags.nixpkgs === undefined ? null : inputReference('nixpkgs', flags.nixpkgs),
      'pypi-deps-db': flags.pypiDepsDb === undefined ? null : inputReference('pypi-deps-db', flags.pypiDepsDb),
    },
  };
}

/**
 * Builds `expression` — an environment's `lock` attribute — with nix-build and returns the
 * resolution, or throws the resolver's error as the CLI would have.
 */
export function lockWithNix(expression: string, io: Io, cwd?: string): Resolution {
  if (io.tty) io.stderr('mach-nix: resolving the requirements with Nix (the pinned mach-nix, nixpkgs and data)…\n');
  const out = runNix('nix-build', ['--no-out-link', '--expr', expression], { interactive: io.tty === true, cwd }).trim().split('\n').at(-1)!;
  const document: ResolutionDocument = checkResolution(JSON.parse(readFileSync(out, 'utf8')), { file: out });
  if ('error' in document) {
    const [message = '', ...details] = document.error.message.split('\n');
    throw new MachNixError(message, details.length > 0 ? details.join('\n') : null);
  }
  return document;
}
