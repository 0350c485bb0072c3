/**
 * nix/wheel-tags.nix, under both Nix variants, against src/wheel-tags.ts and pypa/packaging's
 * vectors: the wheel file names of the vectors and generated ones (compressed tag sets, build
 * tags, letter case, invalid parts) are parsed to the same name, version, build tag and tags, or
 * refused with a throw, as src/wheel-tags.ts refuses them (and names outside ASCII, the
 * documented subset); the glibc a manylinux platform tag needs is the oldest glibc whose target
 * src/wheel-tags.ts lets install a wheel of that tag.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseTarget } from '../../../src/target.js';
import { parseWheelFilename, tagToString, wheelRank } from '../../../src/wheel-tags.js';
import { nixVersions } from '../harness.js';
import { type NixAnswer, answerOf, disagreements, evaluateEach, thrownMessage } from './evaluate.js';
import { vectors } from '../../helpers/pep-vectors.js';

interface NixWheel {
  name: string;
  version: string;
  build: [number, string] | null;
  tags: { interpreter: string; abi: string; platform: string }[];
}

const isAscii = (text: string) => /^[\x01-\x7f]*$/.test(text);

/** src/wheel-tags.ts's reading in the Nix side's shape; a file name outside ASCII is refused. */
function typescriptReading(filename: string): NixAnswer<NixWheel> {
  if (!isAscii(filename)) return { thrown: true };
  return answerOf(() => {
    const wheel = parseWheelFilename(filename);
    return { name: wheel.name, version: wheel.version.toString(), build: wheel.build === null ? null : [...wheel.build], tags: wheel.tags.map((tag) => ({ ...tag })) };
  });
}

const wheelLike = fc
  .tuple(
    fc.constantFrom('six', 'Foo_Bar', 'zope.interface', 'a', 'x__y', 'bad-name', '', 'naïve', 'A1.b_2'),
    fc.constantFrom('1.0', '2.0rc1', 'V1.0', '1.0+local.7', '1!2.0.post1', 'x', '1_0', '', ' 1.0'),
    fc.option(fc.constantFrom('1', '2build', '007x', 'b1', '', '1\nx'), { nil: null }),
    fc.constantFrom('py3', 'py2.py3', 'cp311', 'PP39', '3py', '', 'py3.', '_x', 'py3.py3'),
    fc.constantFrom('none', 'cp311', 'ABI3', 'cp311.abi3', '', 'none.none'),
    fc.constantFrom('any', 'manylinux_2_17_x86_64.manylinux2014_x86_64', 'linux_x86_64', 'MacOSX_11_0_ARM64', 'win_amd64', 'any.any', '', 'musllinux_1_2_aarch64'),
    fc.constantFrom('.whl', '.whl', '.whl', '.whl', '.zip', '.whl.zip', ''),
  )
  .map(([name, version, build, interpreter, abi, platform, extension]) =>
    [name, version, ...(build === null ? [] : [build]), interpreter, abi, platform].join('-') + extension);
const generated = [...new Set(fc.sample(wheelLike, { numRuns: 800, seed: 427 }))];

/**
 * Platform tags, manylinux ones of PEP 600 and before and others, for x86_64 and aarch64, from the
 * architecture's first manylinux policy on (glibc 2.5 on x86_64, manylinux2014's 2.17 elsewhere).
 */
const platforms = ['x86_64', 'aarch64'].flatMap((arch) => [
  ...Array.from({ length: 46 }, (_, minor) => minor).filter((minor) => minor >= (arch === 'x86_64' ? 5 : 17)).map((minor) => `manylinux_2_${minor}_${arch}`),
  `manylinux_3_0_${arch}`, `manylinux_2_55_${arch}`, `manylinux2014_${arch}`,
  `linux_${arch}`, `musllinux_1_2_${arch}`, `manylinux_02_17_${arch}`, `manylinux_2_017_${arch}`, `manylinux2015_${arch}`, `manylinux_2_17`,
]).concat('manylinux1_x86_64', 'manylinux2010_x86_64');
/** Tags of no policy of their architecture, which no target installs: PEP 600's reading of them. */
const beforePolicies: Record<string, string> = {
  manylinux_2_4_x86_64: '2.4', manylinux_2_0_aarch64: '2.0', manylinux_2_16_aarch64: '2.16',
  manylinux1_aarch64: '2.5', manylinux2010_aarch64: '2.12',
};
const glibcs = [...Array.from({ length: 61 }, (_, minor) => `2.${minor}`), '3.0', '3.1'];
/**
 * The oldest glibc for which src/wheel-tags.ts installs a wheel of the platform tag on the tag's
 * architecture; null when it needs none (installable without a glibc) or no glibc here makes it
 * installable. manylinux tags older than an architecture's oldest policy are never installable.
 */
