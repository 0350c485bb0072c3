/**
 * Golden files: a test compares a whole text (an explanation, a tree) with `tests/golden/<name>.txt`,
 * so that any change of wording or order shows up in review. `MACH_NIX_UPDATE_GOLDEN=1` rewrites
 * the files instead of comparing (then look at the diff before committing it).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoDir } from './paths.js';

export function assertGolden(name: string, actual: string): void {
  const file = join(repoDir, 'tests', 'golden', `${name}.txt`);
  const text = actual.endsWith('\n') ? actual : `${actual}\n`;
  if (process.env.MACH_NIX_UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(existsSync(file), `no golden file ${file}: run the test with MACH_NIX_UPDATE_GOLDEN=1 to write it, and review it`);
  assert.equal(text, readFileSync(file, 'utf8'), `differs from ${file} (MACH_NIX_UPDATE_GOLDEN=1 rewrites it)`);
}
