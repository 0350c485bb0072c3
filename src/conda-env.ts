/**
 * conda environment.yml files, both `conda env export` output and hand-written ones, and what
 * mach-nix makes of one given as `requirements` (mach-nix-behaviour.md §4.7).
 *
 * A dependency is a conda match spec (`conda-spec.ts`, its environment form): `name`, `name=1.2`
 * (conda's fuzzy form: any 1.2.x), `name=1.2.3=build` (the export form, exact), `name 1.2.3 [build]`,
 * `name==1.2`, `name>=1.0,<2`, `name 1.*|2.*`, each optionally prefixed with `channel::`. A mapping
 * `{pip: [...]}` inside `dependencies` holds pip requirement lines, read like lines of a
 * requirements file (`parseRequirementLine`: `--hash` and `-e` allowed, `-r`/`-c` and global
 * options refused since conda would apply them to the whole pip run).
 *
 * Improvements over mach-nix: a dependency need not have all three `=`-separated parts, the `pip:`
 * list is supported, `nodefaults` is understood, and an environment without channels uses
 * `defaults`, as conda does.
 */
import { posix as path } from 'node:path';
import * as v from 'valibot';
import { builtOnFirstUse } from './built-on-first-use.js';
import { mapping } from './validation.js';
import type { CST, Document, LineCounter } from 'yaml';
import { InvalidMatchSpec, matchSpecVersions, parseMatchSpec } from './conda-spec.js';
import { InputFileError, type SourceLocation } from './errors.js';
import { yaml } from './on-demand.js';
import { canonicalizeName } from './pep503.js';
import { type RequirementLine, parseRequirementLine } from './requirements-txt.js';

export interface CondaDependency {
  /** The package name as written. */
  name: string;
  /**
   * The version constraint in the syntax `parseCondaVersionSpec` (`conda-spec.ts`) reads (a bare version
   * is exact, `|` separates alternatives); conda's fuzzy `name=1.2` is stored as `1.2.*`. Null
   * when none is given.
   */
  version: string | null;
  /** The build string (pattern) as written; null when none is given. */
  build: string | null;
  /** The channel of `channel::name`; null when none is given. */
  channel: string | null;
  /** The entry as written. */
  text: string;
  source: SourceLocation;
}

export interface CondaEnvironment {
  name: string | null;
  /** As written, in order. */
  channels: string[];
  dependencies: CondaDependency[];
  /** The entries of the `pip:` lists, in order. */
  pip: RequirementLine[];
}

const schemas = builtOnFirstUse(() => {
  const name = v.nullable(v.string('must be a string'));
  const channels = v.nullable(v.array(v.string('must be a channel name'), 'must be a list of channel names'));
  const dependencies = v.nullable(
    v.array(
      v.union([v.string(), mapping(v.record(v.string(), v.unknown()), 'must be a mapping')], 'must be a conda package spec or a {pip: [...]} mapping'),
      'must be a list',
    ),
  );
  return {
    environmentDocument: mapping(
      v.looseObject({ name: v.optional(name), channels: v.optional(channels), dependencies: v.optional(dependencies) }),
      'must be a mapping',
    ),
    pipEntry: v.strictObject(
      { pip: v.nullable(v.array(v.string('must be a requirement string'), 'must be a list of requirement strings')) },
      'must be a {pip: [...]} mapping',
    ),
  };
});

type YamlPath = readonly (string | number)[];

/**
 * How deeply lists and mappings may nest: the yaml library builds documents recursively, so far
 * deeper nesting would exhaust the stack; an environment.yml nests three levels.
 */
export const MAX_YAML_NESTING = 100;
/**
 * How many nodes aliases may add to a document by expanding (a "billion laughs" document is a few
 * lines whose aliases expand exponentially). The yaml library's `maxAliasCount` limits how often
 * an anchor is used, not how big what it names is.
 */
export const MAX_ALIAS_EXPANSION = 10_000;

