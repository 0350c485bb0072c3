/**
 * pyproject.toml: the parts that decide what an environment needs.
 *
 * - PEP 621 `[project]`: `name`, `version`, `dynamic`, `requires-python`, `dependencies`,
 *   `optional-dependencies` (extra names compared PEP 503-normalised, PEP 685);
 * - PEP 518 `[build-system]`: `requires`, `build-backend`, `backend-path`;
 * - PEP 735 `[dependency-groups]`: lists of requirements and `{include-group = "name"}` tables,
 *   expanded in place (group names compared normalised).
 *
 * Absent tables give empty or null values. Everything present is checked: a wrong type, an
 * invalid requirement, name, version or specifier is an error located by its key path
 * (`pyproject.toml (project.dependencies[2])`, indices 0-based); TOML syntax errors by line.
 */
import { smolToml } from './on-demand.js';
import * as v from 'valibot';
import { builtOnFirstUse } from './built-on-first-use.js';
import { mapping, ownRecord } from './validation.js';
import { InputFileError, InvalidRequirement, NotUtf8Error, ParseError, type SourceLocation } from './errors.js';
import { SpecifierSet, Version } from './pep440.js';
import { canonicalizeName, isValidName } from './pep503.js';
import { type Requirement, parseRequirement } from './pep508.js';
import { explainRequirementError } from './requirement-mistakes.js';
import { readUtf8File } from './utf8-text.js';

export interface BuildSystem {
  requires: Requirement[];
  buildBackend: string | null;
  backendPath: string[];
}

export interface Pyproject {
  /** `project.name` as written; null without a `[project]` table. */
  name: string | null;
  /** `project.version` as written (checked to be PEP 440); null when absent or dynamic. */
  version: string | null;
  dynamic: string[];
  requiresPython: SpecifierSet | null;
  dependencies: Requirement[];
  /** Keyed by PEP 503-normalised extra name, in file order. */
  optionalDependencies: Record<string, Requirement[]>;
  /** PEP 735 groups keyed by normalised name, in file order, with `include-group` expanded. */
  dependencyGroups: Record<string, Requirement[]>;
  buildSystem: BuildSystem | null;
}

const includeGroup = () => v.strictObject({ 'include-group': v.string() });
type GroupEntry = string | v.InferOutput<ReturnType<typeof includeGroup>>;

const pyprojectDocument = builtOnFirstUse(() => {
  const string = v.string('must be a string');
  const strings = v.array(string, 'must be an array of strings');
  const requirements = v.array(v.string('must be a requirement string'), 'must be an array of requirement strings');
  const projectTable = mapping(
    v.looseObject({
      name: string,
      version: v.optional(string),
      dynamic: v.optional(strings),
      'requires-python': v.optional(string),
      dependencies: v.optional(requirements),
      'optional-dependencies': v.optional(ownRecord(requirements, 'must be a table of requirement arrays')),
    }),
    'must be a table',
  );
  const buildSystemTable = mapping(
    v.looseObject({
      requires: requirements,
      'build-backend': v.optional(string),
      'backend-path': v.optional(strings),
    }),
    'must be a table',
  );
  const dependencyGroupsTable = ownRecord(
    v.array(
      v.union([v.string(), includeGroup()], 'must be a requirement string or an {include-group = "…"} table'),
      'must be an array',
    ),
    'must be a table',
  );
  return v.looseObject({
    project: v.optional(projectTable),
    'build-system': v.optional(buildSystemTable),
    'dependency-groups': v.optional(dependencyGroupsTable),
  });
});

/** Parses the text of a pyproject.toml; `file` names it in errors. */
export function parsePyproject(text: string, file: string): Pyproject {
  const { TomlError, parse: parseToml } = smolToml();
  let document: unknown;
  try {
    document = parseToml(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = (error.message.split('\n', 1)[0] ?? '').replace(/^Invalid TOML document: /, '');
      throw new InputFileError({ file, line: error.line }, `invalid TOML: ${reason}`);
    }
    throw error;
  }
  const checked = v.safeParse(pyprojectDocument(), document, { abortEarly: true });
  if (!checked.success) throw shapeError(file, checked.issues[0]);
  const { project, 'build-system': buildSystem, 'dependency-groups': groups } = checked.output;
  const at = (...path: (string | number)[]): SourceLocation => ({ file, key: keyPath(path) });

  const dynamic = project?.dynamic ?? [];
  for (const [index, field] of dynamic.entries()) {
    // PEP 621: the name is the one field a build backend may not compute.
    if (field === 'name') throw new InputFileError(at('project', 'dynamic', index), 'name cannot be dynamic');
    if (project && Object.hasOwn(project, field)) {
      throw new InputFileError(at('project', 'dynamic', index), `${field} is listed as dynamic but also given in [project]`);
    }
  }
  if (project && !isValidName(project.name)) {
    throw new InputFileError(at('project', 'name'), `invalid project name ${JSON.stringify(project.name)}`);
  }
  const version = project?.version;
  if (version !== undefined) located(() => Version.parse(version), at('project', 'version'));
  const requiresPython = project?.['requires-python'];

  return {
    name: project?.name ?? null,
    version: version ?? null,
    dynamic,
    requiresPython:
      requiresPython === undefined ? null : located(() => SpecifierSet.parse(requiresPython), at('project', 'requires-python')),
    dependencies: requirementsAt(project?.dependencies ?? [], (index) => at('project', 'dependencies', index)),
    optionalDependencies: Object.fromEntries(
      normalisedTable(project?.['optional-dependencies'] ?? {}, 'extra', (name) => at('project', 'optional-dependencies', name)).map(
        ([name, written, entries]) => [name, requirementsAt(entries, (index) => at('project', 'optional-dependencies', written, index))],
      ),
    ),
    dependencyGroups: expandGroups(groups ?? {}, at),
    buildSystem: buildSystem
      ? {
          requires: requirementsAt(buildSystem.requires, (index) => at('build-system', 'requires', index)),
          buildBackend: buildSystem['build-backend'] ?? null,
          backendPath: buildSystem['backend-path'] ?? [],
        }
      : null,
  };
}

