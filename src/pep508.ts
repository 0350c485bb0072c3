/**
 * PEP 508 dependency specifiers: requirement strings (`name[extras] specifiers ; marker`,
 * `name @ url ; marker`) and environment markers, with the grammar and evaluation rules of
 * pypa/packaging 26:
 *
 * - markers compare version-like variables (`python_version`, `python_full_version`,
 *   `implementation_version`, `platform_release`) as PEP 440 versions when the other side forms
 *   a valid specifier, and everything else as strings, where only `==`, `!=`, `in`, `not in` are
 *   meaningful (`<=`/`>=` mean equality, `<`/`>` are never true) and `~=`/`===` are errors;
 * - `extra` names are compared PEP 503-normalised (PEP 685);
 * - every comparison of an expression is evaluated (no short circuit), so an undefined
 *   comparison is an error even where the other operand of `or` is true.
 */
import { boundedCache } from './bounded-cache.js';
import { InvalidMarker, InvalidRequirement, InvalidSpecifier, MarkerEvaluationError } from './errors.js';
import { canonicalizeName } from './pep503.js';
import { SPECIFIER_PATTERN_SOURCE, Specifier, SpecifierSet } from './pep440.js';

// ---------------------------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------------------------

const TOKEN_RULES = {
  LEFT_PARENTHESIS: /\(/y,
  RIGHT_PARENTHESIS: /\)/y,
  LEFT_BRACKET: /\[/y,
  RIGHT_BRACKET: /\]/y,
  SEMICOLON: /;/y,
  COMMA: /,/y,
  QUOTED_STRING: /'[^']*'|"[^"]*"/y,
  OP: /===|==|~=|!=|<=|>=|<|>/y,
  BOOLOP: /\b(?:or|and)\b/y,
  IN: /\bin\b/y,
  NOT: /\bnot\b/y,
  VARIABLE:
    /\b(?:python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)|extras?|dependency_groups)\b/y,
  SPECIFIER: new RegExp(SPECIFIER_PATTERN_SOURCE, 'iy'),
  AT: /@/y,
  URL: /[^ \t]+/y,
  IDENTIFIER: /\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b/y,
  VERSION_PREFIX_TRAIL: /\.\*/y,
  VERSION_LOCAL_LABEL_TRAIL: /\+[a-z0-9]+(?:[-_.][a-z0-9]+)*/y,
  WS: /[ \t]+/y,
  END: /$/y,
} as const;
type TokenName = keyof typeof TOKEN_RULES;

class SyntaxErrorAt extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(reason);
  }
}

/**
 * How deeply parentheses may nest in a marker. packaging's recursive parser stops at Python's
 * recursion limit; real metadata nests a few levels, so a fixed, stated limit replaces a stack overflow.
 */
export const MAX_MARKER_NESTING = 100;

/** Context-sensitive tokenizer: the parser asks whether a given token comes next. */
class Tokenizer {
  position = 0;
  /** Parentheses open around the current position, for `MAX_MARKER_NESTING`. */
  depth = 0;
  constructor(readonly source: string) {}

  /** The text of the token `name` at the current position, or null. */
  peek(name: TokenName): string | null {
    const rule = TOKEN_RULES[name];
    rule.lastIndex = this.position;
    const match = rule.exec(this.source);
    return match ? match[0] : null;
  }

  check(name: TokenName): boolean {
    return this.peek(name) !== null;
  }

  /** Reads the token if it is next; returns its text or null. */
  read(name: TokenName): string | null {
    const text = this.peek(name);
    if (text !== null) this.position += text.length;
    return text;
  }

  consume(name: TokenName): void {
    this.read(name);
  }

  expect(name: TokenName, expected: string): string {
    const text = this.read(name);
    if (text === null) this.fail(`expected ${expected}`);
    return text;
  }

  fail(reason: string, position = this.position): never {
    throw new SyntaxErrorAt(reason, position);
  }

  /** Runs `inner`, optionally wrapped in a pair of enclosing tokens such as `(` `)`. */
  enclosed<T>(open: TokenName, close: TokenName, around: string, inner: () => T): T {
    const openPosition = this.position;
    const opened = this.read(open) !== null;
    const result = inner();
    if (opened && this.read(close) === null) {
      this.fail(`expected matching ${close === 'RIGHT_PARENTHESIS' ? ')' : ']'} for ${open === 'LEFT_PARENTHESIS' ? '(' : '['}, after ${around}`, openPosition);
    }
    return result;
  }
}

// ---------------------------------------------------------------------------------------------
// Markers
// ---------------------------------------------------------------------------------------------

