/**
 * PEP 440: versions and version specifiers, with the semantics of pypa/packaging 26
 * (the oracle of `../shared/conformance/pep-vectors.json`).
 *
 * Terminology:
 * - *release*: the dotted numbers (`1.2.3`); trailing zeros do not count when comparing.
 * - *public version*: everything but the local label (`1.0+ubuntu.1` → `1.0`).
 * - *prerelease*: a version with an `a`/`b`/`rc` or a `.dev` segment.
 * - *specifier*: one clause (`>=1.0`); a *specifier set* is their conjunction (`>=1.0,<2`).
 */
import { boundedCache } from './bounded-cache.js';
import { InvalidSpecifier, InvalidVersion } from './errors.js';

/**
 * A version number component. Release numbers may exceed 2^53 (date-stamped versions), so
 * long ones are kept as bigint; `<`/`>` compare numbers and bigints correctly with each other.
 */
export type VersionNumber = number | bigint;

type PreLabel = 'a' | 'b' | 'rc';
const PRE_LABELS: Record<string, PreLabel> = {
  a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc',
};
const PRE_RANK: Record<PreLabel, number> = { a: 0, b: 1, rc: 2 };

function parseNumber(digits: string): VersionNumber {
  // 15 digits always fit a double exactly; beyond that keep every digit.
  return digits.length <= 15 ? Number(digits) : BigInt(digits);
}

function compareNumbers(a: VersionNumber, b: VersionNumber): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Python's `\s` (what packaging's patterns and `str.strip()` use), which differs from
 * JavaScript's: it includes \x1c-\x1f and \x85, and not the byte-order mark \ufeff.
 */
const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_SPACE_CHARACTER = new RegExp(`^${PY_SPACE}$`);

/**
 * `str.strip()` of Python, by scanning from both ends: `/\s+$/` would backtrack quadratically
 * over a long run of white space followed by anything else.
 */
function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_SPACE_CHARACTER.test(text[start]!)) start++;
  while (end > start && PY_SPACE_CHARACTER.test(text[end - 1]!)) end--;
  return text.slice(start, end);
}

const VERSION_PATTERN = new RegExp(
  `^${PY_SPACE}*v?` +
    '(?:(\\d+)!)?' + // epoch
    '(\\d+(?:\\.\\d+)*)' + // release
    '(?:[._-]?(alpha|a|beta|b|preview|pre|c|rc)[._-]?(\\d+)?)?' + // pre-release
    '(?:-(\\d+)|[._-]?(post|rev|r)[._-]?(\\d+)?)?' + // post-release (`1.0-1` is implicit post)
    '(?:[._-]?(dev)[._-]?(\\d+)?)?' + // dev release
    '(?:\\+([a-z0-9]+(?:[._-][a-z0-9]+)*))?' + // local label
    `${PY_SPACE}*$`,
  'i',
);
const SIMPLE_VERSION = /^\d+(?:\.\d+)*$/;

export class Version {
  /** Memo of the last parses: the dependency data repeats the same version strings a lot. */
  private static readonly cache = boundedCache<string, Version>(200_000);

  private constructor(
    readonly epoch: VersionNumber,
    readonly release: readonly VersionNumber[],
    readonly pre: readonly [PreLabel, VersionNumber] | null,
    readonly post: VersionNumber | null,
    readonly dev: VersionNumber | null,
    readonly local: readonly (string | VersionNumber)[] | null,
  ) {}

  /** Parses a version the way packaging's `Version()` does; throws `InvalidVersion`. */
  static parse(text: string): Version {
    const cached = Version.cache.get(text);
    if (cached) return cached;
    const version = Version.parseUncached(text);
    Version.cache.set(text, version);
    return version;
  }