/** Parses the text of an environment.yml; `file` names it in errors. */
export function parseEnvironmentYml(text: string, file: string): CondaEnvironment {
  const { LineCounter, Parser } = yaml();
  // One syntax tree, checked for depth before the (recursive) composer builds the document from it.
  const lineCounter = new LineCounter();
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const tooDeep = firstTooDeep(tokens);
  if (tooDeep !== null) {
    throw new InputFileError(
      { file, line: lineCounter.linePos(tooDeep).line },
      `lists and mappings nest deeper than ${MAX_YAML_NESTING} levels, the limit`,
    );
  }
  const document = composeFirstError(tokens, text.length);
  const syntaxError = document.errors[0];
  if (syntaxError) {
    // Errors found at the end of the input (an unclosed bracket) are reported on its last line.
    const { line } = lineCounter.linePos(Math.min(syntaxError.pos[0], text.trimEnd().length));
    throw new InputFileError({ file, line }, `invalid YAML: ${firstLine(syntaxError.message)}`);
  }
  const locate = (yamlPath: YamlPath): SourceLocation => locationOf(document, lineCounter, file, yamlPath);

  const expansion = aliasExpansion(document);
  if (expansion.cycle !== null) {
    const range = (expansion.cycle as { range?: [number, number, number] }).range;
    throw new InputFileError({ file, ...(range ? { line: lineCounter.linePos(range[0]).line } : {}) }, 'invalid YAML: an alias refers to the node it is part of');
  }
  if (expansion.added > MAX_ALIAS_EXPANSION) {
    throw new InputFileError({ file }, `invalid YAML: its aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes, the limit`);
  }
  let content: unknown;
  try {
    content = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // Only alias expansion can fail here (too many aliases: a "billion laughs" document).
    throw new InputFileError({ file }, `invalid YAML: ${firstLine((error as Error).message)}`);
  }
  if (content === null || content === undefined) throw new InputFileError({ file }, 'is empty: expected a mapping with dependencies');
  const checked = v.safeParse(schemas().environmentDocument, content, { abortEarly: true });
  if (!checked.success) throw shapeError(checked.issues[0], [], locate);
  const environment = checked.output;

  const dependencies: CondaDependency[] = [];
  const pip: RequirementLine[] = [];
  const baseDir = path.dirname(file);
  (environment.dependencies ?? []).forEach((entry, index) => {
    if (typeof entry === 'string') {
      dependencies.push(parseCondaDependency(entry, locate(['dependencies', index])));
      return;
    }
    if (!Object.hasOwn(entry, 'pip')) {
      const keys = Object.keys(entry).map((key) => JSON.stringify(key)).join(', ');
      throw new InputFileError(locate(['dependencies', index]), `a mapping in dependencies must be {pip: [...]}, not one with ${keys || 'no keys'}`);
    }
    const pipEntry = v.safeParse(schemas().pipEntry, entry, { abortEarly: true });
    if (!pipEntry.success) throw shapeError(pipEntry.issues[0], ['dependencies', index], locate);
    (pipEntry.output.pip ?? []).forEach((line, pipIndex) => {
      pip.push(parseRequirementLine(line, locate(['dependencies', index, 'pip', pipIndex]), baseDir));
    });
  });
  return { name: environment.name ?? null, channels: environment.channels ?? [], dependencies, pip };
}

/**
 * mach-nix's detection of an environment.yml given as `requirements` text (§4.7), loosened: a
 * top-level `dependencies:` key anywhere (on the first line, with CRLF line ends, a trailing
 * comment or a flow list) is enough, since no requirements line can have that form; mach-nix
 * wanted both `\nchannels:\n` and `\ndependencies:\n`.
 */
export function looksLikeEnvironmentYml(text: string): boolean {
  return /^dependencies[ \t]*:(?:[ \t]|\r?$)/m.test(text);
}

