/**
 * Checks the resolver against a case of `../shared/conformance/resolver/cases/` (format in that
 * folder's README): resolve the case's requirements against its corpus for its target and
 * providers, then compare — exactly the expected versions (PEP 440 equality) for a satisfiable
 * case, a failure whose explanation names every `conflicted` package for an unsatisfiable one,
 * any answer within 2 s where the reference resolver gave up.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as v from 'valibot';
import { openDependencySource } from '../../src/db/open.js';
import { MachNixError } from '../../src/errors.js';
import { readRequirementsText } from '../../src/inputs.js';
import { Version } from '../../src/pep440.js';
import { parseProvidersInput } from '../../src/providers/settings.js';
import { type ResolveOptions, ResolutionImpossible, resolve } from '../../src/resolve.js';
import { PLATFORMS, type Platform, parseTarget } from '../../src/target.js';
import type { CheckResult } from './report.js';

export const ResolverCaseSchema = v.looseObject({
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
    conflicted: v.optional(v.array(v.string())),
  }),
});

export type ResolverCase = v.InferOutput<typeof ResolverCaseSchema>;

/** The `resolve()` options of a case, but for the data source. */
export function caseResolveOptions(testCase: ResolverCase): Omit<ResolveOptions, 'source'> {
  return {
    inputs: readRequirementsText(testCase.requirements, { name: `${testCase.name} requirements` }),
    target: parseTarget({ python: testCase.python, platform: testCase.platform, glibc: testCase.glibc }),
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

/** Each name whose version differs (PEP 440 equality) between expected and resolved, described. */
export function versionDifferences(want: Readonly<Record<string, string>>, got: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.keys(want), ...Object.keys(got)])]
    .sort()
    .filter((name) => !(name in want && name in got && Version.parse(want[name]!).equals(Version.parse(got[name]!))))
    .map((name) => `${name}: expected ${want[name] ?? 'absent'}, got ${got[name] ?? 'absent'}`);
}

/** The reference resolver gave up on these; any correct answer must come this fast. */
const GAVE_UP_LIMIT_MS = 2000;

export function isResolverCase(document: unknown): boolean {
  return typeof document === 'object' && document !== null && 'corpus' in document && 'expect' in document;
}

export interface CaseTiming {
  readonly name: string;
  readonly milliseconds: number;
}

export function checkResolverCase(file: string, document: unknown, timings?: CaseTiming[]): CheckResult[] {
  const parsed = v.safeParse(ResolverCaseSchema, document);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    return [{ id: 'case', ok: false, detail: `not a resolver case: ${v.getDotPath(issue) ?? ''} ${issue.message}` }];
  }
  const testCase = parsed.output;
  const id = testCase.name;
  // Cases live in `cases/` beside the corpus folders; a case may also sit next to its corpus.
  const corpus = [join(dirname(file), '..', testCase.corpus), join(dirname(file), testCase.corpus)].find((p) => existsSync(p));
  if (corpus === undefined) return [{ id, ok: false, detail: `corpus ${testCase.corpus} not found beside ${file}` }];

  const source = openDependencySource(corpus);
  const started = performance.now();
  let outcome: Outcome;
  try {
    outcome = resolveOutcome({ ...caseResolveOptions(testCase), source });
  } finally {
    source.close();
  }
  const milliseconds = performance.now() - started;
  timings?.push({ name: id, milliseconds });

  const expect = testCase.expect;
  if (expect.satisfiable === true) {
    if ('failure' in outcome) return [{ id, ok: false, detail: `expected a resolution, got: ${outcome.failure}` }];
    // Without `packages`, a case only asks that a resolution exists.
    if (expect.packages === undefined) return [{ id, ok: true }];
    const differences = versionDifferences(expect.packages, outcome.packages);
    return [{ id, ok: differences.length === 0, detail: differences.join('; ') }];
  }
  if (expect.satisfiable === false) {
    if ('packages' in outcome) return [{ id, ok: false, detail: `expected no resolution, got ${JSON.stringify(outcome.packages)}` }];
    const missing = (expect.conflicted ?? []).filter((name) => !new RegExp(`(^|[^a-z0-9-])${name}([^a-z0-9-]|$)`, 'i').test(outcome.failure));
    return [{ id, ok: missing.length === 0, detail: missing.length ? `explanation does not mention ${missing.join(', ')}: ${outcome.failure}` : undefined }];
  }
  const fast = milliseconds <= GAVE_UP_LIMIT_MS;
  return [{ id, ok: fast, detail: fast ? undefined : `took ${milliseconds.toFixed(0)} ms (limit ${GAVE_UP_LIMIT_MS} ms)` }];
}