/** Reads and parses a pyproject.toml file. */
export function readPyproject(path: string): Pyproject {
  let text: string;
  try {
    text = readUtf8File(path);
  } catch (error) {
    if (error instanceof NotUtf8Error) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message).split('\n', 1)[0];
    throw new InputFileError({ file: path }, `cannot read file: ${reason}`);
  }
  return parsePyproject(text, path);
}

/** Runs a parser of one string and reports its error at `location`. */
function located<T>(parse: () => T, location: SourceLocation): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ParseError) throw (error instanceof InvalidRequirement ? explainRequirementError(error) : error).at(location);
    throw error;
  }
}

function requirementsAt(texts: readonly string[], locate: (index: number) => SourceLocation): Requirement[] {
  return texts.map((text, index) => located(() => parseRequirement(text), locate(index)));
}

/**
 * The entries of a table whose keys are names compared normalised (extras, groups), as
 * `[normalised, written, value]` in file order; invalid names and two keys with the same
 * normalised name are errors.
 */
function normalisedTable<T>(
  table: Record<string, T>,
  what: string,
  locate: (written: string) => SourceLocation,
): [string, string, T][] {
  const written = new Map<string, string>();
  return Object.entries(table).map(([name, value]) => {
    if (!isValidName(name)) throw new InputFileError(locate(name), `invalid ${what} name ${JSON.stringify(name)}`);
    const normalised = canonicalizeName(name);
    const earlier = written.get(normalised);
    if (earlier !== undefined) {
      throw new InputFileError(locate(name), `${what} ${JSON.stringify(name)} has the same normalised name as ${JSON.stringify(earlier)} (${normalised})`);
    }
    written.set(normalised, name);
    return [normalised, name, value];
  });
}

/**
 * How many groups deep `include-group` may chain: the expansion recurses, and a stated limit
 * replaces a stack overflow (real projects chain two or three).
 */
export const MAX_GROUP_INCLUDE_DEPTH = 100;

/** PEP 735: every group's requirements with its `include-group` entries replaced by theirs. */
function expandGroups(
  table: Record<string, GroupEntry[]>,
  at: (...path: (string | number)[]) => SourceLocation,
): Record<string, Requirement[]> {
  const groups = new Map(
    normalisedTable(table, 'dependency group', (name) => at('dependency-groups', name)).map(([key, written, entries]) => [
      key,
      { written, entries },
    ]),
  );
  const expanded = new Map<string, Requirement[]>();
  const expand = (key: string, chain: readonly string[]): Requirement[] => {
    const done = expanded.get(key);
    if (done) return done;
    const { written, entries } = groups.get(key)!;
    const requirements = entries.flatMap((entry, index) => {
      const location = at('dependency-groups', written, index);
      if (typeof entry === 'string') return [located(() => parseRequirement(entry), location)];
      const included = canonicalizeName(entry['include-group']);
      if (!groups.has(included)) {
        throw new InputFileError(location, `include-group ${JSON.stringify(entry['include-group'])} names no group of [dependency-groups]`);
      }
      if (chain.includes(included)) {
        const names = [...chain, included].map((name) => groups.get(name)!.written);
        throw new InputFileError(location, `include-group cycle: ${names.join(' -> ')}`);
      }
      if (chain.length >= MAX_GROUP_INCLUDE_DEPTH) {
        throw new InputFileError(location, `include-group chains more than ${MAX_GROUP_INCLUDE_DEPTH} groups deep, the limit (${groups.get(chain[0]!)!.written} -> … -> ${written})`);
      }
      return expand(included, [...chain, included]);
    });
    expanded.set(key, requirements);
    return requirements;
  };
  return Object.fromEntries([...groups.keys()].map((key) => [key, expand(key, [key])]));
}

/** `project.optional-dependencies."a.b"[0]`: TOML's dotted key syntax plus array indices. */
function keyPath(path: readonly (string | number)[]): string {
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      const key = /^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part);
      return index === 0 ? key : `.${key}`;
    })
    .join('');
}

function shapeError(file: string, issue: v.BaseIssue<unknown>): InputFileError {
  const path = (issue.path ?? []).map((item) => item.key as string | number);
  const location = { file, key: path.length > 0 ? keyPath(path) : undefined };
  if (issue.input === undefined) return new InputFileError(location, 'is missing');
  return new InputFileError(location, `${issue.message}, not ${describeValue(issue.input)}`);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return `the date ${value.toISOString()}`;
  if (typeof value === 'object' && value !== null) return 'a table';
  return String(value);
}
