/**
 * `mach-nix lock`: writes the lock file mkPython reads with `lockFile` (no import-from-derivation
 * then), or with `--check` says whether an existing one still answers. The request is the one
 * mkPython makes from the same arguments — the requirements text it gets, the interpreter's full
 * version, the platform — so its hash matches. Against the pinned data with `--deps-db`; otherwise
 * against package indexes (`--index-url`, pip's and uv's configuration, the requirements' own
 * `--index-url`/`--extra-index-url`/`--find-links` lines), whose locations the request records too.
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { InputFileError, MachNixError, NotUtf8Error } from '../errors.js';
import type { Resolution, ResolutionDocument } from '../generated/resolution.js';
import type { ResolveRequest } from '../generated/resolve-request.js';
import { type Answer, answer } from '../lock/answer.js';
import { writeDocument } from '../lock/document.js';
import { allowUnpinnedHint, checkIntegrity } from '../lock/integrity.js';
import { pinLocalFiles } from '../lock/local-files.js';
import { type RequestParts, makeRequest, requestDifferences, requestHash } from '../lock/request.js';
import { requirementsText } from '../lock/requirements-text.js';
import { checkResolution } from '../schemas.js';
import { parseTarget } from '../target.js';
import { readUtf8File } from '../utf8-text.js';
import { deferOptions } from './deferred-options.js';
import { type Io, type RegisterCommands, warn } from './io.js';
import {
  type DataFlags,
  type IndexFlags,
  type ProviderFlags,
  type TargetFlags,
  addDataOptions,
  addIndexOptions,
  addProviderOptions,
  addTargetOptions,
  collect,
  condaChannelsFromFlags,
  extendData,
  openData,
  openIndexSession,
  providersJson,
  reportIndexSession,
  targetFromFlags,
  usesPinnedData,
} from './options.js';

interface LockFlags extends TargetFlags, DataFlags, IndexFlags, ProviderFlags {
  requirement: string[];
  extra: string[];
  group: string[];
  output: string;
  check?: boolean;
}

/** A lock that is stale (`--check`): exit 1, like every input error. */
class StaleLock extends MachNixError {}

export const registerLockCommand: RegisterCommands = (program, io) => {
  const command = new Command('lock')
    .description("write the lock file mkPython reads with lockFile = ./mach-nix.lock.json (no import-from-derivation); give mkPython's arguments")
    .argument('[requirement...]', 'requirement strings, e.g. "requests>=2" (mkPython gets them one per line)');
  deferOptions(command, () => {
    command
      .option('-r, --requirement <file>', 'a requirements.txt or environment.yml (mkPython gets its content as `requirements`), or a pyproject.toml (its dependencies, one per line); repeatable', collect, [])
      .option('--extra <name>', 'an extra of the pyproject.toml project to include (repeatable)', collect, [])
      .option('--group <name>', 'a PEP 735 dependency group of the pyproject.toml to include (repeatable)', collect, []);
    addTargetOptions(command);
    addDataOptions(command);
    addIndexOptions(command);
    addProviderOptions(command);
    command
      .option('-o, --output <file>', 'where to write it (with --check: the lock to check)', 'mach-nix.lock.json')
      .option('--check', 'write nothing; exit 0 when the lock answers these arguments, 1 naming what differs when it is stale');
  });
  command
    .action(async (strings: string[], flags: LockFlags) => {
      const target = targetFromFlags(flags);
      const { text, verbatim, inputs } = requirementsText({ files: flags.requirement, requirements: strings, extras: flags.extra, groups: flags.group }, parseTarget(target));
      const parts: Omit<RequestParts, 'dataTimestamp'> = {
        requirements: text,
        ...target,
        providers: providersJson(flags.providers, '--providers') ?? {},
        providerDefaults: providersJson(flags.providerDefaults, '--provider-defaults') ?? null,
        condaChannels: condaChannelsFromFlags(flags),
        cudaVersion: flags.cuda ?? null,
      };
      let outcome: Answer;
      if (usesPinnedData(flags)) {
        const source = openData(flags);
        try {
          const request = makeRequest({ ...parts, dataTimestamp: source.info().depsTimestamp });
          if (flags.check) return checkLock(flags.output, request, io);
          outcome = answer(request, source);
        } finally {
          source.close();
        }
      } else {
        // The index lines of the requirements files name the indexes, as pip reads them.
        const session = await openIndexSession(flags, inputs.options.given, parseTarget(target), io);
        const request = makeRequest({ ...parts, dataTimestamp: null, index: session.locations });
        // Checking compares requests: no index is asked anything.
        if (flags.check) return checkLock(flags.output, request, io);
        const source = extendData(session.source, flags);
        outcome = await session.solve(inputs.requirements, () => answer(request, source));
        reportIndexSession(session, flags, io);
      }
      if (!outcome.ok) throw outcome.error;
      const resolution = pinLocalFiles(outcome.resolution, flags.output);
      refuseUnfetchable(resolution, flags.output, io);
      writeDocument(flags.output, resolution);
      io.stdout(`wrote ${flags.output}: ${Object.keys(resolution.packages).length} packages, input hash ${resolution.inputHash}\n`);
      if (!verbatim) {
        io.stdout(`it answers mkPython { requirements = (builtins.fromJSON (builtins.readFile ./${flags.output.split('/').at(-1)})).request.requirements; … } (the requirements one per line)\n`);
      }
    });
  program.addCommand(command);
};

