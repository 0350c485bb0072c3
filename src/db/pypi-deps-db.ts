/**
 * Reader of pypi-deps-db bucket files (`sdist/XX.json`, `wheel/XX.json`; reference §5.1).
 *
 * sdist: `name → version → python key → record`, where a version may be a string naming another
 * version of the same name (whose whole python-key map it shares) and a python key may be a string
 * naming another key of the same version. wheel: `name → python tag → version → file name →
 * record`, where a record may be a string `"version@file"` naming another file of the same name
 * and tag. References are followed through chains; a cycle or a reference to nothing is a
 * DataError at the referring key. The legacy `data/` folder is not read.
 *
 * Records are normalised: every list field present (a single string becomes its non-blank,
 * non-comment lines, as pkg_resources reads it; null means empty), `python_requires` lists joined
 * with `,`. Unknown record keys (`requires_external`, crawler bookkeeping) are ignored, and so are
 * python keys that are not a Python version (`"27"`, `"310"`), which mach-nix never looks up.
 * References resolve to the same record object, which the index builder uses to find duplicates.
 */
import * as v from 'valibot';
import { builtOnFirstUse } from '../built-on-first-use.js';
import { comparePythonKeys, parsePythonKey } from './source.js';
import { compareCodePoints } from '../code-points.js';
import { bucketNames, dataError, describe, expectObject, isJsonObject, issueError } from './buckets.js';
import type { JsonObject } from './buckets.js';

export interface SdistRecord {
  readonly installRequires: readonly string[];
  readonly setupRequires: readonly string[];
  readonly testsRequire: readonly string[];
  readonly extrasRequire: Readonly<Record<string, readonly string[]>>;
  readonly requiresPython: string | null;
}

export interface SdistVersion {
  readonly version: string;
  /** Python key → record, keys ascending by Python version; shared records are the same object. */
  readonly records: ReadonlyMap<string, SdistRecord>;
}

export interface WheelRecord {
  readonly requiresDist: readonly string[];
  readonly requiresPython: string | null;
  readonly providesExtras: readonly string[];
}

export interface WheelFile {
  readonly version: string;
  readonly filename: string;
  readonly pythonTag: string;
  /** Files that reference each other share this object. */
  readonly record: WheelRecord;
}

const schemas = builtOnFirstUse(() => {
  const requirementList = v.nullish(v.union([v.string(), v.array(v.string())]));
  return {
    requirementList,
    sdistRecord: v.object({
      install_requires: requirementList,
      setup_requires: requirementList,
      tests_require: requirementList,
      python_requires: requirementList,
      extras_require: v.optional(v.unknown()),
    }),
    wheelRecord: v.object({
      requires_dist: requirementList,
      requires_python: v.nullish(v.union([v.string(), v.array(v.string())])),
      provides_extras: requirementList,
    }),
  };
});
type RequirementListInput = v.InferOutput<ReturnType<typeof schemas>['requirementList']>;

/** pkg_resources' `yield_lines`: a string stands for its non-blank lines that are not comments. */
function requirementList(value: RequirementListInput): readonly string[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'string') return value;
  return value
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** A specifier list (`python_requires`, which the crawler stores as a list) as one specifier set. */
function specifierText(value: string | readonly string[] | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return value.length === 0 ? null : value.join(',');
}

/** Follows string references from `start` in `map` to the value they end at; dangling or cyclic ones throw. */
function followReferences(
  map: JsonObject,
  start: string,
  file: string,
  pathOf: (key: string) => (string | number)[],
  what: string,
): { key: string; value: unknown } {
  const seen = new Set<string>([start]);
  let key = start;
  let value = map[key];
  while (typeof value === 'string') {
    const target = value;
    if (!Object.hasOwn(map, target)) {
      throw dataError(file, pathOf(key), `refers to ${what} ${JSON.stringify(target)}, which is not in the data`);
    }
    if (seen.has(target)) {
      throw dataError(file, pathOf(start), `${what} references form a cycle through ${JSON.stringify(target)}`);
    }
    seen.add(target);
    key = target;
    value = map[key];
  }
  return { key, value };
}

function parseSdistRecord(value: unknown, file: string, path: (string | number)[]): SdistRecord {
  const record = expectObject(value, file, path);
  const parsed = v.safeParse(schemas().sdistRecord, record);
  if (!parsed.success) throw issueError(file, path, parsed.issues);
  const { output } = parsed;
  const extras: [string, readonly string[]][] = [];
  if (output.extras_require !== null && output.extras_require !== undefined) {
    const extrasPath = [...path, 'extras_require'];
    const extrasObject = expectObject(output.extras_require, file, extrasPath);
    for (const extra of Object.keys(extrasObject)) {
      const list = v.safeParse(schemas().requirementList, extrasObject[extra]);
      if (!list.success) throw issueError(file, [...extrasPath, extra], list.issues);
      extras.push([extra, requirementList(list.output)]);
    }
    extras.sort((a, b) => compareCodePoints(a[0], b[0]));
  }
  return {
    installRequires: requirementList(output.install_requires),
    setupRequires: requirementList(output.setup_requires),
    testsRequire: requirementList(output.tests_require),
    // fromEntries defines own properties, so an extra called `__proto__` stays data.
    extrasRequire: Object.fromEntries(extras),
    requiresPython: specifierText(output.python_requires),
  };
}

