import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { summarize } from '../scripts/conformance/report.js';
import { checkFile, findConformanceFiles } from '../scripts/conformance/runner.js';
import { conformanceDir, repoDir } from './helpers/paths.js';

const vectorFile = join(conformanceDir, 'pep-vectors.json');

function runConformance(...paths: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(repoDir, 'scripts/conformance/main.ts'), ...paths], {
    cwd: repoDir,
    encoding: 'utf8',
  });
}

describe('conformance runner', () => {
  it('agrees with every shared PEP vector', () => {
    const report = checkFile(vectorFile);
    const failures = report.results.filter((r) => !r.ok);
    assert.deepEqual(failures, []);
    assert.ok(report.results.length > 1900, `only ${report.results.length} checks ran`);
  });

  it('passes every shared resolver case', () => {
    const files = findConformanceFiles(join(conformanceDir, 'resolver'));
    assert.ok(files.length >= 71, `only ${files.length} resolver cases found`);
    const failures = files.flatMap((file) => checkFile(file).results.filter((r) => !r.ok).map((r) => `${file}: ${r.detail}`));
    assert.deepEqual(failures, []);
  });

  it('catches an altered resolver expectation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-cases-'));
    const caseFile = join(conformanceDir, 'resolver/cases/localpypi-flask-requests.json');
    const altered = JSON.parse(readFileSync(caseFile, 'utf8'));
    altered.expect.packages.flask = '2.0.0';
    mkdirSync(join(dir, 'cases'));
    symlinkSync(join(conformanceDir, 'resolver', altered.corpus), join(dir, altered.corpus));
    writeFileSync(join(dir, 'cases/altered.json'), JSON.stringify(altered));
    const run = runConformance(join(dir, 'cases'));
    assert.equal(run.status, 1);
    assert.match(run.stdout, /flask: expected 2\.0\.0, got 3\.1\.3/);
    assert.match(run.stdout, /0 passed, 1 failed\n$/);
  });

  it('catches altered expectations, one failure per altered entry', () => {
    const vectors = JSON.parse(readFileSync(vectorFile, 'utf8'));
    const firstValid = (section: string) => vectors[section].find((e: { valid: boolean }) => e.valid);
    firstValid('versions').normalized += '.post9';
    const spec = firstValid('specifiers');
    const candidate = Object.keys(spec.contains)[0]!;
    spec.contains[candidate] = !spec.contains[candidate];
    const marker = firstValid('markers');
    marker.results[0] = !marker.results[0];
    firstValid('requirements').canonical_name = 'not-the-name';
    firstValid('wheel_filenames').tags = ['py2-none-any'];
    vectors.versions.find((e: { valid: boolean }) => !e.valid).valid = true;
    const [a, b] = vectors.ordering;
    vectors.ordering[0] = b;
    vectors.ordering[1] = a; // both swapped groups now sort on the wrong side of each other

    const altered = join(mkdtempSync(join(tmpdir(), 'mach-nix-vectors-')), 'altered.json');
    writeFileSync(altered, JSON.stringify(vectors));
    const { failed } = summarize(checkFile(altered).results);
    assert.equal(failed, 8);

    const run = runConformance(altered);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /\d+ passed, 8 failed\n$/);
    assert.match(run.stdout, /^FAIL .*versions\[\d+\]/m);
  });

  it('prints a closing line and exits 0 when everything passes', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(repoDir, 'scripts/conformance/main.ts'), vectorFile], { cwd: repoDir, encoding: 'utf8' });
    assert.match(out, /: \d+ passed, 0 failed\n$/);
  });

  it('reports unreadable files and missing paths instead of crashing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-vectors-'));
    writeFileSync(join(dir, 'broken.json'), '{"versions": [');
    const broken = runConformance(join(dir, 'broken.json'));
    assert.equal(broken.status, 1);
    assert.match(broken.stdout, /unreadable JSON/);
    const missing = runConformance(join(dir, 'nothing-here'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^error: .*no such file or folder\n$/);
  });
});
