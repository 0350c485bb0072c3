import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidWheelFilename } from '../src/errors.js';
import { type TargetSpec, parseTarget } from '../src/target.js';
import {
  compatibleTags,
  parseWheelFilename,
  selectWheel,
  tagToString,
  wheelRank,
} from '../src/wheel-tags.js';
import { vectors as pepVectors } from './helpers/pep-vectors.js';

const vectors = pepVectors.wheel_filenames;

const linux311: TargetSpec = { python: '3.11', platform: 'x86_64-linux', glibc: '2.17' };
const tagsOf = (target: TargetSpec) => compatibleTags(parseTarget(target)).map(tagToString);
const installable = (filename: string, target: TargetSpec) => wheelRank(filename, parseTarget(target)) !== null;

describe('parseWheelFilename: conformance vectors', () => {
  for (const vector of vectors) {
    it(`${vector.valid ? 'parses' : 'refuses'} ${vector.filename}`, () => {
      if (!vector.valid) {
        assert.throws(() => parseWheelFilename(vector.filename), InvalidWheelFilename);
        return;
      }
      const wheel = parseWheelFilename(vector.filename);
      assert.equal(wheel.name, vector.name);
      assert.equal(String(wheel.version), vector.version);
      assert.deepEqual(wheel.build, vector.build);
      assert.deepEqual(wheel.tags.map(tagToString).sort(), vector.tags);
    });
  }
});

describe('parseWheelFilename', () => {
  it('expands compressed tag sets to their cross product, without duplicates', () => {
    const wheel = parseWheelFilename('a-1.0-py2.py3-none.abi3-any.linux_x86_64.whl');
    assert.equal(wheel.tags.length, 8);
    assert.deepEqual(parseWheelFilename('a-1.0-py3.py3-none-any.whl').tags.map(tagToString), ['py3-none-any']);
  });

  it('lower-cases tags like packaging’s Tag', () => {
    const wheel = parseWheelFilename('Foo-1.0-CP311-ABI3-MacOSX_11_0_ARM64.whl');
    assert.deepEqual(wheel.tags, [{ interpreter: 'cp311', abi: 'abi3', platform: 'macosx_11_0_arm64' }]);
  });

  it('splits a build tag into its number and the rest', () => {
    assert.deepEqual(parseWheelFilename('a-1.0-007abc-py3-none-any.whl').build, [7, 'abc']);
    assert.equal(parseWheelFilename('a-1.0-py3-none-any.whl').build, null);
  });

  it('says what is wrong with an invalid name', () => {
    const cases: [string, RegExp][] = [
      ['a-1.0-py3-none-any.zip', /extension must be '\.whl'/],
      ['a-1.0-py3-none-any.WHL', /extension must be '\.whl'/],
      ['a-1.0-py3-none.whl', /wrong number of parts.*found 4/],
      ['a-b-c-1.0-py3-none-any.whl', /wrong number of parts.*found 7/],
      ['a__b-1.0-py3-none-any.whl', /invalid project name "a__b"/],
      ['-1.0-py3-none-any.whl', /invalid project name ""/],
      ['a+b-1.0-py3-none-any.whl', /invalid project name "a\+b"/],
      ['a-one-py3-none-any.whl', /invalid version "one"/],
      ['a-1.0-b1-py3-none-any.whl', /invalid build number "b1"/],
      ['a-1.0-py3.-none-any.whl', /empty component/],
      ['a-1.0-py3-none-.whl', /empty component/],
      ['a-1.0-3py-none-any.whl', /invalid interpreter "3py"/],
    ];
    for (const [filename, reason] of cases) {
      assert.throws(
        () => parseWheelFilename(filename),
        (error: unknown) => error instanceof InvalidWheelFilename && error.text === filename && reason.test(error.reason),
        filename,
      );
    }
  });

  it('tagToString joins interpreter, abi and platform', () => {
    assert.equal(tagToString({ interpreter: 'cp311', abi: 'abi3', platform: 'any' }), 'cp311-abi3-any');
  });
});

