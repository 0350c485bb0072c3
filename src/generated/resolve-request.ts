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
   * UNIX_TIMESTAMP of the pypi-deps-db tree resolved against: ties a lock to its data.
   */
  dataTimestamp: number | null;
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