  private static parseUncached(text: string): Version {
    if (SIMPLE_VERSION.test(text)) {
      return new Version(0, text.split('.').map(parseNumber), null, null, null, null);
    }
    const m = VERSION_PATTERN.exec(text);
    if (!m) throw new InvalidVersion(text, 'not a PEP 440 version');
    const [, epoch, release, preLabel, preNumber, implicitPost, postLabel, postNumber, devLabel, devNumber, local] = m;
    return new Version(
      epoch ? parseNumber(epoch) : 0,
      release!.split('.').map(parseNumber),
      preLabel ? [PRE_LABELS[preLabel.toLowerCase()]!, parseNumber(preNumber ?? '0')] : null,
      implicitPost !== undefined ? parseNumber(implicitPost) : postLabel ? parseNumber(postNumber ?? '0') : null,
      devLabel ? parseNumber(devNumber ?? '0') : null,
      local ? local.split(/[._-]/).map((part) => (/^\d+$/.test(part) ? parseNumber(part) : part.toLowerCase())) : null,
    );
  }

  /** Builds a version from parts (used to construct range boundaries such as `1.3.dev0`). */
  static fromParts(parts: {
    epoch?: VersionNumber;
    release: readonly VersionNumber[];
    pre?: readonly [PreLabel, VersionNumber] | null;
    post?: VersionNumber | null;
    dev?: VersionNumber | null;
    local?: readonly (string | VersionNumber)[] | null;
  }): Version {
    return new Version(parts.epoch ?? 0, parts.release, parts.pre ?? null, parts.post ?? null, parts.dev ?? null, parts.local ?? null);
  }

  private replace(parts: Partial<Parameters<typeof Version.fromParts>[0]>): Version {
    return Version.fromParts({
      epoch: this.epoch, release: this.release, pre: this.pre, post: this.post, dev: this.dev, local: this.local,
      ...parts,
    });
  }

  get isPrerelease(): boolean {
    return this.pre !== null || this.dev !== null;
  }
  get isPostrelease(): boolean {
    return this.post !== null;
  }
  get isDevrelease(): boolean {
    return this.dev !== null;
  }

  /** Epoch and release only: `1!2.0rc1+x` → `1!2.0`. */
  get baseVersion(): string {
    return (this.epoch !== 0 ? `${this.epoch}!` : '') + this.release.join('.');
  }

  /** The normalized version without its local label. */
  get public(): string {
    let text = this.baseVersion;
    if (this.pre) text += this.pre[0] + String(this.pre[1]);
    if (this.post !== null) text += `.post${this.post}`;
    if (this.dev !== null) text += `.dev${this.dev}`;
    return text;
  }

  get publicVersion(): Version {
    return this.local === null ? this : this.replace({ local: null });
  }

  /** The normalized form (`1.0-1` → `1.0.post1`). */
  toString(): string {
    return this.local === null ? this.public : `${this.public}+${this.local.join('.')}`;
  }

  /** PEP 440 ordering: negative, zero or positive like a sort comparator. */
  compare(other: Version): number {
    return this.comparePublic(other) || compareLocal(this.local, other.local);
  }

  /** Ordering that ignores local labels. */
  comparePublic(other: Version): number {
    if (this === other) return 0;
    return (
      compareNumbers(this.epoch, other.epoch) ||
      compareReleases(this.release, other.release) ||
      compareSuffix(this, other)
    );
  }

  equals(other: Version): boolean {
    return this.compare(other) === 0;
  }
}

function compareReleases(a: readonly VersionNumber[], b: readonly VersionNumber[]): number {
  // Trailing zeros are not significant: 1.0.0 == 1.
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = compareNumbers(a[i] ?? 0, b[i] ?? 0);
    if (order) return order;
  }
  return 0;
}

/** Rank of the pre-release part: a dev-only release sorts before every a/b/rc of its release. */
function preRank(v: Version): [number, VersionNumber] {
  if (v.pre) return [PRE_RANK[v.pre[0]], v.pre[1]];
  if (v.post === null && v.dev !== null) return [-1, 0];
  return [3, 0];
}

