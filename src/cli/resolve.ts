/**
 * `mach-nix resolve`: resolves requirements for a target against the dependency data and prints
 * the dependency tree, or with `--json` the resolution document. With `--request FILE` it answers
 * the Nix library's resolve request instead (what runs inside the import-from-derivation): the
 * document is always written — a failure becomes a failure document, so that Nix can throw the
 * explanation — and only problems with the data themselves end in a non-zero exit.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { DataError, InputFileError, MachNixError, UsageError } from '../errors.js';
import { condaInputs } from '../db/conda.js';
import { extendSource } from '../db/extended-source.js';
import { openDependencySource } from '../db/open.js';
import type { DependencySource } from '../db/source.js';
import type { Resolution, ResolutionDocument, ResolutionFailure } from '../generated/resolution.js';
import type { ResolveRequest } from '../generated/resolve-request.js';
import { readInputs, readRequirementsText } from '../inputs.js';
import { type ProvidersInput, parseProvidersInput } from '../providers/settings.js';
import { PLATFORMS } from '../providers/target.js';
import { ResolutionImpossible, resolve } from '../resolve.js';
import { crypto } from '../on-demand.js';
import { checkResolution, checkResolveRequest } from '../schemas.js';
import { toolVersion } from '../version.js';
import type { Platform } from '../wheel-tags.js';
import type { Io, RegisterCommands } from './program.js';
import { collect } from './requirements.js';

/** glibc of the pinned nixpkgs (2.42 since January 2026); the Nix library passes the real one. */
export const DEFAULT_GLIBC = '2.42';

interface ResolveFlags {
  requirement: string[];
  extra: string[];
  group: string[];
  python?: string;
  platform?: string;
  glibc?: string;
  macos?: string;
  depsDb?: string;
  filesDb?: string;
  nixpkgs?: string;
  conda?: string[];
  providers?: string;
  providerDefaults?: string;
  cuda?: string;
  json?: boolean;
  request?: string;
  out?: string;
}

/**
 * JSON with sorted keys and no whitespace, escaped the way Nix's `builtins.toJSON` escapes
 * strings, so that Nix and the CLI hash the same request to the same value.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return JSON.stringify(value);
  if (typeof value === 'string') {
    return `"${value.replace(/["\\\u0000-\u001f]/g, (c) =>
      c === '"' ? '\\"' : c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )}"`;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record).sort().map((k) => `${canonicalJson(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/** The lock's `inputHash`: sha256 of the request's canonical JSON, hex (what Nix's hashString gives). */
export function requestHash(request: ResolveRequest): string {
  return `sha256:${crypto().createHash('sha256').update(canonicalJson(request)).digest('hex')}`;
}

