/**
 * nix/pep508.nix, under both Nix variants, against src/pep508.ts, src/requirements-txt.ts and
 * pypa/packaging's vectors: the name a requirement starts with — of every requirement of the
 * vectors and of generated lines — is the one src/pep508.ts reads (the key of the longest start of
 * the line it parses), a line without one is refused with a throw; the requirement lines of
 * generated requirements texts (comments, blank lines, trailing comments) are those
 * src/requirements-txt.ts reads, in order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { InvalidRequirement } from '../../../src/errors.js';
import { parseRequirement } from '../../../src/pep508.js';
import { parseRequirementsText } from '../../../src/requirements-txt.js';
import { nixVersions } from '../harness.js';
import { type NixAnswer, answerOf, disagreements, evaluateEach, thrownMessage } from './evaluate.js';
import { vectors } from '../../helpers/pep-vectors.js';

/**
 * The name src/pep508.ts reads at the start of a line: the PEP 503 key of the longest start of
 * the line that parses as a requirement (every such start begins with the same name token).
 */
function typescriptName(line: string): NixAnswer<string> {
  for (let end = line.length; end > 0; end--) {
    try {
      return { value: parseRequirement(line.slice(0, end)).key };
    } catch (error) {
      if (!(error instanceof InvalidRequirement)) throw error;
    }
  }
  return { thrown: true };
}

/** Lines that start with a name or not, followed by what requirement lines hold (or do not). */
const requirementLike = fc
  .tuple(
    fc.constantFrom('', '', ' ', '\t', '  '),
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', '-', '_', '.'), maxLength: 8 }),
    fc.array(fc.constantFrom('[x]', '[a, b]', ' >=1.0', '==2.*', ' (<3)', ' @ https://h/p.whl', '; python_version < "3"', ' --hash=sha256:00',
      '://h/x.whl', '-.', ' # comment', 'é', '!', ' ', '-r', './', '#'), { maxLength: 3 }),
  )
  .map(([lead, name, rest]) => lead + name + rest.join(''));
const generatedLines = [...new Set(fc.sample(requirementLike, { numRuns: 600, seed: 508 }))];

/** Requirements texts: requirements of the vectors that a requirements file reads as such, comments, blank lines. */
const fileRequirements = vectors.requirements.flatMap((r) => {
  if (!r.valid) return [];
  const read = answerOf(() => parseRequirementsText(r.input, { name: 'vector' }).requirements);
  return 'value' in read && read.value.length === 1 && read.value[0]!.kind === 'requirement' ? [r.input] : [];
});
const requirementsText = fc
  .array(fc.oneof(fc.constantFrom(...fileRequirements), fc.constantFrom('', ' ', '\t', '# a comment', '   # indented comment', '#'),
    fc.constantFrom(...fileRequirements).map((line) => `${line}  # trailing comment`)), { maxLength: 6 })
  .map((lines) => lines.join('\n'));
const generatedTexts = fc.sample(requirementsText, { numRuns: 150, seed: 5080 });

describe('nix/pep508.nix', { concurrency: true }, () => {
  for (const variant of nixVersions()) {
    test(`${variant}: requirementName reads the name of the vectors' requirements as packaging and src/pep508.ts do`, async () => {
      const inputs = vectors.requirements.map((r) => r.input);
      const answers = await evaluateEach<string>(variant, 'm.pep508.requirementName', inputs);
      assert.deepEqual(disagreements(inputs, answers, inputs.map(typescriptName)), []);
      const valid = vectors.requirements.flatMap((r, i) => (r.valid ? [{ input: r.input, answer: answers[i]!, expected: { value: r.canonical_name! } }] : []));
      assert.deepEqual(disagreements(valid.map((v) => v.input), valid.map((v) => v.answer), valid.map((v) => v.expected)), []);
      assert.ok(valid.length > 100 && answers.some((a) => 'thrown' in a), 'the vectors have valid requirements and lines without a name');
    });

    test(`${variant}: requirementName of generated lines is src/pep508.ts's`, async () => {
      const answers = await evaluateEach<string>(variant, 'm.pep508.requirementName', generatedLines);
      const expected = generatedLines.map(typescriptName);
      assert.deepEqual(disagreements(generatedLines, answers, expected), []);
      assert.ok(expected.filter((e) => 'thrown' in e).length > 50, 'the generator makes lines without a name');
      assert.match(await thrownMessage(variant, 'm.pep508.requirementName', '-r other.txt'), /mach-nix: the requirement "-r other.txt" does not start with a package name/);
    });

    test(`${variant}: requirementLines of generated texts are the requirements src/requirements-txt.ts reads`, async () => {
      const answers = await evaluateEach<string[]>(variant, 'text: map m.pep508.requirementName (m.pep508.requirementLines text)', generatedTexts);
      const expected = generatedTexts.map((text) => answerOf(() => parseRequirementsText(text, { name: 'generated' }).requirements.map((line) => {
        assert.equal(line.kind, 'requirement');
        return line.kind === 'requirement' ? line.requirement.key : '';
      })));
      assert.deepEqual(disagreements(generatedTexts, answers, expected), []);
      assert.ok(fileRequirements.length > 50, `only ${fileRequirements.length} requirements of the vectors are requirements file lines`);
    });
  }
});