function compareSuffix(a: Version, b: Version): number {
  const [aPre, aPreN] = preRank(a);
  const [bPre, bPreN] = preRank(b);
  return (
    aPre - bPre ||
    compareNumbers(aPreN, bPreN) ||
    // No post-release sorts before any post-release.
    (a.post === null ? (b.post === null ? 0 : -1) : b.post === null ? 1 : compareNumbers(a.post, b.post)) ||
    // A dev release sorts before the same version without one.
    (a.dev === null ? (b.dev === null ? 0 : 1) : b.dev === null ? -1 : compareNumbers(a.dev, b.dev))
  );
}

function compareLocal(
  a: readonly (string | VersionNumber)[] | null,
  b: readonly (string | VersionNumber)[] | null,
): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    // Alphanumeric segments sort before numeric ones; strings by code point, numbers by value.
    if (typeof x === 'string') {
      if (typeof y !== 'string') return -1;
      if (x !== y) return x < y ? -1 : 1;
    } else {
      if (typeof y === 'string') return 1;
      const order = compareNumbers(x, y);
      if (order) return order;
    }
  }
  return a.length - b.length;
}

export function parseVersion(text: string): Version {
  return Version.parse(text);
}

/** `null` for text that is not a PEP 440 version (many old releases on PyPI). */
export function tryParseVersion(text: string): Version | null {
  try {
    return Version.parse(text);
  } catch (error) {
    if (error instanceof InvalidVersion) return null;
    throw error;
  }
}

export function compareVersions(a: Version, b: Version): number {
  return a.compare(b);
}

// ---------------------------------------------------------------------------------------------
// Specifiers
// ---------------------------------------------------------------------------------------------

export type Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

const PRE = '(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?';
const POST = '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?';
const DEV = '(?:[-_.]?dev[-_.]?[0-9]*)?';
const LOCAL = '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?';
const EPOCH_RELEASE = 'v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*';
/**
 * One specifier clause, as packaging's grammar allows it: local labels and `.*` only with
 * `==`/`!=`, at least two release numbers for `~=`, anything but whitespace, `;` and `)` after `===`.
 * Exported without anchors for the PEP 508 tokenizer, which matches it inside a requirement.
 */
export const SPECIFIER_PATTERN_SOURCE =
  '(?:' +
  `===${PY_SPACE}*(?:(?!${PY_SPACE})[^;)])*` +
  `|(?:==|!=)${PY_SPACE}*${EPOCH_RELEASE}(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})` +
  `|~=${PY_SPACE}*v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${PRE}${POST}${DEV}` +
  `|(?:<=|>=|<|>)${PY_SPACE}*${EPOCH_RELEASE}${PRE}${POST}${DEV}` +
  ')';
const SPECIFIER_PATTERN = new RegExp(`^${PY_SPACE}*${SPECIFIER_PATTERN_SOURCE}${PY_SPACE}*$`, 'i');

/** A version as the caller has it: text (kept verbatim for `===`) or already parsed. */
export type VersionLike = string | Version;

export class Specifier {
  /** The version text as written after the operator, `.*` included. */
  readonly version: string;
  readonly operator: Operator;
  /** Range membership for one parsed version, ignoring any prerelease policy. */
  private readonly matcher: (v: Version) => boolean;

  constructor(text: string) {
    if (!SPECIFIER_PATTERN.test(text)) throw new InvalidSpecifier(text, 'not a PEP 440 version specifier');
    const trimmed = pythonStrip(text);
    const operator = (trimmed.startsWith('===')
      ? '==='
      : ['~=', '==', '!=', '<=', '>='].includes(trimmed.slice(0, 2))
        ? trimmed.slice(0, 2)
        : trimmed.slice(0, 1)) as Operator;
    this.operator = operator;
    this.version = pythonStrip(trimmed.slice(operator.length));
    this.matcher = operator === '===' ? () => false : buildMatcher(operator, this.version);
  }

