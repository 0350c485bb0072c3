/**
 * `mach-nix lock`: writes the lock file mkPython reads with `lockFile` (no import-from-derivation
 * then). The request is the one mkPython makes from the same arguments — the requirements file's
 * exact content, the interpreter's full version, the platform — so its hash matches.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { InputFileError, UsageError } from '../errors.js';
import { answer } from '../lock/answer.js';
import { writeDocument } from '../lock/document.js';
import { makeRequest } from '../lock/request.js';
import type { RegisterCommands } from './io.js';
import { type DataFlags, type ProviderFlags, type TargetFlags, addDataOptions, addProviderOptions, addTargetOptions, condaChannelsFromFlags, openData, providersJson, targetFromFlags } from './options.js';

interface LockFlags extends TargetFlags, DataFlags, ProviderFlags {
  requirement?: string;
  output: string;
}

export const registerLockCommand: RegisterCommands = (program, io) => {
  const command = new Command('lock')
    .description("write the lock file mkPython reads with lockFile = ./mach-nix.lock.json (no import-from-derivation); give mkPython's arguments")
    .option('-r, --requirement <file>', 'the requirements.txt or environment.yml that mkPython gets as `requirements`');
  addTargetOptions(command);
  addDataOptions(command);
  addProviderOptions(command);
  command.option('-o, --output <file>', 'where to write it', 'mach-nix.lock.json').action((flags: LockFlags) => {
    if (flags.requirement === undefined) throw new UsageError('-r FILE is required: the requirements mkPython gets');
    const target = targetFromFlags(flags);
    let requirements: string;
    try {
      requirements = readFileSync(flags.requirement, 'utf8');
    } catch (error) {
      throw new InputFileError({ file: flags.requirement }, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const source = openData(flags);
    try {
      const request = makeRequest({
        requirements,
        ...target,
        providers: providersJson(flags.providers, '--providers') ?? {},
        providerDefaults: providersJson(flags.providerDefaults, '--provider-defaults') ?? null,
        condaChannels: condaChannelsFromFlags(flags),
        cudaVersion: flags.cuda ?? null,
        dataTimestamp: source.info().depsTimestamp,
      });
      const outcome = answer(request, source);
      if (!outcome.ok) throw outcome.error;
      writeDocument(flags.output, outcome.resolution);
      io.stdout(`wrote ${flags.output}: ${Object.keys(outcome.resolution.packages).length} packages, input hash ${outcome.resolution.inputHash}\n`);
    } finally {
      source.close();
    }
  });
  program.addCommand(command);
};