/** Marker variables whose values are compared as versions when possible. */
const VERSION_VARIABLES = new Set(['implementation_version', 'platform_release', 'python_full_version', 'python_version']);
/** Set-valued variables (lock files, PEP 751): only usable as `"name" in extras`. */
const SET_VARIABLES = new Set(['extras', 'dependency_groups']);

export type MarkerVariable =
  | 'python_version'
  | 'python_full_version'
  | 'os_name'
  | 'sys_platform'
  | 'platform_release'
  | 'platform_system'
  | 'platform_version'
  | 'platform_machine'
  | 'platform_python_implementation'
  | 'implementation_name'
  | 'implementation_version'
  | 'extra';

/** The values markers are evaluated against (packaging's `default_environment()` plus `extra`). */
export type MarkerEnvironment = { readonly [K in Exclude<MarkerVariable, 'extra'>]: string } & {
  readonly extra?: string;
  readonly extras?: readonly string[];
  readonly dependency_groups?: readonly string[];
};

type Operand = { readonly kind: 'variable'; readonly name: string } | { readonly kind: 'value'; readonly value: string };
interface MarkerItem {
  readonly lhs: Operand;
  readonly op: string;
  readonly rhs: Operand;
}
/** packaging's marker tree: atoms (comparisons or parenthesised lists) joined by `and`/`or`. */
type MarkerList = readonly (MarkerAtom | 'and' | 'or')[];
type MarkerAtom = MarkerItem | MarkerList;

function isItem(node: MarkerAtom | 'and' | 'or'): node is MarkerItem {
  return typeof node === 'object' && !Array.isArray(node);
}

export class Marker {
  private constructor(private readonly tree: MarkerList) {}

  /** Parses a marker expression; throws `InvalidMarker`. */
  static parse(text: string): Marker {
    const tokenizer = new Tokenizer(text);
    try {
      const tree = parseMarkerList(tokenizer);
      tokenizer.expect('END', 'end of marker expression');
      return Marker.fromTree(tree);
    } catch (error) {
      if (error instanceof SyntaxErrorAt) throw new InvalidMarker(text, describe(error));
      throw error;
    }
  }

  /** @internal parsed as part of a requirement */
  static fromTree(tree: MarkerList): Marker {
    return new Marker(normalizeExtraLiterals(tree));
  }

  /**
   * Evaluates the marker. `extra` defaults to "" (no extra requested). Throws
   * `MarkerEvaluationError` where packaging raises (undefined comparison, unknown variable).
   */
  evaluate(environment: MarkerEnvironment): boolean {
    return evaluateList(this.tree, environment);
  }

  /** Whether the marker mentions the `extra` variable anywhere. */
  get mentionsExtra(): boolean {
    const visit = (list: MarkerList): boolean =>
      list.some((node) =>
        node === 'and' || node === 'or'
          ? false
          : isItem(node)
            ? [node.lhs, node.rhs].some((o) => o.kind === 'variable' && o.name === 'extra')
            : visit(node),
      );
    return visit(this.tree);
  }

  /** packaging's normalised form: double quotes, single spaces, redundant parentheses dropped. */
  toString(): string {
    return formatMarker(this.tree, true);
  }
}

export function parseMarker(text: string): Marker {
  return Marker.parse(text);
}

function parseMarkerList(tokenizer: Tokenizer): MarkerList {
  const expression: (MarkerAtom | 'and' | 'or')[] = [parseMarkerAtom(tokenizer)];
  let boolop: string | null;
  while ((boolop = tokenizer.read('BOOLOP')) !== null) {
    expression.push(boolop as 'and' | 'or', parseMarkerAtom(tokenizer));
  }
  return expression;
}

function parseMarkerAtom(tokenizer: Tokenizer): MarkerAtom {
  tokenizer.consume('WS');
  let atom: MarkerAtom;
  if (tokenizer.check('LEFT_PARENTHESIS')) {
    if (tokenizer.depth >= MAX_MARKER_NESTING) {
      tokenizer.fail(`parentheses nest deeper than ${MAX_MARKER_NESTING} levels, the limit`);
    }
    tokenizer.depth++;
    atom = tokenizer.enclosed('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'marker expression', () => {
      tokenizer.consume('WS');
      const inner = parseMarkerList(tokenizer);
      tokenizer.consume('WS');
      return inner;
    });
    tokenizer.depth--;
  } else {
    atom = parseMarkerItem(tokenizer);
  }
  tokenizer.consume('WS');
  return atom;
}

