/**
 * Dependencies as the metadata states them (wheel `Requires-Dist`, sdist `install_requires`,
 * `setup_requires` and `extras_require`, nixpkgs `requirements`, conda `depends`), filtered by
 * their markers for the target. The requirement strings are PEP 508, or — in old metadata and
 * in conda data — the looser forms mach-nix accepted (`blas 1.* openblas`).
 */
import { boundedCache } from '../bounded-cache.js';
import { InvalidMetadata, InvalidRequirement, MarkerEvaluationError, quote } from '../errors.js';
import { SpecifierSet } from '../pep440.js';
import { canonicalizeName } from '../pep503.js';
import { Marker, type MarkerEnvironment, parseMarker, parseRequirement } from '../pep508.js';
import { InvalidMatchSpec, matchSpecVersions, parseMatchSpec } from '../conda-spec.js';
import { parseCondaLine, pytzAnyVersion } from '../loose-requirement.js';
import type { CondaRequirementLine, PypiRequirementLine } from '../requirements-txt.js';
import type { SdistRelease } from '../db/source.js';

export interface Dependency {
  /** PEP 503 name of the package depended on. */
  readonly key: string;
  /** Extras requested of it, PEP 503-normalised, sorted. */
  readonly extras: readonly string[];
  /** Version alternatives: any one of them must admit the version (PEP 508 has exactly one). */
  readonly anyOf: readonly SpecifierSet[];
  /** Conda build-string pattern; null for any build. */
  readonly build: string | null;
  /** Direct reference (`name @ url`). */
  readonly url: string | null;
  readonly marker: Marker | null;
  /** The requirement as written, for explanations. */
  readonly text: string;
}

/** Metadata repeats the same few thousand requirement strings across candidates. */
const parsed = boundedCache<string, Dependency>(100_000);

/**
 * Parses one requirement string of metadata: PEP 508, else mach-nix's conda-style form; throws
 * `InvalidRequirement` with PEP 508's reason.
 */
export function parseDependency(text: string): Dependency {
  let dependency = parsed.get(text);
  if (dependency) return dependency;
  try {
    dependency = dependencyOf({ kind: 'requirement', requirement: parseRequirement(text) });
  } catch (error) {
    if (!(error instanceof InvalidRequirement)) throw error;
    const pytz = pytzAnyVersion(text);
    const conda = pytz === null ? parseCondaLine(text) : null;
    if (pytz === null && conda === null) throw error;
    dependency = dependencyOf(pytz !== null ? { kind: 'requirement', requirement: pytz } : { kind: 'conda', ...conda! });
  }
  parsed.set(text, dependency);
  return dependency;
}

/**
 * A conda match spec of repodata (`python >=3.11,<3.12.0a0`, `_r-mutex 1.* anacondar_1`,
 * `__glibc >=2.17`): conda names may start with `_`, and its virtual packages (`__glibc`) keep
 * their name. Throws `InvalidRequirement`.
 */
export function condaDependency(text: string): Dependency {
  let spec;
  try {
    spec = parseMatchSpec(text, 'repodata');
  } catch (error) {
    if (error instanceof InvalidMatchSpec) throw new InvalidRequirement(text, error.reason);
    throw error;
  }
  const key = spec.name.startsWith('__') ? spec.name.toLowerCase() : canonicalizeName(spec.name);
  const build = spec.build === null || spec.build === '*' ? null : spec.build;
  return { key, extras: [], anyOf: matchSpecVersions(spec), build, url: null, marker: null, text: text.trim() };
}

/** The dependency a requirement line states (its marker kept, to be evaluated by the caller). */
export function dependencyOf(
  line: Pick<PypiRequirementLine, 'kind' | 'requirement'> | Pick<CondaRequirementLine, 'kind' | 'name' | 'key' | 'extras' | 'anyOf' | 'build' | 'marker'>,
): Dependency {
  if (line.kind === 'requirement') {
    const r = line.requirement;
    const text = r.marker ? r.toString().split(';')[0]!.trim() : r.toString();
    return { key: r.key, extras: normalizeExtras(r.extras), anyOf: [r.specifier], build: null, url: r.url, marker: r.marker, text };
  }
  const text = `${line.name}${line.extras.length ? `[${line.extras.join(',')}]` : ''} ${line.anyOf.join('|')}${line.build ? ` ${line.build}` : ''}`.trim();
  return { key: line.key, extras: normalizeExtras(line.extras), anyOf: line.anyOf, build: line.build, url: null, marker: line.marker, text };
}

