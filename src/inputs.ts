/**
 * What a user asks for, gathered from the files and strings they name: requirements.txt files,
 * pyproject.toml (its dependencies, chosen extras and dependency groups), conda environment.yml
 * files, and single requirement strings. The format of a file is told by its name
 * (`pyproject.toml`, `*.toml`; `*.yml`, `*.yaml`), anything else is a requirements file.
 */
import { basename, extname } from 'node:path';
import { InputFileError, NotUtf8Error, type SourceLocation } from './errors.js';
import { canonicalizeName } from './pep503.js';
import type { SpecifierSet } from './pep440.js';
import type { Requirement } from './pep508.js';
import { condaRequirements, looksLikeEnvironmentYml, parseEnvironmentYml } from './conda-env.js';
import { parsePyproject } from './pyproject.js';
import { readUtf8File } from './utf8-text.js';
import {
  type RequirementLine,
  type RequirementsFile,
  type RequirementsOptions,
  applyOption,
  emptyOptions,
  parseRequirementLine,
  parseRequirementsFile,
  parseRequirementsText,
  WORKING_DIRECTORY,
} from './requirements-txt.js';

export interface InputSpec {
  /** Files of any supported format. */
  files?: readonly string[];
  /** Requirement strings, each read like a line of a requirements file. */
  requirements?: readonly string[];
  /** Extras of a pyproject.toml's project to include. */
  extras?: readonly string[];
  /** PEP 735 dependency groups of a pyproject.toml to include. */
  groups?: readonly string[];
}

export interface Inputs {
  requirements: RequirementLine[];
  constraints: RequirementLine[];
  options: RequirementsOptions;
  /** Provider names of conda channels an environment.yml asked for (`conda/main`, …). */
  condaChannels: string[];
  /** The Python `major.minor` an environment.yml pins, if it does. */
  python: string | null;
  /** pyproject.toml's `requires-python`, each with its place: the target must satisfy them. */
  requiresPython: { specifier: SpecifierSet; source: SourceLocation }[];
  /** pyproject.toml's `[build-system].requires`: what building the project needs (`--build-system`). */
  buildRequirements: RequirementLine[];
  /** Every file read. */
  files: string[];
}

function emptyInputs(): Inputs {
  return {
    requirements: [],
    constraints: [],
    options: emptyOptions(),
    condaChannels: [],
    python: null,
    requiresPython: [],
    buildRequirements: [],
    files: [],
  };
}

export function readInputs(spec: InputSpec): Inputs {
  const inputs = emptyInputs();
  const extrasUsed = new Set<string>();
  const groupsUsed = new Set<string>();
  for (const file of spec.files ?? []) {
    const name = basename(file);
    if (name === 'pyproject.toml' || extname(name) === '.toml') {
      addPyproject(inputs, file, spec, extrasUsed, groupsUsed);
    } else if (['.yml', '.yaml'].includes(extname(name))) {
      addEnvironment(inputs, readText(file), file);
    } else {
      addRequirementsFile(inputs, parseRequirementsFile(file));
    }
  }
  (spec.requirements ?? []).forEach((text, i) => {
    inputs.requirements.push(parseRequirementLine(text, { file: 'command line', key: `requirement ${i + 1}` }, WORKING_DIRECTORY));
  });
  const unused = [
    ...(spec.extras ?? []).filter((e) => !extrasUsed.has(canonicalizeName(e))).map((e) => `extra ${JSON.stringify(e)}`),
    ...(spec.groups ?? []).filter((g) => !groupsUsed.has(canonicalizeName(g))).map((g) => `dependency group ${JSON.stringify(g)}`),
  ];
  if (unused.length > 0) {
    throw new InputFileError({ file: 'command line' }, `${unused.join(', ')} not defined by any pyproject.toml given`);
  }
  return inputs;
}

/**
 * Requirements given as text (mkPython's `requirements`): a requirements file's content, or an
 * environment.yml's, told apart the way mach-nix did.
 */
