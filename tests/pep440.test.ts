import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidSpecifier, InvalidVersion } from '../src/errors.js';
import { SpecifierSet, Version, compareVersions, parseSpecifier, parseVersion, tryParseVersion } from '../src/pep440.js';

const sorted = (versions: string[]) => versions.map(parseVersion).sort(compareVersions).map(String);

describe('Version', () => {
  it('normalises the spellings packaging accepts', () => {
    const cases: [string, string][] = [
      ['1.0-1', '1.0.post1'], // implicit post release
      ['1.0.post', '1.0.post0'],
      ['1.0-r2', '1.0.post2'],
      ['1.0rev3', '1.0.post3'],
      ['1.0alpha1', '1.0a1'],
      ['1.0-beta.2', '1.0b2'],
      ['1.0c1', '1.0rc1'],
      ['1.0pre', '1.0rc0'],
      ['1.0preview4', '1.0rc4'],
      ['1.0-dev', '1.0.dev0'],
      ['v2.0', '2.0'],
      ['  1.2 ', '1.2'],
      ['01.002', '1.2'],
      ['1!2.0', '1!2.0'],
      ['0!1.0', '1.0'],
      ['1.0+Ubuntu-1_A.005', '1.0+ubuntu.1.a.5'],
      ['1.0RC1.POST2.DEV3', '1.0rc1.post2.dev3'],
    ];
    for (const [input, normalized] of cases) assert.equal(parseVersion(input).toString(), normalized, input);
  });

  it('rejects what is not PEP 440, with the text in the message', () => {
    for (const text of ['', 'foo', '1.0.', '.1', '1..2', '1.0+', '1.0+a..b', '1.0-', 'v', '1.0a1b2', '1.0 1', 'dev']) {
      assert.throws(() => parseVersion(text), (error: unknown) => error instanceof InvalidVersion && error.message.includes(JSON.stringify(text)), text);
      assert.equal(tryParseVersion(text), null);
    }
  });

  it("trims Python's whitespace, which is not JavaScript's", () => {
    for (const text of ['1.0\x1f', '\x1c1.0', '1.0\x85', '\u30001.0']) assert.equal(parseVersion(text).toString(), '1.0', JSON.stringify(text));
    assert.equal(tryParseVersion('\ufeff1.0'), null);
    assert.equal(SpecifierSet.parse('>=1.0\x85, <2').toString(), '<2,>=1.0');
  });

  it('orders dev < pre < final < post, locals after their public version', () => {
    assert.deepEqual(
      sorted(['1.0.post1', '1.0', '1.0a1', '1.0.dev1', '1.0rc1', '1.0b2', '1.0+local', '1.0a1.dev1', '1.0.post1.dev1', '1.1.dev0', '1.0a1.post1']),
      ['1.0.dev1', '1.0a1.dev1', '1.0a1', '1.0a1.post1', '1.0b2', '1.0rc1', '1.0', '1.0+local', '1.0.post1.dev1', '1.0.post1', '1.1.dev0'],
    );
  });

  it('ignores trailing zeros and compares epochs first', () => {
    assert.equal(parseVersion('1.0.0').compare(parseVersion('1')), 0);
    assert.ok(parseVersion('1!0.1').compare(parseVersion('2024.1')) > 0);
  });

  it('orders local labels: strings before numbers, numbers by value, shorter first', () => {
    assert.deepEqual(sorted(['1.0+2', '1.0+abc', '1.0+10', '1.0+abc.1', '1.0+1.1']), ['1.0+abc', '1.0+abc.1', '1.0+1.1', '1.0+2', '1.0+10']);
  });

  it('keeps release numbers beyond 2^53 exact', () => {
    const big = parseVersion('0.0.20221231235959123456789');
    assert.equal(big.toString(), '0.0.20221231235959123456789');
    assert.ok(big.compare(parseVersion('0.0.20221231235959123456788')) > 0);
    assert.ok(big.compare(parseVersion('0.0.3')) > 0);
  });

  it('exposes the parts of a version', () => {
    const v = parseVersion('2!1.2.3rc4.post5.dev6+abc.7');
    assert.equal(v.public, '2!1.2.3rc4.post5.dev6');
    assert.equal(v.baseVersion, '2!1.2.3');
    assert.deepEqual([v.isPrerelease, v.isPostrelease, v.isDevrelease], [true, true, true]);
    assert.equal(v.publicVersion.toString(), '2!1.2.3rc4.post5.dev6');
    assert.ok(Version.parse('1.0') === Version.parse('1.0'), 'parses are memoised');
  });
});