function normalizeExtras(extras: readonly string[]): string[] {
  return [...new Set(extras.map(canonicalizeName))].sort();
}

export { InvalidMetadata };

/** Whether the marker holds on the target with `extra` requested (`""`: none). */
function holds(marker: Marker | null, environment: MarkerEnvironment, extra: string, text: string): boolean {
  if (marker === null) return true;
  try {
    return marker.evaluate(extra === '' ? environment : { ...environment, extra });
  } catch (error) {
    if (error instanceof MarkerEvaluationError) throw new InvalidMetadata(`has an invalid marker in ${JSON.stringify(text)}: ${error.message}`);
    throw error;
  }
}

function parseAll(texts: readonly string[]): Dependency[] {
  return texts.map((text) => {
    try {
      return parseDependency(text);
    } catch (error) {
      if (error instanceof InvalidRequirement) throw new InvalidMetadata(`has an invalid requirement ${quote(text)} (${error.reason})`);
      throw error;
    }
  });
}

/** What a candidate needs: always, at build time only, and per extra. */
export interface CandidateDependencies {
  readonly runtime: readonly Dependency[];
  /** Needed to build an sdist (`setup_requires`); resolved into the same graph, as mach-nix did. */
  readonly build: readonly Dependency[];
  /** Additional runtime dependencies of an extra (PEP 503-normalised name). */
  extra(name: string): readonly Dependency[];
}

/**
 * `Requires-Dist` lines: a line belongs to an extra when its marker holds with that extra and
 * not without any.
 */
export function requiresDistDependencies(lines: readonly string[], environment: MarkerEnvironment): CandidateDependencies {
  const all = parseAll(lines);
  const runtime = all.filter((d, i) => holds(d.marker, environment, '', lines[i]!));
  const others = all.filter((d) => !runtime.includes(d) && d.marker?.mentionsExtra);
  return {
    runtime,
    build: [],
    extra: (name) => others.filter((d) => holds(d.marker, environment, name, d.text)),
  };
}

/**
 * setuptools metadata of an sdist. `extras_require` keys are `extra`, `extra:marker`, `:marker`
 * (always, under the marker) or `` (always).
 */
export function sdistDependencies(release: SdistRelease, environment: MarkerEnvironment): CandidateDependencies {
  const always: Dependency[] = [];
  const byExtra = new Map<string, Dependency[]>();
  for (const [key, texts] of Object.entries(release.extrasRequire)) {
    const colon = key.indexOf(':');
    const extra = canonicalizeName((colon === -1 ? key : key.slice(0, colon)).trim());
    const markerText = colon === -1 ? '' : key.slice(colon + 1).trim();
    let keyMarker: Marker | null = null;
    if (markerText !== '') {
      try {
        keyMarker = parseMarker(markerText);
      } catch (error) {
        throw new InvalidMetadata(`has an invalid extras_require marker ${JSON.stringify(key)}: ${(error as Error).message}`);
      }
    }
    if (!holds(keyMarker, environment, '', key)) continue;
    const dependencies = parseAll(texts).filter((d, i) => holds(d.marker, environment, '', texts[i]!));
    if (extra === '') for (const item of dependencies) always.push(item);
    else byExtra.set(extra, [...(byExtra.get(extra) ?? []), ...dependencies]);
  }
  const filtered = (texts: readonly string[]) => parseAll(texts).filter((d, i) => holds(d.marker, environment, '', texts[i]!));
  return {
    runtime: [...filtered(release.installRequires), ...always],
    build: filtered(release.setupRequires),
    extra: (name) => byExtra.get(name) ?? [],
  };
}

/** Lines of a requirements-like string (nixpkgs' `requirements` of mach-nix-built packages). */
export function requirementsTextDependencies(text: string, environment: MarkerEnvironment): CandidateDependencies {
  const lines = text.split('\n').map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter((l) => l !== '');
  return requiresDistDependencies(lines, environment);
}

/** A candidate whose dependencies nobody knows (a nixpkgs package without data, a direct URL). */
export const UNKNOWN_DEPENDENCIES: CandidateDependencies = { runtime: [], build: [], extra: () => [] };
