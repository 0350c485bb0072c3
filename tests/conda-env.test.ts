import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CondaEnvironment, condaRequirements, looksLikeEnvironmentYml, parseEnvironmentYml } from '../src/conda-env.js';
import { InputFileError, InvalidRequirement } from '../src/errors.js';
import { assertError } from './helpers/errors.js';
import type { RequirementLine } from '../src/requirements-txt.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'conda-env', 'environment.yml');
const SHA_A = `sha256:${'a'.repeat(64)}`;

const parse = (text: string) => parseEnvironmentYml(text, 'env/environment.yml');

/** `dependencies:` with one entry per line. */
function withDependencies(...entries: string[]): CondaEnvironment {
  return parse(`dependencies:\n${entries.map((entry) => `  - ${entry}\n`).join('')}`);
}

function describeLine(line: RequirementLine): string {
  switch (line.kind) {
    case 'requirement':
      return `requirement ${String(line.requirement)}`;
    case 'conda':
      return `conda ${line.name} ${line.anyOf.map(String).join(' | ')} build=${line.build}`;
    case 'editable':
    case 'path':
      return `${line.kind} ${line.target}`;
  }
}

describe('parseEnvironmentYml', () => {
  it('reads name, channels, dependencies with their lines, and the pip list', () => {
    const environment = parseEnvironmentYml(readFileSync(fixture, 'utf8'), fixture);
    assert.equal(environment.name, 'analysis');
    assert.deepEqual(environment.channels, ['conda-forge', 'defaults']);
    assert.deepEqual(
      environment.dependencies.map(({ name, version, build, channel }) => [name, version, build, channel]),
      [
        ['_libgcc_mutex', '0.1', 'conda_forge', null],
        ['ca-certificates', '2023.7.22', 'hbcca054_0', null],
        ['numpy', '1.24.4', 'py38h59b608b_0', null],
        ['openssl', '1.1.1k', 'h7f98852_0', null],
        ['python', '3.8.17', 'he550d4f_0_cpython', null],
        ['setuptools', '68.0.0', 'pyhd8ed1ab_0', null],
        ['zlib', '1.2.13', 'hd590300_5', null],
      ],
    );
    assert.deepEqual(environment.dependencies[2]!.source, { file: fixture, line: 9, key: 'dependencies[2]' });
    assert.equal(environment.dependencies[2]!.text, 'numpy=1.24.4=py38h59b608b_0');
    assert.deepEqual(environment.pip.map(describeLine), ['requirement requests==2.31.0', 'requirement rich>=13; python_version >= "3.8"']);
    assert.deepEqual(environment.pip[1]!.source, { file: fixture, line: 16, key: 'dependencies[7].pip[1]' });
  });

  it('reads every dependency form', () => {
    const cases: [string, string | null, string | null, string | null][] = [
      // text, version, build, channel
      ['numpy', null, null, null],
      ['numpy=1.19.2=py37h54aff64_0', '1.19.2', 'py37h54aff64_0', null],
      ['numpy=1.19', '1.19.*', null, null],
      ['numpy=1.19.*', '1.19.*', null, null],
      ['numpy=1.19*', '1.19*', null, null],
      ['openssl=1.1.1k', '1.1.1k', null, null],
      ['numpy==1.19', '==1.19', null, null],
      ['numpy>=1.0,<2', '>=1.0,<2', null, null],
      ['numpy >= 1.0, < 2', '>=1.0,<2', null, null],
      ['numpy 1.19.2 py37_0', '1.19.2', 'py37_0', null],
      ['numpy 1.19.2', '1.19.2', null, null],
      ['numpy 1.*|2.*', '1.*|2.*', null, null],
      ['numpy =1.19 py37_0', '1.19', 'py37_0', null],
      ['blas * openblas', '*', 'openblas', null],
      ['numpy>=1.0 mkl_*', '>=1.0', 'mkl_*', null],
      ['conda-forge::numpy=1.19.2=py37h54aff64_0', '1.19.2', 'py37h54aff64_0', 'conda-forge'],
      ['conda-forge/label/dev::numpy', null, null, 'conda-forge/label/dev'],
      ['_openmp_mutex=4.5=1_gnu', '4.5', '1_gnu', null],
      ['r-base>=4', '>=4', null, null],
    ];
    const environment = withDependencies(...cases.map(([text]) => `"${text}"`));
    assert.deepEqual(
      environment.dependencies.map(({ text, version, build, channel }) => [text, version, build, channel]),
      cases,
    );
    assert.deepEqual(environment.dependencies.map((dependency) => dependency.source.line), cases.map((_, index) => index + 2));
  });

  it('accepts absent and empty keys', () => {
    assert.deepEqual(parse('name: empty\n'), { name: 'empty', channels: [], dependencies: [], pip: [] });
    assert.deepEqual(parse('name:\nchannels:\ndependencies:\n'), { name: null, channels: [], dependencies: [], pip: [] });
    assert.deepEqual(parse('dependencies:\n  - pip:\n').pip, []);
  });

  it('reads pip entries like requirements lines: hashes, editables relative to the file, conda-style', () => {
    const environment = parse(`dependencies:
  - pip:
    - "foo==1.0 --hash=${SHA_A}"
    - -e ./src/pkg
    - ../wheels/bar-1.0-py3-none-any.whl
    - "https://example.org/qux-1.0.tar.gz#egg=qux"
    - baz 2.0
`);
    assert.deepEqual(environment.pip.map(describeLine), [
      'requirement foo==1.0',
      'editable ./env/src/pkg',
      'path ./wheels/bar-1.0-py3-none-any.whl',
      'requirement qux @ https://example.org/qux-1.0.tar.gz#egg=qux',
      'conda baz ==2.0 build=null',
    ]);
    assert.deepEqual(environment.pip[0]!.kind === 'requirement' && environment.pip[0]!.hashes, [SHA_A]);
  });

  it('refuses a version-control pip entry, at its line', () => {
    assertError(
      () => parse('dependencies:\n  - pip:\n    - "git+https://github.com/org/repo.git@main#egg=repo"\n'),
      InputFileError,
      'env/environment.yml:3',
      'dependencies[0].pip[0]',
      'version-control requirements are not supported',
    );
  });

  it('refuses pip options that need a requirements file, at their line', () => {
    assertError(() => parse('dependencies:\n  - pip:\n    - ok\n    - -r more.txt\n'), InputFileError, 'env/environment.yml:4', 'dependencies[0].pip[1]', '-r');
    assertError(() => parse('dependencies:\n  - pip:\n    - --index-url https://x.org\n'), InputFileError, 'env/environment.yml:3', '--index-url');
  });

  it('reports an invalid pip requirement at its line', () => {
    assertError(
      () => parse('dependencies:\n  - numpy\n  - pip:\n      - requests\n      - "flask >= 2 ; os_name ="\n'),
      InvalidRequirement,
      'env/environment.yml:5',
      'dependencies[1].pip[1]',
      'flask >= 2 ; os_name =',
    );
  });

  it('reports an unparseable dependency at its line with its text', () => {
    const bad = [
      'numpy[version=">=1.0"]',
      'numpy=1.0=build=extra',
      'numpy 1.0 build extra',
      'numpy=abc',
      'numpy>=x',
      '::numpy',
      'numpy 1.0 bu|ld',
      '-numpy',
      'numpy=',
    ];
    for (const text of bad) {
      assertError(() => withDependencies('ok', `'${text}'`), InputFileError, 'env/environment.yml:3', 'dependencies[1]', JSON.stringify(text));
    }
  });

  it('reports wrong shapes at their line', () => {
    assertError(() => parse('name: [1]\n'), InputFileError, 'env/environment.yml:1', '(name)', 'must be a string', 'a list');
    assertError(() => parse('name: x\nchannels: defaults\n'), InputFileError, 'env/environment.yml:2', '(channels)', 'list', '"defaults"');
    assertError(() => parse('channels:\n  - defaults\n  - {a: 1}\n'), InputFileError, 'env/environment.yml:3', '(channels[1])', 'a mapping');
    assertError(() => parse('dependencies: numpy\n'), InputFileError, 'env/environment.yml:1', '(dependencies)', '"numpy"');
    assertError(() => parse('dependencies:\n  - numpy\n  - 3.7\n'), InputFileError, 'env/environment.yml:3', '(dependencies[1])', 'not 3.7');
    assertError(() => parse('dependencies:\n  - [numpy]\n'), InputFileError, 'env/environment.yml:2', '(dependencies[0])', 'a list');
    assertError(() => parse('dependencies:\n  - pip: requests\n'), InputFileError, 'env/environment.yml:2', '(dependencies[0].pip)', '"requests"');
    assertError(() => parse('dependencies:\n  - pip:\n    - 3\n'), InputFileError, 'env/environment.yml:3', '(dependencies[0].pip[0])', 'not 3');
    assertError(() => parse('dependencies:\n  - conda: [x]\n'), InputFileError, 'env/environment.yml:2', '(dependencies[0])', '{pip: [...]}', '"conda"');
    assertError(
      () => parse('dependencies:\n  - pip: []\n    extra: 1\n'),
      InputFileError,
      'env/environment.yml:3',
      'dependencies[0].extra',
      'unexpected key "extra"',
    );
    assertError(() => parse('- numpy\n'), InputFileError, 'env/environment.yml:1', 'must be a mapping', 'a list');
    assertError(() => parse(''), InputFileError, 'env/environment.yml', 'empty');
    assertError(() => parse('# only a comment\n'), InputFileError, 'empty');
  });

  it('reports YAML syntax errors as file:line in one line', () => {
    assertError(() => parse('name: x\ndependencies: [numpy,\n'), InputFileError, 'env/environment.yml:2', 'invalid YAML');
    assertError(() => parse('name: x\nchannels: []\nname: y\n'), InputFileError, 'env/environment.yml:3', 'invalid YAML', 'unique');
    assertError(() => parse('dependencies:\n  - numpy\n bad indent: 1\n'), InputFileError, 'env/environment.yml:', 'invalid YAML');
  });
});