describe('SpecifierSet', () => {
  const admits = (spec: string, version: string) => SpecifierSet.parse(spec).contains(version);

  it('implements every operator', () => {
    assert.ok(admits('==1.0', '1.0.0'));
    assert.ok(admits('==1.0', '1.0+local'), '== without a local label admits any local');
    assert.ok(!admits('==1.0+a', '1.0+b'));
    assert.ok(admits('==1.*', '1.9.dev0') && !admits('==1.*', '2.0') && admits('==1.*', '1'));
    assert.ok(!admits('!=1.*', '1.5') && admits('!=1.*', '0.9'));
    assert.ok(admits('~=1.4.5', '1.4.9') && !admits('~=1.4.5', '1.5') && !admits('~=1.4.5', '1.4.4'));
    assert.ok(admits('~=2.2', '2.9') && !admits('~=2.2', '3.0'));
    assert.ok(admits('<=1.0', '1.0+local'));
    assert.ok(!admits('<1.0', '1.0rc1'), '<V excludes prereleases of V');
    assert.ok(admits('<1.0rc2', '1.0rc1'));
    assert.ok(!admits('>1.0', '1.0.post1'), '>V excludes post releases of V');
    assert.ok(admits('>1.0.post1', '1.0.post2') && !admits('>1.0.post1', '1.0.post1+x'));
    assert.ok(!admits('>1.0', '1.0+local'));
    assert.ok(admits('>1.0.dev1', '1.0.dev2'));
    assert.ok(admits('===1.0.0', '1.0.0') && !admits('===1.0.0', '1.0') && admits('===foobar', 'FooBar'));
    assert.ok(admits('>=1.0,<2,!=1.5', '1.6') && !admits('>=1.0,<2,!=1.5', '1.5'));
  });

  it('rejects clauses packaging rejects', () => {
    for (const text of ['>=1.0.*', '~=1', '<1.0+local', '==1.0a1.*', '=>1.0', '1.0', '>= 1.0 2', '~=1.0.*']) {
      assert.throws(() => SpecifierSet.parse(text), InvalidSpecifier, text);
    }
    assert.throws(() => parseSpecifier(''), InvalidSpecifier);
  });

  it('normalises its text: sorted, deduplicated clauses, whitespace removed', () => {
    assert.equal(SpecifierSet.parse(' <2 , >=1.0,<2').toString(), '<2,>=1.0');
    assert.equal(SpecifierSet.parse('').toString(), '');
    assert.ok(SpecifierSet.parse('').isEmpty);
  });

  it("applies pip's prerelease rule when filtering", () => {
    const versions = ['0.9', '1.0a1', '1.0', '2.0b1'];
    assert.deepEqual(SpecifierSet.parse('>=0.5').filter(versions, (v) => v), ['0.9', '1.0']);
    assert.deepEqual(SpecifierSet.parse('>=1.5').filter(versions, (v) => v), ['2.0b1'], 'prereleases when nothing final matches');
    assert.deepEqual(SpecifierSet.parse('>=1.0a1').filter(versions, (v) => v), ['1.0a1', '1.0', '2.0b1'], 'named prerelease opts in');
    assert.deepEqual(SpecifierSet.parse('!=1.0a1').filter(versions, (v) => v), ['0.9', '1.0'], '!= never opts in');
    assert.deepEqual(SpecifierSet.parse('>=0.5').filter(versions, (v) => v, { prereleases: true }), versions);
    assert.deepEqual(SpecifierSet.parse('>=1.5').filter(versions, (v) => v, { prereleases: false }), []);
    assert.deepEqual(SpecifierSet.parse('').filter(['1.0', 'not-pep-440'], (v) => v), ['1.0', 'not-pep-440']);
    assert.deepEqual(SpecifierSet.parse('>=1').filter(['1.0', 'not-pep-440'], (v) => v), ['1.0']);
  });

  it('admits a single prerelease in range unless told otherwise', () => {
    assert.ok(SpecifierSet.parse('>=1.0').contains('2.0b1'));
    assert.ok(!SpecifierSet.parse('>=1.0').contains('2.0b1', { prereleases: false }));
    assert.ok(!SpecifierSet.parse('>=1.0').contains('not a version'));
  });

  it('combines sets with and()', () => {
    const both = SpecifierSet.parse('>=1').and(SpecifierSet.parse('<2'));
    assert.equal(both.toString(), '<2,>=1');
    assert.ok(both.contains('1.5') && !both.contains('2.1'));
    assert.equal(SpecifierSet.any.and(both), both);
  });
});
