/**
 * Benchmark of the SQLite index at 1%, 10% and 100% of the real DB's size: build time, file size,
 * peak memory of the build, and p50/p99 latency of every query over random names. Writes
 * `bench/db/RESULTS.md`.
 *
 *   node --import tsx bench/db/run.ts [--scales 1,10,100] [--samples 5000]
 *
 * Data comes from `generate.ts` (under `bench/.data/scale-<percent>`, generated when missing). Each
 * build runs in a child process so that its peak RSS is its own. Queries run in this process
 * against the finished index, after a warm-up, each timed on its own with `process.hrtime`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { SqliteSource } from '../../src/db/sqlite-source.js';
import type { DependencySource } from '../../src/db/source.js';
import { prng } from './prng.js';

const { values } = parseArgs({ options: { scales: { type: 'string', default: '1,10,100' }, samples: { type: 'string', default: '5000' } } });
const scales = (values.scales ?? '').split(',').map(Number);
const sampleCount = Number(values.samples);
const dataRoot = 'bench/.data';

function folderSize(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + folderSize(join(path, entry)), 0);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

interface QueryResult {
  query: string;
  p50: number;
  p99: number;
  max: number;
}

function measureQueries(source: DependencySource, samples: readonly [string, string][]): QueryResult[] {
  const random = prng(42);
  const draw = () => samples[Math.floor(random() * samples.length)] as [string, string];
  const queries: [string, (key: string, version: string) => unknown][] = [
    ['sdistReleases (3.11, nearest older key)', (key) => source.sdistReleases(key, { major: 3, minor: 11 })],
    ['sdistReleases (3.10, exact key)', (key) => source.sdistReleases(key, { major: 3, minor: 10 })],
    ['wheelReleases', (key) => source.wheelReleases(key)],
    ['files', (key, version) => source.files(key, version)],
    ['has', (key) => source.has(key)],
    ['keys (name in another spelling)', (key) => source.keys(key.toUpperCase().replace(/-/g, '_'))],
    ['condaRecords', (key) => source.condaRecords('main', key)],
    ['nixpkgsAttributes', (key) => source.nixpkgsAttributes(key)],
  ];
  return queries.map(([query, ask]) => {
    for (let i = 0; i < 500; i++) ask(...draw());
    const times: number[] = [];
    for (let i = 0; i < sampleCount; i++) {
      const [key, version] = draw();
      const start = process.hrtime.bigint();
      ask(key, version);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    return { query, p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1] ?? NaN };
  });
}

interface ScaleResult {
  percent: number;
  names: number;
  releases: number;
  inputBytes: number;
  buildSeconds: number;
  peakRssMib: number;
  indexBytes: number;
  rows: Record<string, number>;
  queries: QueryResult[];
}

const results: ScaleResult[] = [];
for (const percent of scales) {
  const dataDir = join(dataRoot, `scale-${percent}`);
  if (!existsSync(join(dataDir, 'summary.json'))) {
    process.stderr.write(`generating ${dataDir}\n`);
    execFileSync(process.execPath, ['--import', 'tsx', 'bench/db/generate.ts', '--scale', String(percent / 100), '--out', dataDir], { stdio: 'inherit' });
  }
  const summary = JSON.parse(readFileSync(join(dataDir, 'summary.json'), 'utf8')) as { names: number; releases: number };
  const index = join(dataRoot, `scale-${percent}.sqlite`);
  rmSync(index, { force: true });
  process.stderr.write(`building ${index}\n`);
  const started = process.hrtime.bigint();
  const output = execFileSync(process.execPath, ['--import', 'tsx', 'bench/db/build-child.ts', dataDir, index], { encoding: 'utf8' });
  const buildSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { peakRssKib, ...rows } = JSON.parse(output) as Record<string, number> & { peakRssKib: number };
  const samples = readFileSync(join(dataDir, 'samples.tsv'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split('\t') as [string, string]);
  process.stderr.write(`querying ${index}\n`);
  const source = new SqliteSource(index);
  const queries = measureQueries(source, samples);
  source.close();
  results.push({
    percent,
    names: summary.names,
    releases: summary.releases,
    inputBytes: folderSize(dataDir),
    buildSeconds,
    peakRssMib: peakRssKib / 1024,
    indexBytes: statSync(index).size,
    rows,
    queries,
  });
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ms = (value: number) => value.toFixed(3);
const sqliteVersion = (new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
const lines = [
  '# SQLite index benchmark',
  '',
  'Written by `bench/db/run.ts`; re-run with',
  '',
  '```sh',
  `node --import tsx bench/db/run.ts --scales ${scales.join(',')} --samples ${sampleCount}`,
  '```',
  '',
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${mib(totalmem())} RAM; node ${process.version}; SQLite ${sqliteVersion}`,
  '- data: synthetic trees from `bench/db/generate.ts` (seed 1; its header states the distributions), pretty-printed JSON like the real DB, plus one conda channel and a nixpkgs index',
  `- queries: ${sampleCount} timed calls each over names drawn at random (seeded) after 500 warm-up calls; milliseconds; \`files\` asks for a random version of the name`,
  '- targets (2-core machine): full build <= 5 min and <= 1 GiB peak memory; every query <= 1 ms p99',
  '',
  '## Build',
  '',
  '| scale | names | releases | input JSON | build time | peak RSS | index file | rows (sdist releases / wheel files / files / conda / nixpkgs) |',
  '|---|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.percent}% | ${r.names} | ${r.releases} | ${mib(r.inputBytes)} | ${r.buildSeconds.toFixed(1)} s | ${r.peakRssMib.toFixed(0)} MiB | ${mib(r.indexBytes)} | ` +
      `${r.rows.sdistReleases} / ${r.rows.wheelFiles} / ${r.rows.files} / ${r.rows.condaRecords} / ${r.rows.nixpkgsAttributes} |`,
  ),
  '',
  '## Query latency (ms)',
  '',
  `| query | ${results.map((r) => `${r.percent}% p50 | ${r.percent}% p99`).join(' | ')} | ${results.map((r) => `${r.percent}% max`).join(' | ')} |`,
  `|---|${results.map(() => '---|---|').join('')}${results.map(() => '---|').join('')}`,
  ...(results[0]?.queries ?? []).map(
    (q, i) =>
      `| ${q.query} | ${results.map((r) => `${ms(r.queries[i]?.p50 ?? NaN)} | ${ms(r.queries[i]?.p99 ?? NaN)}`).join(' | ')} | ${results.map((r) => ms(r.queries[i]?.max ?? NaN)).join(' | ')} |`,
  ),
  '',
];
// The hand-written `## Notes` section (reading of the numbers) survives a re-run.
const previous = existsSync('bench/db/RESULTS.md') ? readFileSync('bench/db/RESULTS.md', 'utf8') : '';
const notesAt = previous.indexOf('\n## Notes');
const notes = notesAt >= 0 ? previous.slice(notesAt + 1) : '';
writeFileSync('bench/db/RESULTS.md', `${lines.join('\n')}\n${notes}`);
process.stdout.write(`${lines.join('\n')}\n`);
