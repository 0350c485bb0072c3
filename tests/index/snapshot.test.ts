/**
 * The synchronous-solver bridge: a toy greedy resolver (newest usable wheel of each project, no
 * backtracking) reads the index only through an IndexSnapshot, and solveWithIndex re-runs it until
 * it completes — with a prefetch plan in one run, without one in one run per level of the
 * dependency tree — always with the same result.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IndexClient, type ProjectListing } from '../../src/index/client.js';
import type { CoreMetadata } from '../../src/index/core-metadata.js';
import { DynamicSdistMetadata } from '../../src/index/errors.js';
import type { IndexFile } from '../../src/index/project-files.js';
import { IndexSnapshot, type PrefetchPlan, type SolveStats, solveWithIndex } from '../../src/index/snapshot.js';
import { SpecifierSet } from '../../src/pep440.js';
import { type MarkerEnvironment, parseRequirement } from '../../src/pep508.js';
import { startTestIndexes, type TestIndexes } from './servers/fixture-index.js';

const linux311: MarkerEnvironment = {
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

let indexes: TestIndexes;
before(async () => {
  indexes = await startTestIndexes();
});
after(async () => {
  await indexes.stop();
});

const plan: PrefetchPlan = {
  choose: (listing: ProjectListing) =>
    listing.files.find((file) => file.yanked === null && (file.requiresPython === null || SpecifierSet.parse(file.requiresPython).contains(linux311.python_full_version))) ?? null,
  dependencies: (metadata: CoreMetadata) =>
    metadata.requiresDist
      .map((text) => parseRequirement(text))
      .filter((requirement) => !requirement.marker || requirement.marker.evaluate({ ...linux311, extra: '' }))
      .map((requirement) => ({ name: requirement.key })),
};

/** The toy resolver: synchronous, reading only the snapshot. */
function greedy(snapshot: IndexSnapshot, roots: readonly string[]): string[] {
  const chosen = new Map<string, IndexFile>();
  const visit = (name: string) => {
    const listing = snapshot.project(name);
    if (chosen.has(listing.name)) return;
    const file = plan.choose(listing, { name });
    if (!file) throw new Error(`no usable file of ${name}`);
    chosen.set(listing.name, file);
    for (const dependency of plan.dependencies(snapshot.metadata(file), file, [])) visit(dependency.name);
  };
  roots.forEach(visit);
  return [...chosen.values()].map((file) => file.filename).sort();
}

test('solveWithIndex: the Flask + requests closure in one run after a prefetch; the same result without one', async () => {
  const roots = ['flask', 'requests'];
  const stats: SolveStats = { runs: 0 };
  const snapshot = new IndexSnapshot(new IndexClient({ indexUrls: [indexes.urls.modern], cacheDir: null }));
  const result = await solveWithIndex(snapshot, () => greedy(snapshot, roots), { roots, plan, stats });
  assert.equal(stats.runs, 1, 'the prefetch predicted everything the greedy solver reads');
  assert.deepEqual(result.map((filename) => filename.split('-')[0]!.toLowerCase()), ['blinker', 'certifi', 'charset_normalizer', 'click', 'flask', 'idna', 'itsdangerous', 'jinja2', 'markupsafe', 'requests', 'urllib3', 'werkzeug']);

  const plain: SolveStats = { runs: 0 };
  const lazy = new IndexSnapshot(new IndexClient({ indexUrls: [indexes.urls.modern], cacheDir: null }));
  assert.deepEqual(await solveWithIndex(lazy, () => greedy(lazy, roots), { stats: plain }), result);
  assert.ok(plain.runs > stats.runs, `${plain.runs} runs without a plan`);
});

test('solveWithIndex: a fetch error reaches the solver as the error itself, when the solver reads that data', async () => {
  const snapshot = new IndexSnapshot(new IndexClient({ indexUrls: [indexes.urls.modern], cacheDir: null }));
  await assert.rejects(
    solveWithIndex(snapshot, () => greedy(snapshot, ['dynamic-sdist']), { roots: ['dynamic-sdist'], plan }),
    (error: unknown) => error instanceof DynamicSdistMetadata && error.message.startsWith('dynamic-sdist 2.0 has only an sdist'),
  );
});
