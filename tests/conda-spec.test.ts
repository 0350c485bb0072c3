/** Conda match specs: one grammar, the three forms of repodata, environment.yml and conda-style lines. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidMatchSpec, type MatchSpecForm, parseCondaVersionSpec, parseMatchSpec } from '../src/conda-spec.js';

describe('parseMatchSpec', () => {
  const show = (text: string, form: MatchSpecForm) => {
    const { name, channel, extras, version, build } = parseMatchSpec(text, form);
    return [name, channel, extras.join(','), version, build];
  };

  it('reads repodata depends, virtual packages and _-names included', () => {
    assert.deepEqual(show('python >=3.11,<3.12.0a0', 'repodata'), ['python', null, '', '>=3.11,<3.12.0a0', null]);
    assert.deepEqual(show('_r-mutex 1.* anacondar_1', 'repodata'), ['_r-mutex', null, '', '1.*', 'anacondar_1']);
    assert.deepEqual(show('__glibc >=2.17', 'repodata'), ['__glibc', null, '', '>=2.17', null]);
    assert.deepEqual(show('libstdcxx-ng>=12', 'repodata'), ['libstdcxx-ng', null, '', '>=12', null]);
    assert.deepEqual(show('gcc_impl_linux-64 12.2.0.*', 'repodata'), ['gcc_impl_linux-64', null, '', '12.2.0.*', null]);
  });

  it('reads environment.yml forms: channel::, fuzzy name=1.2, exact name=1.2=build', () => {
    assert.deepEqual(show('conda-forge::numpy=1.19=py37_0', 'environment'), ['numpy', 'conda-forge', '', '1.19', 'py37_0']);
    assert.deepEqual(show('numpy=1.19', 'environment'), ['numpy', null, '', '1.19.*', null]);
    assert.deepEqual(show('numpy >= 1.0, < 2 mkl_*', 'environment'), ['numpy', null, '', '>=1.0,<2', 'mkl_*']);
  });

  it('reads conda-style requirement lines: extras, exact =, parentheses', () => {
    assert.deepEqual(show('requests[socks,security] 2.24.0', 'requirement'), ['requests', null, 'security,socks', '2.24.0', null]);
    assert.deepEqual(show('openjdk =8|11', 'requirement'), ['openjdk', null, '', '=8|11', null]);
    assert.deepEqual(show('foo (>=1.0) build_1', 'requirement'), ['foo', null, '', '>=1.0', 'build_1']);
  });

  it('refuses what a form does not allow, with the reason', () => {
    const refused: [string, MatchSpecForm, RegExp][] = [
      ['conda-forge::numpy', 'requirement', /only allowed in an environment\.yml/],
      ['_private 1.0', 'requirement', /expected a package name/],
      ['numpy[version=">=1"]', 'environment', /name\[key=value\] form is not supported/],
      ['numpy 1.0 build extra', 'repodata', /at most a version and a build/],
      ['numpy 1.0 bu|ld', 'environment', /invalid build string/],
      ['numpy >=x', 'repodata', /">=x" is not a version/],
    ];
    for (const [text, form, reason] of refused) assert.throws(() => parseMatchSpec(text, form), (error: unknown) => error instanceof InvalidMatchSpec && reason.test(error.message), text);
  });
});

describe('parseCondaVersionSpec', () => {
  it('reads alternatives, conjunctions, bare and `=` versions', () => {
    const show = (text: string) => parseCondaVersionSpec(text).map(String);
    assert.deepEqual(show('1.0'), ['==1.0']);
    assert.deepEqual(show('=1.0'), ['==1.0']);
    assert.deepEqual(show('==1.0|2.0'), ['==1.0', '==2.0']);
    assert.deepEqual(show('>=1,<2|==3.*'), ['<2,>=1', '==3.*']);
    assert.deepEqual(show('*'), ['']);
    assert.deepEqual(show('==*'), ['']);
    assert.deepEqual(show('9e'), ['===9e']);
    assert.deepEqual(show('===foo'), ['===foo']);
  });

  it('throws InvalidSpecifier for non-versions', () => {
    for (const text of ['abc', '>=1.1.1k', '1.0,', '>=', '~=1']) {
      assert.throws(() => parseCondaVersionSpec(text), { name: 'InvalidSpecifier' }, text);
    }
  });
});

