/**
 * A short, fixed-seed run of bench/fuzz (the full run, ≥ 100,000 cases, is recorded in
 * bench/fuzz/RESULTS.md): generated and mutated requirements files, versions, specifiers,
 * requirements, markers, pyproject.toml, environment.yml, bucket JSON, lock files and command
 * lines must end in the project's typed errors only — no untyped exception, stack overflow or
 * internal error. Slow cases are the full run's business: here they would make a timing assertion.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { fuzz } from '../bench/fuzz/harness.js';
import { repoDir } from './helpers/paths.js';

it('3,000 fuzzed cases (seed 12) and 5 spawned CLI runs give typed errors only', { timeout: 300_000 }, async () => {
  const report = await fuzz({ cases: 3000, seed: 12, spawn: 5, cliFile: join(repoDir, 'dist/mach-nix.cjs') });
  assert.equal(report.cases, 3000);
  assert.ok(Object.values(report.byTarget).every((n) => n > 0), `every target ran: ${JSON.stringify(report.byTarget)}`);
  assert.deepEqual(report.findings.filter((finding) => finding.kind !== 'slow'), []);
});