/**
 * The requirements and provider channels mach-nix derives from an environment (§4.7): names
 * starting with `_` and `conda` are not requirements, `python` gives the Python version, a build
 * that only pins the Python or a build number (`py37_0`, `0`, `*`) is dropped; the `pip:`
 * requirements are appended. Channels become provider names (`defaults` → `conda/main`,
 * `conda/r`; others `conda/<channel>`), in order without duplicates; `nodefaults` is not a channel,
 * and no channels at all means `defaults`. Per-dependency `channel::` prefixes do not add channels.
 */
export function condaRequirements(environment: CondaEnvironment): {
  requirements: RequirementLine[];
  channels: string[];
  python: string | null;
} {
  const requirements: RequirementLine[] = [];
  let python: string | null = null;
  for (const dependency of environment.dependencies) {
    const name = dependency.name.toLowerCase();
    if (name === 'python') {
      python ??= pythonVersion(dependency.version);
      continue;
    }
    if (name.startsWith('_') || name === 'conda') continue;
    requirements.push({
      kind: 'conda',
      name: dependency.name,
      key: canonicalizeName(dependency.name),
      extras: [],
      anyOf: matchSpecVersions(dependency),
      build: dependency.build === null || UNPINNED_BUILD.test(dependency.build) ? null : dependency.build,
      marker: null,
      hashes: [],
      source: dependency.source,
    });
  }
  for (const item of environment.pip) requirements.push(item);
  return { requirements, channels: providerChannels(environment.channels), python };
}

/** Builds that pin only the Python version or a build number, which mach-nix ignores. */
const UNPINNED_BUILD = /^(?:py\d+_\d+|\d+|\*)$/;

/** `3.7` from `3.7.3`, `3.7.*`, `==3.7`; null for ranges or a bare major version. */
function pythonVersion(version: string | null): string | null {
  const match = /^(?:==)?(\d+)\.(\d+)(?:\.[0-9*][^,|]*)?$/.exec(version ?? '');
  return match ? `${match[1]}.${match[2]}` : null;
}

function providerChannels(channels: readonly string[]): string[] {
  const named = channels.filter((channel) => channel !== 'nodefaults');
  const providers = (named.length > 0 ? named : ['defaults']).flatMap((channel) =>
    channel === 'defaults' ? ['conda/main', 'conda/r'] : [`conda/${channel}`],
  );
  return [...new Set(providers)];
}

// ---------------------------------------------------------------------------------------------
// Dependencies
// ---------------------------------------------------------------------------------------------

