/**
 * Malformed data is a DataError naming the file and the key path, in one line, from both access
 * paths (the bucket source when the name is asked for, the index builder while building) — never
 * a crash, never a silently wrong answer. Unknown keys are ignored.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BucketSource } from '../../src/db/bucket-source.js';
import { bucketOf } from '../../src/db/buckets.js';
import type { DataInputs } from '../../src/db/inputs.js';
import { SqliteSource } from '../../src/db/sqlite-source.js';
import { buildIndex } from '../../src/db/sqlite-writer.js';
import type { DependencySource } from '../../src/db/source.js';
import { DataError } from '../../src/errors.js';
import { hash, writeTree } from './fixture.js';
import type { TreeSpec } from './fixture.js';

interface BadCase {
  title: string;
  spec: TreeSpec;
  /** The query that meets the bad data through the bucket source. */
  ask: (source: DependencySource) => unknown;
  /** The file (relative to the tree) and key path the message must name. */
  file: string;
  key?: string;
  reason: RegExp;
  inputs?: (root: string) => Partial<DataInputs>;
}

const sdistFile = (name: string) => `deps/sdist/${bucketOf(name)}.json`;
const wheelFile = (name: string) => `deps/wheel/${bucketOf(name)}.json`;
const filesFile = (name: string) => `files/pypi/${bucketOf(name)}.json`;
const py311 = { major: 3, minor: 11 };

const CASES: BadCase[] = [
  {
    title: 'a wrong type in a requirement list',
    spec: { sdist: { pkg: { '2.0': { '310': { install_requires: ['ok', 5] } } } } },
    ask: (s) => s.sdistReleases('pkg', py311),
    file: sdistFile('pkg'),
    key: 'pkg."2.0"."310".install_requires[1]',
    reason: /expected string, found a number/,
  },
  {
    title: 'extras_require that is not an object',
    spec: { sdist: { pkg: { '2.0': { '36': { extras_require: ['x'] } } } } },
    ask: (s) => s.sdistReleases('pkg', py311),
    file: sdistFile('pkg'),
    key: 'pkg."2.0"."36".extras_require',
    reason: /expected an object, found an array/,
  },
  {
    title: 'a python_requires that is an object',
    spec: { sdist: { pkg: { '2.0': { '36': { python_requires: { a: 1 } } } } } },
    ask: (s) => s.sdistReleases('pkg', py311),
    file: sdistFile('pkg'),
    key: 'pkg."2.0"."36".python_requires',
    reason: /expected/,
  },
  {
    title: 'a version that is neither a map nor a reference',
    spec: { sdist: { pkg: { '1.0': 7 } } },
    ask: (s) => s.sdistReleases('pkg', py311),
    file: sdistFile('pkg'),
    key: 'pkg."1.0"',
    reason: /expected an object, found a number/,
  },
  {
    title: 'a dangling version reference',
    spec: { sdist: { pkg: { '1.0': '0.9' } } },
    ask: (s) => s.sdistReleases('pkg', py311),
    file: sdistFile('pkg'),
    key: 'pkg."1.0"',
    reason: /refers to version "0\.9", which is not in the data/,
  },
  {
    title: 'cyclic version references',
    spec: { sdist: { pkg: { '1.0': '1.1', '1.1': '1.2', '1.2': '1.0' } } },
    ask: (s) => s.sdistReleases('pkg', py311),
    file: sdistFile('pkg'),
    key: 'pkg."1.0"',
    reason: /version references form a cycle/,
  },
  {
    title: 'a dangling python-key reference',
    spec: { sdist: { pkg: { '1.0': { '310': '39' } } } },
    ask: (s) => s.sdistReleases('pkg', py311),
    file: sdistFile('pkg'),
    key: 'pkg."1.0"."310"',
    reason: /refers to python key "39", which is not in the data/,
  },
  {
    title: 'cyclic python-key references',
    spec: { sdist: { pkg: { '1.0': { '39': '310', '310': '39' } } } },
    ask: (s) => s.sdistReleases('pkg', py311),
    file: sdistFile('pkg'),
    key: 'pkg."1.0"."39"',
    reason: /python key references form a cycle/,
  },
  {
    title: 'a dangling version@file reference',
    spec: { wheel: { pkg: { py3: { '1.0': { 'pkg-1.0-py3-none-any.whl': '0.9@pkg-0.9-py3-none-any.whl' } } } } },
    ask: (s) => s.wheelReleases('pkg'),
    file: wheelFile('pkg'),
    key: 'pkg.py3."1.0"."pkg-1.0-py3-none-any.whl"',
    reason: /refers to "0\.9@pkg-0\.9-py3-none-any\.whl", which is not in the data/,
  },
  {
    title: 'cyclic version@file references',
    spec: { wheel: { pkg: { py3: { '1.0': { 'a.whl': '1.1@b.whl' }, '1.1': { 'b.whl': '1.0@a.whl' } } } } },
    ask: (s) => s.wheelReleases('pkg'),
    file: wheelFile('pkg'),
    reason: /file references form a cycle/,
  },
  {
    title: 'a wheel record of the wrong type',
    spec: { wheel: { pkg: { py3: { '1.0': { 'a.whl': { requires_dist: [{}] } } } } } },
    ask: (s) => s.wheelReleases('pkg'),
    file: wheelFile('pkg'),
    key: 'pkg.py3."1.0"."a.whl".requires_dist[0]',
    reason: /expected string, found an object/,
  },
  {
    title: 'a hash that is not a base64 sha256',
    spec: { files: { pkg: { '1.0': { sdist: ['abc', 'pkg-1.0.tar.gz'] } } } },
    ask: (s) => s.files('pkg', '1.0'),
    file: filesFile('pkg'),
    key: 'pkg."1.0".sdist[0]',
    reason: /not a base64 sha256/,
  },
  {
    title: 'a wheel entry that is not [hash, tag]',
    spec: { files: { pkg: { '1.0': { wheels: { 'a.whl': [hash(1)] } } } } },
    ask: (s) => s.files('pkg', '1.0'),
    file: filesFile('pkg'),
    key: 'pkg."1.0".wheels."a.whl"[1]',
    reason: /is missing/,
  },
  {
    title: 'a conda record without build_number',
    spec: { extra: { 'repodata.json': { info: { subdir: 'noarch' }, packages: { 'x-1-0.tar.bz2': { name: 'x', version: '1', build: '0' } } } } },
    ask: (s) => s.condaRecords('chan', 'x'),
    file: 'repodata.json',
    key: 'packages."x-1-0.tar.bz2".build_number',
    reason: /is missing/,
    inputs: (root) => ({ conda: [{ channel: 'chan', file: join(root, 'repodata.json'), subdir: null }] }),
  },
  {
    title: 'a nixpkgs entry with a numeric version',
    spec: { extra: { 'nixpkgs.json': { foo: { pname: 'foo', version: 1 } } } },
    ask: (s) => s.nixpkgsAttributes('foo'),
    file: 'nixpkgs.json',
    key: 'foo.version',
    reason: /expected string, found a number/,
    inputs: (root) => ({ nixpkgsFile: join(root, 'nixpkgs.json') }),
  },
  {
    title: 'a bucket that is not an object',
    spec: { extra: { [sdistFile('pkg')]: '[1, 2]' } },
    ask: (s) => s.sdistReleases('pkg', py311),
    file: sdistFile('pkg'),
    reason: /expected an object, found an array/,
  },
  {
    title: 'a name in the wrong bucket',
    // n436 belongs in 00.json, where the bucket source finds the stray `pkg` too.
    spec: { sdist: { n436: { '1.0': { '310': {} } } }, extra: { 'deps/sdist/00.json': { n436: { '1.0': { '310': {} } }, pkg: {} } } },
    ask: (s) => s.sdistReleases('n436', py311),
    file: 'deps/sdist/00.json',
    key: 'pkg',
    reason: /belongs in bucket e0\.json \(sha256 of the name\), not 00\.json/,
  },
  {
    title: 'a truncated bucket',
    spec: { extra: { [wheelFile('pkg')]: '{"pkg": {"py3": {"1.0": {"a.whl": {"requires_dist": ["x"' } },
    ask: (s) => s.wheelReleases('pkg'),
    file: wheelFile('pkg'),
    reason: /malformed JSON/,
  },
];