describe('compatibleTags', () => {
  it('starts with the interpreter ABI on the newest manylinux, each legacy alias after its glibc version', () => {
    assert.deepEqual(tagsOf(linux311).slice(0, 4), [
      'cp311-cp311-manylinux_2_17_x86_64',
      'cp311-cp311-manylinux2014_x86_64',
      'cp311-cp311-manylinux_2_16_x86_64',
      'cp311-cp311-manylinux_2_15_x86_64',
    ]);
  });

  it('orders x86_64 platforms like packaging: manylinux down to glibc 2.5, then linux_x86_64', () => {
    const tags = tagsOf(linux311);
    // 13 manylinux_2_Y (2.17 … 2.5) + 3 legacy aliases + linux_x86_64 = 17 platforms.
    assert.deepEqual(tags.slice(6, 8), ['cp311-cp311-manylinux_2_12_x86_64', 'cp311-cp311-manylinux2010_x86_64']);
    assert.deepEqual(tags.slice(14, 18), [
      'cp311-cp311-manylinux_2_5_x86_64',
      'cp311-cp311-manylinux1_x86_64',
      'cp311-cp311-linux_x86_64',
      'cp311-abi3-manylinux_2_17_x86_64',
    ]);
    // Length as packaging 26.3's cpython_tags + compatible_tags give it for these 17 platforms.
    assert.equal(tags.length, 439);
  });

  it('starts aarch64 manylinux at glibc 2.17, the first policy for that architecture', () => {
    assert.deepEqual(tagsOf({ python: '3.11', platform: 'aarch64-linux', glibc: '2.17' }).slice(0, 4), [
      'cp311-cp311-manylinux_2_17_aarch64',
      'cp311-cp311-manylinux2014_aarch64',
      'cp311-cp311-linux_aarch64',
      'cp311-abi3-manylinux_2_17_aarch64',
    ]);
    assert.deepEqual(tagsOf({ python: '3.11', platform: 'aarch64-linux', glibc: '2.12' }).slice(0, 2), [
      'cp311-cp311-linux_aarch64',
      'cp311-abi3-linux_aarch64',
    ]);
  });

  it('lists musllinux after manylinux and before linux_<arch>', () => {
    const tags = tagsOf({ python: '3.12', platform: 'x86_64-linux', glibc: '2.5', musl: '1.2' });
    assert.deepEqual(tags.slice(0, 6), [
      'cp312-cp312-manylinux_2_5_x86_64',
      'cp312-cp312-manylinux1_x86_64',
      'cp312-cp312-musllinux_1_2_x86_64',
      'cp312-cp312-musllinux_1_1_x86_64',
      'cp312-cp312-musllinux_1_0_x86_64',
      'cp312-cp312-linux_x86_64',
    ]);
  });

  it('follows cpython_tags with compatible_tags, sections in packaging’s order', () => {
    const tags = tagsOf({ python: '3.11', platform: 'x86_64-linux' });
    assert.deepEqual(tags, [
      'cp311-cp311-linux_x86_64',
      'cp311-abi3-linux_x86_64',
      'cp311-none-linux_x86_64',
      ...Array.from({ length: 9 }, (_, i) => `cp3${10 - i}-abi3-linux_x86_64`), // cp310 … cp32
      'py311-none-linux_x86_64',
      'py3-none-linux_x86_64',
      ...Array.from({ length: 11 }, (_, i) => `py3${10 - i}-none-linux_x86_64`), // py310 … py30
      'cp311-none-any',
      'py311-none-any',
      'py3-none-any',
      ...Array.from({ length: 11 }, (_, i) => `py3${10 - i}-none-any`),
    ]);
  });

  it('tells two-digit minors apart: 3.10 is cp310, 3.1 is cp31', () => {
    const tags310 = tagsOf({ python: '3.10', platform: 'x86_64-linux' });
    assert.equal(tags310[0], 'cp310-cp310-linux_x86_64');
    assert.ok(tags310.includes('cp39-abi3-linux_x86_64'));
    assert.ok(tags310.includes('py31-none-any')); // 3.1 is older than 3.10
    // Before 3.8 the ABI carries pymalloc's `m`, before 3.3 wide unicode's `u`; abi3 starts at 3.2.
    const tags31 = tagsOf({ python: '3.1', platform: 'x86_64-linux' });
    assert.equal(tags31[0], 'cp31-cp31mu-linux_x86_64');
    assert.ok(!tags31.some((tag) => tag.includes('abi3') || tag.startsWith('py310')));
  });

  it('orders macOS versions newest first, with every binary format x86_64 can load', () => {
    const platforms = tagsOf({ python: '3.11', platform: 'x86_64-darwin' })
      .slice(0, 7)
      .map((tag) => tag.replace('cp311-cp311-', ''));
    assert.deepEqual(platforms, [
      'macosx_10_12_x86_64',
      'macosx_10_12_intel',
      'macosx_10_12_fat64',
      'macosx_10_12_fat3',
      'macosx_10_12_universal2',
      'macosx_10_12_universal',
      'macosx_10_11_x86_64',
    ]);
  });

  it('lets arm64 load 10.x wheels only as universal2, through 10.16', () => {
    const platforms = tagsOf({ python: '3.12', platform: 'aarch64-darwin' })
      .filter((tag) => tag.startsWith('cp312-cp312-'))
      .map((tag) => tag.replace('cp312-cp312-', ''));
    assert.deepEqual(platforms, [
      'macosx_11_0_arm64',
      'macosx_11_0_universal2',
      ...Array.from({ length: 13 }, (_, i) => `macosx_10_${16 - i}_universal2`), // 10.16 … 10.4
    ]);
  });

  it('steps macOS 11+ by major version', () => {
    const platforms = tagsOf({ python: '3.12', platform: 'aarch64-darwin', macos: '14.2' })
      .slice(0, 8)
      .map((tag) => tag.replace('cp312-cp312-', ''));
    assert.deepEqual(platforms, [
      'macosx_14_0_arm64',
      'macosx_14_0_universal2',
      'macosx_13_0_arm64',
      'macosx_13_0_universal2',
      'macosx_12_0_arm64',
      'macosx_12_0_universal2',
      'macosx_11_0_arm64',
      'macosx_11_0_universal2',
    ]);
  });

  it('has no duplicates', () => {
    for (const target of [linux311, { python: '3.13', platform: 'x86_64-darwin', macos: '15.0' } as const]) {
      const tags = tagsOf(target);
      assert.equal(new Set(tags).size, tags.length);
    }
  });

  it('memoises per target and hands out a frozen list', () => {
    const tags = compatibleTags(parseTarget(linux311));
    assert.equal(compatibleTags(parseTarget({ ...linux311 })), tags);
    assert.ok(Object.isFrozen(tags));
    assert.notEqual(compatibleTags(parseTarget({ ...linux311, glibc: '2.28' })), tags);
  });
});

