/**
 * Conda match specs — `name [version [build]]` — in the three places mach-nix reads them: the
 * `depends` of conda repodata (`python >=3.11,<3.12.0a0`, `_r-mutex 1.* anacondar_1`, `__glibc
 * >=2.17`), the dependencies of an environment.yml (`conda-forge::numpy=1.19=py37_0`, `numpy=1.19`,
 * `numpy >=1.0 mkl_*`), and mach-nix's conda-style requirement lines (`blas 1.* openblas`,
 * `openjdk =8|11`, `requests[socks] 2.24.0`, mach-nix-behaviour.md §6.1). One grammar; the forms
 * differ only where the sources do:
 *
 * | form | name | `channel::` | `[extras]` | `name=1.2` |
 * |---|---|---|---|---|
 * | `repodata` | conda's (`_` first and `+` allowed; `__virtual` packages) | no | no | exact |
 * | `environment` | conda's, without `+` | yes | no | conda's fuzzy `1.2.*`; `=1.2=build` exact |
 * | `requirement` | a PEP 508 name | no | yes | exact (as mach-nix read it) |
 *
 * After the name come at most two words, the version spec and the build string: whitespace after
 * an operator and around `,`/`|` does not separate words (`>= 1.0, < 2` is one spec), and a spec
 * may be parenthesised (`(>=1.0)`). The bracket form (`name[version='>=1']`) is not supported.
 */
import { InvalidMarker, InvalidSpecifier, ParseError, type SourceLocation } from './errors.js';
import { Specifier, SpecifierSet } from './pep440.js';
import { isValidName } from './pep503.js';
import { Marker } from './pep508.js';

export type MatchSpecForm = 'repodata' | 'environment' | 'requirement';

export interface MatchSpec {
  /** As written. */
  readonly name: string;
  /** The channel of `channel::name` (environment form); null without one. */
  readonly channel: string | null;
  /** Extras as written, without duplicates, sorted (requirement form); empty otherwise. */
  readonly extras: readonly string[];
  /**
   * The version spec in the syntax `parseCondaVersionSpec` reads (a bare version is exact, `|`
   * separates alternatives); an environment's fuzzy `name=1.2` is `1.2.*`. Null when none is given.
   */
  readonly version: string | null;
  /** The build string pattern as written; null when none is given. */
  readonly build: string | null;
}

/** Text that is not a conda match spec of its form. */
export class InvalidMatchSpec extends ParseError {
  constructor(text: string, reason: string, location?: SourceLocation) {
    super('conda match spec', text, reason, location);
  }
}

const NAMES: Record<MatchSpecForm, RegExp> = {
  repodata: /^[A-Za-z0-9_][A-Za-z0-9_.+-]*/,
  environment: /^[A-Za-z0-9_][A-Za-z0-9_.-]*/,
  requirement: /^[A-Za-z0-9][A-Za-z0-9._-]*/,
};
const BUILD = /^[A-Za-z0-9_.*+-]+$/;
/** A word that is plausibly a version even though PEP 440 refuses it (`1.1.1k`, `9e`). */
const LOOSE_VERSION = /^\d[A-Za-z0-9._+!-]*$/;

/** Parses one match spec of `form`; throws `InvalidMatchSpec` with the reason. */
export function parseMatchSpec(text: string, form: MatchSpecForm): MatchSpec {
  const fail = (reason: string): never => {
    throw new InvalidMatchSpec(text, reason);
  };
  let rest = text.trim();
  let channel: string | null = null;
  const channelEnd = rest.indexOf('::');
  if (channelEnd !== -1) {
    if (form !== 'environment') fail('a channel (channel::name) is only allowed in an environment.yml');
    channel = rest.slice(0, channelEnd).trim();
    rest = rest.slice(channelEnd + 2).trim();
    if (channel === '') fail('empty channel before "::"');
  }
  const name = NAMES[form].exec(rest)?.[0];
  if (name === undefined || (form === 'requirement' && !isValidName(name))) return fail('expected a package name');
  rest = rest.slice(name.length);

  let extras: string[] = [];
  const bracket = /^\s*\[([^\]]*)\]/.exec(rest);
  if (bracket && form === 'requirement') {
    extras = bracket[1]!.split(',').map((extra) => extra.trim());
    if (extras.some((extra) => !isValidName(extra))) fail(`invalid extras [${bracket[1]}]`);
    extras = [...new Set(extras)].sort();
    rest = rest.slice(bracket[0].length);
  } else if (rest !== '' && !/^(?:\s|[<>!~=(])/.test(rest)) {
    fail('expected a version or build after the name (the name[key=value] form is not supported)');
  }

  const { version, build } = form === 'environment' && /^\s*=[^=]/.test(rest) ? condaEquals(rest.trim(), fail) : versionAndBuild(rest, fail);
  if (build !== null && !BUILD.test(build)) fail(`invalid build string ${JSON.stringify(build)}`);
  if (version !== null) {
    try {
      parseCondaVersionSpec(version);
    } catch (error) {
      if (error instanceof InvalidSpecifier) fail(error.reason);
      throw error;
    }
  }
  return { name, channel, extras, version, build };
}

/**
 * A conda-style requirement line of mach-nix (`blas 1.* openblas ; sys_platform == "linux"`): a
 * requirement-form match spec and an optional PEP 508 marker after `;`. Null when the text is not
 * of that form.
 */
