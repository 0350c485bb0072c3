/**
 * The tool's version and its package's folder (the one above src/, or above dist/ for the bundle).
 *
 * The bundle has the version compiled in: scripts/build.ts defines `MACH_NIX_BUNDLED_VERSION` from
 * the package.json it builds from, which is the package's own (bin/mach-nix runs the sources when
 * package.json is newer than the bundle). Reading and parsing package.json at every start was a
 * third of a millisecond of `mach-nix --version` (bench/resolver/RESULTS.md). From the sources
 * (tsx) the name is not defined, and package.json is read on first use.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

declare const MACH_NIX_BUNDLED_VERSION: string | undefined;

let version: string | undefined;

export function toolVersion(): string {
  version ??= typeof MACH_NIX_BUNDLED_VERSION === 'string'
    ? MACH_NIX_BUNDLED_VERSION
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

/** The package's folder, with a trailing slash: the checkout when run from one. */
export function packageRoot(): string {
  return fileURLToPath(new URL('..', import.meta.url));
}
