/**
 * `mach-nix requirements`: what mach-nix reads from the given inputs, one normalised requirement
 * per line with the place it came from — a quick check of how a file is understood.
 */
import { Command } from 'commander';
import { formatLocation } from '../errors.js';
import { type Inputs, readInputs, requirementLineText } from '../inputs.js';
import type { RequirementLine } from '../requirements-txt.js';
import type { RegisterCommands } from './io.js';
import { collect } from './options.js';

function lineJson(line: RequirementLine) {
  return { kind: line.kind, text: requirementLineText(line), source: formatLocation(line.source) };
}

export function inputsJson(inputs: Inputs) {
  return {
    requirements: inputs.requirements.map(lineJson),
    constraints: inputs.constraints.map(lineJson),
    options: inputs.options,
    condaChannels: inputs.condaChannels,
    python: inputs.python,
    files: inputs.files,
  };
}

export const registerRequirementsCommand: RegisterCommands = (program, io) => {
  program.addCommand(
    new Command('requirements')
      .description('show the requirements mach-nix reads from requirements.txt, pyproject.toml or environment.yml files')
      .argument('[requirement...]', 'requirement strings, e.g. "requests>=2"')
      .option('-r, --requirement <file>', 'a requirements.txt, pyproject.toml or environment.yml file (repeatable)', collect, [])
      .option('--extra <name>', 'an extra of the pyproject.toml project to include (repeatable)', collect, [])
      .option('--group <name>', 'a PEP 735 dependency group of the pyproject.toml to include (repeatable)', collect, [])
      .option('--json', 'print JSON')
      .action((requirements: string[], options: { requirement: string[]; extra: string[]; group: string[]; json?: boolean }) => {
        const inputs = readInputs({ files: options.requirement, requirements, extras: options.extra, groups: options.group });
        if (options.json) {
          io.stdout(`${JSON.stringify(inputsJson(inputs), null, 2)}\n`);
          return;
        }
        const rows = [
          ...inputs.requirements.map((line) => [requirementLineText(line), formatLocation(line.source)]),
          ...inputs.constraints.map((line) => [`constraint: ${requirementLineText(line)}`, formatLocation(line.source)]),
        ];
        const width = Math.max(0, ...rows.map(([text]) => text!.length));
        for (const [text, place] of rows) io.stdout(`${text!.padEnd(width)}  # ${place}\n`);
      }),
  );
};