describe('wheelRank', () => {
  it('accepts abi3 wheels built for an older Python, not for a newer one', () => {
    assert.ok(installable('a-1.0-cp38-abi3-manylinux_2_17_x86_64.whl', linux311));
    assert.ok(installable('a-1.0-cp32-abi3-linux_x86_64.whl', linux311));
    assert.ok(!installable('a-1.0-cp312-abi3-manylinux_2_17_x86_64.whl', linux311));
  });

  it('accepts a CPython ABI only for its own version', () => {
    const linux312 = { ...linux311, python: '3.12' };
    assert.ok(!installable('a-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', linux312));
    assert.ok(installable('a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl', linux312));
    assert.ok(installable('a-1.0-cp311-none-any.whl', linux311));
    assert.ok(!installable('a-1.0-cp310-none-any.whl', linux311));
  });

  it('does not confuse 3.10 with 3.1', () => {
    const wheel = 'a-1.0-cp310-cp310-manylinux_2_17_x86_64.whl';
    assert.ok(installable(wheel, { ...linux311, python: '3.10' }));
    assert.ok(!installable(wheel, { ...linux311, python: '3.1' }));
  });

  it('accepts manylinux_X_Y only up to the target glibc', () => {
    const wheel = 'a-1.0-cp311-cp311-manylinux_2_28_x86_64.whl';
    assert.ok(installable(wheel, { ...linux311, glibc: '2.28' }));
    assert.ok(installable(wheel, { ...linux311, glibc: '2.40' }));
    assert.ok(!installable(wheel, { ...linux311, glibc: '2.27' }));
  });

  it('maps the legacy manylinux names to their glibc versions', () => {
    assert.ok(installable('a-1.0-cp311-cp311-manylinux1_x86_64.whl', { ...linux311, glibc: '2.5' }));
    assert.ok(installable('a-1.0-cp311-cp311-manylinux2010_x86_64.whl', { ...linux311, glibc: '2.12' }));
    assert.ok(!installable('a-1.0-cp311-cp311-manylinux2010_x86_64.whl', { ...linux311, glibc: '2.11' }));
    assert.ok(installable('a-1.0-cp311-cp311-manylinux2014_x86_64.whl', linux311));
    assert.ok(!installable('a-1.0-cp311-cp311-manylinux2014_x86_64.whl', { ...linux311, glibc: '2.16' }));
    const aarch64: TargetSpec = { python: '3.11', platform: 'aarch64-linux', glibc: '2.40' };
    assert.ok(installable('a-1.0-cp311-cp311-manylinux2014_aarch64.whl', aarch64));
    assert.ok(!installable('a-1.0-cp311-cp311-manylinux2010_aarch64.whl', aarch64));
  });

  it('accepts no manylinux wheel without a glibc, only linux_<arch>', () => {
    const noGlibc: TargetSpec = { python: '3.11', platform: 'x86_64-linux' };
    assert.ok(!installable('a-1.0-cp311-cp311-manylinux1_x86_64.whl', noGlibc));
    assert.ok(installable('a-1.0-cp311-cp311-linux_x86_64.whl', noGlibc));
  });

  it('accepts musllinux only with a musl version, up to it', () => {
    const wheel = 'a-1.0-cp311-cp311-musllinux_1_1_x86_64.whl';
    assert.ok(!installable(wheel, linux311));
    assert.ok(installable(wheel, { ...linux311, musl: '1.2' }));
    assert.ok(!installable('a-1.0-cp311-cp311-musllinux_1_2_x86_64.whl', { ...linux311, musl: '1.1' }));
  });

  it('keeps architectures apart', () => {
    const aarch64: TargetSpec = { python: '3.11', platform: 'aarch64-linux', glibc: '2.17' };
    assert.ok(!installable('a-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', aarch64));
    assert.ok(installable('a-1.0-cp311-cp311-manylinux_2_17_aarch64.whl', aarch64));
    assert.ok(!installable('a-1.0-cp311-cp311-manylinux_2_17_aarch64.whl', linux311));
    assert.ok(!installable('a-1.0-cp311-cp311-macosx_11_0_arm64.whl', aarch64));
    assert.ok(!installable('a-1.0-cp311-cp311-win_amd64.whl', linux311));
  });

  it('applies macOS deployment targets and binary formats', () => {
    const intelMac: TargetSpec = { python: '3.11', platform: 'x86_64-darwin' }; // default 10.12
    const armMac: TargetSpec = { python: '3.11', platform: 'aarch64-darwin' }; // default 11.0
    assert.ok(installable('a-1.0-cp311-cp311-macosx_10_9_x86_64.whl', intelMac));
    assert.ok(!installable('a-1.0-cp311-cp311-macosx_10_13_x86_64.whl', intelMac));
    assert.ok(installable('a-1.0-cp311-cp311-macosx_11_0_arm64.whl', armMac));
    assert.ok(!installable('a-1.0-cp311-cp311-macosx_11_0_arm64.whl', intelMac));
    assert.ok(!installable('a-1.0-cp311-cp311-macosx_10_9_x86_64.whl', armMac));
    assert.ok(installable('a-1.0-cp311-cp311-macosx_10_9_universal2.whl', intelMac));
    assert.ok(installable('a-1.0-cp311-cp311-macosx_10_9_universal2.whl', armMac));
    assert.ok(!installable('a-1.0-cp311-cp311-macosx_14_0_arm64.whl', { ...armMac, macos: '11.0' }));
    assert.ok(installable('a-1.0-cp311-cp311-macosx_14_0_arm64.whl', { ...armMac, macos: '14.0' }));
    assert.ok(installable('a-1.0-cp311-cp311-macosx_10_6_intel.whl', intelMac));
    assert.ok(!installable('a-1.0-cp311-cp311-macosx_10_6_intel.whl', armMac));
    assert.ok(installable('a-1.0-cp311-cp311-macosx_10_15_x86_64.whl', { ...intelMac, macos: '13.0' }));
  });

  it('accepts pure-Python wheels for Python 3 only', () => {
    assert.ok(installable('six-1.16.0-py2.py3-none-any.whl', linux311));
    assert.ok(!installable('six-1.16.0-py2-none-any.whl', linux311));
    assert.ok(!installable('a-1.0-pp73-pypy73-any.whl', linux311));
  });

  it('ranks by the best of a wheel’s tags and takes parsed names too', () => {
    const parsed = parseWheelFilename('numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl');
    assert.equal(wheelRank(parsed, parseTarget(linux311)), 0);
    assert.equal(wheelRank('a-1.0-py3-none-any.whl', parseTarget(linux311)), tagsOf(linux311).indexOf('py3-none-any'));
  });

  it('treats invalid file names as not installable', () => {
    for (const filename of ['', 'a.whl', 'a-1.0-py3-none-any.tar.gz', 'a-x-py3-none-any.whl']) {
      assert.equal(wheelRank(filename, parseTarget(linux311)), null);
    }
  });
});

