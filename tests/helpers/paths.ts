/** Locations the tests read: the repository and the shared conformance data beside it. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `../shared` beside the checkout (where developers and CI have it), or `$MACH_NIX_SHARED`. */
export const sharedDir = process.env.MACH_NIX_SHARED ?? resolve(repoDir, '../shared');
if (!existsSync(join(sharedDir, 'conformance'))) {
  throw new Error(`shared conformance data not found at ${sharedDir}; set MACH_NIX_SHARED to its folder`);
}
export const conformanceDir = join(sharedDir, 'conformance');