  get isWildcard(): boolean {
    return this.version.endsWith('.*');
  }

  /** Whether naming this clause opts in to prereleases (packaging's `Specifier.prereleases`). */
  get impliesPrereleases(): boolean {
    if (this.operator === '!=' || this.isWildcard) return false;
    const version = tryParseVersion(this.version);
    return version !== null && version.isPrerelease;
  }

  /** Range membership of one version; `===` compares the text case-insensitively. */
  matches(version: VersionLike): boolean {
    if (this.operator === '===') return String(version).toLowerCase() === this.version.toLowerCase();
    const parsed = typeof version === 'string' ? tryParseVersion(version) : version;
    return parsed !== null && this.matcher(parsed);
  }

  toString(): string {
    return this.operator + this.version;
  }
}

/** Builds the membership test of one clause; mirrors packaging 26's version ranges. */
function buildMatcher(operator: Exclude<Operator, '==='>, text: string): (v: Version) => boolean {
  if (text.endsWith('.*')) {
    // ==1.2.* is the half-open range [1.2.dev0, 1.3.dev0); != is its complement.
    const base = Version.parse(text.slice(0, -2));
    const lower = Version.fromParts({ epoch: base.epoch, release: base.release, dev: 0 });
    const upper = Version.fromParts({ epoch: base.epoch, release: nextRelease(base.release), dev: 0 });
    const inside = (v: Version) => v.compare(lower) >= 0 && v.compare(upper) < 0;
    return operator === '==' ? inside : (v) => !inside(v);
  }
  const spec = Version.parse(text);
  const hasLocal = text.includes('+');
  switch (operator) {
    case '>=':
      return (v) => v.compare(spec) >= 0;
    case '<=':
      // Every local label of the bound is included: <=1.0 admits 1.0+ubuntu.
      return (v) => v.comparePublic(spec) <= 0;
    case '==':
      return hasLocal ? (v) => v.compare(spec) === 0 : (v) => v.comparePublic(spec) === 0;
    case '!=':
      return hasLocal ? (v) => v.compare(spec) !== 0 : (v) => v.comparePublic(spec) !== 0;
    case '<': {
      // <V excludes V's own prereleases unless V is one: the bound is V.dev0.
      const bound = spec.isPrerelease ? spec : Version.fromParts({ ...partsOf(spec), dev: 0, local: null });
      return (v) => v.compare(bound) < 0;
    }
    case '>': {
      if (spec.dev !== null) {
        const bound = Version.fromParts({ ...partsOf(spec), dev: BigInt(spec.dev) + 1n, local: null });
        return (v) => v.compare(bound) >= 0;
      }
      if (spec.post !== null) {
        const bound = Version.fromParts({ ...partsOf(spec), post: BigInt(spec.post) + 1n, dev: 0, local: null });
        return (v) => v.compare(bound) >= 0;
      }
      // >V excludes V, its local labels and its post-releases.
      return (v) => v.compare(spec) > 0 && !samePreRelease(v, spec);
    }
    case '~=': {
      // ~=1.4.5 is >=1.4.5, ==1.4.*: the upper bound is 1.5.dev0.
      const upper = Version.fromParts({ epoch: spec.epoch, release: nextRelease(spec.release.slice(0, -1)), dev: 0 });
      return (v) => v.compare(spec) >= 0 && v.compare(upper) < 0;
    }
  }
}

function partsOf(v: Version) {
  return { epoch: v.epoch, release: v.release, pre: v.pre, post: v.post, dev: v.dev, local: v.local };
}

/** `1.2` → `1.3`: the first release after every version starting with the given numbers. */
function nextRelease(release: readonly VersionNumber[]): VersionNumber[] {
  const next = release.slice();
  const last = next.length - 1;
  const number = next[last]!;
  next[last] = typeof number === 'bigint' ? number + 1n : number + 1;
  return next;
}

