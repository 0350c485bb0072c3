/**
 * nix/pep503.nix, under both Nix variants, against src/pep503.ts and pypa/packaging's vectors:
 * the normalised names of the vectors' requirements and wheel files, and of generated names, are
 * canonicalizeName's, the data keys of generated names legacyKey's; a name with a character
 * outside ASCII is refused with a throw (the file's documented subset).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { canonicalizeName, legacyKey } from '../../../src/pep503.js';
import { nixVersions } from '../harness.js';
import { type NixAnswer, disagreements, evaluateEach, thrownMessage } from './evaluate.js';
import { vectors } from '../../helpers/pep-vectors.js';

const vectorNames = [
  ...vectors.requirements.flatMap((r) => (r.valid ? [{ input: r.name!, expected: r.canonical_name! }] : [])),
  ...vectors.wheel_filenames.flatMap((w) => (w.valid ? [{ input: w.filename.split('-')[0]!, expected: w.name! }] : [])),
];

/** Names of separators, letters of both cases, digits, other ASCII, and a few letters beyond it. */
const generatedNames = fc.sample(
  fc.string({ unit: fc.constantFrom('a', 'Z', 'q', '0', '7', '-', '_', '.', ' ', '@', '~', '\t', 'é', 'K', 'İ', 'ß', 'Ω'), maxLength: 12 }),
  { numRuns: 400, seed: 503 },
);

const isAscii = (text: string) => /^[\x01-\x7f]*$/.test(text);

describe('nix/pep503.nix', { concurrency: true }, () => {
  for (const variant of nixVersions()) {
    test(`${variant}: normalizeName is canonicalizeName on ASCII names and refuses the others`, async () => {
      const vectorAnswers = await evaluateEach<string>(variant, 'm.pep503.normalizeName', vectorNames.map((n) => n.input));
      assert.deepEqual(disagreements(vectorNames, vectorAnswers, vectorNames.map((n) => ({ value: n.expected }))), []);
      assert.ok(vectorNames.length > 100, `only ${vectorNames.length} vector names`);

      const answers = await evaluateEach<string>(variant, 'm.pep503.normalizeName', generatedNames);
      const expected = generatedNames.map((name): NixAnswer<string> => (isAscii(name) ? { value: canonicalizeName(name) } : { thrown: true }));
      assert.deepEqual(disagreements(generatedNames, answers, expected), []);
      assert.ok(expected.filter((e) => 'thrown' in e).length > 50, 'the generator makes names outside ASCII');

      const message = await thrownMessage(variant, 'm.pep503.normalizeName', 'Ünicode');
      assert.match(message, /mach-nix: the package name "Ünicode" has a character outside ASCII/);
    });

    test(`${variant}: legacyKey is src/pep503.ts's on ASCII names and refuses the others`, async () => {
      const names = [...generatedNames, 'Zope.Interface', 'Foo_Bar-baz'];
      const answers = await evaluateEach<string>(variant, 'm.pep503.legacyKey', names);
      const expected = names.map((name): NixAnswer<string> => (isAscii(name) ? { value: legacyKey(name) } : { thrown: true }));
      assert.deepEqual(disagreements(names, answers, expected), []);
      assert.deepEqual(answers.slice(-2), [{ value: 'zope.interface' }, { value: 'foo-bar-baz' }]);
    });
  }
});