function parseMarkerItem(tokenizer: Tokenizer): MarkerItem {
  tokenizer.consume('WS');
  const lhs = parseMarkerOperand(tokenizer);
  tokenizer.consume('WS');
  const op = parseMarkerOp(tokenizer);
  tokenizer.consume('WS');
  const rhs = parseMarkerOperand(tokenizer);
  tokenizer.consume('WS');
  return { lhs, op, rhs };
}

function parseMarkerOperand(tokenizer: Tokenizer): Operand {
  const variable = tokenizer.read('VARIABLE');
  if (variable !== null) {
    const name = variable.replace('.', '_');
    // `python_implementation` is an old spelling of `platform_python_implementation`.
    return { kind: 'variable', name: name === 'python_implementation' ? 'platform_python_implementation' : name };
  }
  const start = tokenizer.position;
  const quoted = tokenizer.read('QUOTED_STRING');
  if (quoted !== null) {
    const value = decodePythonString(quoted);
    if (value === null) tokenizer.fail('invalid quoted string', start);
    return { kind: 'value', value };
  }
  return tokenizer.fail('expected a marker variable or quoted string');
}

function parseMarkerOp(tokenizer: Tokenizer): string {
  if (tokenizer.read('IN') !== null) return 'in';
  if (tokenizer.read('NOT') !== null) {
    tokenizer.expect('WS', "whitespace after 'not'");
    tokenizer.expect('IN', "'in' after 'not'");
    return 'not in';
  }
  const op = tokenizer.read('OP');
  if (op !== null) return op;
  return tokenizer.fail('expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in');
}

/**
 * PEP 685: a literal compared with `extra` (or tested against `extras`) is normalised when the
 * marker is parsed — only in comparisons at the top level of the expression, as packaging 26.2
 * does. Evaluation normalises only the environment's `extra`, so inside parentheses
 * `extra == "Socks"` never matches (packaging 26.2's behaviour, kept for conformance).
 */
function normalizeExtraLiterals(tree: MarkerList): MarkerList {
  return tree.map((node) => (typeof node === 'object' && isItem(node) ? normalizeExtraLiteral(node) : node));
}

function normalizeExtraLiteral(item: MarkerItem): MarkerItem {
  const { lhs, op, rhs } = item;
  if (lhs.kind === 'variable' && lhs.name === 'extra' && rhs.kind === 'value') {
    return { lhs, op, rhs: { kind: 'value', value: canonicalizeName(rhs.value) } };
  }
  if (rhs.kind === 'variable' && (rhs.name === 'extra' || SET_VARIABLES.has(rhs.name)) && lhs.kind === 'value') {
    return { lhs: { kind: 'value', value: canonicalizeName(lhs.value) }, op, rhs };
  }
  return item;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/**
 * The value of a quoted marker string, decoded like a Python string literal (packaging uses
 * `ast.literal_eval`); null where Python would refuse it.
 */
function decodePythonString(quoted: string): string | null {
  const body = quoted.slice(1, -1);
  if (body.includes('\n') || body.includes('\0')) return null;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    if (i === body.length - 1) return null; // the backslash escapes the closing quote
    const next = body[++i]!;
    if (Object.hasOwn(SIMPLE_ESCAPES, next)) {
      out += SIMPLE_ESCAPES[next];
    } else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCodePoint(parseInt(octal, 8));
      i += octal.length - 1;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) return null;
      const codePoint = parseInt(hex, 16);
      if (codePoint > 0x10ffff) return null;
      out += String.fromCodePoint(codePoint);
      i += length;
    } else if (next === 'N') {
      return null; // named escapes (\N{...}) need the Unicode name database; refused
    } else {
      out += '\\' + next; // unknown escapes stay as written, as in Python
    }
  }
  return out;
}

function serializeOperand(operand: Operand): string {
  if (operand.kind === 'variable') return operand.name;
  if (!operand.value.includes('"')) return `"${operand.value}"`;
  if (!operand.value.includes("'")) return `'${operand.value}'`;
  throw new InvalidMarker(operand.value, 'a marker value cannot contain both quote characters');
}

function formatMarker(node: MarkerAtom, first: boolean): string {
  if (isItem(node)) return `${serializeOperand(node.lhs)} ${node.op} ${serializeOperand(node.rhs)}`;
  // A group holding a single atom is redundant: `((a))` is `a`, but the nesting level is kept.
  if (node.length === 1 && typeof node[0] === 'object') return formatMarker(node[0], first);
  const inner = node.map((part) => (part === 'and' || part === 'or' ? part : formatMarker(part, false))).join(' ');
  return first ? inner : `(${inner})`;
}