/** Same epoch, release (ignoring trailing zeros) and pre-release segment. */
function samePreRelease(a: Version, b: Version): boolean {
  if (compareNumbers(a.epoch, b.epoch) !== 0 || compareReleases(a.release, b.release) !== 0) return false;
  if (a.pre === null || b.pre === null) return a.pre === b.pre;
  return a.pre[0] === b.pre[0] && compareNumbers(a.pre[1], b.pre[1]) === 0;
}

export function parseSpecifier(text: string): Specifier {
  return new Specifier(text);
}

export class SpecifierSet {
  private static readonly cache = boundedCache<string, SpecifierSet>(50_000);
  /** Clauses, deduplicated and sorted by their text (packaging's canonical order). */
  readonly specifiers: readonly Specifier[];

  constructor(specifiers: readonly Specifier[]) {
    const byText = new Map<string, Specifier>();
    for (const specifier of specifiers) byText.set(specifier.toString(), specifier);
    this.specifiers = [...byText.keys()].sort().map((key) => byText.get(key)!);
  }

  /** Comma-separated clauses; empty text is the set that admits everything. */
  static parse(text: string): SpecifierSet {
    const cached = SpecifierSet.cache.get(text);
    if (cached) return cached;
    let specifiers: Specifier[];
    try {
      specifiers = text.split(',').map(pythonStrip).filter((part) => part !== '').map((part) => new Specifier(part));
    } catch (error) {
      if (error instanceof InvalidSpecifier) throw new InvalidSpecifier(text, error.reason);
      throw error;
    }
    const set = new SpecifierSet(specifiers);
    SpecifierSet.cache.set(text, set);
    return set;
  }

  static readonly any = new SpecifierSet([]);

  get isEmpty(): boolean {
    return this.specifiers.length === 0;
  }

  /** True when a clause names a prerelease, so prereleases are wanted (pip's rule). */
  get impliesPrereleases(): boolean {
    return this.specifiers.some((s) => s.impliesPrereleases);
  }

  /**
   * Whether a single version is admitted. Like packaging 26, a prerelease in range is
   * admitted by default (one version has no alternatives); pass `prereleases: false` to refuse it.
   */
  contains(version: VersionLike, options: { prereleases?: boolean } = {}): boolean {
    if (options.prereleases === false) {
      const parsed = typeof version === 'string' ? tryParseVersion(version) : version;
      if (parsed?.isPrerelease) return false;
    }
    return this.specifiers.every((s) => s.matches(version));
  }

  /**
   * The items whose version is admitted, in their order, with pip's prerelease rule:
   * prereleases only when a clause names one, or when no final release is admitted.
   * Items whose version is not PEP 440 pass only a `===` clause.
   */
  filter<T>(items: Iterable<T>, versionOf: (item: T) => VersionLike, options: { prereleases?: boolean } = {}): T[] {
    const prereleases = options.prereleases ?? (this.impliesPrereleases ? true : undefined);
    // `kind` is null for text that is not PEP 440: it cannot be classified and always passes.
    const matched: { item: T; kind: 'final' | 'prerelease' | null }[] = [];
    for (const item of items) {
      const version = versionOf(item);
      if (!this.specifiers.every((s) => s.matches(version))) continue;
      const parsed = typeof version === 'string' ? tryParseVersion(version) : version;
      matched.push({ item, kind: parsed === null ? null : parsed.isPrerelease ? 'prerelease' : 'final' });
    }
    const dropPrereleases =
      prereleases === false || (prereleases === undefined && matched.some((m) => m.kind === 'final'));
    return matched.filter((m) => !(dropPrereleases && m.kind === 'prerelease')).map((m) => m.item);
  }

  /** Both sets' clauses together. */
  and(other: SpecifierSet): SpecifierSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return new SpecifierSet([...this.specifiers, ...other.specifiers]);
  }

  toString(): string {
    return this.specifiers.join(',');
  }
}