function typescriptGlibc(platform: string): string | null {
  const system = platform.endsWith('aarch64') ? 'aarch64-linux' : 'x86_64-linux';
  const installable = (glibc: string | null) => wheelRank(`a-1.0-py3-none-${platform}.whl`, parseTarget({ python: '3.11', platform: system, glibc })) !== null;
  if (installable(null)) return null;
  return glibcs.find(installable) ?? null;
}

describe('nix/wheel-tags.nix', { concurrency: true }, () => {
  for (const variant of nixVersions()) {
    test(`${variant}: parseFilename reads the vectors' file names as packaging does`, async () => {
      const inputs = vectors.wheel_filenames.map((w) => w.filename);
      const answers = await evaluateEach<NixWheel>(variant, 'm.wheelTags.parseFilename', inputs);
      const asVectors = answers.map((answer) =>
        'thrown' in answer ? { valid: false } : { valid: true, ...answer.value, tags: answer.value.tags.map(tagToString).sort() });
      const expected = vectors.wheel_filenames.map(({ filename: _, ...vector }) => vector);
      assert.deepEqual(disagreements(inputs, asVectors.map((value) => ({ value })), expected.map((value) => ({ value }))), []);
      assert.deepEqual(disagreements(inputs, answers, inputs.map(typescriptReading)), []);
    });

    test(`${variant}: parseFilename reads generated file names as src/wheel-tags.ts does`, async () => {
      const answers = await evaluateEach<NixWheel>(variant, 'm.wheelTags.parseFilename', generated);
      const expected = generated.map(typescriptReading);
      assert.deepEqual(disagreements(generated, answers, expected), []);
      const parsed = expected.filter((e) => 'value' in e).length;
      assert.ok(parsed > 50 && generated.length - parsed > 200, `${parsed} of ${generated.length} generated file names parse`);
      assert.match(await thrownMessage(variant, 'm.wheelTags.parseFilename', 'six-1.0-py3-none-any.zip'),
        /mach-nix: invalid wheel file name "six-1.0-py3-none-any.zip": extension must be '.whl'/);
      assert.match(await thrownMessage(variant, 'm.wheelTags.parseFilename', 'naïve-1.0-py3-none-any.whl'), /outside ASCII/);
      assert.match(await thrownMessage(variant, 'm.wheelTags.parseFilename', 'a-1.0-1234567890123456789-py3-none-any.whl'), /build number 1234567890123456789 is longer than the Nix library reads/);
      assert.deepEqual(await evaluateEach(variant, '(file: (m.wheelTags.parseFilename file).build)', ['a-1.0-0000000000000000000123x-py3-none-any.whl']), [{ value: [123, 'x'] }]);
    });

    test(`${variant}: manylinuxGlibc is the oldest glibc src/wheel-tags.ts installs a wheel of the tag with`, async () => {
      const answers = await evaluateEach<string | null>(variant, 'm.wheelTags.manylinuxGlibc', platforms);
      assert.deepEqual(disagreements(platforms, answers, platforms.map((platform) => ({ value: typescriptGlibc(platform) }))), []);
      assert.ok(answers.filter((a) => 'value' in a && a.value !== null).length > 60 && answers.some((a) => 'value' in a && a.value === null));
      const older = Object.keys(beforePolicies);
      assert.deepEqual(await evaluateEach(variant, 'm.wheelTags.manylinuxGlibc', older), older.map((platform) => ({ value: beforePolicies[platform]! })));
      assert.deepEqual(older.map(typescriptGlibc), older.map(() => null), 'src/wheel-tags.ts installs them nowhere');
    });
  }
});