describe('condaRequirements (mach-nix §4.7, improved)', () => {
  it('turns an exported environment into requirements, providers and the python version', () => {
    const environment = parseEnvironmentYml(readFileSync(fixture, 'utf8'), fixture);
    const { requirements, channels, python } = condaRequirements(environment);
    assert.equal(python, '3.8');
    assert.deepEqual(channels, ['conda/conda-forge', 'conda/main', 'conda/r']);
    assert.deepEqual(requirements.map(describeLine), [
      'conda ca-certificates ==2023.7.22 build=hbcca054_0',
      'conda numpy ==1.24.4 build=py38h59b608b_0',
      'conda openssl ===1.1.1k build=h7f98852_0',
      'conda setuptools ==68.0.0 build=pyhd8ed1ab_0',
      'conda zlib ==1.2.13 build=hd590300_5',
      'requirement requests==2.31.0',
      'requirement rich>=13; python_version >= "3.8"',
    ]);
    assert.deepEqual(requirements[1]!.source, { file: fixture, line: 9, key: 'dependencies[2]' });
  });

  it('drops names starting with _, python and conda', () => {
    const { requirements } = condaRequirements(withDependencies('_libgcc_mutex=0.1=main', '_openmp_mutex', 'python=3.9', 'conda=4.10', 'Python', 'pip', 'conda-build'));
    assert.deepEqual(requirements.map(describeLine), ['conda pip  build=null', 'conda conda-build  build=null']);
  });

  it('ignores builds that pin only a python version or a build number, and *', () => {
    const { requirements } = condaRequirements(
      withDependencies('a=1.0=py37_0', 'b=1.0=0', 'c=1.0=12', 'd 1.0 *', 'e=1.0=py37h6de7cb9_0', 'f * openblas', 'g=1.0=pyhd8ed1ab_0', 'h=1.0=py310_1'),
    );
    assert.deepEqual(requirements.map(describeLine), [
      'conda a ==1.0 build=null',
      'conda b ==1.0 build=null',
      'conda c ==1.0 build=null',
      'conda d ==1.0 build=null',
      'conda e ==1.0 build=py37h6de7cb9_0',
      'conda f  build=openblas',
      'conda g ==1.0 build=pyhd8ed1ab_0',
      'conda h ==1.0 build=null',
    ]);
  });

  it('accepts dependencies without all three parts (unlike mach-nix)', () => {
    const { requirements } = condaRequirements(withDependencies('numpy', 'scipy=1.5', 'pandas>=1,<2', 'requests 2.24.0', '"conda-forge::xarray 0.16.*|0.17.*"'));
    assert.deepEqual(requirements.map(describeLine), [
      'conda numpy  build=null',
      'conda scipy ==1.5.* build=null',
      'conda pandas <2,>=1 build=null',
      'conda requests ==2.24.0 build=null',
      'conda xarray ==0.16.* | ==0.17.* build=null',
    ]);
    const numpy = requirements[0]!;
    assert.equal(numpy.kind === 'conda' && numpy.anyOf.length === 1 && numpy.anyOf[0]!.isEmpty, true);
    assert.equal(numpy.kind === 'conda' && numpy.key, 'numpy');
  });

  it('derives the python version from python=X.Y… only', () => {
    const pythonOf = (entry: string) => condaRequirements(withDependencies('numpy', entry)).python;
    assert.equal(pythonOf('python=3.7.6=h0371630_2'), '3.7');
    assert.equal(pythonOf('python=3.10'), '3.10');
    assert.equal(pythonOf('python 3.11.4'), '3.11');
    assert.equal(pythonOf('python==3.9'), '3.9');
    assert.equal(pythonOf('python=3.8.*'), '3.8');
    assert.equal(pythonOf('python>=3.8'), null);
    assert.equal(pythonOf('python=3'), null);
    assert.equal(pythonOf('python'), null);
    assert.equal(condaRequirements(withDependencies('numpy')).python, null);
  });

  it('maps channels to providers: defaults, others, order kept, duplicates removed', () => {
    const channelsOf = (...channels: string[]) =>
      condaRequirements(parse(`channels:\n${channels.map((channel) => `  - ${channel}\n`).join('')}dependencies: []\n`)).channels;
    assert.deepEqual(channelsOf('defaults'), ['conda/main', 'conda/r']);
    assert.deepEqual(channelsOf('conda-forge', 'bioconda', 'defaults', 'conda-forge'), ['conda/conda-forge', 'conda/bioconda', 'conda/main', 'conda/r']);
    assert.deepEqual(channelsOf('main', 'defaults'), ['conda/main', 'conda/r']);
    assert.deepEqual(channelsOf('conda-forge', 'nodefaults'), ['conda/conda-forge']);
    assert.deepEqual(condaRequirements(parse('dependencies: [numpy]\n')).channels, ['conda/main', 'conda/r']);
  });

  it('appends the pip requirements after the conda ones', () => {
    const { requirements } = condaRequirements(parse('dependencies:\n  - pip:\n    - flask\n  - numpy=1.0=0\n'));
    assert.deepEqual(requirements.map(describeLine), ['conda numpy ==1.0 build=null', 'requirement flask']);
  });
});

