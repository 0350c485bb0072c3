/**
 * The two DependencySource implementations give deeply equal answers: for every conformance corpus
 * (and the hand-written fixture, which adds conda, nixpkgs and every reference kind), the SQLite
 * index built from the tree and the tree read bucket by bucket agree on every query, for every
 * name and version in the data and for Pythons 2.7, 3.7, 3.10, 3.11, 3.12 and 3.13.
 */
import { canonicalizeName } from '../../src/pep503.js';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BucketSource } from '../../src/db/bucket-source.js';
import type { DataInputs } from '../../src/db/inputs.js';
import { SqliteSource } from '../../src/db/sqlite-source.js';
import { buildIndex } from '../../src/db/sqlite-writer.js';
import type { DependencySource, PythonTarget } from '../../src/db/source.js';
import { conformanceDir } from '../helpers/paths.js';
import { FIXTURE, fixtureInputs, writeTree } from './fixture.js';

const TARGETS: PythonTarget[] = [
  { major: 2, minor: 7 },
  { major: 3, minor: 7 },
  { major: 3, minor: 10 },
  { major: 3, minor: 11 },
  { major: 3, minor: 12 },
  { major: 3, minor: 13 },
];

/** Names and versions as the raw bucket files have them (every tree kind). */
function namesAndVersions(inputs: DataInputs): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  const folders = [join(inputs.depsDir, 'sdist'), join(inputs.depsDir, 'wheel'), ...(inputs.filesDir ? [join(inputs.filesDir, 'pypi')] : [])];
  for (const folder of folders) {
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder).filter((name) => /^[0-9a-f]{2}\.json$/.test(name))) {
      const names = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Record<string, Record<string, unknown>>;
      for (const [name, value] of Object.entries(names)) {
        const versions = result.get(name) ?? new Set<string>();
        result.set(name, versions);
        const byVersion = folder.endsWith('wheel') ? Object.values(value).flatMap((tag) => Object.keys(tag as object)) : Object.keys(value);
        for (const version of byVersion) versions.add(version);
      }
    }
  }
  return result;
}

/** Asks both sources every question about the data and compares the answers. Returns the number asked. */
function compareSources(bucket: DependencySource, sqlite: DependencySource, inputs: DataInputs, extraKeys: string[] = []): number {
  let queries = 0;
  const check = <T>(what: string, ask: (source: DependencySource) => T) => {
    assert.deepStrictEqual(ask(sqlite), ask(bucket), what);
    queries++;
  };
  check('info', (source) => source.info());
  for (const [min, max] of [[0, 100], [3, 5], [7, 7]] as const) check(`keysOfLength(${min}, ${max})`, (source) => source.keysOfLength(min, max));
  const names = namesAndVersions(inputs);
  for (const key of [...extraKeys, 'no-such-name']) names.set(key, names.get(key) ?? new Set(['1.0']));
  for (const [key, versions] of names) {
    check(`has(${key})`, (source) => source.has(key));
    for (const spelling of [key, canonicalizeName(key), key.toUpperCase().replace(/-/g, '_')]) {
      check(`keys(${spelling})`, (source) => source.keys(spelling));
    }
    check(`wheelReleases(${key})`, (source) => source.wheelReleases(key));
    for (const target of TARGETS) {
      check(`sdistReleases(${key}, ${target.major}.${target.minor})`, (source) => source.sdistReleases(key, target));
    }
    for (const version of [...versions, 'no-such-version']) check(`files(${key}, ${version})`, (source) => source.files(key, version));
    check(`nixpkgsAttributes(${key})`, (source) => source.nixpkgsAttributes(key));
    for (const channel of [...bucket.info().condaChannels, 'no-such-channel']) {
      check(`condaRecords(${channel}, ${key})`, (source) => source.condaRecords(channel, key));
    }
  }
  return queries;
}

const workDir = mkdtempSync(join(tmpdir(), 'mach-nix-equivalence-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

function checkEquivalent(label: string, inputs: DataInputs, extraKeys: string[] = []): number {
  const index = join(workDir, `${label}.sqlite`);
  buildIndex(inputs, index);
  const bucket = new BucketSource(inputs);
  const sqlite = new SqliteSource(index);
  try {
    return compareSources(bucket, sqlite, inputs, extraKeys);
  } finally {
    bucket.close();
    sqlite.close();
  }
}

describe('SQLite index and bucket files give identical answers', () => {
  const corpora = readdirSync(join(conformanceDir, 'resolver'))
    .filter((name) => existsSync(join(conformanceDir, 'resolver', name, 'deps')))
    .sort();

  it('covers every corpus', () => assert.ok(corpora.length >= 50, `only ${corpora.length} corpora found`));

  for (const corpus of corpora) {
    it(corpus, () => {
      const root = join(conformanceDir, 'resolver', corpus);
      const files = join(root, 'files');
      const queries = checkEquivalent(corpus, { depsDir: join(root, 'deps'), filesDir: existsSync(files) ? files : null });
      assert.ok(queries > 10);
    });
  }

  it('the hand-written fixture, with conda and nixpkgs', () => {
    const root = writeTree(FIXTURE);
    try {
      checkEquivalent('fixture', fixtureInputs(root), ['numpy', 'r-base', 'typing-extensions', 'samtools', 'django', 'requests', 'tzdata']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
