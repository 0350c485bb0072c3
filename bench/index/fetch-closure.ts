/**
 * What the benchmark times for mach-nix until `mach-nix lock` (phase 2) exists: the index work a
 * lock of `ROOTS` needs — the project page of every project in the closure and the core metadata
 * of the file a resolver picks for each (newest non-yanked release with a wheel for CPython 3.11
 * on x86_64-linux, glibc 2.36, whose Requires-Python admits 3.11.2; dependencies by their markers)
 * — through `IndexSnapshot.prefetchClosure`, as phase 2 will drive it.
 *
 * Usage: node --import tsx bench/index/fetch-closure.ts --cache DIR|--no-cache [--offline]
 *          --index-url URL [--extra-index-url URL]... ROOT...
 * Prints one JSON line: the chosen files (sorted), the client's counters and the in-process time.
 */
import { performance } from 'node:perf_hooks';
import { IndexClient, type ProjectListing } from '../../src/index/client.js';
import type { CoreMetadata } from '../../src/index/core-metadata.js';
import type { IndexFile } from '../../src/index/project-files.js';
import { IndexSnapshot, type PrefetchPlan, type ProjectRequest } from '../../src/index/snapshot.js';
import { SpecifierSet, tryParseVersion } from '../../src/pep440.js';
import { type MarkerEnvironment, parseRequirement } from '../../src/pep508.js';
import { parseTarget } from '../../src/target.js';
import { selectWheel } from '../../src/wheel-tags.js';

const TARGET = parseTarget({ python: '3.11', platform: 'x86_64-linux', glibc: '2.36' });
const ENVIRONMENT: MarkerEnvironment = {
  python_version: '3.11',
  python_full_version: '3.11.2',
  os_name: 'posix',
  sys_platform: 'linux',
  platform_release: '6.1.0',
  platform_system: 'Linux',
  platform_version: '#1 SMP',
  platform_machine: 'x86_64',
  platform_python_implementation: 'CPython',
  implementation_name: 'cpython',
  implementation_version: '3.11.2',
};

/** A resolver's first choice: the newest release with an installable, non-yanked wheel (pre-releases skipped). */
export const benchmarkPlan: PrefetchPlan = {
  choose(listing: ProjectListing): IndexFile | null {
    const usable = listing.files.filter(
      (file) =>
        file.kind === 'wheel' &&
        file.yanked === null &&
        !tryParseVersion(file.version)?.isPrerelease &&
        (file.requiresPython === null || SpecifierSet.parse(file.requiresPython).contains(ENVIRONMENT.python_full_version)),
    );
    for (const version of new Set(usable.map((file) => file.version))) {
      const best = selectWheel(usable.filter((file) => file.version === version), (file) => file.filename, TARGET);
      if (best) return best;
    }
    return null;
  },
  dependencies(metadata: CoreMetadata, _file: IndexFile, extras: readonly string[]): ProjectRequest[] {
    return metadata.requiresDist
      .map((text) => parseRequirement(text))
      .filter((requirement) => !requirement.marker || ['', ...extras].some((extra) => requirement.marker!.evaluate({ ...ENVIRONMENT, extra })))
      .map((requirement) => ({ name: requirement.key, extras: requirement.extras }));
  },
};

async function main(argv: string[]): Promise<void> {
  const indexUrls: string[] = [];
  const roots: string[] = [];
  let cacheDir: string | null = null;
  let offline = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--index-url' || arg === '--extra-index-url') indexUrls.push(argv[++i]!);
    else if (arg === '--cache') cacheDir = argv[++i]!;
    else if (arg === '--no-cache') cacheDir = null;
    else if (arg === '--offline') offline = true;
    else roots.push(arg);
  }
  const started = performance.now();
  const client = new IndexClient({ indexUrls, cacheDir, offline });
  const snapshot = new IndexSnapshot(client);
  await snapshot.prefetchClosure(roots, benchmarkPlan);
  // Read the closure back synchronously, as the solver will: everything must be in the snapshot.
  const files = new Set<string>();
  const visited = new Set<string>();
  const walk = ({ name, extras = [] }: ProjectRequest) => {
    const listing = snapshot.project(name);
    const key = [listing.name, ...extras].join('[');
    if (visited.has(key)) return;
    visited.add(key);
    const file = benchmarkPlan.choose(listing, { name });
    if (!file) throw new Error(`no usable wheel of ${listing.name}`);
    files.add(file.filename);
    for (const dependency of benchmarkPlan.dependencies(snapshot.metadata(file), file, extras)) walk(dependency);
  };
  roots.forEach((name) => walk({ name }));
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ files: [...files].sort(), stats: client.stats, ms })}\n`);
}

await main(process.argv.slice(2));
