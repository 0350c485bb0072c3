/* Generated from schemas/resolution.schema.json by scripts/generate-types.ts (npm run generate). Do not edit. */

/**
 * The resolver's answer, read by the Nix library with builtins.fromJSON; saved, it is the lock file (mach-nix.lock.json). Either a resolution or, when there is none, the reason.
 */
export type ResolutionDocument = Resolution | ResolutionFailure;
export type Source = WheelSource | SdistSource | NixpkgsSource | CondaSource | UrlSource;
/**
 * The package index or find-links location that listed the file, without credentials (files from a package index only).
 */
export type FileIndex = string;

export interface Resolution {
  lockVersion: 1;
  /**
   * mach-nix and its version.
   */
  generator: string;
  /**
   * sha256 of the canonical JSON of the resolve request answered; null when resolved from the command line.
   */
  inputHash: string | null;
  target: Target;
  data: {
    depsTimestamp: number | null;
    fetcherCommit: string | null;
    index?: IndexLocations;
  };
  /**
   * The provider preferences in effect, _default included.
   */
  providers: {
    [k: string]: string[] | undefined;
  };
  /**
   * Names of the packages asked for, sorted.
   */
  roots: string[];
  /**
   * Every resolved package by PEP 503 name.
   */
  packages: {
    [k: string]: Package | undefined;
  };
  /**
   * Local paths and editable installs of the requirements, not resolved here; the Nix library refuses a resolution that has any (they belong in packagesExtra).
   */
  localSources: LocalSource[];
  notes: string[];
  /**
   * The resolve request answered (schemas/resolve-request.schema.json), whose hash is inputHash: a lock that no longer answers a call can say which part differs. Absent in older locks, and in what the command line's resolve prints.
   */
  request?: {};
}
export interface Target {
  python: string;
  platform: 'x86_64-linux' | 'aarch64-linux' | 'x86_64-darwin' | 'aarch64-darwin';
  glibc: string | null;
  macos: string | null;
}
/**
 * Present when the data came from a package index (mach-nix lock --index-url, or pip's and uv's configuration): the locations read, without credentials; the request's `index`.
 */
export interface IndexLocations {
  /**
   * The package indexes in order, the main index first.
   */
  indexUrls: string[];
  /**
   * The find-links locations, in order.
   */
  findLinks: string[];
}
export interface Package {
  /**
   * PEP 503 name: the attribute in the Python package set.
   */
  name: string;
  /**
   * As the data spells it (file names and URLs use it).
   */
  version: string;
  /**
   * wheel, sdist, nixpkgs, conda/<channel> or url.
   */
  provider: string;
  source: Source;
  /**
   * Runtime dependencies (names), extras' included; null when unknown (a nixpkgs package keeps its own).
   */
  dependencies: string[] | null;
  /**
   * Needed only to build it (setup_requires); null when unknown.
   */
  buildDependencies: string[] | null;
  /**
   * Extras selected, unioned over every requirement.
   */
  extras: string[];
  root: boolean;
  /**
   * Dependencies left out of `dependencies`/`buildDependencies` to break a dependency cycle (Nix derivations cannot form one).
   */
  cycleDependencies: string[];
  notes: string[];
  why?: PackageWhy;
}
export interface WheelSource {
  type: 'wheel';
  filename: string;
  url: string | null;
  /**
   * SRI hash.
   */
  hash: string | null;
  index?: FileIndex;
}
export interface SdistSource {
  type: 'sdist';
  filename: string | null;
  url: string | null;
  hash: string | null;
  /**
   * The python key of pypi-deps-db whose metadata was used; null for the sdist's own PKG-INFO (a package index), which is not per Python.
   */
  pythonKey: string | null;
  index?: FileIndex;
}
export interface NixpkgsSource {
  type: 'nixpkgs';
  attribute: string;
}
export interface CondaSource {
  type: 'conda';
  channel: string;
  subdir: string;
  filename: string;
  build: string;
  url: string;
  hash: string | null;
}
export interface UrlSource {
  type: 'url';
  url: string;
  /**
   * SRI hash from the requirement's `--hash` or the URL's `#sha256=` fragment; null: the file can only be fetched impurely.
   */
  hash: string | null;
}
/**
 * What the solver knew about this choice (mach-nix why); absent in older locks.
 */
export interface PackageWhy {
  /**
   * Every requirement on it in the resolution: the user's (package null) and the resolved packages'. Places are not recorded, so that the resolution does not depend on the order of the requirements.
   */
  requiredBy: {
    /**
     * null: the user's requirement.
     */
    package: string | null;
    version: string | null;
    /**
     * As written, without its marker.
     */
    requirement: string;
    kind: 'runtime' | 'build' | 'constraint';
  }[];
  /**
   * The providers for it, in the order of preference, with how many candidates each had and why versions were not candidates.
   */
  providers: {
    provider: string;
    candidates: number;
    rejected: string | null;
  }[];
  /**
   * The candidates preferred to the chosen one and why each was not taken, grouped: newest first, at most five versions named per group.
   */
  skipped: {
    provider: string;
    versions: string[];
    count: number;
    reason: string;
  }[];
}
export interface LocalSource {
  kind: 'editable' | 'path';
  target: string;
  extras: string[];
  /**
   * Where it was written (file:line).
   */
  from: string;
}
export interface ResolutionFailure {
  lockVersion: 1;
  generator: string;
  inputHash: string | null;
  error: {
    kind: 'unsatisfiable' | 'input' | 'data';
    /**
     * What went wrong, with the explanation of a conflict.
     */
    message: string;
  };
}
