/**
 * A conformance resolver case as the benchmark uses it: read from its file, resolved through
 * `scripts/conformance/resolver-cases.ts` (the runner's own options and outcome), and compared with
 * the case's expectation as one line of text for the results table.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as v from 'valibot';
import { type Outcome, type ResolverCase, ResolverCaseSchema, versionDifferences } from '../../scripts/conformance/resolver-cases.js';

export { caseResolveOptions, resolveOutcome, type Outcome, type ResolverCase } from '../../scripts/conformance/resolver-cases.js';

export function readCase(file: string): ResolverCase {
  const parsed = v.safeParse(ResolverCaseSchema, JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${basename(file)}: not a resolver case: ${parsed.issues[0].message}`);
  return parsed.output;
}

/** null when the outcome is what the case expects, else what differs. */
export function mismatch(testCase: ResolverCase, outcome: Outcome): string | null {
  const expect = testCase.expect;
  if (expect.satisfiable === null) return null;
  if (expect.satisfiable === false) return 'packages' in outcome ? `expected no resolution, got ${JSON.stringify(outcome.packages)}` : null;
  if ('failure' in outcome) return `expected a resolution, got: ${outcome.failure.split('\n')[0]}`;
  if (expect.packages === undefined) return null;
  const differences = versionDifferences(expect.packages, outcome.packages);
  return differences.length === 0 ? null : differences.join('; ');
}
