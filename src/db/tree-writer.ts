/**
 * Writing a data tree in the formats this folder reads: pypi-deps-db (`wheel/XX.json`,
 * `sdist/XX.json`, `UNIX_TIMESTAMP`) and nix-pypi-fetcher-2 (`pypi/XX.json`, each entry with the
 * file's own URL as a third element) in one folder, which the Nix library and `--deps-db` take as
 * both trees. What `mach-nix db update` writes from package indexes.
 *
 * Deterministic: the same entries give the same bytes (keys in code point order, no time but the
 * timestamp given). Atomic: the tree is written beside the old one and swapped in by two renames;
 * a run that fails leaves the old tree as it was, and one killed between the two renames leaves
 * it under `<out>.old-<pid>-…`, which the next run puts back before anything else.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { compareCodePoints } from '../code-points.js';
import { UsageError } from '../errors.js';
import { bucketOf } from './buckets.js';

export interface TreeWheel {
  /** The data's key (a PEP 503 name is one). */
  readonly key: string;
  readonly version: string;
  readonly filename: string;
  readonly pythonTag: string;
  readonly requiresDist: readonly string[];
  readonly requiresPython: string | null;
  readonly providesExtras: readonly string[];
}

export interface TreeSdist {
  readonly key: string;
  readonly version: string;
  /** The python key the record is for (`"311"`). */
  readonly pythonKey: string;
  readonly installRequires: readonly string[];
  readonly extrasRequire: Readonly<Record<string, readonly string[]>>;
  readonly requiresPython: string | null;
}

export interface TreeFile {
  readonly key: string;
  readonly version: string;
  readonly filename: string;
  readonly kind: 'wheel' | 'sdist';
  /** Lower-case hex. */
  readonly sha256: string;
  /** A wheel's python tag; null for an sdist. */
  readonly pythonTag: string | null;
  readonly url: string;
}

export interface TreeContent {
  readonly wheels: readonly TreeWheel[];
  readonly sdists: readonly TreeSdist[];
  readonly files: readonly TreeFile[];
}

/** What a tree written here may hold at its top level; anything else means `out` is not ours to replace. */
const TREE_ENTRIES = new Set(['wheel', 'sdist', 'pypi', 'UNIX_TIMESTAMP']);

/** An object with keys in code point order, so its JSON text is the same whatever the insertion order. */
function sorted<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => compareCodePoints(a, b)));
}

/** `bucket → key → value`, every level sorted. */
function buckets<T>(items: readonly T[], keyOf: (item: T) => string, valueOf: (items: T[]) => unknown): Map<string, string> {
  const byKey = new Map<string, T[]>();
  for (const item of items) byKey.set(keyOf(item), [...(byKey.get(keyOf(item)) ?? []), item]);
  const byBucket = new Map<string, Array<[string, unknown]>>();
  for (const [key, list] of byKey) byBucket.set(bucketOf(key), [...(byBucket.get(bucketOf(key)) ?? []), [key, valueOf(list)]]);
  return new Map([...byBucket].map(([bucket, entries]) => [`${bucket}.json`, `${JSON.stringify(sorted(entries))}\n`]));
}

function group<T>(items: readonly T[], keyOf: (item: T) => string, valueOf: (items: T[]) => unknown): Record<string, unknown> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(keyOf(item), [...(map.get(keyOf(item)) ?? []), item]);
  return sorted([...map].map(([key, list]) => [key, valueOf(list)]));
}

