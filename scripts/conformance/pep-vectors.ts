/**
 * Checks the project's standards modules against a vector file in the format of
 * `../shared/conformance/pep-vectors.json` (expected values produced by pypa/packaging).
 * Every entry of every section is one check.
 */
import { isDeepStrictEqual } from 'node:util';
import * as v from 'valibot';
import { MachNixError, MarkerEvaluationError } from '../../src/errors.js';
import { canonicalizeName } from '../../src/pep503.js';
import { Version, SpecifierSet } from '../../src/pep440.js';
import { Marker, parseRequirement, type MarkerEnvironment } from '../../src/pep508.js';
import { parseWheelFilename, tagToString } from '../../src/wheel-tags.js';
import type { CheckResult } from './report.js';

const Environment = v.record(v.string(), v.string());
const VectorFile = v.looseObject({
  environments: v.optional(v.array(Environment), []),
  versions: v.optional(v.array(v.looseObject({ input: v.string(), valid: v.boolean() })), []),
  ordering: v.optional(v.array(v.array(v.string())), []),
  specifiers: v.optional(v.array(v.looseObject({ specifier: v.string(), valid: v.boolean() })), []),
  markers: v.optional(v.array(v.looseObject({ marker: v.string(), valid: v.boolean() })), []),
  requirements: v.optional(v.array(v.looseObject({ input: v.string(), valid: v.boolean() })), []),
  wheel_filenames: v.optional(v.array(v.looseObject({ filename: v.string(), valid: v.boolean() })), []),
});
type VectorFile = v.InferOutput<typeof VectorFile>;

/** Whether a parsed JSON document looks like a vector file (rather than a resolver case). */
export function isVectorFile(document: unknown): boolean {
  return (
    typeof document === 'object' &&
    document !== null &&
    ['versions', 'ordering', 'specifiers', 'markers', 'requirements', 'wheel_filenames'].some((k) => k in document)
  );
}

export function checkVectorFile(document: unknown): CheckResult[] {
  const parsed = v.safeParse(VectorFile, document);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    return [{ id: 'file', ok: false, detail: `not a vector file: ${v.getDotPath(issue) ?? ''} ${issue.message}` }];
  }
  const file = parsed.output;
  return [
    ...file.versions.map((entry, i) => check(`versions[${i}] ${JSON.stringify(entry.input)}`, () => checkVersion(entry))),
    ...file.ordering.map((group, i) => check(`ordering[${i}]`, () => checkOrderingGroup(file.ordering, i))),
    ...file.specifiers.map((entry, i) => check(`specifiers[${i}] ${JSON.stringify(entry.specifier)}`, () => checkSpecifier(entry))),
    ...file.markers.map((entry, i) => check(`markers[${i}] ${JSON.stringify(entry.marker)}`, () => checkMarker(entry, file))),
    ...file.requirements.map((entry, i) => check(`requirements[${i}] ${JSON.stringify(entry.input)}`, () => checkRequirement(entry))),
    ...file.wheel_filenames.map((entry, i) => check(`wheel_filenames[${i}] ${entry.filename}`, () => checkWheelFilename(entry))),
  ];
}

