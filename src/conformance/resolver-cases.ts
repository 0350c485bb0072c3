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
import { openDependencySource } from '../db/open.js';
import { MachNixError } from '../errors.js';
import { readRequirementsText } from '../inputs.js';
import { Version } from '../pep440.js';
import { parseProvidersInput } from '../providers/settings.js';
import { PLATFORMS } from '../providers/target.js';
import { ResolutionImpossible, resolve } from '../resolve.js';
import type { Platform } from '../wheel-tags.js';
import type { CheckResult } from './report.js';

const ResolverCase = v.looseObject({
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
  const parsed = v.safeParse(ResolverCase, document);
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
  let outcome: { packages: Record<string, string> } | { failure: string };
  try {
    const { resolution } = resolve({
      source,
      inputs: readRequirementsText(testCase.requirements, { name: `${testCase.name} requirements` }),
      target: { python: testCase.python, platform: testCase.platform, glibc: testCase.glibc },
      providers: parseProvidersInput(testCase.providers, 'providers'),
      providerDefaults: testCase.providerDefaults === null ? null : parseProvidersInput(testCase.providerDefaults, 'providerDefaults'),
    });
    outcome = { packages: Object.fromEntries(Object.values(resolution.packages).map((p) => [p!.name, p!.version])) };
  } catch (error) {
    if (!(error instanceof MachNixError)) throw error;
    outcome = { failure: error instanceof ResolutionImpossible ? error.explanation : `${error.name}: ${error.message}` };
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
    const want = expect.packages;
    const differences = [...new Set([...Object.keys(want), ...Object.keys(outcome.packages)])]
      .sort()
      .filter((name) => !(name in want && name in outcome.packages && Version.parse(want[name]!).equals(Version.parse(outcome.packages[name]!))))
      .map((name) => `${name}: expected ${want[name] ?? 'absent'}, got ${outcome.packages[name] ?? 'absent'}`);
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
