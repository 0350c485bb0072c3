/**
 * `mach-nix lock`: writes the lock file mkPython reads with `lockFile` (no import-from-derivation
 * then). The request is the one mkPython makes from the same arguments — the requirements file's
 * exact content, the interpreter's full version, the platform — so its hash matches. Against the
 * pinned data with `--deps-db`; otherwise against package indexes (`--index-url`, pip's and uv's
 * configuration, the requirements' own `--index-url`/`--extra-index-url`/`--find-links` lines),
 * whose locations the request records too.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { InputFileError, UsageError } from '../errors.js';
import { readRequirementsText } from '../inputs.js';
import { type Answer, answer } from '../lock/answer.js';
import { writeDocument } from '../lock/document.js';
import { type RequestParts, makeRequest } from '../lock/request.js';
import { parseTarget } from '../target.js';
import type { RegisterCommands } from './io.js';
import {
  type DataFlags,
  type IndexFlags,
  type ProviderFlags,
  type TargetFlags,
  addDataOptions,
  addIndexOptions,
  addProviderOptions,
  addTargetOptions,
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
  requirement?: string;
  output: string;
}

export const registerLockCommand: RegisterCommands = (program, io) => {
  const command = new Command('lock')
    .description("write the lock file mkPython reads with lockFile = ./mach-nix.lock.json (no import-from-derivation); give mkPython's arguments")
    .option('-r, --requirement <file>', 'the requirements.txt or environment.yml that mkPython gets as `requirements`');
  addTargetOptions(command);
  addDataOptions(command);
  addIndexOptions(command);
  addProviderOptions(command);
  command.option('-o, --output <file>', 'where to write it', 'mach-nix.lock.json').action(async (flags: LockFlags) => {
    if (flags.requirement === undefined) throw new UsageError('-r FILE is required: the requirements mkPython gets');
    const target = targetFromFlags(flags);
    let requirements: string;
    try {
      requirements = readFileSync(flags.requirement, 'utf8');
    } catch (error) {
      throw new InputFileError({ file: flags.requirement }, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const parts: Omit<RequestParts, 'dataTimestamp'> = {
      requirements,
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
        outcome = answer(makeRequest({ ...parts, dataTimestamp: source.info().depsTimestamp }), source);
      } finally {
        source.close();
      }
    } else {
      // The request's own reading of the text, for its index lines and the projects to prefetch.
      const inputs = readRequirementsText(requirements, { name: 'requirements' });
      const session = openIndexSession(flags, inputs.options.given, parseTarget(target), io);
      const source = extendData(session.source, flags);
      const request = makeRequest({ ...parts, dataTimestamp: null, index: session.locations });
      outcome = await session.solve(inputs.requirements, () => answer(request, source));
      reportIndexSession(session, flags, io);
    }
    if (!outcome.ok) throw outcome.error;
    writeDocument(flags.output, outcome.resolution);
    io.stdout(`wrote ${flags.output}: ${Object.keys(outcome.resolution.packages).length} packages, input hash ${outcome.resolution.inputHash}\n`);
  });
  program.addCommand(command);
};