/** The python-key map of one version (after version references), records parsed and shared. */
function parsePythonKeyMap(value: unknown, file: string, path: (string | number)[]): Map<string, SdistRecord> {
  const map = expectObject(value, file, path);
  const parsedByKey = new Map<string, SdistRecord>();
  const keys = Object.keys(map)
    .filter((key) => parsePythonKey(key) !== null)
    .sort(comparePythonKeys);
  const records = new Map<string, SdistRecord>();
  for (const key of keys) {
    const target = followReferences(map, key, file, (k) => [...path, k], 'python key');
    let record = parsedByKey.get(target.key);
    if (!record) {
      record = parseSdistRecord(target.value, file, [...path, target.key]);
      parsedByKey.set(target.key, record);
    }
    records.set(key, record);
  }
  return records;
}

/**
 * Every name of one `sdist/XX.json` with its versions (sorted by version text). `json` is the
 * parsed file (undefined for a missing bucket); `file` names it in errors.
 */
export function readSdistBucket(file: string, json: unknown): Map<string, SdistVersion[]> {
  const result = new Map<string, SdistVersion[]>();
  if (json === undefined) return result;
  const names = bucketNames(json, file);
  for (const name of Object.keys(names)) result.set(name, readSdistName(file, name, names[name]));
  return result;
}

function readSdistName(file: string, name: string, value: unknown): SdistVersion[] {
  const versions = expectObject(value, file, [name]);
  const mapsByTarget = new Map<string, Map<string, SdistRecord>>();
  const result: SdistVersion[] = [];
  for (const version of Object.keys(versions).sort(compareCodePoints)) {
    const target = followReferences(versions, version, file, (k) => [name, k], 'version');
    let records = mapsByTarget.get(target.key);
    if (!records) {
      records = parsePythonKeyMap(target.value, file, [name, target.key]);
      mapsByTarget.set(target.key, records);
    }
    result.push({ version, records });
  }
  return result;
}

function parseWheelRecord(value: unknown, file: string, path: (string | number)[]): WheelRecord {
  const record = expectObject(value, file, path);
  const parsed = v.safeParse(schemas().wheelRecord, record);
  if (!parsed.success) throw issueError(file, path, parsed.issues);
  return {
    requiresDist: requirementList(parsed.output.requires_dist),
    requiresPython: specifierText(parsed.output.requires_python),
    providesExtras: requirementList(parsed.output.provides_extras),
  };
}

/**
 * Every name of one `wheel/XX.json` with its wheel files, sorted by version, file name and python
 * tag. `json` is the parsed file (undefined for a missing bucket); `file` names it in errors.
 */
export function readWheelBucket(file: string, json: unknown): Map<string, WheelFile[]> {
  const result = new Map<string, WheelFile[]>();
  if (json === undefined) return result;
  const names = bucketNames(json, file);
  for (const name of Object.keys(names)) result.set(name, readWheelName(file, name, names[name]));
  return result;
}

function readWheelName(file: string, name: string, value: unknown): WheelFile[] {
  const tags = expectObject(value, file, [name]);
  const files: WheelFile[] = [];
  for (const tag of Object.keys(tags)) {
    const versions = expectObject(tags[tag], file, [name, tag]);
    const parsed = new Map<string, WheelRecord>();
    // A record of this tag, by `version@file`, following references; memoised in `parsed`.
    const recordAt = (version: string, filename: string): WheelRecord => {
      const seen = new Set<string>();
      let current = `${version}@${filename}`;
      let path: (string | number)[] = [name, tag, version, filename];
      for (;;) {
        const known = parsed.get(current);
        if (known) return known;
        seen.add(current);
        const at = current.indexOf('@');
        const files = versions[current.slice(0, at)];
        const entry = isJsonObject(files) ? files[current.slice(at + 1)] : undefined;
        if (typeof entry !== 'string') {
          const record = parseWheelRecord(entry, file, path);
          // Every reference on the way shares the record found at the end of the chain.
          for (const key of seen) parsed.set(key, record);
          return record;
        }
        const refAt = entry.indexOf('@');
        const refFiles = refAt > 0 && Object.hasOwn(versions, entry.slice(0, refAt)) ? versions[entry.slice(0, refAt)] : undefined;
        if (refAt <= 0 || !isJsonObject(refFiles) || !Object.hasOwn(refFiles, entry.slice(refAt + 1))) {
          throw dataError(file, path, `refers to ${JSON.stringify(entry)}, which is not in the data`);
        }
        if (seen.has(entry)) throw dataError(file, path, `file references form a cycle through ${JSON.stringify(entry)}`);
        current = entry;
        path = [name, tag, entry.slice(0, refAt), entry.slice(refAt + 1)];
      }
    };
    for (const version of Object.keys(versions)) {
      const filesOfVersion = expectObject(versions[version], file, [name, tag, version]);
      for (const filename of Object.keys(filesOfVersion)) {
        if (typeof filesOfVersion[filename] !== 'string' && !isJsonObject(filesOfVersion[filename])) {
          throw dataError(file, [name, tag, version, filename], `expected a record or a "version@file" reference, found ${describe(filesOfVersion[filename])}`);
        }
        files.push({ version, filename, pythonTag: tag, record: recordAt(version, filename) });
      }
    }
  }
  return files.sort(
    (a, b) => compareCodePoints(a.version, b.version) || compareCodePoints(a.filename, b.filename) || compareCodePoints(a.pythonTag, b.pythonTag),
  );
}
