/**
 * The Nix files `mach-nix env` writes into an environment's folder and the expression `mach-nix
 * gen` prints. Every string that comes from the user or the data goes through `strings.ts`.
 *
 * An env folder: `requirements.txt`; `env.nix`, mkPython's arguments (the file to edit); `flake.nix`
 * and the `flake.lock` Nix writes for it; `inputs.nix`, which fetches what flake.lock pins (by
 * NAR hash) for `nix-shell` and `nix-build`; `shell.nix` and `default.nix`; `mach-nix.lock.json`.
 */
import type { Resolution } from '../generated/resolution.js';
import type { ProvidersInput } from '../providers/settings.js';
import type { PinnedInputs } from './pins.js';
import { nixString, nixValue } from './strings.js';

/** mkPython's arguments that `env` and `gen` set. */
export interface EnvironmentSettings {
  /** A nixpkgs interpreter attribute (`python311`); null for mkPython's default (python3). */
  readonly python: string | null;
  readonly providers: ProvidersInput | null;
  readonly providerDefaults: ProvidersInput | null;
}

/** `X.Y` → the nixpkgs attribute of that interpreter, as mach-nix's `--python` mapped it. */
export function pythonAttribute(version: string): string {
  const match = /^(\d)\.(\d+)$/.exec(version.trim());
  if (match === null) throw new Error(`not a Python X.Y: ${version}`);
  return `python${match[1]}${match[2]}`;
}

/** The settings as lines of an attribute set (`  python = "python311";`), at `indent`. */
function settingLines(settings: EnvironmentSettings, indent: string): string[] {
  const lines: string[] = [];
  if (settings.python !== null) lines.push(`${indent}python = ${nixString(settings.python)};`);
  if (settings.providers !== null) lines.push(`${indent}providers = ${nixValue(settings.providers, indent)};`);
  if (settings.providerDefaults !== null) lines.push(`${indent}_providerDefaults = ${nixValue(settings.providerDefaults, indent)};`);
  return lines;
}

/**
 * A function fetching what a flake.lock `locked` node pins, by its NAR hash: the same store path
 * `nix develop` uses, for `nix-shell` and `nix-build` (Nix 2.8's builtins, no flakes needed).
 */
export const FETCH_LOCKED = `locked:
    if locked.type == "github" then builtins.fetchTarball {
      url = "https://github.com/\${locked.owner}/\${locked.repo}/archive/\${locked.rev}.tar.gz";
      sha256 = locked.narHash;
    }
    else if locked.type == "tarball" then builtins.fetchTarball { inherit (locked) url; sha256 = locked.narHash; }
    else if locked.type == "git" then builtins.fetchGit ({ inherit (locked) url rev; submodules = locked.submodules or false; } // (if locked ? ref then { inherit (locked) ref; } else { }))
    else if locked.type == "path" then builtins.path { inherit (locked) path; name = "source"; sha256 = locked.narHash; }
    else throw "mach-nix: cannot fetch a \${locked.type} input without flakes: use nix develop / nix build"`;

export function envNix(settings: EnvironmentSettings, generator: string): string {
  return `# mkPython's arguments for this environment, written by ${generator} (\`mach-nix env\`).
# Edit them here; after changing them or requirements.txt, run \`mach-nix env <this folder>\`
# again to refresh mach-nix.lock.json (a file you edited is left as it is).
{ mach-nix, lockFile ? ./mach-nix.lock.json }:
let
  args = {
    requirements = builtins.readFile ./requirements.txt;
${settingLines(settings, '    ').map((line) => `${line}\n`).join('')}    inherit lockFile;
  };
in
{
  python = mach-nix.mkPython args;
  shell = mach-nix.mkPythonShell args;
}
`;
}

