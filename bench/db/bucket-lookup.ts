/**
 * Benchmark of `--deps-db DIR` (BucketSource) on trees of growing size: the whole command
 * `mach-nix resolve flask requests … --deps-db <tree>` and single lookups, per tree. Writes the
 * `## Bucket folders` section of `bench/db/RESULTS.md`.
 *
 *   npm run build && node --import tsx bench/db/bucket-lookup.ts [--scales 0,1,10] [--runs 15] [--lookups 200]
 *     [--before <checkout>] [--before-runs 1]
 *
 * Trees (`bench/.data/lookup-<percent>`): the real 2026 PyPI metadata of the localpypi corpus
 * (250 buckets of wheel and fetcher data) merged into a synthetic tree from `generate.ts` at that
 * percentage of the real DB's size (scale 0: the corpus alone), so the same real resolution runs
 * against 40,000 or 400,000 other names. Per tree:
 * - whole command: `runs` alternating runs (tree after tree, round after round) of the built CLI,
 *   under /usr/bin/time for the peak RSS; with `--before`, also the CLI of another checkout
 *   (`dist/cli/main.js` or `dist/mach-nix.cjs`), e.g. one that reads every bucket;
 * - lookup: a fresh BucketSource per name; time of `keys` (the name in another spelling), then
 *   `wheelReleases` and `files` of the newest version — the first question about a name.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { BucketSource } from '../../src/db/bucket-source.js';
import { prng } from './prng.js';
import { type Timed, median, timed as timedCommand } from '../measure.js';

const { values } = parseArgs({
  options: {
    scales: { type: 'string', default: '0,1,10' },
    runs: { type: 'string', default: '15' },
    lookups: { type: 'string', default: '200' },
    before: { type: 'string' },
    'before-runs': { type: 'string', default: '1' },
  },
});
const scales = (values.scales ?? '').split(',').map(Number);
const runs = Number(values.runs);
const lookupCount = Number(values.lookups);
const beforeRuns = Number(values['before-runs']);

const repoDir = resolvePath(import.meta.dirname, '../..');
const dataRoot = join(repoDir, 'bench/.data');
const corpus = join(process.env.MACH_NIX_SHARED ?? resolvePath(repoDir, '../shared'), 'conformance/resolver/localpypi-2026');
/** The bundle's launcher, run by this node (package.json's `bin` is the sh launcher in front of it). */
const cli = join(repoDir, 'dist/mach-nix.cjs');
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
const KINDS = ['deps/sdist', 'deps/wheel', 'files/pypi'];

function folderSize(path: string): number {
  const stat = statSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((sum, entry) => sum + folderSize(join(path, entry)), 0) : stat.size;
}

/** The corpus merged into the synthetic tree of `percent` (its names win where both have one). */
function mergedTree(percent: number): string {
  const out = join(dataRoot, `lookup-${percent}`);
  if (existsSync(join(out, 'complete'))) return out;
  const synthetic = join(dataRoot, `scale-${percent}`);
  if (percent > 0 && !existsSync(synthetic)) {
    const generated = spawnSync(process.execPath, ['--import', 'tsx', 'bench/db/generate.ts', '--scale', String(percent / 100), '--out', synthetic], { cwd: repoDir, stdio: 'inherit' });
    if (generated.status !== 0) throw new Error(`generating ${synthetic} failed`);
  }
  for (const kind of KINDS) {
    mkdirSync(join(out, kind), { recursive: true });
    const buckets = new Set([synthetic, corpus].flatMap((root) => (existsSync(join(root, kind)) ? readdirSync(join(root, kind)) : [])));
    for (const bucket of buckets) {
      const read = (root: string) => (existsSync(join(root, kind, bucket)) ? (JSON.parse(readFileSync(join(root, kind, bucket), 'utf8')) as object) : {});
      writeFileSync(join(out, kind, bucket), JSON.stringify({ ...(percent > 0 ? read(synthetic) : {}), ...read(corpus) }, null, 2));
    }
  }
  writeFileSync(join(out, 'complete'), '');
  return out;
}

/** One run of a command: wall-clock time, and peak RSS from /usr/bin/time. */
const timed = (command: readonly string[]) => timedCommand(command, { timeFile: join(dataRoot, 'time.out'), cwd: repoDir });

const resolveArgs = (tree: string) => [
  'resolve', 'flask', 'requests', '--python', '3.11', '--platform', 'x86_64-linux', '--glibc', '2.40',
  '--deps-db', tree, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}', '--json',
];

function resolvedVersions(run: Timed): string {
  if (run.status !== 0) return `exit ${run.status}`;
  const packages = (JSON.parse(run.stdout) as { packages: Record<string, { version: string }> }).packages;
  return Object.entries(packages).map(([name, p]) => `${name} ${p.version}`).sort().join(', ');
}

