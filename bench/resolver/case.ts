/**
 * A conformance resolver case as the benchmark uses it: the case file's fields, the `resolve()`
 * options made from them exactly as `src/conformance/resolver-cases.ts` makes them, and the
 * comparison of an outcome with the case's expectation (PEP 440 equality of every version).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as v from 'valibot';
import { MachNixError } from '../../src/errors.js';
import { readRequirementsText } from '../../src/inputs.js';
import { Version } from '../../src/pep440.js';
import { parseProvidersInput } from '../../src/providers/settings.js';
import { PLATFORMS } from '../../src/providers/target.js';
import { type ResolveOptions, ResolutionImpossible, resolve } from '../../src/resolve.js';
import type { Platform } from '../../src/wheel-tags.js';

const CaseSchema = v.looseObject({
  name: v.string(),
  corpus: v.string(),
  python: v.string(),
  platform: v.picklist(PLATFORMS as Platform[]),
  glibc: v.optional(v.string()),
  requirements: v.string(),
  providers: v.optional(v.unknown(), {}),
  providerDefaults: v.optional(v.unknown(), null),
  expect: v.looseObject({
    satisfiable: v.nullable(v.boolean()),
    packages: v.optional(v.record(v.string(), v.string())),
  }),
});

export type ResolverCase = v.InferOutput<typeof CaseSchema>;

export function readCase(file: string): ResolverCase {
  const parsed = v.safeParse(CaseSchema, JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${basename(file)}: not a resolver case: ${parsed.issues[0].message}`);
  return parsed.output;
}

/** The `resolve()` options of a case, but for the data source (as `checkResolverCase` builds them). */
export function resolveRequest(testCase: ResolverCase): Omit<ResolveOptions, 'source'> {
  return {
    inputs: readRequirementsText(testCase.requirements, { name: `${testCase.name} requirements` }),
    target: { python: testCase.python, platform: testCase.platform, glibc: testCase.glibc },
    providers: parseProvidersInput(testCase.providers, 'providers'),
    providerDefaults: testCase.providerDefaults === null ? null : parseProvidersInput(testCase.providerDefaults, 'providerDefaults'),
  };
}

/** What a resolver answered: the resolved versions by name, or why there are none. */
export type Outcome = { readonly packages: Readonly<Record<string, string>> } | { readonly failure: string };

/** Runs `resolve()`; a MachNixError (no resolution, bad input) is an outcome, anything else a crash. */
export function resolveOutcome(options: ResolveOptions): Outcome {
  try {
    const { resolution } = resolve(options);
    return { packages: Object.fromEntries(Object.values(resolution.packages).map((p) => [p!.name, p!.version])) };
  } catch (error) {
    if (!(error instanceof MachNixError)) throw error;
    return { failure: error instanceof ResolutionImpossible ? error.explanation : `${error.name}: ${error.message}` };
  }
}

/** null when the outcome is what the case expects, else what differs. */
export function mismatch(testCase: ResolverCase, outcome: Outcome): string | null {
  const expect = testCase.expect;
  if (expect.satisfiable === null) return null;
  if (expect.satisfiable === false) return 'packages' in outcome ? `expected no resolution, got ${JSON.stringify(outcome.packages)}` : null;
  if ('failure' in outcome) return `expected a resolution, got: ${outcome.failure.split('\n')[0]}`;
  const want = expect.packages;
  if (want === undefined) return null;
  const got = outcome.packages;
  const differences = [...new Set([...Object.keys(want), ...Object.keys(got)])]
    .sort()
    .filter((name) => !(name in want && name in got && Version.parse(want[name]!).equals(Version.parse(got[name]!))))
    .map((name) => `${name}: expected ${want[name] ?? 'absent'}, got ${got[name] ?? 'absent'}`);
  return differences.length === 0 ? null : differences.join('; ');
}