export function parseCondaRequirement(text: string): { spec: MatchSpec; marker: Marker | null } | null {
  const markerAt = text.indexOf(';');
  const head = (markerAt === -1 ? text : text.slice(0, markerAt)).trim();
  const markerText = markerAt === -1 ? '' : text.slice(markerAt + 1).trim();
  try {
    return { spec: parseMatchSpec(head, 'requirement'), marker: markerText === '' ? null : Marker.parse(markerText) };
  } catch (error) {
    if (error instanceof InvalidMatchSpec || error instanceof InvalidMarker) return null;
    throw error;
  }
}

/** The version alternatives of a spec: `[SpecifierSet.any]` without a version (or with `*`). */
export function matchSpecVersions(spec: Pick<MatchSpec, 'version'>): SpecifierSet[] {
  return spec.version === null ? [SpecifierSet.any] : parseCondaVersionSpec(spec.version);
}

/** Conda's `=version[=build]` (also `=version build`): the version is fuzzy (a prefix) unless a build follows. */
function condaEquals(text: string, fail: (reason: string) => never): { version: string; build: string | null } {
  const body = text.slice(1);
  const parts = /\s/.test(body) ? body.split(/\s+/) : body.split('=');
  if (parts.length > 2 || parts.some((part) => part === '')) return fail('expected name=version or name=version=build');
  const [version, build] = parts as [string, string?];
  if (build !== undefined) return { version, build };
  return { version: fuzzyVersion(version), build: null };
}

/**
 * Conda's `name=1.2` admits every 1.2.x: `1.2.*`. A version PEP 440 cannot widen so (`1.1.1k`) or
 * that is already a pattern or a list stays as written.
 */
function fuzzyVersion(version: string): string {
  if (!/^\d[\dA-Za-z.]*$/.test(version)) return version;
  try {
    parseCondaVersionSpec(`${version}.*`);
    return `${version}.*`;
  } catch (error) {
    if (error instanceof InvalidSpecifier) return version;
    throw error;
  }
}

/** At most two words after the name: the version spec and the build (see the module comment). */
function versionAndBuild(rest: string, fail: (reason: string) => never): { version: string | null; build: string | null } {
  const squeeze = (text: string) =>
    text
      .replace(/(===|~=|==|!=|<=|>=|<|>|=)\s+/g, '$1')
      .split(/([,|])/)
      // white space around each `,` and `|` dropped (`/\s*([,|])\s*/g` backtracks quadratically
      // over a long run of white space without one)
      .map((piece, i, pieces) => {
        if (piece === ',' || piece === '|') return piece;
        const trimmedStart = i > 0 ? piece.trimStart() : piece;
        return i < pieces.length - 1 ? trimmedStart.trimEnd() : trimmedStart;
      })
      .join('')
      .trim();
  const text = rest.trim();
  let words: string[];
  if (text.startsWith('(')) {
    const close = text.indexOf(')');
    if (close === -1) return fail('unclosed parenthesis');
    const after = text.slice(close + 1).trim();
    words = [squeeze(text.slice(1, close)), ...(after === '' ? [] : after.split(/\s+/))];
  } else {
    const squeezed = squeeze(text);
    words = squeezed === '' ? [] : squeezed.split(/\s+/);
  }
  if (words.length > 2) return fail('expected at most a version and a build after the name');
  return { version: words[0] ?? null, build: words[1] ?? null };
}

/**
 * A conda version spec: alternatives separated by `|`, each a comma-separated conjunction of
 * clauses. A clause without an operator, or with conda's single `=`, is an exact version
 * (`2.4` → `==2.4`, `=8` → `==8`); `*` alone admits every version; a trailing `*` after a digit is
 * a prefix (`1.2*` → `==1.2.*`); an exact version PEP 440 refuses but that starts with a digit
 * (`1.1.1k`) becomes arbitrary equality (`===1.1.1k`). Throws `InvalidSpecifier`.
 */
export function parseCondaVersionSpec(text: string): SpecifierSet[] {
  return text.split('|').map((alternative) => {
    const clauses = alternative.split(',').map((clause) => clause.trim());
    if (clauses.some((clause) => clause === '')) throw new InvalidSpecifier(text, 'empty version clause');
    const specifiers = clauses
      .map((clause) => condaClause(clause, text))
      .filter((specifier): specifier is Specifier => specifier !== null);
    return new SpecifierSet(specifiers);
  });
}

/** One clause; null for `*` (no constraint). */
function condaClause(clause: string, spec: string): Specifier | null {
  const operator = /^(===|~=|==|!=|<=|>=|<|>|=)?/.exec(clause)![0];
  let version = clause.slice(operator.length).trim();
  const exact = operator === '' || operator === '=' || operator === '==';
  if (exact && (version === '*' || version === '')) {
    if (version === '') throw new InvalidSpecifier(spec, `no version after ${JSON.stringify(operator)}`);
    return null;
  }
  if (/\d\*$/.test(version)) version = `${version.slice(0, -1)}.*`;
  const pep440Operator = exact ? '==' : operator;
  try {
    return new Specifier(pep440Operator + version);
  } catch (error) {
    if (!(error instanceof InvalidSpecifier)) throw error;
    if (exact && LOOSE_VERSION.test(version) && !version.includes('*')) return new Specifier(`===${version}`);
    throw new InvalidSpecifier(spec, `${JSON.stringify(clause)} is not a version or version specifier`);
  }
}
