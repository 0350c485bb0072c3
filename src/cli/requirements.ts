/**
 * `mach-nix requirements`: what mach-nix reads from the given inputs, one normalised requirement
 * per line with the place it came from — a quick check of how a file is understood.
 */
import { Command } from 'commander';
import { UsageError, formatLocation } from '../errors.js';
import { type Inputs, readInputs, requirementLineText } from '../inputs.js';
import type { RequirementLine } from '../requirements-txt.js';
import { deferOptions } from './deferred-options.js';
import type { RegisterCommands } from './io.js';
import { collect } from './options.js';

/** A line as read: its kind and text, the URL or location it names, its hashes, its place. */
function lineJson(line: RequirementLine) {
  return {
    kind: line.kind,
    text: requirementLineText(line),
    ...(line.kind === 'requirement' ? { name: line.requirement.key, url: line.requirement.url } : {}),
    ...(line.kind === 'conda' ? { name: line.key } : {}),
    ...(line.kind === 'editable' || line.kind === 'path' ? { location: line.target } : {}),
    hashes: line.kind === 'editable' ? [] : line.hashes,
    source: formatLocation(line.source),
  };
}

/** Everything mach-nix read, so that a user can see what it understood. */
export function inputsJson(inputs: Inputs) {
  const { given, ...options } = inputs.options;
  return {
    requirements: inputs.requirements.map(lineJson),
    constraints: inputs.constraints.map(lineJson),
    buildRequirements: inputs.buildRequirements.map(lineJson),
    requiresPython: inputs.requiresPython.map(({ specifier, source }) => ({ specifier: specifier.toString(), source: formatLocation(source) })),
    options: { ...options, given: given.map(({ option, value, source }) => ({ option, value, source: formatLocation(source) })) },
    condaChannels: inputs.condaChannels,
    python: inputs.python,
    files: inputs.files,
  };
}

export const registerRequirementsCommand: RegisterCommands = (program, io) => {
  const command = new Command('requirements')
    .description('show the requirements mach-nix reads from requirements.txt, pyproject.toml or environment.yml files')
    .argument('[requirement...]', 'requirement strings, e.g. "requests>=2"');
  deferOptions(command, () =>
    command
      .option('-r, --requirement <file>', 'a requirements.txt, pyproject.toml or environment.yml file (repeatable)', collect, [])
      .option('--extra <name>', 'an extra of the pyproject.toml project to include (repeatable)', collect, [])
      .option('--group <name>', 'a PEP 735 dependency group of the pyproject.toml to include (repeatable)', collect, [])
      .option('--json', 'print JSON'),
  );
  program.addCommand(
    command.action((requirements: string[], options: { requirement: string[]; extra: string[]; group: string[]; json?: boolean }) => {
        if (requirements.length === 0 && options.requirement.length === 0) {
          throw new UsageError('nothing to show: give requirement strings or -r FILE');
        }
        const inputs = readInputs({ files: options.requirement, requirements, extras: options.extra, groups: options.group });
        if (options.json) {
          io.stdout(`${JSON.stringify(inputsJson(inputs), null, 2)}\n`);
          return;
        }
        const rows = [
          ...inputs.requirements.map((line) => [requirementLineText(line), formatLocation(line.source)]),
          ...inputs.constraints.map((line) => [`constraint: ${requirementLineText(line)}`, formatLocation(line.source)]),
          ...inputs.buildRequirements.map((line) => [`build: ${requirementLineText(line)}`, formatLocation(line.source)]),
          ...inputs.requiresPython.map(({ specifier, source }) => [`requires-python: ${specifier}`, formatLocation(source)]),
          ...inputs.options.given.map(({ option, value, source }) => [`option: ${option}${value === null ? '' : ` ${value}`}`, formatLocation(source)]),
        ];
        const width = Math.max(0, ...rows.map(([text]) => text!.length));
        for (const [text, place] of rows) io.stdout(`${text!.padEnd(width)}  # ${place}\n`);
      }),
  );
};
