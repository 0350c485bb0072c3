/**
 * `mach-nix db build` end to end: on the shared corpora it writes an index the resolver can open;
 * usage mistakes exit 2, bad data exits 1 with one line naming the file, and no file is left.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDependencySource } from '../../src/cli/db.js';
import { conformanceDir } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

const machNix = (...argv: string[]) => runCli(argv);

const workDir = mkdtempSync(join(tmpdir(), 'mach-nix-cli-db-'));
after(() => rmSync(workDir, { recursive: true, force: true }));
const resolver = join(conformanceDir, 'resolver');

describe('mach-nix db build', () => {
  for (const corpus of ['localpypi-2026', 'packse-extras-all-extras-required']) {
    it(`indexes ${corpus}`, async () => {
      const out = join(workDir, `${corpus}.sqlite`);
      const result = await machNix('db', 'build', '--deps', join(resolver, corpus, 'deps'), '--files', join(resolver, corpus, 'files'), '--out', out);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^wrote ${out} in [0-9.]+ s: [0-9]+ names`));
      assert.equal(result.stderr, '', 'no progress bar without a terminal');
      const source = openDependencySource(out);
      const name = corpus === 'localpypi-2026' ? 'requests' : 'a';
      assert.ok(source.wheelReleases(name).length > 0);
      assert.ok(source.has(name).files);
      source.close();
    });
  }

  it('takes conda channels and a nixpkgs index', async () => {
    const repodata = join(workDir, 'repodata.json');
    writeFileSync(repodata, JSON.stringify({ info: { subdir: 'noarch' }, packages: { 'x-1-0.tar.bz2': { name: 'x', version: '1', build: '0', build_number: 0 } } }));
    const nixpkgs = join(workDir, 'nixpkgs.json');
    writeFileSync(nixpkgs, JSON.stringify({ x: { pname: 'x', version: '1', requirements: null } }));
    const out = join(workDir, 'with-conda.sqlite');
    const deps = join(resolver, 'packse-extras-all-extras-required', 'deps');
    const result = await machNix('db', 'build', '--deps', deps, '--conda', `extra=${repodata}`, '--nixpkgs', nixpkgs, '--out', out);
    assert.equal(result.code, 0, result.stderr);
    const source = openDependencySource(out);
    assert.deepEqual(source.has('x'), { sdist: false, wheel: false, files: false, nixpkgs: true, conda: ['extra'] });
    source.close();
  });

  it('is a usage error (exit 2) without --out or with a missing folder', async () => {
    const deps = join(resolver, 'localpypi-2026', 'deps');
    const missingOut = await machNix('db', 'build', '--deps', deps);
    assert.equal(missingOut.code, 2);
    assert.match(missingOut.stderr, /--out/);
    const missingDeps = await machNix('db', 'build', '--deps', join(workDir, 'nope'), '--out', join(workDir, 'x.sqlite'));
    assert.equal(missingDeps.code, 2);
    assert.match(missingDeps.stderr, /^error: --deps .*nope: no such folder\n$/);
    const badConda = await machNix('db', 'build', '--deps', deps, '--conda', join(workDir, 'nope.json'), '--out', join(workDir, 'x.sqlite'));
    assert.equal(badConda.code, 2);
  });

  it('fails with one line naming the file on bad data (exit 1), leaving no index', async () => {
    const copy = join(workDir, 'bad-corpus');
    cpSync(join(resolver, 'packse-extras-all-extras-required'), copy, { recursive: true });
    const bucket = join(copy, 'deps', 'sdist', 'ca.json');
    writeFileSync(bucket, '{"a": {"1.0.0": {"37": {"install_requires": 42}}}}');
    const outDir = join(workDir, 'bad-out');
    cpSync(join(copy, 'files'), outDir, { recursive: true });
    const before = readdirSync(outDir);
    const result = await machNix('db', 'build', '--deps', join(copy, 'deps'), '--out', join(outDir, 'index.sqlite'));
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `error: ${bucket} (a."1.0.0"."37".install_requires): expected (string | Array), found a number\n`);
    assert.deepEqual(readdirSync(outDir), before);
    assert.ok(!existsSync(join(outDir, 'index.sqlite')));
  });
});
