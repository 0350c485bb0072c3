/**
 * `mach-nix gen`: one Nix expression that builds the environment as it is (`nix-build FILE`):
 * mkPython of the requirements, its sources pinned by hash as function arguments with defaults,
 * its lock inline — so building it needs no resolution, and no network beyond the pinned files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { genExpression } from '../nix/expressions.js';
import { checkOwnPin, lockInputs } from '../nix/pins.js';
import { nixString } from '../nix/strings.js';
import { pinLocalFiles } from '../lock/local-files.js';
import { os, writeFileAtomic } from '../on-demand.js';
import { checkRequiresPython, requirementsText } from '../lock/requirements-text.js';
import { toolVersion } from '../version.js';
import { type EnvironmentFlags, addEnvironmentOptions, lockWithNix, referencesFromFlags, settingsFromFlags } from './environment-options.js';
import { deferOptions } from './deferred-options.js';
import { type RegisterCommands, warn } from './io.js';

interface GenFlags extends EnvironmentFlags {
  output?: string;
}

export const registerGenCommand: RegisterCommands = (program, io) => {
  const command = new Command('gen')
    .description('write a Nix expression of the environment that nix-build builds as it is: pinned sources, the lock inline')
    .argument('[requirement...]', 'requirement strings, e.g. "requests>=2" (mkPython gets them one per line)');
  deferOptions(command, () => addEnvironmentOptions(command).option('-o, --output <file>', 'write it to this file (default: print it)'));
  command
    .action((strings: string[], flags: GenFlags) => {
      const settings = settingsFromFlags(flags);
      const { text, inputs } = requirementsText({ files: flags.requirement, requirements: strings, extras: flags.extra, groups: flags.group }, null);
      const { references, own } = referencesFromFlags(flags);
      if (own?.note) warn(io, own.note);
      const pins = lockInputs(references, own, { interactive: io.tty === true });
      if (own !== null) checkOwnPin(own, pins);
      const from = flags.requirement.length > 0 ? flags.requirement.join(', ') : 'the requirements given';
      const generator = `mach-nix ${toolVersion()}`;
      const parts = { settings, requirements: text, pins, from, generator };
      const scratch = mkdtempSync(join(os().tmpdir(), 'mach-nix-gen-'));
      let lock;
      try {
        const unlocked = join(scratch, 'unlocked.nix');
        writeFileSync(unlocked, genExpression({ ...parts, lock: null }));
        // the resolver in Nix cannot read a `name @ file:///…` file: its hash is recorded here
        lock = pinLocalFiles(lockWithNix(`(import ${nixString(unlocked)} { }).lock`, io), flags.output ?? 'the expression');
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      checkRequiresPython(inputs, lock.target.python);
      const expression = genExpression({ ...parts, lock });
      if (flags.output === undefined) {
        io.stdout(expression);
        return;
      }
      writeFileAtomic().sync(flags.output, expression);
      io.stdout(`wrote ${flags.output}: ${Object.keys(lock.packages).length} packages for Python ${lock.target.python} on ${lock.target.platform}; nix-build ${flags.output} builds it\n`);
    });
  program.addCommand(command);
};