/** First-lookup times (ms) of names of the corpus, each on a fresh source over `tree`. */
function lookups(tree: string): number[] {
  const names = readdirSync(join(corpus, 'deps/wheel')).flatMap((bucket) => Object.keys(JSON.parse(readFileSync(join(corpus, 'deps/wheel', bucket), 'utf8')) as object));
  const random = prng(7);
  const times: number[] = [];
  for (let i = 0; i < lookupCount; i++) {
    const name = names[Math.floor(random() * names.length)]!;
    const start = process.hrtime.bigint();
    const source = new BucketSource({ depsDir: join(tree, 'deps'), filesDir: join(tree, 'files') });
    for (const key of source.keys(name.toUpperCase().replace(/-/g, '_'))) {
      const releases = source.wheelReleases(key);
      if (releases.length > 0) source.files(key, releases[releases.length - 1]!.version);
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

const trees = scales.map((percent) => ({ percent, dir: mergedTree(percent) }));
const loadBefore = loadavg()[0]!;
const commands = trees.flatMap(({ percent, dir }) => [
  { percent, who: 'ours', argv: [process.execPath, cli, ...resolveArgs(dir)], samples: [] as Timed[], rounds: runs },
  ...(values.before
    ? [{ percent, who: 'before', argv: [process.execPath, beforeCli(values.before), ...resolveArgs(dir)], samples: [] as Timed[], rounds: beforeRuns }]
    : []),
]);

function beforeCli(checkout: string): string {
  for (const candidate of ['dist/mach-nix.cjs', 'dist/cli/main.js']) if (existsSync(join(checkout, candidate))) return join(checkout, candidate);
  throw new Error(`${checkout} has no built CLI`);
}

// Alternating: one run of every command per round, so that other load on the machine hits all alike.
for (let round = 0; round < Math.max(...commands.map((c) => c.rounds)); round++) {
  for (const command of commands) {
    if (round >= command.rounds) continue;
    process.stderr.write(`round ${round + 1}: ${command.who} at ${command.percent}%\n`);
    command.samples.push(timed(command.argv));
  }
}
const expected = resolvedVersions(commands[0]!.samples[0]!);
for (const command of commands) {
  for (const sample of command.samples) {
    const got = resolvedVersions(sample);
    if (got !== expected) throw new Error(`${command.who} at ${command.percent}% resolved ${got}, not ${expected}`);
  }
}
const lookupTimes = new Map(trees.map(({ percent, dir }) => [percent, lookups(dir)]));
const loadAfter = loadavg()[0]!;

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const smallest = commands.find((c) => c.who === 'ours')!;
const lines = [
  '## Bucket folders (`--deps-db DIR`)',
  '',
  'Written by `bench/db/bucket-lookup.ts`; re-run with',
  '',
  '```sh',
  `npm run build && node --import tsx bench/db/bucket-lookup.ts --scales ${scales.join(',')} --runs ${runs} --lookups ${lookupCount}${values.before ? ` --before <checkout> --before-runs ${beforeRuns}` : ''}`,
  '```',
  '',
  `- date: ${new Date().toISOString().slice(0, 10)}; node ${process.version}; ${cpus().length} cores shared with other work, load average (1 min) ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end`,
  '- trees: the localpypi corpus (real PyPI metadata, 2026) merged into a synthetic tree of the given percentage of the real DB (`generate.ts`; 0% = the corpus alone)',
  `- whole command: \`mach-nix resolve flask requests --python 3.11 --platform x86_64-linux --glibc 2.40 --deps-db <tree> --providers '{"_default": "wheel"}' --json\` (${expected.split(', ').length} packages, the same answer on every tree), ${runs} runs per tree alternating tree after tree; wall clock and peak RSS (/usr/bin/time)`,
  `- lookup: ${lookupCount} names of the corpus, each the first question to a fresh BucketSource: \`keys\` of the name in another spelling (\`FLASK_SQLALCHEMY\`), then \`wheelReleases\` and \`files\` of its newest version`,
  '',
  '| tree | names | size | command median (ms) | command min (ms) | ÷ corpus alone | peak RSS (MiB) | lookup median (ms) | lookup p90 (ms) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...commands.map((command) => {
    const tree = trees.find((t) => t.percent === command.percent)!;
    const names = KINDS.slice(1, 2).reduce((sum, kind) => sum + readdirSync(join(tree.dir, kind)).reduce((n, bucket) => n + Object.keys(JSON.parse(readFileSync(join(tree.dir, kind, bucket), 'utf8')) as object).length, 0), 0);
    const times = command.samples.map((s) => s.ms);
    const lookup = lookupTimes.get(command.percent)!;
    const sortedLookup = [...lookup].sort((a, b) => a - b);
    const label = `${command.percent}%${command.who === 'before' ? ' (before)' : ''}`;
    const lookupColumns = command.who === 'ours' ? [ms(median(lookup)), ms(sortedLookup[Math.floor(sortedLookup.length * 0.9)]!)] : ['–', '–'];
    return `| ${label} | ${names} (wheel) | ${(folderSize(tree.dir) / 2 ** 20).toFixed(0)} MiB | ${ms(median(times))} | ${ms(Math.min(...times))} | ${(median(times) / median(smallest.samples.map((s) => s.ms))).toFixed(2)}× | ${median(command.samples.map((s) => s.rssMiB)).toFixed(0)} | ${lookupColumns.join(' | ')} |`;
  }),
  '',
];
const resultsFile = join(repoDir, 'bench/db/RESULTS.md');
const previous = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
const start = previous.indexOf('\n## Bucket folders');
const kept = start >= 0 ? previous.slice(0, start + 1) : `${previous.trimEnd()}\n\n`;
const after = start >= 0 ? previous.slice(start + 1).search(/\n## (?!Bucket folders)/) : -1;
const rest = start >= 0 && after >= 0 ? previous.slice(start + 1 + after + 1) : '';
writeFileSync(resultsFile, `${kept}${lines.join('\n')}\n${rest ? `\n${rest}` : ''}`);
process.stdout.write(`${lines.join('\n')}\n`);
