/**
 * What every bucketed data file of mach-nix shares: the bucket of a name (first two hex digits of
 * sha256 of its legacy key), reading one bucket file, walking its nested objects while keeping the
 * key path for error messages.
 *
 * Error locations name the file as it was reached (`<dir>/sdist/3e.json`) and a key path in the
 * form `requests."2.0"."310".install_requires[2]`: identifier-like keys bare, others quoted.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type * as v from 'valibot';
import { DataError } from '../errors.js';
import { crypto } from '../on-demand.js';
import { decodeUtf8 } from '../utf8-text.js';

/** `00` … `ff`, the order in which buckets are processed. */
export const BUCKETS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The bucket file holding a legacy key. */
export function bucketOf(key: string): string {
  return crypto().createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 2);
}

/** A path segment as written in error messages. */
function segment(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `.${JSON.stringify(key)}`;
}

/** A key path for messages: `formatKeyPath(['requests', '2.0', 'install_requires', 2])`. */
export function formatKeyPath(path: readonly (string | number)[]): string {
  return path.map(segment).join('').replace(/^\./, '');
}

/** A malformed value at `path` in `file`. */
export function dataError(file: string, path: readonly (string | number)[], reason: string): DataError {
  return new DataError(path.length > 0 ? { file, key: formatKeyPath(path) } : { file }, reason);
}

/**
 * Reads and parses one JSON data file. A missing file is `undefined` (a bucket with no names);
 * an unreadable or malformed one (bytes that are not UTF-8 included) is a DataError naming it.
 */
export function readJsonFile(file: string): unknown {
  const bytes = readDataFile(file);
  return bytes === undefined ? undefined : parseJson(decodeUtf8(bytes, file, 'data'), file);
}

/** The bytes of a data file; undefined when it is missing, a DataError when it cannot be read. */
export function readDataFile(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataError({ file }, `cannot read: ${(error as Error).message}`);
  }
}

/** JSON text of (a part of) `file`, parsed; a DataError naming the file when it is malformed. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DataError({ file }, `malformed JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
}

export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path` as an object, or a DataError saying what it is instead. */
export function expectObject(value: unknown, file: string, path: readonly (string | number)[]): JsonObject {
  if (isJsonObject(value)) return value;
  throw dataError(file, path, `expected an object, found ${describe(value)}`);
}

/** A JSON value's kind, for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Turns the first valibot issue into a DataError at `path` + the issue's own path. A union's issue
 * is explained by the branch that got furthest (`["a", 5]` fails as a list at `[1]`, not as a string).
 */
export function issueError(file: string, path: readonly (string | number)[], issues: readonly v.BaseIssue<unknown>[]): DataError {
  const keys = [...path];
  let issue = issues[0];
  while (issue) {
    keys.push(...(issue.path ?? []).map((item) => item.key as string | number));
    const deepest: v.BaseIssue<unknown> | undefined = [...(issue.issues ?? [])].sort((a, b) => (b.path?.length ?? 0) - (a.path?.length ?? 0))[0];
    if (!deepest?.path?.length) break;
    issue = deepest;
  }
  if (issue?.input === undefined) return dataError(file, keys, 'is missing');
  return dataError(file, keys, `expected ${issue.expected ?? 'a valid value'}, found ${describe(issue.input)}`);
}

/**
 * The top-level object of a bucket file, name → data. Every name must belong in the file's bucket:
 * the bucket source only ever looks there, so a misplaced name would be found by the index alone.
 */
export function bucketNames(json: unknown, file: string): JsonObject {
  const names = expectObject(json, file, []);
  checkBucketNames(Object.keys(names), file);
  return names;
}

/** A DataError for the first name that does not belong in the bucket `file` is. */
export function checkBucketNames(names: Iterable<string>, file: string): void {
  const bucket = basename(file, '.json');
  for (const name of names) {
    if (bucketOf(name) !== bucket) throw dataError(file, [name], `belongs in bucket ${bucketOf(name)}.json (sha256 of the name), not ${bucket}.json`);
  }
}