function lookup(environment: MarkerEnvironment, name: string): string | readonly string[] {
  const env = environment as unknown as Record<string, string | readonly string[] | undefined>;
  if (name === 'extra') {
    const extra = env.extra ?? '';
    return extra === '' ? '' : canonicalizeName(extra as string);
  }
  const value = env[name];
  if (value === undefined) throw new MarkerEvaluationError(`marker variable '${name}' is not defined in the environment`);
  if (name === 'python_full_version' && typeof value === 'string' && value.endsWith('+')) {
    return value + 'local'; // unreleased CPython builds report e.g. "3.13.0+"
  }
  return value;
}

function evaluateList(list: MarkerList, environment: MarkerEnvironment): boolean {
  // `and` binds tighter than `or`: split into or-groups of and-ed results, evaluating every atom.
  const groups: boolean[][] = [[]];
  for (const node of list) {
    if (node === 'or') groups.push([]);
    else if (node === 'and') continue;
    else groups[groups.length - 1]!.push(isItem(node) ? evaluateItem(node, environment) : evaluateList(node, environment));
  }
  return groups.some((group) => group.every(Boolean));
}

function evaluateItem(item: MarkerItem, environment: MarkerEnvironment): boolean {
  let key: string;
  let lhs: string | readonly string[];
  let rhs: string | readonly string[];
  if (item.lhs.kind === 'variable') {
    key = item.lhs.name;
    lhs = lookup(environment, key);
    rhs = item.rhs.kind === 'value' ? item.rhs.value : item.rhs.name;
  } else {
    // A literal on the left: the right-hand operand names the variable.
    key = item.rhs.kind === 'variable' ? item.rhs.name : item.rhs.value;
    lhs = item.lhs.value;
    rhs = lookup(environment, key);
  }
  if (typeof lhs !== 'string') {
    throw new MarkerEvaluationError(`set-valued marker '${key}' can only be used as "<name>" in ${key}`);
  }
  if (SET_VARIABLES.has(key)) {
    lhs = canonicalizeName(lhs);
    rhs = typeof rhs === 'string' ? canonicalizeName(rhs) : rhs.map(canonicalizeName);
  }
  return compare(lhs, item.op, rhs, key);
}

