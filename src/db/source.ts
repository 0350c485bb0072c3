/**
 * The one interface through which the resolver reads mach-nix's dependency data, whatever holds
 * it: the SQLite index (`sqlite-source.ts`, written once per DB pin by `sqlite-writer.ts`) or the JSON bucket files
 * themselves (`bucket-source.ts`, for small trees and tests). Both implementations give deeply
 * equal answers; `tests/db/equivalence.test.ts` proves it on every conformance corpus.
 *
 * The interface is deliberately dumb: it returns what the data says, with references resolved and
 * shapes normalised, and nothing else. Requirement strings stay strings; markers, specifiers,
 * wheel tags and version order are the resolver's business.
 *
 * Names: every `key` argument is the data's *legacy key* (`legacyKey` in `../pep503.ts`: lower
 * case, `_` → `-`, dots kept), because that is what pypi-deps-db, nix-pypi-fetcher-2, mach-nix's
 * conda loader and its nixpkgs index are keyed by. A key that is not in the data gives empty
 * answers, never an error.
 *
 * Order: every list is sorted by its natural key in code point order (`compareCodePoints`), which
 * is SQLite's BINARY collation of UTF-8 — not by PEP 440, which the resolver applies itself.
 *
 * A package index answers this interface too (`../index/source.ts`), with what only an index
 * knows (yanked files, the index of each file, the page's Requires-Python) in the optional fields
 * below, and one difference: a file's metadata — `requiresDist`, `providesExtras` and
 * `metadataRequiresPython` of a wheel or an sdist, the `hash` of a file the index gave none for —
 * is fetched when the property is first read. Reading it may throw `IndexDataPending` (not
 * fetched yet: the caller lets it propagate and `solveWithIndex` fetches and re-runs) or
 * `InvalidMetadata` (that file's metadata cannot be used). So these properties are read for the
 * candidate the solver tries, never to list candidates; everything else is known from the
 * index's pages.
 */
import { compareCodePoints } from '../code-points.js';
import type { TargetPython } from '../target.js';

/** The CPython version being resolved for: the parsed target's (`../target.ts`). */
export type PythonTarget = Pick<TargetPython, 'major' | 'minor'>;

/** Dependency data of one sdist release as pypi-deps-db extracted it with setuptools. */
export interface SdistRelease {
  readonly version: string;
  /**
   * The python key whose record is used (`"310"`): the target's own or the nearest older one;
   * null for an index's sdist, whose PKG-INFO is not per Python.
   */
  readonly pythonKey: string | null;
  /** False when the DB has no record for the target itself and `pythonKey` is an older Python's. */
  readonly exactPythonKey: boolean;
  readonly installRequires: readonly string[];
  readonly setupRequires: readonly string[];
  readonly testsRequire: readonly string[];
  /**
   * `extras_require` as setuptools saw it: extra name → requirements. A name may carry a marker
   * (`:python_version == "2.7"`), and the empty extra name means "always, under that marker".
   */
  readonly extrasRequire: Readonly<Record<string, readonly string[]>>;
  /**
   * `python_requires`, its clauses joined with `,`; null when the record has none. For an index's
   * sdist: the page's `data-requires-python` (null when the page has none).
   */
  readonly requiresPython: string | null;
  /**
   * Only an index's sdist: the `Requires-Dist` of its PKG-INFO (static, PEP 643), which stand
   * for the setuptools fields above (then empty). Fetched when read.
   */
  readonly requiresDist?: readonly string[];
  /** Only a package index: the metadata's own Requires-Python, which a page may not state. Fetched when read. */
  readonly metadataRequiresPython?: string | null;
  /** Only a package index (PEP 592): why the file was yanked (`''`: no reason given); null or absent when it was not. */
  readonly yanked?: string | null;
}

/** Dependency data of one wheel file, from its METADATA. */
export interface WheelRelease {
  readonly version: string;
  readonly filename: string;
  /** PyPI's `python_version` field of the file (`py3`, `py2.py3`, `cp311`, …). */
  readonly pythonTag: string;
  /** `Requires-Dist` lines, PEP 508 in METADATA style (`pkg (>=1.0) ; extra == 'x'`). */
  readonly requiresDist: readonly string[];
  /**
   * Requires-Python known without reading the metadata: the metadata's own for the pinned data,
   * the page's `data-requires-python` for a package index (null when the page has none).
   */
  readonly requiresPython: string | null;
  readonly providesExtras: readonly string[];
  /** Only a package index: the metadata's own Requires-Python, which a page may not state. Fetched when read. */
  readonly metadataRequiresPython?: string | null;
  /** Only a package index (PEP 592): why the file was yanked (`''`: no reason given); null or absent when it was not. */
  readonly yanked?: string | null;
}

/** A downloadable file of a release, from nix-pypi-fetcher-2. */
export interface DistributionFile {
  readonly filename: string;
  readonly kind: 'sdist' | 'wheel';
  /** The URL mach-nix's fetcher builds (`fetchPypiSdist` / `fetchPypiWheel`). */
  readonly url: string;
  /** SRI hash, `sha256-<base64>`. */
  readonly hash: string;
  /** PyPI's `python_version` of a wheel; null for an sdist. */
  readonly pythonTag: string | null;
  /** Only a package index: the index or find-links location that listed the file, without credentials. */
  readonly index?: string;
}

/** One package record of a conda channel's repodata. */
export interface CondaRecord {
  readonly channel: string;
  readonly subdir: string;
  readonly filename: string;
  /** The package name exactly as the repodata spells it. */
  readonly name: string;
  readonly version: string;
  readonly build: string;
  readonly buildNumber: number;
  /** Conda match specs (`"r-base >=3.4,<3.5.0a0"`). */
  readonly depends: readonly string[];
  readonly constrains: readonly string[];
  /** Hex sha256 of the file; null when the repodata has none (mach-nix skips such records). */
  readonly sha256: string | null;
  /** Where mach-nix downloads the file from. */
  readonly url: string;
}