/** Runs one check; a returned string is the reason for failure. */
function check(id: string, run: () => string | null): CheckResult {
  try {
    const failure = run();
    return failure === null ? { id, ok: true } : { id, ok: false, detail: failure };
  } catch (error) {
    return { id, ok: false, detail: `unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
  }
}

/** Compares named fields; the first difference is the failure. */
function diff(actual: Record<string, unknown>, expected: Record<string, unknown>): string | null {
  for (const [field, want] of Object.entries(expected)) {
    if (!isDeepStrictEqual(actual[field], want)) {
      return `${field}: expected ${JSON.stringify(want)}, got ${JSON.stringify(actual[field])}`;
    }
  }
  return null;
}

/** Runs `parse`; for an invalid entry it must throw one of the project's errors. */
function parseAs<T>(valid: boolean, parse: () => T): { value: T } | string {
  try {
    const value = parse();
    return valid ? { value } : 'accepted, but it is invalid';
  } catch (error) {
    if (!(error instanceof MachNixError)) throw error;
    return valid ? `rejected: ${error.message}` : 'rejected as expected';
  }
}

function outcome<T>(result: { value: T } | string, valid: boolean, compare: (value: T) => string | null): string | null {
  if (typeof result === 'string') return valid || result !== 'rejected as expected' ? result : null;
  return compare(result.value);
}

function checkVersion(entry: Record<string, unknown> & { input: string; valid: boolean }): string | null {
  return outcome(parseAs(entry.valid, () => Version.parse(entry.input)), entry.valid, (version) =>
    diff(
      {
        normalized: version.toString(),
        public: version.public,
        base_version: version.baseVersion,
        is_prerelease: version.isPrerelease,
        is_postrelease: version.isPostrelease,
        is_devrelease: version.isDevrelease,
        local: version.local === null ? null : version.local.join('.'),
        epoch: Number(version.epoch),
        release: version.release.map(Number),
      },
      pick(entry, ['normalized', 'public', 'base_version', 'is_prerelease', 'is_postrelease', 'is_devrelease', 'local', 'epoch', 'release']),
    ),
  );
}

/** Group `index` is equal inside and strictly between its neighbours. */
function checkOrderingGroup(groups: string[][], index: number): string | null {
  const parse = (group: string[] | undefined) => (group ?? []).map((text) => Version.parse(text));
  const group = parse(groups[index]);
  const before = parse(groups[index - 1]);
  const after = parse(groups[index + 1]);
  for (const a of group) {
    for (const b of group) if (a.compare(b) !== 0) return `${a} and ${b} should be equal`;
    for (const b of before) if (b.compare(a) >= 0) return `${b} should sort before ${a}`;
    for (const b of after) if (a.compare(b) >= 0) return `${a} should sort before ${b}`;
  }
  return null;
}

function checkSpecifier(entry: Record<string, unknown> & { specifier: string; valid: boolean }): string | null {
  return outcome(parseAs(entry.valid, () => SpecifierSet.parse(entry.specifier)), entry.valid, (set) => {
    const contains = (entry.contains ?? {}) as Record<string, boolean>;
    const candidates = Object.keys(contains);
    return diff(
      {
        prereleases_implied: set.impliesPrereleases,
        contains: Object.fromEntries(candidates.map((c) => [c, set.contains(c)])),
        contains_with_prereleases: Object.fromEntries(candidates.map((c) => [c, set.contains(c, { prereleases: true })])),
        // JSON objects do not keep the order of integer-like keys, so the filtered versions are compared as a set.
        filter: set.filter(candidates, (c) => c).sort(),
      },
      { ...pick(entry, ['prereleases_implied', 'contains', 'contains_with_prereleases']), filter: [...((entry.filter ?? []) as string[])].sort() },
    );
  });
}

function checkMarker(entry: Record<string, unknown> & { marker: string; valid: boolean }, file: VectorFile): string | null {
  return outcome(parseAs(entry.valid, () => Marker.parse(entry.marker)), entry.valid, (marker) => {
    const results = file.environments.map((environment) => {
      try {
        return marker.evaluate(environment as unknown as MarkerEnvironment);
      } catch (error) {
        if (error instanceof MarkerEvaluationError) return { error: true };
        throw error;
      }
    });
    // The expected error text is packaging's; only the fact of an error must agree.
    const expected = ((entry.results ?? []) as unknown[]).map((r) => (typeof r === 'object' && r !== null ? { error: true } : r));
    return diff({ normalized: marker.toString(), results }, { ...pick(entry, ['normalized']), results: expected });
  });
}

function checkRequirement(entry: Record<string, unknown> & { input: string; valid: boolean }): string | null {
  return outcome(parseAs(entry.valid, () => parseRequirement(entry.input)), entry.valid, (requirement) => {
    const clauses = (text: unknown) => (typeof text === 'string' && text !== '' ? text.split(',').sort() : []);
    return diff(
      {
        name: requirement.name,
        canonical_name: canonicalizeName(requirement.name),
        extras: requirement.extras,
        specifier: clauses(requirement.specifier.toString()),
        url: requirement.url,
        marker: requirement.marker?.toString() ?? null,
      },
      { ...pick(entry, ['name', 'canonical_name', 'extras', 'url', 'marker']), specifier: clauses(entry.specifier) },
    );
  });
}

function checkWheelFilename(entry: Record<string, unknown> & { filename: string; valid: boolean }): string | null {
  return outcome(parseAs(entry.valid, () => parseWheelFilename(entry.filename)), entry.valid, (wheel) =>
    diff(
      {
        name: wheel.name,
        version: wheel.version.toString(),
        build: wheel.build === null ? null : [...wheel.build],
        tags: wheel.tags.map(tagToString).sort(),
      },
      pick(entry, ['name', 'version', 'build', 'tags']),
    ),
  );
}

function pick(entry: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f in entry).map((f) => [f, entry[f]]));
}
