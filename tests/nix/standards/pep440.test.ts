/**
 * nix/pep440.nix, under both Nix variants, against src/pep440.ts and pypa/packaging's vectors:
 * which texts are versions, their parts (epoch, release, pre-, post-, dev release, local label)
 * and their normalised form, for every version of the vectors and for generated version-like
 * texts (separators, letter case, Unicode spaces, leading zeros, stray characters); `normalize`
 * refuses a text that is not a version with a throw.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type Version, tryParseVersion } from '../../../src/pep440.js';
import { nixVersions } from '../harness.js';
import { type NixAnswer, disagreements, evaluateEach, thrownMessage } from './evaluate.js';
import { vectors } from '../../helpers/pep-vectors.js';

/** What nix/pep440.nix's parse gives, with the normalised form beside it. */
interface NixVersion {
  epoch: string;
  release: string[];
  pre: { label: string; number: string } | null;
  post: string | null;
  dev: string | null;
  local: string[] | null;
  normalized: string;
}

const parseAndNormalize = 'text: let version = m.pep440.parse text; in if version == null then null else version // { normalized = m.pep440.normalize text; }';

/** src/pep440.ts's reading of a text, in the Nix side's shape (numbers as decimal strings). */
function typescriptReading(text: string): NixVersion | null {
  const version: Version | null = tryParseVersion(text);
  if (version === null) return null;
  return {
    epoch: String(version.epoch),
    release: version.release.map(String),
    pre: version.pre === null ? null : { label: version.pre[0], number: String(version.pre[1]) },
    post: version.post === null ? null : String(version.post),
    dev: version.dev === null ? null : String(version.dev),
    local: version.local === null ? null : version.local.map(String),
    normalized: version.toString(),
  };
}

const digits = fc.stringMatching(/^[0-9]{1,4}$/);
const separator = fc.constantFrom('', '.', '-', '_');
/** Python's `\s` (Unicode spaces among them) and two characters that are not in it. */
const space = fc.constantFrom('', '', ' ', '\t', '\n', '\u000b', '\u001c', '\u0085', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u200b');
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: '' as const });
const versionLike = fc
  .tuple(
    space,
    fc.constantFrom('', 'v', 'V'),
    optional(digits.map((d) => `${d}!`)),
    fc.array(digits, { minLength: 1, maxLength: 4 }).map((numbers) => numbers.join('.')),
    optional(fc.tuple(separator, fc.constantFrom('a', 'alpha', 'B', 'beta', 'c', 'rc', 'RC', 'pre', 'preview'), separator, fc.constantFrom('', '0', '1', '007')).map((p) => p.join(''))),
    optional(fc.oneof(digits.map((d) => `-${d}`), fc.tuple(separator, fc.constantFrom('post', 'rev', 'r', 'POST'), separator, fc.constantFrom('', '2', '10')).map((p) => p.join('')))),
    optional(fc.tuple(separator, fc.constantFrom('dev', 'DEV'), separator, fc.constantFrom('', '0', '3')).map((p) => p.join(''))),
    optional(fc.array(fc.stringMatching(/^[a-zA-Z0-9]{1,3}$/), { minLength: 1, maxLength: 3 }).chain((parts) =>
      fc.array(separator.filter((s) => s !== ''), { minLength: parts.length - 1, maxLength: parts.length - 1 })
        .map((seps) => `+${parts.map((part, i) => (i === 0 ? part : seps[i - 1]! + part)).join('')}`))),
    space,
    // a stray character, somewhere, in a third of the texts
    fc.constantFrom('', '', '', '', '', '', '..', '+', '!', 'x', 'K', 'ſ', 'é', '-', '_', '*', '1!', ' '),
    fc.nat(),
  )
  .map(([lead, v, epoch, release, pre, post, dev, local, trail, stray, at]) => {
    const text = [lead, v, epoch, release, pre, post, dev, local, trail].join('');
    const position = at % (text.length + 1);
    return text.slice(0, position) + stray + text.slice(position);
  });
const generated = [...new Set(fc.sample(versionLike, { numRuns: 1500, seed: 440 }))];

describe('nix/pep440.nix', { concurrency: true }, () => {
  for (const variant of nixVersions()) {
    test(`${variant}: the vectors' versions are read as packaging reads them`, async () => {
      const inputs = vectors.versions.map((v) => v.input);
      const answers = await evaluateEach<NixVersion | null>(variant, parseAndNormalize, inputs);
      // packaging's own fields, where the vectors give them
      const fromVectors = answers.map((answer, i) => {
        const vector = vectors.versions[i]!;
        if (!('value' in answer) || answer.value === null) return { valid: false };
        const { epoch, release, local, normalized } = answer.value;
        return vector.valid
          ? { valid: true, normalized, epoch: Number(epoch), release: release.map(Number), local: local === null ? null : local.join('.') }
          : { valid: true };
      });
      const expected = vectors.versions.map((v) =>
        v.valid ? { valid: true, normalized: v.normalized, epoch: v.epoch, release: v.release, local: v.local } : { valid: false });
      assert.deepEqual(disagreements(inputs, fromVectors.map((value) => ({ value })), expected.map((value) => ({ value }))), []);
      // every part, as src/pep440.ts has it
      assert.deepEqual(disagreements(inputs, answers, inputs.map((text) => ({ value: typescriptReading(text) }))), []);
      assert.ok(vectors.versions.length > 600 && vectors.versions.some((v) => !v.valid));
    });

    test(`${variant}: generated version-like texts are read as src/pep440.ts reads them`, async () => {
      const answers = await evaluateEach<NixVersion | null>(variant, parseAndNormalize, generated);
      const expected = generated.map((text): NixAnswer<NixVersion | null> => ({ value: typescriptReading(text) }));
      assert.deepEqual(disagreements(generated, answers, expected), []);
      const valid = expected.filter((e) => 'value' in e && e.value !== null).length;
      assert.ok(valid > 300 && generated.length - valid > 300, `${valid} of ${generated.length} generated texts are versions`);
    });

    test(`${variant}: normalize refuses a text that is not a version`, async () => {
      assert.deepEqual(await evaluateEach(variant, 'm.pep440.isValid', ['1.0', '1.0-', '']), [{ value: true }, { value: false }, { value: false }]);
      assert.match(await thrownMessage(variant, 'm.pep440.normalize', '1.0-'), /mach-nix: "1\.0-" is not a PEP 440 version/);
    });
  }
});
