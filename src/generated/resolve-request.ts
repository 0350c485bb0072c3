/* Generated from schemas/resolve-request.schema.json by scripts/generate-types.ts (npm run generate). Do not edit. */

/**
 * What the Nix library asks the resolver (mkPython's arguments that decide the resolution). Its canonical JSON (sorted keys, no whitespace, as builtins.toJSON writes it) is hashed into the resolution's inputHash, so a lock file knows which request it answers.
 */
export interface ResolveRequest {
  /**
   * The content of a requirements.txt or of a conda environment.yml (told apart as mach-nix did).
   */
  requirements: string;
  /**
   * The target CPython version, e.g. 3.11.9 (python.version).
   */
  python: string;
  platform: 'x86_64-linux' | 'aarch64-linux' | 'x86_64-darwin' | 'aarch64-darwin';
  /**
   * Linux: the glibc version of the target (manylinux compatibility); null elsewhere.
   */
  glibc: string | null;
  /**
   * Darwin: the macOS deployment target; null for the default.
   */
  macos: string | null;
  providers: Providers;
  /**
   * mkPython's _providerDefaults; null for the built-in table.
   */
  providerDefaults: Providers1 | null;
  /**
   * Conda channels made available by condaChannelsExtra, appended to the default providers.
   */
  condaChannels: string[];
  /**
   * The CUDA version conda's virtual __cuda package stands for; null for none.
   */
  cudaVersion: string | null;
  /**
   * UNIX_TIMESTAMP of the pypi-deps-db tree resolved against: ties a lock to its data (null for a package index).
   */
  dataTimestamp: number | null;
  index?: IndexLocations;
}
/**
 * mkPython's providers.
 */
export interface Providers {
  [k: string]: (string | string[]) | undefined;
}
export interface Providers1 {
  [k: string]: (string | string[]) | undefined;
}
/**
 * Present when the resolution reads a package index instead of the pinned data: the locations in effect (pip's and uv's configuration, the command line and the requirements' own option lines applied), without credentials. Absent for the pinned data, so requests (and lock hashes) of the pinned data are what they were.
 */
export interface IndexLocations {
  /**
   * The package indexes (PEP 503 roots) in order, the main index first; empty with --no-index.
   */
  indexUrls: string[];
  /**
   * The find-links locations (directories or pages of links), in order.
   */
  findLinks: string[];
}