describe('selectWheel', () => {
  const numpy = [
    'numpy-1.26.4-cp311-cp311-linux_x86_64.whl',
    'numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
    'numpy-1.26.4-cp311-cp311-musllinux_1_1_x86_64.whl',
    'numpy-1.26.4-cp311-cp311-macosx_11_0_arm64.whl',
    'numpy-1.26.4-cp311-cp311-win_amd64.whl',
    'numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
    'numpy-1.26.4-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
    'numpy-1.26.4-py3-none-any.whl',
    'numpy-1.26.4.tar.gz',
  ];
  const pick = (files: readonly string[], target: TargetSpec) => selectWheel(files, (f) => f, parseTarget(target));

  it('prefers manylinux to linux_<arch> and to musllinux', () => {
    assert.equal(pick(numpy, linux311), numpy[1]);
    assert.equal(pick(numpy, { ...linux311, musl: '1.2' }), numpy[1]);
  });

  it('falls back to what the target can install', () => {
    assert.equal(pick(numpy, { python: '3.11', platform: 'x86_64-linux' }), numpy[0]);
    assert.equal(pick(numpy, { python: '3.11', platform: 'aarch64-darwin' }), numpy[3]);
    assert.equal(pick(numpy, { python: '3.13', platform: 'aarch64-linux', glibc: '2.40' }), numpy[7]);
  });

  it('prefers the newest manylinux the target supports', () => {
    const files = ['a-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', 'a-1.0-cp311-cp311-manylinux_2_28_x86_64.whl'];
    assert.equal(pick(files, { ...linux311, glibc: '2.28' }), files[1]);
    assert.equal(pick(files, { ...linux311, glibc: '2.27' }), files[0]);
  });

  it('prefers the interpreter’s own ABI to abi3, and binary wheels to pure-Python ones', () => {
    const files = [
      'a-1.0-py3-none-any.whl',
      'a-1.0-cp38-abi3-manylinux_2_17_x86_64.whl',
      'a-1.0-cp311-cp311-manylinux_2_17_x86_64.whl',
    ];
    assert.equal(pick(files, linux311), files[2]);
    assert.equal(pick(files.slice(0, 2), linux311), files[1]);
    assert.equal(pick(files.slice(0, 2), { ...linux311, python: '3.7' }), files[0]);
  });

  it('prefers a higher build number on equal rank', () => {
    const files = ['a-1.0-py3-none-any.whl', 'a-1.0-2-py3-none-any.whl', 'a-1.0-10-py3-none-any.whl', 'a-1.0-10a-py3-none-any.whl'];
    assert.equal(pick(files, linux311), files[3]);
    assert.equal(pick(files.slice(0, 3), linux311), files[2]);
  });

  it('is deterministic whatever the input order, breaking ties by file name in code-point order', () => {
    // Same rank and build; U+FF21 sorts before U+10400 by code point, not by UTF-16 code unit.
    const files = [
      { url: 'x', filename: 'a\u{10400}-1.0-py3-none-any.whl' },
      { url: 'y', filename: 'a\uFF21-1.0-py3-none-any.whl' },
      { url: 'z', filename: 'a-1.0-cp311-cp311-win_amd64.whl' },
    ];
    const orders = [files, [...files].reverse(), [files[1]!, files[2]!, files[0]!]];
    for (const order of orders) assert.equal(selectWheel(order, (f) => f.filename, parseTarget(linux311)), files[1]);
  });

  it('returns null when nothing is installable, skipping invalid names', () => {
    assert.equal(pick([], linux311), null);
    assert.equal(pick(['junk.whl', 'a-1.0-cp312-cp312-linux_x86_64.whl', 'a-1.0.zip'], linux311), null);
  });
});