/** The JSON of a providers option, checked, as written (the lock's request hashes it as written). */
function providersJson(text: string | undefined, option: string): Record<string, string | string[]> | undefined {
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

function parseJsonOption(text: string | undefined, option: string): ProvidersInput | undefined {
  const value = providersJson(text, option);
  return value === undefined ? undefined : parseProvidersInput(value, option);
}

function openData(flags: ResolveFlags): DependencySource {
  if (flags.depsDb === undefined) throw new UsageError('--deps-db is required: a SQLite index (mach-nix db build) or a pypi-deps-db folder');
  const base = openDependencySource(flags.depsDb, { filesDir: flags.filesDb ?? null });
  return extendSource(base, { nixpkgsFile: flags.nixpkgs ?? null, conda: (flags.conda ?? []).flatMap(condaInputs) });
}

/** Writes atomically: a reader never sees half a document. */
function writeDocument(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * The resolution (or failure) document answering a resolve request: what the Nix library's
 * import-from-derivation and `mach-nix lock` write. Problems with the data are thrown, not answered.
 */
export function answer(request: ResolveRequest, source: DependencySource): ResolutionDocument {
  const inputHash = requestHash(request);
  try {
    return resolve({
      source,
      inputs: readRequirementsText(request.requirements, { name: 'requirements' }),
      target: {
        python: request.python,
        platform: request.platform,
        ...(request.glibc === null ? {} : { glibc: request.glibc }),
        ...(request.macos === null ? {} : { macos: request.macos }),
      },
      providers: parseProvidersInput(request.providers, 'providers'),
      providerDefaults: request.providerDefaults === null ? null : parseProvidersInput(request.providerDefaults, '_providerDefaults'),
      condaChannels: request.condaChannels,
      cudaVersion: request.cudaVersion,
      inputHash,
    }).resolution;
  } catch (error) {
    if (!(error instanceof MachNixError) || error instanceof DataError) throw error;
    return {
      lockVersion: 1,
      generator: `mach-nix ${toolVersion()}`,
      inputHash,
      error: {
        kind: error instanceof ResolutionImpossible ? 'unsatisfiable' : 'input',
        message: error.details === null ? error.message : `${error.message}\n${error.details}`,
      },
    } satisfies ResolutionFailure;
  }
}

function documentText(document: ResolutionDocument): string {
  checkResolution(document, { file: 'the resolution written' });
  return `${JSON.stringify(document, null, 2)}\n`;
}

function answerRequest(flags: ResolveFlags, io: Io): void {
  const file = flags.request!;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputFileError({ file }, `cannot read the resolve request: ${(error as Error).message}`);
  }
  const request = checkResolveRequest(raw, { file });
  const source = openData(flags);
  let text: string;
  try {
    text = documentText(answer(request, source));
  } finally {
    source.close();
  }
  if (flags.out) writeDocument(flags.out, text);
  else io.stdout(text);
}

/** mach-nix's tree: `name[extras] - version - provider`, each sub-tree printed once. */
export function formatTree(resolution: Resolution): string {
  const lines: string[] = [];
  const printed = new Set<string>();
  const label = (name: string) => {
    const p = resolution.packages[name]!;
    const extras = p.extras.length ? `[${p.extras.join(',')}]` : '';
    const detail =
      p.source.type === 'wheel' ? ` - ${p.source.filename.replace(/\.whl$/, '').split('-').slice(-3).join('-')}`
      : p.source.type === 'nixpkgs' ? ` (attribute: ${p.source.attribute})`
      : p.source.type === 'conda' ? ` - ${p.source.build}`
      : '';
    return `${name}${extras} - ${p.version} - ${p.provider}${detail}`;
  };
  const visit = (name: string, prefix: string, connector: string, childPrefix: string) => {
    const p = resolution.packages[name]!;
    const children = [...(p.dependencies ?? []), ...(p.buildDependencies ?? [])];
    if (printed.has(name) && children.length > 0) {
      lines.push(`${prefix}${connector}${label(name)} -> ...`);
      return;
    }
    printed.add(name);
    lines.push(`${prefix}${connector}${label(name)}`);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      visit(child, prefix + childPrefix, last ? '└── ' : '├── ', last ? '    ' : '│   ');
    });
  };
  for (const root of resolution.roots) if (resolution.packages[root]) visit(root, '', '', '');
  for (const note of resolution.notes) lines.push(`note: ${note}`);
  for (const [name, p] of Object.entries(resolution.packages)) for (const note of p!.notes) lines.push(`note: ${name}: ${note}`);
  lines.push(`Total number of python modules: ${Object.keys(resolution.packages).length}`);
  return `${lines.join('\n')}\n`;
}

export const registerResolveCommand: RegisterCommands = (program, io) => {
  program.addCommand(
    new Command('resolve')
      .description('resolve requirements for a target Python and platform; prints the dependency tree or the resolution JSON')
      .argument('[requirement...]', 'requirement strings, e.g. "requests>=2"')
      .option('-r, --requirement <file>', 'a requirements.txt, pyproject.toml or environment.yml file (repeatable)', collect, [])
      .option('--extra <name>', 'an extra of the pyproject.toml project (repeatable)', collect, [])
      .option('--group <name>', 'a PEP 735 dependency group of the pyproject.toml (repeatable)', collect, [])
      .option('--python <version>', 'target CPython version, e.g. 3.11 or 3.11.9')
      .option('--platform <system>', `target Nix system: ${PLATFORMS.join(', ')}`)
      .option('--glibc <version>', `Linux: the target's glibc version, deciding which manylinux wheels run (default ${DEFAULT_GLIBC}, the glibc of the pinned nixpkgs)`)
      .option('--macos <version>', 'Darwin: the macOS deployment target (default 10.12 on x86_64, 11.0 on aarch64)')
      .option('--deps-db <index|dir>', 'the dependency data: a SQLite index (mach-nix db build) or a pypi-deps-db folder')
      .option('--files-db <dir>', 'a nix-pypi-fetcher-2 folder (URLs and hashes of the files), for a pypi-deps-db folder')
      .option('--nixpkgs <file>', 'the python package index of your nixpkgs (JSON), for the nixpkgs provider')
      .option('--conda <source...>', 'conda repodata: CHANNEL=FILE, a conda-channels file or folder')
      .option('--providers <json>', 'provider preferences, e.g. \'{"_default": "wheel,sdist", "numpy": "nixpkgs"}\'')
      .option('--provider-defaults <json>', "replaces the built-in per-package defaults ('{}' for none)")
      .option('--cuda <version>', 'the CUDA version conda packages may require (__cuda)')
      .option('--json', 'print the resolution document (schemas/resolution.schema.json)')
      .option('--request <file>', 'answer a resolve request of the Nix library (schemas/resolve-request.schema.json)')
      .option('--out <file>', 'with --request: write the document to this file')
      .action((requirements: string[], flags: ResolveFlags) => {
        if (flags.request !== undefined) {
          answerRequest(flags, io);
          return;
        }
        if (flags.python === undefined) throw new UsageError('--python is required, e.g. --python 3.11');
        if (flags.platform === undefined) throw new UsageError(`--platform is required: one of ${PLATFORMS.join(', ')}`);
        const linux = flags.platform.endsWith('-linux');
        const inputs = readInputs({ files: flags.requirement, requirements, extras: flags.extra, groups: flags.group });
        if (inputs.requirements.length === 0) throw new UsageError('nothing to resolve: give requirements or -r FILE');
        const source = openData(flags);
        try {
          const { resolution } = resolve({
            source,
            inputs,
            target: {
              python: flags.python,
              platform: flags.platform as Platform,
              ...(linux ? { glibc: flags.glibc ?? DEFAULT_GLIBC } : {}),
              ...(flags.macos === undefined ? {} : { macos: flags.macos }),
            },
            providers: parseJsonOption(flags.providers, '--providers') ?? {},
            providerDefaults: parseJsonOption(flags.providerDefaults, '--provider-defaults') ?? null,
            cudaVersion: flags.cuda ?? null,
          });
          checkResolution(resolution, { file: 'the resolution written' });
          io.stdout(flags.json ? `${JSON.stringify(resolution, null, 2)}\n` : formatTree(resolution));
        } finally {
          source.close();
        }
      }),
  );
};