export function readRequirementsText(text: string, origin: { name: string; baseDir?: string }): Inputs {
  const inputs = emptyInputs();
  if (looksLikeEnvironmentYml(text)) addEnvironment(inputs, text, origin.name);
  else addRequirementsFile(inputs, parseRequirementsText(text, origin));
  return inputs;
}

function readText(file: string): string {
  try {
    return readUtf8File(file);
  } catch (error) {
    if (error instanceof NotUtf8Error) throw error;
    throw new InputFileError({ file }, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function addRequirementsFile(inputs: Inputs, parsed: RequirementsFile): void {
  // one by one: push(...list) overflows the stack for ~100,000 lines
  for (const item of parsed.requirements) inputs.requirements.push(item);
  for (const item of parsed.constraints) inputs.constraints.push(item);
  for (const item of parsed.files) inputs.files.push(item);
  // pip reads the files one after the other into one state: the options go on from the last file's.
  for (const line of parsed.options.given) applyOption(inputs.options, line);
}

function addEnvironment(inputs: Inputs, text: string, file: string): void {
  const derived = condaRequirements(parseEnvironmentYml(text, file));
  for (const item of derived.requirements) inputs.requirements.push(item);
  for (const channel of derived.channels) if (!inputs.condaChannels.includes(channel)) inputs.condaChannels.push(channel);
  inputs.python ??= derived.python;
  inputs.files.push(file);
}

function addPyproject(inputs: Inputs, file: string, spec: InputSpec, extrasUsed: Set<string>, groupsUsed: Set<string>): void {
  const project = parsePyproject(readText(file), file);
  const add = (requirements: readonly Requirement[], key: string) =>
    requirements.forEach((requirement, i) => {
      const source: SourceLocation = { file, key: `${key}[${i}]` };
      inputs.requirements.push({ kind: 'requirement', requirement, hashes: [], source });
    });
  add(project.dependencies, 'project.dependencies');
  if (project.requiresPython !== null) inputs.requiresPython.push({ specifier: project.requiresPython, source: { file, key: 'project.requires-python' } });
  project.buildSystem?.requires.forEach((requirement, i) => {
    inputs.buildRequirements.push({ kind: 'requirement', requirement, hashes: [], source: { file, key: `build-system.requires[${i}]` } });
  });
  for (const extra of spec.extras ?? []) {
    const key = canonicalizeName(extra);
    // Own keys only: `--extra constructor` must not find Object.prototype's.
    const requirements = Object.hasOwn(project.optionalDependencies, key) ? project.optionalDependencies[key] : undefined;
    if (requirements) {
      extrasUsed.add(key);
      add(requirements, `project.optional-dependencies.${key}`);
    }
  }
  for (const group of spec.groups ?? []) {
    const key = canonicalizeName(group);
    const requirements = Object.hasOwn(project.dependencyGroups, key) ? project.dependencyGroups[key] : undefined;
    if (requirements) {
      groupsUsed.add(key);
      add(requirements, `dependency-groups.${key}`);
    }
  }
  inputs.files.push(file);
}

/** A requirement line as text, the way a requirements file would say it. */
export function requirementLineText(line: RequirementLine): string {
  switch (line.kind) {
    case 'requirement':
      return line.requirement.toString();
    case 'conda': {
      const extras = line.extras.length ? `[${line.extras.join(',')}]` : '';
      const versions = line.anyOf.map(String).filter((s) => s !== '');
      const version = versions.length ? ` ${versions.join('|')}` : '';
      return `${line.name}${extras}${version}${line.build ? ` ${line.build}` : ''}${line.marker ? `; ${line.marker}` : ''}`;
    }
    case 'editable':
      return `-e ${line.target}${line.extras.length ? `[${line.extras.join(',')}]` : ''}`;
    case 'path':
      return `${line.target}${line.extras.length ? `[${line.extras.join(',')}]` : ''}${line.marker ? `; ${line.marker}` : ''}`;
  }
}