const base64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** Every file of the tree (path relative to it → text). */
export function treeFiles(content: TreeContent, timestamp: number): Map<string, string> {
  const files = new Map<string, string>([['UNIX_TIMESTAMP', `${timestamp}\n`]]);
  const add = (folder: string, texts: Map<string, string>) => {
    for (const [name, text] of texts) files.set(`${folder}/${name}`, text);
  };
  add('wheel', buckets(content.wheels, (w) => w.key, (wheels) =>
    group(wheels, (w) => w.pythonTag, (byTag) =>
      group(byTag, (w) => w.version, (byVersion) =>
        group(byVersion, (w) => w.filename, ([w]) => ({ requires_dist: [...w!.requiresDist], requires_python: w!.requiresPython, provides_extras: [...w!.providesExtras] }))))));
  add('sdist', buckets(content.sdists, (s) => s.key, (sdists) =>
    group(sdists, (s) => s.version, (byVersion) =>
      group(byVersion, (s) => s.pythonKey, ([s]) => ({
        install_requires: [...s!.installRequires],
        extras_require: sorted(Object.entries(s!.extrasRequire).map(([extra, list]) => [extra, [...list]])),
        ...(s!.requiresPython === null ? {} : { python_requires: s!.requiresPython }),
      })))));
  add('pypi', buckets(content.files, (f) => f.key, (list) =>
    group(list, (f) => f.version, (release) => {
      const sdist = release.find((f) => f.kind === 'sdist');
      const wheels = release.filter((f) => f.kind === 'wheel');
      return {
        ...(sdist ? { sdist: [base64(sdist.sha256), sdist.filename, sdist.url] } : {}),
        ...(wheels.length > 0 ? { wheels: sorted(wheels.map((w) => [w.filename, [base64(w.sha256), w.pythonTag!, w.url]])) } : {}),
      };
    })));
  return new Map([...files].sort(([a], [b]) => compareCodePoints(a, b)));
}

/** The files of an existing tree, or null when there is none at `dir`. */
export function readTree(dir: string): Map<string, string> | null {
  if (!existsSync(dir)) return null;
  const files = new Map<string, string>();
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else files.set(path, readFileSync(join(dir, path), 'utf8'));
    }
  };
  walk('');
  return new Map([...files].sort(([a], [b]) => compareCodePoints(a, b)));
}

function sameFiles(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([path, text]) => b.get(path) === text);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Puts back a tree a killed run left beside `out` (between its two renames), and removes what
 * finished or dead runs left: old trees whose replacement is in place, half-written new ones.
 * Done first thing by a command that will write `out`, so even a run that fails later restores it.
 */
export function recoverTree(out: string): void {
  const parent = dirname(out);
  if (!existsSync(parent)) return;
  const prefix = basename(out);
  for (const entry of readdirSync(parent).sort(compareCodePoints)) {
    const match = new RegExp(`^\\.?${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(old|tmp)-(\\d+)-[0-9a-z]+$`).exec(entry);
    if (!match || (Number(match[2]) !== process.pid && processAlive(Number(match[2])))) continue;
    const path = join(parent, entry);
    if (match[1] === 'old' && !existsSync(out)) renameSync(path, out);
    else rmSync(path, { recursive: true, force: true });
  }
}

/** Refuses to replace a folder that is not a tree this writer made. */
function checkReplaceable(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UsageError(`--out ${out}: exists and is not a folder`);
  const foreign = readdirSync(out).filter((entry) => !TREE_ENTRIES.has(entry)).sort(compareCodePoints);
  if (foreign.length > 0 || !existsSync(join(out, 'UNIX_TIMESTAMP'))) {
    throw new UsageError(
      `--out ${out}: exists and is not a data tree written by mach-nix db update${foreign.length > 0 ? ` (it holds ${foreign.slice(0, 3).join(', ')})` : ''}; ` +
        'give a new folder, or one an earlier db update wrote',
    );
  }
}

/** The previous tree's timestamp, if `out` is one. */
export function treeTimestamp(out: string): number | null {
  const file = join(out, 'UNIX_TIMESTAMP');
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8').trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}

/**
 * Writes the tree of `content` to `out`, replacing an earlier one. The timestamp is `timestamp`
 * unless the earlier tree holds exactly this content: then it is left as it was, byte for byte
 * (a re-run that finds the same data changes nothing). Returns whether anything was written.
 */
export function writeDataTree(out: string, content: TreeContent, timestamp: number): boolean {
  recoverTree(out);
  checkReplaceable(out);
  const previous = readTree(out);
  const previousTimestamp = treeTimestamp(out);
  if (previous !== null && previousTimestamp !== null && sameFiles(previous, treeFiles(content, previousTimestamp))) return false;
  const files = treeFiles(content, timestamp);
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const temporary = join(dirname(out), `.${basename(out)}.tmp-${tag}`);
  try {
    for (const folder of ['wheel', 'sdist', 'pypi']) mkdirSync(join(temporary, folder), { recursive: true });
    for (const [path, text] of files) writeFileSync(join(temporary, path), text);
    if (previous === null) {
      renameSync(temporary, out);
    } else {
      const old = join(dirname(out), `${basename(out)}.old-${tag}`);
      renameSync(out, old);
      renameSync(temporary, out);
      rmSync(old, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  return true;
}
