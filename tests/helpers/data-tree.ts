/**
 * Small data trees in the real formats (pypi-deps-db `deps/{sdist,wheel}`, nix-pypi-fetcher-2
 * `files/pypi`, plus any other files), written to a temporary folder for tests.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bucketOf } from '../../src/db/buckets.js';

type Names = Record<string, unknown>;

export interface TreeSpec {
  sdist?: Names;
  wheel?: Names;
  files?: Names;
  /** Extra files by path relative to the tree root (UNIX_TIMESTAMP, conda, nixpkgs, …). */
  extra?: Record<string, unknown>;
}

/** 32 bytes of base64 that differ per seed: a well-formed placeholder hash. */
export function hash(seed: number): string {
  return Buffer.alloc(32, seed).toString('base64');
}

function writeBuckets(dir: string, names: Names): void {
  mkdirSync(dir, { recursive: true });
  const buckets = new Map<string, Names>();
  for (const [name, value] of Object.entries(names)) {
    const bucket = bucketOf(name);
    buckets.set(bucket, { ...buckets.get(bucket), [name]: value });
  }
  for (const [bucket, content] of buckets) writeFileSync(join(dir, `${bucket}.json`), JSON.stringify(content, null, 1));
}

/** Writes `spec` under a new temporary folder: `deps/{sdist,wheel}`, `files/pypi`, extras. */
export function writeTree(spec: TreeSpec): string {
  const root = mkdtempSync(join(tmpdir(), 'mach-nix-db-'));
  writeBuckets(join(root, 'deps', 'sdist'), spec.sdist ?? {});
  writeBuckets(join(root, 'deps', 'wheel'), spec.wheel ?? {});
  writeBuckets(join(root, 'files', 'pypi'), spec.files ?? {});
  for (const [relative, content] of Object.entries(spec.extra ?? {})) {
    const file = join(root, relative);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}


export interface WheelSpec {
  /** `interpreter-abi-platform`; default `py3-none-any`. */
  readonly tags?: string;
  readonly requires?: readonly string[];
  readonly requiresPython?: string;
}

export interface SdistSpec {
  readonly requires?: readonly string[];
  readonly setupRequires?: readonly string[];
  readonly extras?: Readonly<Record<string, readonly string[]>>;
  readonly requiresPython?: string;
  /** The python keys that have this record; default `311`. */
  readonly pythonKeys?: readonly string[];
}

export interface ProjectSpec {
  readonly wheels?: Readonly<Record<string, WheelSpec | readonly WheelSpec[]>>;
  readonly sdists?: Readonly<Record<string, SdistSpec>>;
}

/**
 * A tree from a compact description of projects: wheel and sdist metadata in pypi-deps-db's
 * format and every file in the fetcher's, with placeholder hashes. `extra` adds other files
 * (UNIX_TIMESTAMP, a nixpkgs index, conda repodata …) relative to the root.
 */
export function projectTree(projects: Readonly<Record<string, ProjectSpec>>, extra: Readonly<Record<string, unknown>> = {}): string {
  const sdist: Names = {};
  const wheel: Names = {};
  const files: Names = {};
  let seed = 0;
  for (const [name, project] of Object.entries(projects)) {
    const fileEntries: Record<string, { sdist?: [string, string]; wheels: Record<string, [string, string]> }> = {};
    const fileEntry = (version: string) => (fileEntries[version] ??= { wheels: {} });
    for (const [version, specs] of Object.entries(project.wheels ?? {})) {
      for (const spec of Array.isArray(specs) ? (specs as WheelSpec[]) : [specs as WheelSpec]) {
        const tags = spec.tags ?? 'py3-none-any';
        const filename = `${name.replace(/-/g, '_')}-${version}-${tags}.whl`;
        const tag = tags.split('-')[0]!;
        // own keys only: `??=` would find Object.prototype's for a project named `constructor`
        if (!Object.hasOwn(wheel, name)) wheel[name] = {};
        const byTag = wheel[name] as Record<string, Record<string, Record<string, unknown>>>;
        const record: Record<string, unknown> = {};
        if (spec.requires) record.requires_dist = spec.requires;
        if (spec.requiresPython) record.requires_python = spec.requiresPython;
        ((byTag[tag] ??= {})[version] ??= {})[filename] = record;
        fileEntry(version).wheels[filename] = [hash(++seed), tag];
      }
    }
    for (const [version, spec] of Object.entries(project.sdists ?? {})) {
      const record: Record<string, unknown> = {};
      if (spec.requires) record.install_requires = spec.requires;
      if (spec.setupRequires) record.setup_requires = spec.setupRequires;
      if (spec.extras) record.extras_require = spec.extras;
      if (spec.requiresPython) record.python_requires = [spec.requiresPython];
      const [first, ...rest] = spec.pythonKeys ?? ['311'];
      if (!Object.hasOwn(sdist, name)) sdist[name] = {};
      const byVersion = sdist[name] as Record<string, Record<string, unknown>>;
      byVersion[version] = { [first!]: record, ...Object.fromEntries(rest.map((key) => [key, first])) };
      fileEntry(version).sdist = [hash(++seed), `${name}-${version}.tar.gz`];
    }
    files[name] = fileEntries;
  }
  return writeTree({ sdist, wheel, files, extra });
}
