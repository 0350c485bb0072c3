/**
 * The index file itself: equal inputs give byte-identical files, a bad bucket leaves no file (and
 * an existing index untouched), and an index of another schema version is refused.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../src/db/schema.js';
import { SqliteSource } from '../../src/db/sqlite-source.js';
import { buildIndex } from '../../src/db/sqlite-writer.js';
import { DataError } from '../../src/errors.js';
import { conformanceDir } from '../helpers/paths.js';
import { FIXTURE, fixtureInputs, writeTree } from './fixture.js';

const workDir = mkdtempSync(join(tmpdir(), 'mach-nix-index-'));
after(() => rmSync(workDir, { recursive: true, force: true }));
const corpus = join(conformanceDir, 'resolver', 'resolvelib-pypi-2020-02-13-chalice');

describe('buildIndex', () => {
  it('is deterministic: the same tree gives the same bytes', () => {
    const root = writeTree(FIXTURE);
    try {
      const [first, second] = [join(workDir, 'a.sqlite'), join(workDir, 'b.sqlite')];
      buildIndex(fixtureInputs(root), first);
      buildIndex(fixtureInputs(root), second);
      assert.ok(readFileSync(first).equals(readFileSync(second)));
      const inputs = { depsDir: join(corpus, 'deps'), filesDir: join(corpus, 'files') };
      buildIndex(inputs, first);
      buildIndex(inputs, second);
      assert.ok(readFileSync(first).equals(readFileSync(second)));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('leaves no file behind on a truncated bucket, and an existing index untouched', () => {
    const copy = join(workDir, 'corpus');
    cpSync(corpus, copy, { recursive: true });
    const bucket = join(copy, 'deps', 'wheel', readdirSync(join(copy, 'deps', 'wheel')).sort()[3] ?? '');
    truncateSync(bucket, Math.floor(readFileSync(bucket).length / 2));
    const outDir = join(workDir, 'out');
    cpSync(join(copy, 'deps'), join(outDir, 'unrelated'), { recursive: true });
    const out = join(outDir, 'index.sqlite');
    const inputs = { depsDir: join(copy, 'deps'), filesDir: join(copy, 'files') };

    assert.throws(
      () => buildIndex(inputs, out),
      (error) => error instanceof DataError && error.message.startsWith(`${bucket}: malformed JSON`) && !error.message.includes('\n'),
    );
    assert.deepEqual(readdirSync(outDir), ['unrelated']);

    writeFileSync(out, 'the previous index');
    assert.throws(() => buildIndex(inputs, out), DataError);
    assert.equal(readFileSync(out, 'utf8'), 'the previous index');
    assert.deepEqual(readdirSync(outDir).sort(), ['index.sqlite', 'unrelated']);
  });

  it('replaces an existing index when the build succeeds', () => {
    const out = join(workDir, 'replaced.sqlite');
    writeFileSync(out, 'old');
    buildIndex({ depsDir: join(corpus, 'deps'), filesDir: join(corpus, 'files') }, out);
    const source = new SqliteSource(out);
    assert.ok(source.wheelReleases('chalice').length > 0);
    source.close();
  });
});

describe('SqliteSource', () => {
  it('refuses an index of another schema version', () => {
    const out = join(workDir, 'old-schema.sqlite');
    buildIndex({ depsDir: join(corpus, 'deps') }, out);
    const db = new Database(out);
    db.prepare("UPDATE meta SET value = '0' WHERE key = 'schema_version'").run();
    db.close();
    assert.throws(() => new SqliteSource(out), (error) => error instanceof DataError && error.message.includes(`schema version 0 is not ${SCHEMA_VERSION}: rebuild`));
  });
});