export const INPUTS_NIX = `# The sources this environment is pinned to, read from flake.lock: nix-shell and nix-build fetch
# by NAR hash exactly what nix develop uses (\`nix flake update\` moves both). Written by mach-nix env.
let
  lock = builtins.fromJSON (builtins.readFile ./flake.lock);
  # a node's input: a node's name, or a \`follows\` path from the root
  input = node: name:
    let reference = node.inputs.\${name};
    in if builtins.isList reference then builtins.foldl' input lock.nodes.\${lock.root} reference else lock.nodes.\${reference};
  fetch = node: fetchLocked node.locked;
  fetchLocked = ${FETCH_LOCKED};
  machNix = input lock.nodes.\${lock.root} "mach-nix";
  pkgs = import (fetch (input machNix "nixpkgs")) { config = { }; overlays = [ ]; };
in
{
  inherit pkgs;
  mach-nix = import (fetch machNix) { inherit pkgs; pypiData = fetch (input machNix "pypi-deps-db"); };
}
`;

export function defaultNix(generator: string): string {
  return `# nix-build: the Python environment (result/bin/python). Written by ${generator}.
{ lockFile ? ./mach-nix.lock.json }:
(import ./env.nix { inherit (import ./inputs.nix) mach-nix; inherit lockFile; }).python
`;
}

export function shellNix(generator: string): string {
  return `# nix-shell: a shell with the Python environment. Written by ${generator}.
{ lockFile ? ./mach-nix.lock.json }:
(import ./env.nix { inherit (import ./inputs.nix) mach-nix; inherit lockFile; }).shell
`;
}

export function flakeNix(inputs: string, system: string, generator: string): string {
  return `# nix develop: a shell with the Python environment; nix build: the environment. Written by ${generator}.
{
  description = "A Python environment written by mach-nix env";
${inputs}
  outputs = { self, mach-nix, ... }:
    let
      system = ${nixString(system)};
      env = import ./env.nix { mach-nix = mach-nix.lib.\${system}; };
    in
    {
      packages.\${system}.default = env.python;
      devShells.\${system}.default = env.shell;
    };
}
`;
}

export interface GenParts {
  readonly settings: EnvironmentSettings;
  /** mkPython's requirements text. */
  readonly requirements: string;
  readonly pins: PinnedInputs;
  /** The lock, written inline; null while the lock itself is being made. */
  readonly lock: Resolution | null;
  /** What the header says the environment is made from. */
  readonly from: string;
  readonly generator: string;
}

/** The pins of `gen`'s expression, as an attribute set of flake.lock `locked` nodes. */
export function pinsValue(pins: PinnedInputs, indent = ''): string {
  return nixValue({ nixpkgs: pins.nixpkgs, 'pypi-deps-db': pins['pypi-deps-db'], 'mach-nix': pins['mach-nix'] }, indent);
}

/**
 * `mach-nix gen`'s expression: a function whose arguments default to the pinned sources, so that
 * `nix-build FILE` builds it as it is and `--arg pkgs …` swaps one; the lock is inline.
 */
export function genExpression(parts: GenParts): string {
  // a comment runs to the end of its line, which \n or \r ends
  const comment = parts.from.replace(/[\r\n]/g, ' ');
  const lock = parts.lock === null ? 'null' : `builtins.toFile "mach-nix.lock.json" (builtins.toJSON ${nixValue(parts.lock, '    ')})`;
  return `# The Python environment of ${comment}, written by ${parts.generator} (\`mach-nix gen\`):
# \`nix-build <this file>\` builds it (result/bin/python), \`nix-build <this file> -A dockerImage\`
# a Docker image of it. Its sources are pinned by hash below; its resolution is the lock inline.
let
  pins = ${pinsValue(parts.pins, '  ')};
  fetch = ${FETCH_LOCKED};
in
{ pkgs ? import (fetch pins.nixpkgs) { config = { }; overlays = [ ]; }
, pypiData ? fetch pins.pypi-deps-db
, mach-nix ? import (fetch pins.mach-nix) { inherit pkgs pypiData; }
}:
mach-nix.mkPython {
  requirements = ${nixString(parts.requirements)};
${settingLines(parts.settings, '  ').map((line) => `${line}\n`).join('')}  lockFile = ${lock};
}
`;
}