function parseCondaDependency(text: string, source: SourceLocation): CondaDependency {
  try {
    const { name, version, build, channel } = parseMatchSpec(text, 'environment');
    return { name, version, build, channel, text, source };
  } catch (error) {
    if (error instanceof InvalidMatchSpec) throw new InputFileError(source, `invalid conda dependency ${JSON.stringify(text)}: ${error.reason}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Limits: nesting and alias expansion, both measured without recursion
// ---------------------------------------------------------------------------------------------

/** The offset of the first collection nested deeper than `MAX_YAML_NESTING`, from the syntax tree. */
function firstTooDeep(tokens: readonly CST.Token[]): number | null {
  // children pushed in reverse, so they are visited in file order and the first found is the first
  const stack: { token: CST.Token | undefined; depth: number }[] = tokens.map((token) => ({ token, depth: 0 })).reverse();
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token === undefined) continue;
    if (token.type === 'document') {
      stack.push({ token: token.value, depth });
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth >= MAX_YAML_NESTING) return token.offset;
      for (const item of [...token.items].reverse()) {
        stack.push({ token: item.value, depth: depth + 1 });
        if ('key' in item) stack.push({ token: item.key ?? undefined, depth: depth + 1 });
      }
    }
  }
  return null;
}

/**
 * `parseDocument` keeping only the first error. The library records every error as an Error
 * object (stack trace and all): 100,000 stray commas took seconds; only the first is reported.
 * The hook is the Composer's `onError`, private in its types (yaml is pinned exactly; the
 * fuzzing test would catch a change).
 */
function composeFirstError(tokens: readonly CST.Token[], length: number): Document {
  const { Composer, YAMLParseError } = yaml();
  const composer = new Composer({});
  const hooked = composer as unknown as { onError: (source: unknown, code: unknown, message: unknown, warning?: boolean) => void };
  const record = hooked.onError;
  let errors = 0;
  hooked.onError = (source, code, message, warning) => {
    if (warning) return;
    if (errors++ === 0) record(source, code, message, warning);
  };
  let document: Document | null = null;
  for (const composed of composer.compose(tokens, true, length)) {
    if (document === null) {
      document = composed;
    } else {
      if (document.errors.length === 0) document.errors.push(new YAMLParseError([composed.range[0], composed.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  return document!;
}

/**
 * How many nodes expanding every alias adds, in one pass in document order (an alias names the
 * last anchor before it, whose size is then known); `cycle` is an alias inside its own anchor.
 */
function aliasExpansion(document: Document): { added: number; cycle: unknown } {
  const { isAlias, isCollection, isPair } = yaml();
  const anchored = new Map<string, unknown>();
  const sizes = new Map<unknown, number>();
  let added = 0;
  // Post-order walk with an explicit stack: a frame's size is complete when its children are.
  const stack: { node: unknown; children: unknown[]; size: number }[] = [];
  const enter = (node: unknown): number | null => {
    if (isAlias(node)) {
      const size = sizes.get(anchored.get(node.source));
      if (size === undefined) return anchored.has(node.source) ? -1 : 1;
      added += size;
      return size;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor !== undefined) anchored.set(anchor, node);
    if (isCollection(node)) {
      stack.push({ node, children: node.items.flatMap((item) => (isPair(item) ? [item.key, item.value] : [item])).reverse(), size: 1 });
      return null;
    }
    sizes.set(node, 1);
    return 1;
  };
  const root = enter(document.contents);
  if (root === -1) return { added, cycle: document.contents };
  while (stack.length > 0) {
    const frame = stack.at(-1)!;
    if (frame.children.length === 0) {
      stack.pop();
      sizes.set(frame.node, frame.size);
      if (stack.length > 0) stack.at(-1)!.size += frame.size;
      continue;
    }
    const child = frame.children.pop();
    const size = enter(child);
    if (size === -1) return { added, cycle: child };
    if (size !== null) frame.size += size;
    if (added > MAX_ALIAS_EXPANSION) break;
  }
  return { added, cycle: null };
}

// ---------------------------------------------------------------------------------------------
// Locations and shape errors
// ---------------------------------------------------------------------------------------------

/** The line of the node at `yamlPath` (or of its nearest existing ancestor) and its key path. */
function locationOf(document: Document, lineCounter: LineCounter, file: string, yamlPath: YamlPath): SourceLocation {
  const key = keyPath(yamlPath);
  for (let length = yamlPath.length; length >= 0; length--) {
    const node = length === 0 ? document.contents : document.getIn(yamlPath.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return { file, line: lineCounter.linePos(range[0]).line, ...(key === '' ? {} : { key }) };
  }
  return key === '' ? { file } : { file, key };
}

/** `dependencies[3].pip[0]` */
function keyPath(yamlPath: YamlPath): string {
  return yamlPath.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function shapeError(issue: v.BaseIssue<unknown>, prefix: YamlPath, locate: (yamlPath: YamlPath) => SourceLocation): InputFileError {
  const yamlPath = [...prefix, ...(issue.path ?? []).map((item) => item.key as string | number)];
  const location = locate(yamlPath);
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    return new InputFileError(location, `unexpected key ${JSON.stringify(yamlPath.at(-1))} (${issue.message})`);
  }
  return new InputFileError(location, `${issue.message}, not ${describeValue(issue.input)}`);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `the date ${value.toISOString()}`;
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return String(value);
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}