/** One attribute of nixpkgs' python package set, as the Nix side's index describes it. */
export interface NixpkgsAttribute {
  readonly attribute: string;
  /** PyPI name of the package (`pkg.src.pname` for fetchPypi sources, else `pkg.pname`). */
  readonly pname: string;
  /** `toString pkg.version`: not necessarily PEP 440 (`unstable-2022-01-01`). */
  readonly version: string;
  /** The `requirements` string mach-nix-built packages carry; null for all others. */
  readonly requirements: string | null;
}

/** What the data is. */
export interface DataInfo {
  /** pypi-deps-db's `UNIX_TIMESTAMP`: when the DB was last updated. */
  readonly depsTimestamp: number | null;
  /** pypi-deps-db's `PYPI_FETCHER_COMMIT` / `PYPI_FETCHER_SHA256`: the fetcher data it matches. */
  readonly fetcherCommit: string | null;
  readonly fetcherSha256: string | null;
  /** Every python key of the sdist data, ascending by Python version (`"27"`, `"36"`, …, `"310"`). */
  readonly pythonKeys: readonly string[];
  /** Every conda channel loaded, sorted. */
  readonly condaChannels: readonly string[];
  /** Only a package index: the locations read, in order, without credentials. */
  readonly index?: IndexLocations;
}

/** The package indexes and find-links locations a resolution read (the request's `index`). */
export interface IndexLocations {
  readonly indexUrls: readonly string[];
  readonly findLinks: readonly string[];
}

/** Whether a file of a package index was yanked (PEP 592). */
export function isYanked(file: { readonly yanked?: string | null }): boolean {
  return file.yanked !== undefined && file.yanked !== null;
}

/** Which kinds of data know a name at all. */
export interface Availability {
  readonly sdist: boolean;
  readonly wheel: boolean;
  readonly files: boolean;
  readonly nixpkgs: boolean;
  /** Conda channels with records of that name, sorted. */
  readonly conda: readonly string[];
}

export interface DependencySource {
  info(): DataInfo;
  /**
   * Sdist releases of `key` that have data for `python`: per version, the record of the target's
   * own python key or else of the nearest older key of the same major version (`exactPythonKey`
   * false). A version with no such key is no candidate and is left out. Sorted by version text.
   */
  sdistReleases(key: string, python: PythonTarget): SdistRelease[];
  /** Every wheel file of `key` with its metadata, sorted by version, file name, python tag. */
  wheelReleases(key: string): WheelRelease[];
  /** The files of one release, sorted by file name. */
  files(key: string, version: string): DistributionFile[];
  /** Records of a conda package (key = `legacyKey(name)`) in one channel, sorted by subdir, file name. */
  condaRecords(channel: string, key: string): CondaRecord[];
  /** nixpkgs attributes whose pname has this key, sorted by attribute. */
  nixpkgsAttributes(key: string): NixpkgsAttribute[];
  /** Which kinds of data know this name at all (for "not available" explanations). */
  has(key: string): Availability;
  /**
   * The data's keys of a project, given any spelling of its name: every legacy key whose PEP 503
   * form equals the name's (`Zope_Interface` → `zope.interface`), sorted. Empty when no data knows it.
   */
  keys(name: string): string[];
  /**
   * Every key the data knows (bucketed data, nixpkgs, conda) whose length is between `min` and
   * `max` characters, sorted: the names a misspelled one is compared with ("did you mean …?").
   */
  keysOfLength(min: number, max: number): string[];
  close(): void;
}

/** A python key of pypi-deps-db (`"27"`, `"310"`) as a Python version: first digit major, rest minor. */
export function parsePythonKey(key: string): PythonTarget | null {
  const match = /^([0-9])([0-9]+)$/.exec(key);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
}

/** Orders python keys by the Python version they stand for. */
export function comparePythonKeys(a: string, b: string): number {
  const x = parsePythonKey(a);
  const y = parsePythonKey(b);
  if (!x || !y) return compareCodePoints(a, b);
  return x.major - y.major || x.minor - y.minor;
}

/**
 * The python key whose record serves `target`: its own key if present, else the nearest older key
 * of the same major version (pypi-deps-db stops at 3.10, so 3.11+ uses 3.10's extraction).
 * Never a key of another major version; null when no key is at or below the target.
 */
export function choosePythonKey(keys: Iterable<string>, target: PythonTarget): { key: string; exact: boolean } | null {
  let best: string | null = null;
  let bestMinor = -1;
  for (const key of keys) {
    const parsed = parsePythonKey(key);
    if (!parsed || parsed.major !== target.major || parsed.minor > target.minor) continue;
    if (parsed.minor > bestMinor) {
      best = key;
      bestMinor = parsed.minor;
    }
  }
  return best === null ? null : { key: best, exact: bestMinor === target.minor };
}

/** Whether any kind of data knows a name. */
export function knowsAny(availability: Availability): boolean {
  const { sdist, wheel, files, nixpkgs, conda } = availability;
  return sdist || wheel || files || nixpkgs || conda.length > 0;
}

/**
 * `keys(name)` from a name's aliases (keys whose PEP 503 form is the name's canonical form, but
 * which differ from it) and the canonical form itself when the data knows it.
 */
export function keysOf(canonical: string, aliases: Iterable<string>, availability: Availability): string[] {
  const keys = new Set(aliases);
  if (knowsAny(availability)) keys.add(canonical);
  return [...keys].sort(compareCodePoints);
}