function compare(lhs: string, op: string, rhs: string | readonly string[], key: string): boolean {
  if (VERSION_VARIABLES.has(key) && typeof rhs === 'string') {
    let specifier: Specifier | null = null;
    try {
      specifier = new Specifier(op + rhs);
    } catch (error) {
      if (!(error instanceof InvalidSpecifier)) throw error;
    }
    if (specifier) return specifier.matches(lhs);
  }
  switch (op) {
    case 'in':
      return rhs.includes(lhs);
    case 'not in':
      return !rhs.includes(lhs);
    case '==':
    case '<=':
    case '>=':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case '<':
    case '>':
      return false;
    default:
      throw new MarkerEvaluationError(`undefined comparison ${JSON.stringify(lhs)} ${op} ${JSON.stringify(rhs)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Requirements
// ---------------------------------------------------------------------------------------------

export class Requirement {
  constructor(
    /** The name as written. */
    readonly name: string,
    /** Extras as written, without duplicates, sorted. */
    readonly extras: readonly string[],
    readonly specifier: SpecifierSet,
    /** The direct reference of `name @ url`. */
    readonly url: string | null,
    readonly marker: Marker | null,
  ) {}

  /** PEP 503 name, the identity used everywhere else. */
  get key(): string {
    return canonicalizeName(this.name);
  }

  /** packaging's string form of the requirement. */
  toString(): string {
    let text = this.name;
    if (this.extras.length) text += `[${this.extras.join(',')}]`;
    if (!this.specifier.isEmpty) text += this.specifier.toString();
    if (this.url) text += ` @ ${this.url}` + (this.marker ? ' ' : '');
    if (this.marker) text += `; ${this.marker}`;
    return text;
  }
}

/** Metadata repeats the same requirement strings across thousands of releases. */
const requirementCache = boundedCache<string, Requirement>(100_000);

/** Parses a PEP 508 requirement string; throws `InvalidRequirement`. */
export function parseRequirement(text: string): Requirement {
  const cached = requirementCache.get(text);
  if (cached) return cached;
  const requirement = parseRequirementUncached(text);
  requirementCache.set(text, requirement);
  return requirement;
}

function parseRequirementUncached(text: string): Requirement {
  const tokenizer = new Tokenizer(text);
  let parsed: { name: string; extras: string[]; specifier: string; url: string; marker: MarkerList | null };
  try {
    tokenizer.consume('WS');
    const name = tokenizer.expect('IDENTIFIER', 'package name at the start of dependency specifier');
    tokenizer.consume('WS');
    const extras = parseExtras(tokenizer);
    tokenizer.consume('WS');
    const details = parseRequirementDetails(tokenizer);
    tokenizer.expect('END', 'end of dependency specifier');
    parsed = { name, extras, ...details };
  } catch (error) {
    if (error instanceof SyntaxErrorAt) throw new InvalidRequirement(text, describe(error));
    throw error;
  }
  let specifier: SpecifierSet;
  try {
    specifier = SpecifierSet.parse(parsed.specifier);
  } catch (error) {
    if (error instanceof InvalidSpecifier) throw new InvalidRequirement(text, `invalid version specifier ${JSON.stringify(parsed.specifier)}`);
    throw error;
  }
  return new Requirement(
    parsed.name,
    // Parses are memoised and shared, so nothing about them may be mutable.
    Object.freeze([...new Set(parsed.extras)].sort()),
    specifier,
    parsed.url || null,
    parsed.marker ? Marker.fromTree(parsed.marker) : null,
  );
}

function parseRequirementDetails(tokenizer: Tokenizer): { specifier: string; url: string; marker: MarkerList | null } {
  if (tokenizer.read('AT') !== null) {
    tokenizer.consume('WS');
    const urlStart = tokenizer.position;
    const url = tokenizer.expect('URL', 'URL after @');
    if (tokenizer.check('END')) return { specifier: '', url, marker: null };
    tokenizer.expect('WS', 'whitespace after URL');
    if (tokenizer.check('END')) return { specifier: '', url, marker: null };
    const marker = parseRequirementMarker(tokenizer, urlStart, 'semicolon (after URL and whitespace)');
    return { specifier: '', url, marker };
  }
  const specifierStart = tokenizer.position;
  const specifier = tokenizer.enclosed('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'version specifier', () => {
    tokenizer.consume('WS');
    const many = parseVersionMany(tokenizer);
    tokenizer.consume('WS');
    return many;
  });
  tokenizer.consume('WS');
  if (tokenizer.check('END')) return { specifier, url: '', marker: null };
  const marker = parseRequirementMarker(
    tokenizer,
    specifierStart,
    specifier
      ? 'comma (within version specifier), semicolon (after version specifier)'
      : 'semicolon (after name with no version specifier)',
  );
  return { specifier, url: '', marker };
}

function parseRequirementMarker(tokenizer: Tokenizer, spanStart: number, expected: string): MarkerList {
  if (tokenizer.read('SEMICOLON') === null) tokenizer.fail(`expected ${expected} or end`, spanStart);
  const marker = parseMarkerList(tokenizer);
  tokenizer.consume('WS');
  return marker;
}

function parseExtras(tokenizer: Tokenizer): string[] {
  if (!tokenizer.check('LEFT_BRACKET')) return [];
  return tokenizer.enclosed('LEFT_BRACKET', 'RIGHT_BRACKET', 'extras', () => {
    tokenizer.consume('WS');
    const extras: string[] = [];
    const first = tokenizer.read('IDENTIFIER');
    if (first !== null) {
      extras.push(first);
      for (;;) {
        tokenizer.consume('WS');
        if (tokenizer.check('IDENTIFIER')) tokenizer.fail('expected comma between extra names');
        if (tokenizer.read('COMMA') === null) break;
        tokenizer.consume('WS');
        extras.push(tokenizer.expect('IDENTIFIER', 'extra name after comma'));
      }
    }
    tokenizer.consume('WS');
    return extras;
  });
}

function parseVersionMany(tokenizer: Tokenizer): string {
  let specifiers = '';
  let clause: string | null;
  while ((clause = tokenizer.peek('SPECIFIER')) !== null) {
    const clauseStart = tokenizer.position;
    tokenizer.position += clause.length;
    specifiers += clause;
    if (tokenizer.check('VERSION_PREFIX_TRAIL')) {
      const equality = clause.startsWith('!=') || (clause.startsWith('==') && !clause.startsWith('==='));
      tokenizer.fail(
        equality
          ? '.* suffix cannot be used with pre-release, post-release, dev or local versions'
          : '.* suffix can only be used with `==` or `!=` operators',
        clauseStart,
      );
    }
    if (tokenizer.check('VERSION_LOCAL_LABEL_TRAIL')) {
      tokenizer.fail('local version label can only be used with `==` or `!=` operators', clauseStart);
    }
    tokenizer.consume('WS');
    const comma = tokenizer.read('COMMA');
    if (comma === null) break;
    specifiers += comma;
    tokenizer.consume('WS');
  }
  return specifiers;
}

function describe(error: SyntaxErrorAt): string {
  return `${error.reason} (at position ${error.position + 1})`;
}