describe('looksLikeEnvironmentYml', () => {
  it('recognises what mach-nix recognised', () => {
    assert.equal(looksLikeEnvironmentYml('name: x\nchannels:\n  - defaults\ndependencies:\n  - numpy=1.0=0\n'), true);
  });

  it('also recognises a file starting with dependencies, CRLF and comments, and no channels', () => {
    assert.equal(looksLikeEnvironmentYml('dependencies:\n  - numpy\n'), true);
    assert.equal(looksLikeEnvironmentYml('name: x\r\ndependencies:\r\n  - numpy\r\n'), true);
    assert.equal(looksLikeEnvironmentYml('name: x\ndependencies:   # what we need\n  - numpy\n'), true);
    assert.equal(looksLikeEnvironmentYml('name: x\ndependencies: [numpy, scipy]\n'), true);
    assert.equal(looksLikeEnvironmentYml(readFileSync(fixture, 'utf8')), true);
  });

  it('does not mistake requirements text for it', () => {
    assert.equal(looksLikeEnvironmentYml('requests\nflask>=2\n'), false);
    assert.equal(looksLikeEnvironmentYml('# dependencies:\nrequests\n'), false);
    assert.equal(looksLikeEnvironmentYml('name: x\nchannels:\n  - defaults\n'), false);
    assert.equal(looksLikeEnvironmentYml('  dependencies:\n'), false);
    assert.equal(looksLikeEnvironmentYml('dependencies:foo\n'), false);
    assert.equal(looksLikeEnvironmentYml(''), false);
  });
});
