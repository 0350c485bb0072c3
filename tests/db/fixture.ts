/**
 * Small hand-written data trees in the real formats: pypi-deps-db, nix-pypi-fetcher-2, conda
 * repodata (both the conda-channels layout and a plain repodata.json) and a nixpkgs index. Every
 * record key, every reference kind and the nearest-older python key rule appear in `FIXTURE`.
 */
import { join } from 'node:path';
import type { CondaInput } from '../../src/db/conda.js';
import type { DataInputs } from '../../src/db/inputs.js';

export { type TreeSpec, hash, writeTree } from '../helpers/data-tree.js';
import { type TreeSpec, hash } from '../helpers/data-tree.js';

export const FIXTURE: TreeSpec = {
  sdist: {
    alpha: {
      '1.0': {
        '27': {
          install_requires: ['six>=1.0', 'requests'],
          setup_requires: 'setuptools_scm\n# a comment\n\n  wheel  ',
          tests_require: ['pytest'],
          extras_require: { ':python_version == "2.7"': ['enum34'], socks: 'PySocks', '': ['always; os_name == "posix"'] },
          python_requires: ['>=2.7', '!=3.0.*'],
          not_a_known_key: 5,
        },
        '36': { install_requires: ['six>=1.0'], setup_requires: null },
        '37': '36',
        '38': '37',
        '39': '36',
        '310': '36',
        pypy3: { install_requires: 'ignored' },
      },
      '1.1': '1.0',
      '1.2': '1.1',
      '2.0': { '36': { install_requires: ['attrs'], python_requires: '>=3.6' } },
      '3.0': { '310': { install_requires: ['attrs>=20'] }, '311': { install_requires: ['attrs>=21'], extras_require: { constructor: ['x'] } } },
      '0.9': { '27': {} },
    },
    'zope.interface': { '5.0': { '36': { install_requires: ['setuptools'] }, '310': '36' } },
    'only-sdist': { '1.0': { '310': {} } },
  },
  wheel: {
    alpha: {
      py3: {
        '1.0': {
          'alpha-1.0-py3-none-any.whl': {
            requires_dist: ['six (>=1.0)', "PySocks ; extra == 'socks'"],
            requires_python: '>=3.6',
            provides_extras: ['socks'],
            requires_external: ['libfoo'],
          },
        },
        '1.1': { 'alpha-1.1-py3-none-any.whl': '1.0@alpha-1.0-py3-none-any.whl' },
        '1.2': { 'alpha-1.2-py3-none-any.whl': '1.1@alpha-1.1-py3-none-any.whl' },
      },
      cp311: {
        '1.0': { 'alpha-1.0-cp311-cp311-manylinux_2_17_x86_64.whl': { requires_dist: 'six' } },
      },
    },
    'zope.interface': { 'cp39': { '5.0': { 'zope.interface-5.0-cp39-cp39-manylinux2010_x86_64.whl': {} } } },
  },
  files: {
    alpha: {
      '1.0': {
        sdist: [hash(1), 'alpha-1.0.tar.gz'],
        wheels: {
          'alpha-1.0-py3-none-any.whl': [hash(2), 'py3'],
          'alpha-1.0-cp311-cp311-manylinux_2_17_x86_64.whl': [hash(3), 'cp311'],
        },
      },
      '1.1': { wheels: { 'alpha-1.1-py3-none-any.whl': [hash(4), 'py3'] } },
    },
    'zope.interface': { '5.0': { sdist: [hash(5), 'zope.interface-5.0.tar.gz'] } },
    'only-files': { '0.1': { sdist: [hash(6), 'Only_Files-0.1.zip'], wheels: {} } },
  },
  extra: {
    'deps/UNIX_TIMESTAMP': '1685526402\n',
    'deps/PYPI_FETCHER_COMMIT': '4af21269577d79bdf7f59ef6fcd7cf1550482633\n',
    'deps/PYPI_FETCHER_SHA256': 'sha256-tnMlnJgJpFlkDZ/bfWlevZdEJ/nWmIVdVsLiF0Uq3UU=\n',
    // Legacy pre-2.0 data: never read.
    'deps/data/00.json': '{ not json',
    'conda-channels/sha256.json': { 'channels/main/linux-64.0.json': 'x', 'channels/main/noarch.0.json': 'y' },
    'conda-channels/channels/main/linux-64.0.json': {
      packages: {
        'numpy-1.21.0-py39h1_0.tar.bz2': {
          name: 'numpy', version: '1.21.0', build: 'py39h1_0', build_number: 0,
          depends: ['python >=3.9,<3.10.0a0', 'libopenblas'], sha256: 'aa'.repeat(32), subdir: 'linux-64', license: 'BSD',
        },
        'r-base-4.1.0-h1_1.tar.bz2': {
          name: 'r-base', version: '4.1.0', build: 'h1_1', build_number: 1, depends: [], constrains: ['r-recommended 4.1.0'],
        },
      },
      'packages.conda': {
        'numpy-1.22.0-py39h1_0.conda': { name: 'numpy', version: '1.22.0', build: 'py39h1_0', build_number: 0, sha256: 'bb'.repeat(32) },
      },
    },
    'conda-channels/channels/main/noarch.0.json': {
      packages: {
        'Typing_Extensions-4.0.0-pyhd_0.tar.bz2': { name: 'Typing_Extensions', version: '4.0.0', build: 'pyhd_0', build_number: 0, sha256: 'cc'.repeat(32) },
      },
    },
    'bioconda-repodata.json': {
      info: { subdir: 'linux-64' },
      packages: {
        'samtools-1.15-h1_0.tar.bz2': { name: 'samtools', version: '1.15', build: 'h1_0', build_number: 0, sha256: 'dd'.repeat(32) },
        'numpy-1.21.0-py39h1_0.tar.bz2': { name: 'numpy', version: '1.21.0', build: 'py39h1_0', build_number: 0, depends: [] },
      },
    },
    // The same file as above under another name: the first one given wins.
    'bioconda-again.json': {
      info: { subdir: 'linux-64' },
      packages: { 'samtools-1.15-h1_0.tar.bz2': { name: 'samtools', version: '1.15', build: 'OTHER', build_number: 9 } },
    },
    'nixpkgs.json': {
      requests: { pname: 'requests', version: '2.28.1', requirements: null },
      django: { pname: 'Django', version: '4.1.0', requirements: null },
      django_2_2: { pname: 'Django', version: '2.2.28', requirements: 'sqlparse\npytz' },
      broken: null,
      tzdata: { pname: 'tzdata', version: 'unstable-2022-01-01' },
    },
  },
};

/** The inputs of a tree written by `writeTree(FIXTURE)`. */
export function fixtureInputs(root: string): DataInputs {
  const conda: CondaInput[] = [
    { channel: 'main', file: join(root, 'conda-channels/channels/main/linux-64.0.json'), subdir: 'linux-64' },
    { channel: 'main', file: join(root, 'conda-channels/channels/main/noarch.0.json'), subdir: 'noarch' },
    { channel: 'bioconda', file: join(root, 'bioconda-repodata.json'), subdir: null },
    { channel: 'bioconda', file: join(root, 'bioconda-again.json'), subdir: null },
  ];
  return { depsDir: join(root, 'deps'), filesDir: join(root, 'files'), conda, nixpkgsFile: join(root, 'nixpkgs.json') };
}