interface LockFlags extends Omit<ResolveFlags, 'requirement' | 'extra' | 'group' | 'json' | 'request' | 'out'> {
  requirement?: string;
  output: string;
}

/**
 * `mach-nix lock`: writes the lock file mkPython reads with `lockFile` (no import-from-derivation
 * then). The request is the one mkPython makes from the same arguments — the requirements file's
 * exact content, the interpreter's full version, the platform — so its hash matches.
 */
export const registerLockCommand: RegisterCommands = (program, io) => {
  program.addCommand(
    new Command('lock')
      .description("write the lock file mkPython reads with lockFile = ./mach-nix.lock.json (no import-from-derivation)")
      .option('-r, --requirement <file>', 'the requirements.txt or environment.yml that mkPython gets as `requirements`')
      .option('--python <version>', "the interpreter's full version, as python.version says (e.g. 3.13.5)")
      .option('--platform <system>', `the Nix system: ${PLATFORMS.join(', ')}`)
      .option('--glibc <version>', `Linux: the glibc version of your nixpkgs (default ${DEFAULT_GLIBC})`)
      .option('--macos <version>', 'Darwin: the macOS deployment target of your nixpkgs')
      .option('--deps-db <index|dir>', 'the dependency data mkPython resolves against')
      .option('--files-db <dir>', 'a nix-pypi-fetcher-2 folder, for a pypi-deps-db folder')
      .option('--nixpkgs <file>', 'the python package index of your nixpkgs (JSON), for the nixpkgs provider')
      .option('--conda <source...>', 'conda repodata of condaChannelsExtra: CHANNEL=FILE')
      .option('--providers <json>', "mkPython's providers")
      .option('--provider-defaults <json>', "mkPython's _providerDefaults")
      .option('--cuda <version>', "mkPython's cudaVersion")
      .option('-o, --output <file>', 'where to write it', 'mach-nix.lock.json')
      .action((flags: LockFlags) => {
        if (flags.requirement === undefined) throw new UsageError('-r FILE is required: the requirements mkPython gets');
        if (flags.python === undefined) throw new UsageError("--python is required: the interpreter's full version (python.version)");
        if (flags.platform === undefined) throw new UsageError(`--platform is required: one of ${PLATFORMS.join(', ')}`);
        if (!(PLATFORMS as string[]).includes(flags.platform)) throw new UsageError(`--platform must be one of ${PLATFORMS.join(', ')}`);
        let requirements: string;
        try {
          requirements = readFileSync(flags.requirement, 'utf8');
        } catch (error) {
          throw new InputFileError({ file: flags.requirement }, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        const linux = flags.platform.endsWith('-linux');
        const source = openData({ ...flags, requirement: [], extra: [], group: [] });
        try {
          const request: ResolveRequest = {
            requirements,
            python: flags.python,
            platform: flags.platform as ResolveRequest['platform'],
            glibc: linux ? flags.glibc ?? DEFAULT_GLIBC : null,
            macos: linux ? null : flags.macos ?? null,
            providers: providersJson(flags.providers, '--providers') ?? {},
            providerDefaults: providersJson(flags.providerDefaults, '--provider-defaults') ?? null,
            condaChannels: [...new Set((flags.conda ?? []).flatMap(condaInputs).map((input) => input.channel))].sort(),
            cudaVersion: flags.cuda ?? null,
            dataTimestamp: source.info().depsTimestamp,
          };
          const document = answer(checkResolveRequest(request, { file: 'the request' }), source);
          if ('error' in document) {
            const [message, ...details] = document.error.message.split('\n');
            throw new MachNixError(message!, details.length > 0 ? details.join('\n') : null);
          }
          writeDocument(flags.output, documentText(document));
          io.stdout(`wrote ${flags.output}: ${Object.keys(document.packages).length} packages, input hash ${document.inputHash}\n`);
        } finally {
          source.close();
        }
      }),
  );
};
