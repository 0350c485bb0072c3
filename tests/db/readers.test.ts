/**
 * The readers on the hand-written fixture (`fixture.ts`), through the bucket source: every record
 * key, every reference kind, marker-named extras, the nearest older python key, URLs and hashes,
 * conda and nixpkgs. The equivalence test holds the SQLite index to the same answers.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BucketSource } from '../../src/db/bucket-source.js';
import { bucketOf, formatKeyPath } from '../../src/db/buckets.js';
import { condaInputs } from '../../src/db/conda.js';
import { openDependencySource } from '../../src/db/open.js';
import { choosePythonKey } from '../../src/db/source.js';
import { UsageError } from '../../src/errors.js';
import { FIXTURE, fixtureInputs, hash, writeTree } from './fixture.js';

const root = writeTree(FIXTURE);
const source = new BucketSource(fixtureInputs(root));
after(() => {
  source.close();
  rmSync(root, { recursive: true, force: true });
});

const py = (major: number, minor: number) => ({ major, minor });

describe('buckets', () => {
  it('puts a legacy key in the bucket of its sha256', () => {
    assert.equal(bucketOf('requests'), 'ec'); // localpypi-2026 has it in wheel/ec.json
    assert.equal(bucketOf('a'), 'ca');
  });

  it('writes key paths bare where possible, quoted otherwise', () => {
    assert.equal(formatKeyPath(['requests', '2.0', '310', 'install_requires', 2]), 'requests."2.0"."310".install_requires[2]');
    assert.equal(formatKeyPath(['zope.interface']), '"zope.interface"');
  });
});

describe('python key choice', () => {
  const keys = ['27', '36', '37', '38', '39', '310'];
  it('uses the exact key when there is one', () => {
    assert.deepEqual(choosePythonKey(keys, py(3, 8)), { key: '38', exact: true });
    assert.deepEqual(choosePythonKey(keys, py(2, 7)), { key: '27', exact: true });
  });
  it('falls back to the nearest older key of the same major version', () => {
    assert.deepEqual(choosePythonKey(keys, py(3, 11)), { key: '310', exact: false });
    assert.deepEqual(choosePythonKey(['27', '36'], py(3, 13)), { key: '36', exact: false });
  });
  it('never uses another major version, nor a newer key', () => {
    assert.equal(choosePythonKey(['27'], py(3, 11)), null);
    assert.equal(choosePythonKey(['36', '310'], py(3, 5)), null);
    assert.equal(choosePythonKey(keys, py(4, 0)), null);
  });
});

describe('pypi-deps-db sdist', () => {
  it('reads every record key and normalises lists, strings and python_requires', () => {
    const [release] = source.sdistReleases('alpha', py(2, 7)).filter((r) => r.version === '1.0');
    assert.deepEqual(release, {
      version: '1.0',
      pythonKey: '27',
      exactPythonKey: true,
      installRequires: ['six>=1.0', 'requests'],
      setupRequires: ['setuptools_scm', 'wheel'],
      testsRequire: ['pytest'],
      extrasRequire: { '': ['always; os_name == "posix"'], ':python_version == "2.7"': ['enum34'], socks: ['PySocks'] },
      requiresPython: '>=2.7,!=3.0.*',
    });
  });

  it('follows python-key references, including chains', () => {
    const releases = source.sdistReleases('alpha', py(3, 8));
    const release = releases.find((r) => r.version === '1.0');
    assert.equal(release?.pythonKey, '38');
    assert.deepEqual(release?.installRequires, ['six>=1.0']);
  });

  it('follows version references, including chains', () => {
    const releases = source.sdistReleases('alpha', py(3, 9));
    const versions = releases.map((r) => r.version);
    assert.deepEqual(versions, ['1.0', '1.1', '1.2', '2.0']);
    assert.deepEqual(releases[2]?.installRequires, ['six>=1.0']);
  });

  it('uses the nearest older python key for newer Pythons and says so', () => {
    const releases = source.sdistReleases('alpha', py(3, 11));
    assert.deepEqual(
      releases.map((r) => [r.version, r.pythonKey, r.exactPythonKey]),
      [['1.0', '310', false], ['1.1', '310', false], ['1.2', '310', false], ['2.0', '36', false], ['3.0', '311', true]],
    );
    assert.equal(releases.find((r) => r.version === '2.0')?.requiresPython, '>=3.6');
    assert.deepEqual(source.sdistReleases('alpha', py(3, 12)).find((r) => r.version === '3.0')?.installRequires, ['attrs>=21']);
  });

  it('leaves out versions without a usable key, and keeps extras named like Object properties', () => {
    assert.deepEqual(source.sdistReleases('alpha', py(3, 5)), []);
    assert.deepEqual(source.sdistReleases('alpha', py(2, 7)).map((r) => r.version), ['0.9', '1.0', '1.1', '1.2']);
    assert.deepEqual(source.sdistReleases('alpha', py(3, 11)).at(-1)?.extrasRequire, { constructor: ['x'] });
  });

  it('keeps dots in keys', () => {
    assert.deepEqual(source.sdistReleases('zope.interface', py(3, 10)).map((r) => r.installRequires), [['setuptools']]);
  });
});

describe('pypi-deps-db wheel', () => {
  it('lists every file with its metadata, following version@file references', () => {
    assert.deepEqual(source.wheelReleases('alpha'), [
      { version: '1.0', filename: 'alpha-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', pythonTag: 'cp311', requiresDist: ['six'], requiresPython: null, providesExtras: [] },
      ...['1.0', '1.1', '1.2'].map((version) => ({
        version,
        filename: `alpha-${version}-py3-none-any.whl`,
        pythonTag: 'py3',
        requiresDist: ['six (>=1.0)', "PySocks ; extra == 'socks'"],
        requiresPython: '>=3.6',
        providesExtras: ['socks'],
      })),
    ]);
  });
});

describe('nix-pypi-fetcher-2', () => {
  it('gives SRI hashes and the URLs mach-nix built', () => {
    assert.deepEqual(source.files('alpha', '1.0'), [
      {
        filename: 'alpha-1.0-cp311-cp311-manylinux_2_17_x86_64.whl',
        kind: 'wheel',
        url: 'https://files.pythonhosted.org/packages/cp311/a/alpha/alpha-1.0-cp311-cp311-manylinux_2_17_x86_64.whl',
        hash: `sha256-${hash(3)}`,
        pythonTag: 'cp311',
      },
      {
        filename: 'alpha-1.0-py3-none-any.whl',
        kind: 'wheel',
        url: 'https://files.pythonhosted.org/packages/py3/a/alpha/alpha-1.0-py3-none-any.whl',
        hash: `sha256-${hash(2)}`,
        pythonTag: 'py3',
      },
      {
        filename: 'alpha-1.0.tar.gz',
        kind: 'sdist',
        url: 'https://files.pythonhosted.org/packages/source/a/alpha/alpha-1.0.tar.gz',
        hash: `sha256-${hash(1)}`,
        pythonTag: null,
      },
    ]);
    assert.equal(source.files('only-files', '0.1')[0]?.url, 'https://files.pythonhosted.org/packages/source/o/only-files/Only_Files-0.1.zip');
    assert.deepEqual(source.files('alpha', '9.9'), []);
  });
});

describe('conda', () => {
  it('reads packages and packages.conda, with URLs by channel', () => {
    const numpy = source.condaRecords('main', 'numpy');
    assert.deepEqual(numpy.map((r) => [r.filename, r.subdir, r.url]), [
      ['numpy-1.21.0-py39h1_0.tar.bz2', 'linux-64', 'https://repo.anaconda.com/pkgs/main/linux-64/numpy-1.21.0-py39h1_0.tar.bz2'],
      ['numpy-1.22.0-py39h1_0.conda', 'linux-64', 'https://repo.anaconda.com/pkgs/main/linux-64/numpy-1.22.0-py39h1_0.conda'],
    ]);
    assert.deepEqual(numpy[0]?.depends, ['python >=3.9,<3.10.0a0', 'libopenblas']);
    assert.deepEqual(source.condaRecords('main', 'r-base')[0]?.constrains, ['r-recommended 4.1.0']);
    assert.equal(source.condaRecords('main', 'r-base')[0]?.sha256, null);
  });

  it('keys names like mach-nix and takes the subdir from the layout or the file', () => {
    assert.deepEqual(source.condaRecords('main', 'typing-extensions').map((r) => [r.name, r.subdir]), [['Typing_Extensions', 'noarch']]);
    const [samtools] = source.condaRecords('bioconda', 'samtools');
    assert.equal(samtools?.url, 'https://anaconda.org/bioconda/samtools/1.15/download/linux-64/samtools-1.15-h1_0.tar.bz2');
    assert.equal(samtools?.build, 'h1_0', 'the first file given wins');
  });

  it('understands every form of --conda argument', () => {
    const tree = condaInputs(join(root, 'conda-channels'));
    assert.deepEqual(tree.map((input) => [input.channel, input.subdir]), [['main', 'linux-64'], ['main', 'noarch']]);
    assert.deepEqual(condaInputs(join(root, 'conda-channels/channels/main/noarch.0.json')).map((input) => input.subdir), ['noarch']);
    assert.deepEqual(condaInputs(`bioconda=${join(root, 'bioconda-repodata.json')}`).map((input) => [input.channel, input.subdir]), [['bioconda', null]]);
    assert.throws(() => condaInputs(join(root, 'nixpkgs.json')), UsageError);
    assert.throws(() => condaInputs(join(root, 'deps')), UsageError);
    assert.throws(() => condaInputs('x=/no/such/file.json'), UsageError);
  });
});

describe('nixpkgs index', () => {
  it('keys attributes by the legacy key of their pname and skips null entries', () => {
    assert.deepEqual(source.nixpkgsAttributes('django'), [
      { attribute: 'django', pname: 'Django', version: '4.1.0', requirements: null },
      { attribute: 'django_2_2', pname: 'Django', version: '2.2.28', requirements: 'sqlparse\npytz' },
    ]);
    assert.deepEqual(source.nixpkgsAttributes('tzdata'), [{ attribute: 'tzdata', pname: 'tzdata', version: 'unstable-2022-01-01', requirements: null }]);
    assert.deepEqual(source.nixpkgsAttributes('broken'), []);
  });
});

describe('availability and info', () => {
  it('says which kinds of data know a name', () => {
    assert.deepEqual(source.has('alpha'), { sdist: true, wheel: true, files: true, nixpkgs: false, conda: [] });
    assert.deepEqual(source.has('only-files'), { sdist: false, wheel: false, files: true, nixpkgs: false, conda: [] });
    assert.deepEqual(source.has('numpy'), { sdist: false, wheel: false, files: false, nixpkgs: false, conda: ['bioconda', 'main'] });
    assert.deepEqual(source.has('nothing'), { sdist: false, wheel: false, files: false, nixpkgs: false, conda: [] });
  });

  it("finds the data's keys from any spelling of a name", () => {
    for (const spelling of ['zope.interface', 'zope-interface', 'Zope_Interface', 'ZOPE.interface']) {
      assert.deepEqual(source.keys(spelling), ['zope.interface'], spelling);
    }
    assert.deepEqual(source.keys('Alpha'), ['alpha']);
    assert.deepEqual(source.keys('nothing'), []);
  });

  it('reports the tree files and python keys', () => {
    assert.deepEqual(source.info(), {
      depsTimestamp: 1685526402,
      fetcherCommit: '4af21269577d79bdf7f59ef6fcd7cf1550482633',
      fetcherSha256: 'sha256-tnMlnJgJpFlkDZ/bfWlevZdEJ/nWmIVdVsLiF0Uq3UU=',
      pythonKeys: ['27', '36', '37', '38', '39', '310', '311'],
      condaChannels: ['bioconda', 'main'],
    });
  });
});

describe('openDependencySource', () => {
  it('opens a corpus folder and a bare deps tree', () => {
    const corpus = openDependencySource(root);
    assert.equal(corpus.files('alpha', '1.0').length, 3);
    const bare = openDependencySource(join(root, 'deps'), { filesDir: join(root, 'files') });
    assert.equal(bare.wheelReleases('alpha').length, 4);
    assert.equal(bare.files('alpha', '1.1').length, 1);
    assert.deepEqual(openDependencySource(join(root, 'deps')).files('alpha', '1.0'), []);
  });

  it('refuses what does not exist', () => {
    assert.throws(() => openDependencySource(join(root, 'nope')), UsageError);
  });
});
