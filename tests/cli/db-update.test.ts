/**
 * `mach-nix db update` against the loopback index (tests/index/servers): the data tree it writes
 * reads back, through the pinned-data path (`--deps-db`, `db build`), as the resolution the index
 * gave; it is byte-identical on a re-run and from a fresh folder with SOURCE_DATE_EPOCH; a failed
 * run leaves the previous tree as it was; the SQLite form answers the same.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import { readTree } from '../../src/db/tree-writer.js';
import { startTestIndexes, type TestIndexes } from '../index/servers/fixture-index.js';
import { runCli } from '../helpers/cli.js';

let indexes: TestIndexes;
const savedEnv = { ...process.env };
const temporary: string[] = [];

function tempDir(prefix = 'mach-nix-db-update-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

before(async () => {
  indexes = await startTestIndexes();
  for (const key of Object.keys(process.env)) if (/^(PIP|UV)_/.test(key) || key === 'SOURCE_DATE_EPOCH') delete process.env[key];
  process.env.PIP_CONFIG_FILE = '/dev/null';
  process.env.NETRC = join(tmpdir(), 'mach-nix-no-such-netrc');
  process.env.MACH_NIX_CACHE_DIR = tempDir('mach-nix-cache-');
});
after(async () => {
  process.env = savedEnv;
  await indexes.stop();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

const TARGET = ['--python', '3.11.2', '--platform', 'x86_64-linux', '--glibc', '2.36'];
const REQUIREMENTS = ['flask', 'requests', 'static-sdist[net]'];

const machNix = (...argv: string[]) => runCli(argv);

const update = (out: string, index = indexes.urls.modern, requirements = REQUIREMENTS) => machNix('db', 'update', ...requirements, ...TARGET, '--index-url', index, '--out', out);

async function resolveJson(...args: string[]): Promise<Resolution> {
  const result = await machNix('resolve', ...REQUIREMENTS, ...TARGET, '--json', ...args);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Resolution;
}

/** What a resolution chose, wherever its data came from. */
const choices = (resolution: Resolution) =>
  Object.fromEntries(Object.entries(resolution.packages).map(([name, p]) => {
    const source = p!.source as { url?: string | null; hash?: string | null; filename?: string | null };
    return [name, { version: p!.version, provider: p!.provider, filename: source.filename, url: source.url, hash: source.hash, dependencies: p!.dependencies }];
  }));

describe('db update', () => {
  test('writes the closure as a pypi-deps-db + nix-pypi-fetcher-2 tree that resolves, pinned, to what the index gave', async () => {
    const out = join(tempDir(), 'pypi-data');
    const result = await update(out);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${out}: 13 wheels and 1 sdist of the 14 packages resolved\n`);
    const files = [...readTree(out)!.keys()];
    assert.ok(files.includes('UNIX_TIMESTAMP'));
    assert.ok(files.some((file) => /^wheel\/[0-9a-f]{2}\.json$/.test(file)) && files.some((file) => /^pypi\/[0-9a-f]{2}\.json$/.test(file)) && files.some((file) => /^sdist\/[0-9a-f]{2}\.json$/.test(file)));
    // The sdist's PKG-INFO in setuptools' form, for the target's python key; the files with their own URLs.
    const sdistBucket = files.find((file) => file.startsWith('sdist/'))!;
    assert.deepEqual(JSON.parse(readFileSync(join(out, sdistBucket), 'utf8')), {
      'static-sdist': { '1.0': { '311': { install_requires: ['six>=1.0'], extras_require: { net: ['idna'] }, python_requires: '>=3.8' } } },
    });

    const fromIndex = await resolveJson('--index-url', indexes.urls.modern);
    const fromTree = await resolveJson('--deps-db', out);
    assert.deepEqual(choices(fromTree), choices(fromIndex));
    assert.equal(fromTree.data.depsTimestamp, Number(readFileSync(join(out, 'UNIX_TIMESTAMP'), 'utf8')));

    // The SQLite index of the tree (db build finds its pypi/ itself), and db update's own.
    const built = join(tempDir(), 'built.sqlite');
    assert.equal((await machNix('db', 'build', '--deps', out, '--out', built)).code, 0);
    assert.deepEqual(choices(await resolveJson('--deps-db', built)), choices(fromIndex));
    const sqlite = join(tempDir(), 'pypi-data.sqlite');
    const direct = await update(sqlite);
    assert.equal(direct.code, 0, direct.stderr);
    assert.deepEqual(choices(await resolveJson('--deps-db', sqlite)), choices(fromIndex));
  });

  test('byte-identical: a re-run that finds the same data leaves the tree as it was; SOURCE_DATE_EPOCH fixes the timestamp of a new one', async () => {
    const dir = tempDir();
    const out = join(dir, 'pypi-data');
    assert.equal((await update(out)).code, 0);
    const first = readTree(out)!;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await update(out, indexes.urls.pypi)).code, 1, 'static-sdist is not on the plain mirror');
    assert.deepEqual(readTree(out), first, 'a failed run leaves the tree as it was');
    assert.equal((await update(out)).code, 0);
    assert.deepEqual(readTree(out), first, 'same data, same bytes, the timestamp included');
    assert.deepEqual(readdirSync(dir), ['pypi-data'], 'nothing left beside it');

    process.env.SOURCE_DATE_EPOCH = '1780000000';
    try {
      const a = join(tempDir(), 'a');
      const b = join(tempDir(), 'b');
      assert.equal((await update(a)).code, 0);
      assert.equal((await update(b)).code, 0);
      assert.deepEqual(readTree(a), readTree(b));
      assert.equal(readFileSync(join(a, 'UNIX_TIMESTAMP'), 'utf8'), '1780000000\n');
      // Other data: a new tree replaces the old one whole.
      assert.equal((await update(a, indexes.urls.modern, ['six'])).code, 0);
      assert.deepEqual([...readTree(a)!.keys()].filter((file) => file.endsWith('.json')).length, 2, 'six in wheel/ and pypi/ only');
    } finally {
      delete process.env.SOURCE_DATE_EPOCH;
    }
  });

  test("a run killed between its two renames leaves the old tree beside the place, and the next run puts it back; a folder that is no tree is not replaced", async () => {
    const dir = tempDir();
    const out = join(dir, 'pypi-data');
    assert.equal((await update(out, indexes.urls.modern, ['six'])).code, 0);
    const tree = readTree(out)!;
    // What a run killed after its first rename leaves: the old tree under a name of its (dead) process.
    renameSync(out, join(dir, 'pypi-data.old-999999999-x1'));
    mkdirSync(join(dir, '.pypi-data.tmp-999999999-x1', 'wheel'), { recursive: true });
    const failed = await update(out, indexes.urls.pypi, ['static-sdist']);
    assert.equal(failed.code, 1);
    assert.deepEqual(readTree(out), tree, 'the old tree is back in place, and the failed run changed nothing');
    assert.deepEqual(readdirSync(dir), ['pypi-data']);

    const foreign = join(tempDir(), 'project');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'flake.nix'), '{ }');
    const refused = await update(foreign, indexes.urls.modern, ['six']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /exists and is not a data tree written by mach-nix db update \(it holds flake\.nix\)/);
    assert.ok(existsSync(join(foreign, 'flake.nix')));
  });
});
