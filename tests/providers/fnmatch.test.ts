/** Conda build-string patterns match as Python's fnmatch.fnmatchcase does (answers CPython gave). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fnmatch } from '../../src/providers/fnmatch.js';
import { repoDir } from '../helpers/paths.js';

const vectors = JSON.parse(readFileSync(join(repoDir, 'tests/fixtures/fnmatch-cpython.json'), 'utf8')) as {
  names: string[];
  matches: Record<string, string[]>;
};

describe('fnmatch', () => {
  it('agrees with CPython on every name and pattern of the vector file', () => {
    const disagreements: string[] = [];
    for (const [pattern, matching] of Object.entries(vectors.matches)) {
      for (const name of vectors.names) {
        const expected = matching.includes(name);
        if (fnmatch(name, pattern) !== expected) disagreements.push(`${JSON.stringify(name)} ~ ${JSON.stringify(pattern)}: CPython says ${expected}`);
      }
    }
    assert.deepEqual(disagreements, []);
    assert.ok(Object.keys(vectors.matches).length > 40 && vectors.names.length > 40);
  });

  it('takes a ] right after [ or [! as a member, as CPython does', () => {
    assert.equal(fnmatch(']', '[]]'), true);
    assert.equal(fnmatch('a', '[!]]'), true);
    assert.equal(fnmatch(']', '[!]]'), false);
  });

  it('matches conda build strings', () => {
    assert.equal(fnmatch('py37_0', 'py37_*'), true);
    assert.equal(fnmatch('mpi_mpich_h1234_0', 'mpi_mpich_*'), true);
    assert.equal(fnmatch('nompi_h1234_0', 'mpi_mpich_*'), false);
  });
});