function assertNamesPlace(error: unknown, root: string, bad: BadCase): true {
  assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
  assert.doesNotMatch(error.message, /\n/);
  assert.ok(error.message.startsWith(join(root, bad.file)), error.message);
  if (bad.key !== undefined) assert.ok(error.message.includes(`(${bad.key})`), error.message);
  assert.match(error.message, bad.reason);
  return true;
}

describe('bad data', () => {
  for (const bad of CASES) {
    it(`${bad.title}: one-line DataError from both paths, no index left`, () => {
      const root = writeTree(bad.spec);
      try {
        const inputs: DataInputs = { depsDir: join(root, 'deps'), filesDir: join(root, 'files'), ...bad.inputs?.(root) };
        assert.throws(() => bad.ask(new BucketSource(inputs)), (error) => assertNamesPlace(error, root, bad));
        const out = join(root, 'index.sqlite');
        assert.throws(() => buildIndex(inputs, out), (error) => assertNamesPlace(error, root, bad));
        assert.deepEqual(readdirSync(root).filter((name) => name.startsWith('index.sqlite')), []);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('ignores unknown record keys, unknown python keys and the legacy data/ folder', () => {
    const root = writeTree({
      sdist: { pkg: { '1.0': { '310': { install_requires: ['a'], crawler_note: { x: 1 } }, pypy: 'nonsense' } } },
      wheel: { pkg: { py3: { '1.0': { 'a.whl': { requires_dist: ['b'], requires_external: ['libc'], metadata_version: 2.1 } } } } },
      files: { pkg: { '1.0': { sdist: [hash(1), 'pkg-1.0.tar.gz'], yanked: true } } },
      extra: { 'deps/data/00.json': 'not json at all' },
    });
    try {
      const inputs = { depsDir: join(root, 'deps'), filesDir: join(root, 'files') };
      const out = join(root, 'index.sqlite');
      buildIndex(inputs, out);
      for (const source of [new BucketSource(inputs), new SqliteSource(out)]) {
        assert.deepEqual(source.sdistReleases('pkg', py311).map((r) => r.installRequires), [['a']]);
        assert.deepEqual(source.wheelReleases('pkg').map((r) => r.requiresDist), [['b']]);
        assert.equal(source.files('pkg', '1.0').length, 1);
        source.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a folder that is not a pypi-deps-db tree, and a file that is not an index', () => {
    const root = writeTree({});
    try {
      rmSync(join(root, 'deps'), { recursive: true });
      assert.throws(() => new BucketSource({ depsDir: join(root, 'deps') }), DataError);
      writeFileSync(join(root, 'not-an-index'), 'hello');
      assert.throws(() => new SqliteSource(join(root, 'not-an-index')), (error) => error instanceof DataError && /not a mach-nix index/.test(error.message));
      assert.ok(!existsSync(join(root, 'deps')));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