/** `--check`: the lock's recorded request against the one these arguments make. */
function checkLock(file: string, request: ResolveRequest, io: Io): void {
  if (!existsSync(file)) throw new StaleLock(`${file} does not exist: run the same command without --check to write it`);
  let raw: unknown;
  try {
    raw = JSON.parse(readUtf8File(file));
  } catch (error) {
    if (error instanceof NotUtf8Error) throw error;
    throw new InputFileError({ file }, `not a lock file: ${(error as Error).message}`);
  }
  const lock: ResolutionDocument = checkResolution(raw, { file });
  // a lock that answers but could not be built from safely is an error, not "up to date"
  if (!('error' in lock)) checkIntegrity(lock, file, 'read');
  if (lock.inputHash === requestHash(request) && !('error' in lock)) {
    io.stdout(`${file} is up to date\n`);
    return;
  }
  const changed = 'error' in lock || lock.request === undefined ? [] : requestDifferences(lock.request as Record<string, unknown>, request);
  throw new StaleLock(
    `${file} is stale: ${changed.length > 0 ? changed.join('; ') : 'it answers another request (it does not record which: a lock of an older mach-nix)'}; run the same command without --check to rewrite it`,
  );
}

/**
 * Every file of a lock must be fetchable by URL and hash in the build. Data without file records
 * (a pypi-deps-db folder without its nix-pypi-fetcher-2, `--files-db`) gives none: said now, when
 * the lock would be written, not when a build fails. A `name @ url` without a hash (local files
 * were pinned before) is written, with a warning that it is not pinned: the build refuses it
 * unless the user allows that package.
 */
function refuseUnfetchable(resolution: Resolution, lock: string, io: Io): void {
  const missing: string[] = [];
  for (const p of Object.values(resolution.packages)) {
    const { source } = p!;
    if ((source.type === 'wheel' || source.type === 'sdist') && (source.url === null || source.hash === null)) missing.push(`${p!.name} ${p!.version}`);
    if (source.type === 'conda' && source.hash === null) missing.push(`${p!.name} ${p!.version}`);
    if (source.type === 'url' && source.hash === null) {
      warn(io, `${lock}: ${p!.name} is not pinned: it comes from ${source.url} without a hash, so nothing checks the file a build gets. Give one in the requirement (--hash=sha256:… or #sha256=…); else the build refuses it, and ${allowUnpinnedHint(p!.name)}`);
    }
  }
  if (missing.length === 0) return;
  throw new MachNixError(
    `no URL or hash is known for the files of ${missing.length} package${missing.length === 1 ? '' : 's'} (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}), so a build could not fetch them; ` +
      'the dependency data has no file records: give the nix-pypi-fetcher-2 folder with --files-db DIR, or an index built with `mach-nix db build --files DIR`. Nothing was written',
  );
}
