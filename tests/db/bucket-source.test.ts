/**
 * BucketSource's own concerns (its answers equal the SQLite index's: equivalence.test.ts): a name
 * is looked up by its own spellings, reading only their buckets, never the whole tree.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BucketSource, spellings } from '../../src/db/bucket-source.js';
import { BUCKETS, bucketOf } from '../../src/db/buckets.js';
import { DataError } from '../../src/errors.js';
import { writeTree } from '../helpers/data-tree.js';

const wheel = (name: string) => ({ py3: { '1.0': { [`${name.replace(/[-.]/g, '_')}-1.0-py3-none-any.whl`]: {} } } });
const sourceOf = (root: string) => new BucketSource({ depsDir: join(root, 'deps'), filesDir: join(root, 'files') });
/** A bucket that none of `names` falls in. */
const otherBucket = (...names: string[]) => BUCKETS.find((bucket) => names.every((name) => bucketOf(name) !== bucket))!;

describe('spellings', () => {
  it("are the name's own key and its words joined by - or . (at most three dots)", () => {
    assert.deepEqual(spellings('Zope_Interface').sort(), ['zope-interface', 'zope.interface']);
    assert.deepEqual(spellings('a-b-c').sort(), ['a-b-c', 'a-b.c', 'a.b-c', 'a.b.c']);
    assert.ok(spellings('a.b.c.d.e').includes('a.b.c.d.e'), 'the name as written');
    assert.ok(!spellings('a-b-c-d-e').includes('a.b.c.d.e'), 'four dots');
    assert.ok(spellings('Foo__Bar').includes('foo--bar'), 'a run, as written');
    // 1 + 10 + 45 + 120 for ten separators, not 1024
    assert.equal(spellings('a-b-c-d-e-f-g-h-i-j-k').length, 176);
  });
});

describe('BucketSource.keys', () => {
  it('finds keys spelled with dots, and runs of separators as written', () => {
    const source = sourceOf(writeTree({ wheel: { 'plone.app.z3c.form': wheel('plone.app.z3c.form'), 'odd--name': wheel('odd--name') } }));
    assert.deepEqual(source.keys('plone-app-z3c-form'), ['plone.app.z3c.form']);
    assert.deepEqual(source.keys('Plone_App.z3c-Form'), ['plone.app.z3c.form']);
    assert.deepEqual(source.keys('odd--name'), ['odd--name']);
    assert.deepEqual(source.keys('odd_-name'), ['odd--name']);
  });

  it('reads only the buckets of the spellings: a broken bucket elsewhere is never opened', () => {
    const broken = otherBucket(...spellings('zope-interface'));
    const root = writeTree({
      wheel: { 'zope.interface': wheel('zope.interface') },
      extra: { [`deps/wheel/${broken}.json`]: '{ not json', [`deps/sdist/${broken}.json`]: '{ not json' },
    });
    const source = sourceOf(root);
    assert.deepEqual(source.keys('zope-interface'), ['zope.interface']);
    assert.deepEqual(source.keys('nothing-here'), []);
    // The broken files are real: asking for every python key reads them.
    assert.throws(() => source.info().pythonKeys, DataError);
  });

  it('parses a bucket that writes ASCII as \\u escapes, where the key is not literally in the text', () => {
    const key = 'zope.interface';
    const text = JSON.stringify({ [key]: wheel(key) }).replace(`"${key}"`, '"zope\\u002einterface"');
    const source = sourceOf(writeTree({ wheel: {}, extra: { [`deps/wheel/${bucketOf(key)}.json`]: text } }));
    assert.deepEqual(source.keys('zope-interface'), [key]);
  });

  it('gives the tree metadata without reading the buckets', () => {
    const root = writeTree({ extra: { 'deps/UNIX_TIMESTAMP': '1700000000', 'deps/sdist/00.json': '{ not json' } });
    const info = sourceOf(root).info();
    assert.equal(info.depsTimestamp, 1700000000);
    assert.throws(() => info.pythonKeys, /00\.json/);
  });
});
