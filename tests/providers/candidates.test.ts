/**
 * Candidate lists of the wheel and sdist providers (`src/providers/candidates.ts`): which versions
 * are candidates, in which order, which file a version installs and when it is yanked, why the
 * others are left out — and that a candidate's download and metadata are read only when asked.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DependencySource, DistributionFile, SdistRelease, WheelRelease } from '../../src/db/source.js';
import { type CandidateContext, sdistCandidates, wheelCandidates } from '../../src/providers/candidates.js';
import { parseTarget } from '../../src/target.js';

const target = parseTarget({ python: '3.11.9', platform: 'x86_64-linux', glibc: '2.17' });

/** Counts what the candidates read from the data, so that a test can tell what was left for later. */
interface Reads {
  files: number;
  requiresDist: number;
}

function wheel(filename: string, fields: { requiresPython?: string | null; yanked?: string | null; requiresDist?: string[] }, reads: Reads): WheelRelease {
  const requiresDist = fields.requiresDist ?? [];
  return {
    version: filename.split('-')[1]!,
    filename,
    pythonTag: filename.split('-').at(-3)!,
    get requiresDist() {
      reads.requiresDist++;
      return requiresDist;
    },
    requiresPython: fields.requiresPython ?? null,
    providesExtras: [],
    ...(fields.yanked === undefined ? {} : { yanked: fields.yanked }),
  };
}

function context(data: { wheels?: WheelRelease[]; sdists?: SdistRelease[] }, reads: Reads): CandidateContext {
  const unused = () => {
    throw new Error('not used by candidate lists');
  };
  const source: DependencySource = {
    info: unused, condaRecords: unused, nixpkgsAttributes: unused, has: unused, keys: unused, keysOfLength: unused, close: unused,
    wheelReleases: () => data.wheels ?? [],
    sdistReleases: () => data.sdists ?? [],
    files(key, version): DistributionFile[] {
      reads.files++;
      return (data.wheels ?? [])
        .filter((w) => w.version === version)
        .map((w) => ({ filename: w.filename, kind: 'wheel', url: `https://files.example/${w.filename}`, hash: `sha256-${key}`, pythonTag: w.pythonTag }));
    },
  };
  return { source, target };
}

describe('wheel candidates', () => {
  const reads: Reads = { files: 0, requiresDist: 0 };
  const files = [
    wheel('pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', { yanked: 'broken\n  build' }, reads),
    wheel('pkg-1.0-py3-none-any.whl', { yanked: 'broken build' }, reads),
    wheel('pkg-1.10-cp311-cp311-manylinux_2_17_x86_64.whl', { requiresPython: '<3.11' }, reads),
    wheel('pkg-1.10-py3-none-any.whl', { requiresPython: '>=3.8', requiresDist: ['dep>=1'] }, reads),
    wheel('pkg-2.0-cp311-cp311-manylinux_2_17_x86_64.whl', { yanked: '' }, reads),
    wheel('pkg-2.0-py3-none-any.whl', {}, reads),
    wheel('pkg-3.0-cp311-cp311-win_amd64.whl', {}, reads),
    wheel('pkg-4.0-py3-none-any.whl', { requiresPython: '>=3.12' }, reads),
    wheel('pkg-4.1-py3-none-any.whl', { requiresPython: '>=3.12' }, reads),
    wheel('pkg-five-py3-none-any.whl', {}, reads),
  ];
  const list = wheelCandidates('pkg', ['pkg'], context({ wheels: files }, reads));

  test('one candidate per usable version, newest first; the others left out with their reason', () => {
    assert.deepEqual(list.candidates.map((c) => c.versionText), ['2.0', '1.10', '1.0']);
    assert.deepEqual(list.rejected, [
      { provider: 'wheel', version: '3.0', reason: 'has no wheel for this target (only cp311-cp311-win_amd64)' },
      { provider: 'wheel', version: '4.0', reason: 'requires Python >=3.12' },
      { provider: 'wheel', version: '4.1', reason: 'requires Python >=3.12' },
      { provider: 'wheel', version: 'five', reason: 'is not a PEP 440 version' },
    ]);
  });

  test('which versions are yanked is known up front; nothing is downloaded or read from the metadata', () => {
    assert.deepEqual(list.candidates.map((c) => c.yanked), [undefined, undefined, 'broken build']);
    assert.deepEqual(reads, { files: 0, requiresDist: 0 });
  });

  test('a version installs its best usable file, a yanked one only when every usable file is', () => {
    const chosen = list.candidates.map((c) => (c.source.kind === 'wheel' ? c.source.file.filename : c.source.kind));
    assert.deepEqual(chosen, ['pkg-2.0-py3-none-any.whl', 'pkg-1.10-py3-none-any.whl', 'pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.whl']);
    assert.deepEqual(reads, { files: 0, requiresDist: 0 });
  });

  test('the download is looked up once, when first asked, and the metadata read for dependencies only', () => {
    const [newest, , yanked] = list.candidates;
    assert.equal(newest!.source.kind === 'wheel' && newest!.source.download?.url, 'https://files.example/pkg-2.0-py3-none-any.whl');
    assert.deepEqual(newest!.notes, []);
    assert.deepEqual(reads, { files: 1, requiresDist: 0 });
    assert.deepEqual(yanked!.notes, ['yanked from its index (broken build): taken only because a requirement pins this version with ==']);
    assert.deepEqual(reads, { files: 2, requiresDist: 0 });
    assert.deepEqual(list.candidates[1]!.dependencies().runtime.map((d) => d.text), ['dep>=1']);
    list.candidates[1]!.dependencies();
    assert.deepEqual(reads, { files: 2, requiresDist: 1 });
  });
});

describe('sdist candidates', () => {
  const release = (version: string, fields: Partial<SdistRelease> = {}): SdistRelease => ({
    version, pythonKey: '311', exactPythonKey: true, installRequires: [], setupRequires: [], testsRequire: [], extrasRequire: {},
    requiresPython: null, ...fields,
  });
  const reads: Reads = { files: 0, requiresDist: 0 };
  const list = sdistCandidates('pkg', ['pkg'], context({
    sdists: [
      release('1.0', { installRequires: ['dep'] }),
      release('v1.0'),
      release('2.0', { pythonKey: '310', exactPythonKey: false }),
      release('3.0', { requiresPython: '>=3.12' }),
      release('3.1', { yanked: 'oops' }),
    ],
  }, reads));

  test('one candidate per version, newest first, Requires-Python applied', () => {
    assert.deepEqual(list.candidates.map((c) => [c.versionText, c.yanked]), [['3.1', 'oops'], ['2.0', undefined], ['1.0', undefined]]);
    assert.deepEqual(list.rejected, [{ provider: 'sdist', version: '3.0', reason: 'requires Python >=3.12' }]);
    assert.equal(reads.files, 0);
  });

  test('notes, download and dependencies when asked', () => {
    assert.deepEqual(list.candidates[1]!.notes, [
      'sdist metadata of Python 3.10 used: the data has none for Python 3.11',
      'no download URL and hash are known for this sdist',
    ]);
    assert.equal(reads.files, 1);
    assert.deepEqual(list.candidates[2]!.dependencies().runtime.map((d) => d.key), ['dep']);
  });
});
