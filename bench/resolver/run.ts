/**
 * Benchmark of the resolver on every conformance resolver case, side by side with resolvelib
 * (the one shipped inside the machine's pip) reading the same data. Writes
 * `bench/resolver/RESULTS.md`.
 *
 *   npm run build && node --import tsx bench/resolver/run.ts [--warm 20] [--runs 7] [--startup-runs 15] [--cases SUBSTRING] [--python python3]
 *
 * Per case:
 * - the SQLite index of its corpus (the production path) is built once into
 *   `bench/.data/resolver/<corpus>.sqlite` (again when missing or unreadable);
 * - in-process (`in-process.ts`, a fresh Node process per case): cold = opening the index plus the
 *   first `resolve()`, warm = the median of `--warm` further `resolve()` calls on the open index;
 * - whole command: the median wall-clock time of `--runs` runs of
 *   `node dist/mach-nix.cjs resolve <requirements> … --deps-db <index> --json`;
 * - resolvelib (`resolvelib_run.py`, a fresh Python process per case): cold = the first
 *   `Resolver.resolve()` (reading the bucket files it needs), warm = the median of `--warm` more;
 * - every outcome is compared with the case's expectation, and each mismatch printed.
 *
 * Also timed: the bare start-up `node dist/mach-nix.cjs --version` and, for reference, `node -e 0`.
 * A hand-written `## Notes` section of RESULTS.md (the reading of the numbers) survives a re-run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { buildIndex, SqliteSource } from '../../src/db/sqlite-index.js';
import { type Outcome, type ResolverCase, mismatch, readCase } from './case.js';

const { values } = parseArgs({
  options: {
    warm: { type: 'string', default: '20' },
    runs: { type: 'string', default: '7' },
    'startup-runs': { type: 'string', default: '15' },
    cases: { type: 'string' },
    python: { type: 'string', default: 'python3' },
  },
});
const warmCount = Number(values.warm);
const commandRuns = Number(values.runs);
const startupRuns = Number(values['startup-runs']);
const python = values.python ?? 'python3';

const repoDir = resolvePath(dirname(fileURLToPath(import.meta.url)), '../..');
const benchDir = join(repoDir, 'bench/resolver');
const dataDir = join(repoDir, 'bench/.data/resolver');
const cli = join(repoDir, 'dist/mach-nix.cjs');
/** `../shared` beside the checkout, or `$MACH_NIX_SHARED` (as the tests find it). */
const resolverDir = join(process.env.MACH_NIX_SHARED ?? resolvePath(repoDir, '../shared'), 'conformance/resolver');
const casesDir = join(resolverDir, 'cases');

/** The issue's real-PyPI cases, held to <= 100 ms in-process. */
const REAL_PYPI = ['resolvelib-cheroot', 'resolvelib-chalice', 'resolvelib-different-extras', 'resolvelib-conflict-with-dependency'];
const REAL_PYPI_LIMIT_MS = 100;
const CASE_LIMIT_MS = 1000;

if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
if (!existsSync(casesDir)) throw new Error(`no conformance cases at ${casesDir}; set MACH_NIX_SHARED to the shared folder`);

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs a command to completion; returns its wall-clock time in ms and what it printed. */
function timed(command: string, args: readonly string[]): { ms: number; status: number | null; stdout: string; stderr: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: repoDir, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return { ms, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The index of a corpus, built when missing or no longer readable (e.g. an older schema). */
function corpusIndex(corpus: string): string {
  const index = join(dataDir, `${corpus}.sqlite`);
  if (existsSync(index)) {
    try {
      new SqliteSource(index).close();
      return index;
    } catch {
      process.stderr.write(`${index} is unreadable: rebuilding\n`);
    }
  }
  const corpusDir = join(resolverDir, corpus);
  const filesDir = join(corpusDir, 'files');
  process.stderr.write(`building ${index}\n`);
  buildIndex({ depsDir: join(corpusDir, 'deps'), filesDir: existsSync(filesDir) ? filesDir : null }, index);
  return index;
}

interface InProcessResult {
  coldMs: number;
  warmMs: number[];
  outcome: Outcome;
}

interface ResolvelibResult {
  resolvelib: string;
  coldMs: number;
  warmMs: number[];
  outcome: { satisfiable: boolean | null; packages?: Record<string, string>; reason?: string };
}

interface CaseResult {
  name: string;
  expected: boolean | null;
  ours: { coldMs: number; warmMs: number };
  commandMs: number;
  resolvelib: { coldMs: number; warmMs: number } | null;
  /** Who disagrees with the expectation, and how. */
  mismatches: string[];
}

function inProcess(caseFile: string, index: string): InProcessResult {
  const run = timed(process.execPath, ['--import', 'tsx', join(benchDir, 'in-process.ts'), caseFile, index, '--warm', String(warmCount)]);
  if (run.status !== 0) throw new Error(`in-process run of ${caseFile} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as InProcessResult;
}

/** The CLI's arguments for a case: each requirement line as an argument, the target and providers as flags. */
function commandArgs(testCase: ResolverCase, index: string): string[] {
  const requirements = testCase.requirements.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return [
    cli, 'resolve', ...requirements,
    '--python', testCase.python, '--platform', testCase.platform,
    ...(testCase.glibc === undefined ? [] : ['--glibc', testCase.glibc]),
    '--deps-db', index,
    '--providers', JSON.stringify(testCase.providers),
    ...(testCase.providerDefaults === null ? [] : ['--provider-defaults', JSON.stringify(testCase.providerDefaults)]),
    '--json',
  ];
}

function wholeCommand(testCase: ResolverCase, index: string): { ms: number; outcome: Outcome } {
  const runs = Array.from({ length: commandRuns }, () => timed(process.execPath, commandArgs(testCase, index)));
  const first = runs[0]!;
  let outcome: Outcome;
  if (first.status === 0) {
    const resolution = JSON.parse(first.stdout) as { packages: Record<string, { name: string; version: string }> };
    outcome = { packages: Object.fromEntries(Object.values(resolution.packages).map((p) => [p.name, p.version])) };
  } else {
    outcome = { failure: first.stderr.trim() };
  }
  return { ms: median(runs.map((run) => run.ms)), outcome };
}

function resolvelib(caseFile: string, corpus: string): ResolvelibResult | string {
  // -B: no __pycache__ beside the scripts in the work tree.
  const run = timed(python, ['-B', join(benchDir, 'resolvelib_run.py'), caseFile, join(resolverDir, corpus), '--repeat', String(warmCount)]);
  if (run.status !== 0) return `resolvelib run failed: ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}`;
  return JSON.parse(run.stdout) as ResolvelibResult;
}

const caseFiles = readdirSync(casesDir)
  .filter((file) => file.endsWith('.json') && (values.cases === undefined || file.includes(values.cases)))
  .sort()
  .map((file) => join(casesDir, file));
mkdirSync(dataDir, { recursive: true });

// Other work on the machine skews every number: the load average is recorded with them.
const loadBefore = loadavg()[0]!;
const results: CaseResult[] = [];
let resolvelibVersion = 'unknown';
for (const caseFile of caseFiles) {
  const testCase = readCase(caseFile);
  process.stderr.write(`${testCase.name}\n`);
  const index = corpusIndex(testCase.corpus);
  const ours = inProcess(caseFile, index);
  const command = wholeCommand(testCase, index);
  const reference = resolvelib(caseFile, testCase.corpus);

  const mismatches: string[] = [];
  const ourMismatch = mismatch(testCase, ours.outcome);
  if (ourMismatch !== null) mismatches.push(`ours in-process: ${ourMismatch}`);
  const commandMismatch = mismatch(testCase, command.outcome);
  if (commandMismatch !== null) mismatches.push(`ours whole command: ${commandMismatch}`);
  if (typeof reference === 'string') {
    mismatches.push(reference);
  } else {
    resolvelibVersion = reference.resolvelib;
    const { satisfiable, packages, reason } = reference.outcome;
    // resolvelib giving up is no answer: it can only match a case whose reference gave up too.
    const outcome: Outcome = satisfiable === true ? { packages: packages ?? {} } : { failure: reason ?? '' };
    const referenceMismatch = satisfiable === null && testCase.expect.satisfiable !== null ? `gave up: ${reason}` : mismatch(testCase, outcome);
    if (referenceMismatch !== null) mismatches.push(`resolvelib: ${referenceMismatch}`);
  }
  for (const line of mismatches) process.stderr.write(`MISMATCH ${testCase.name}: ${line}\n`);
  results.push({
    name: testCase.name,
    expected: testCase.expect.satisfiable,
    ours: { coldMs: ours.coldMs, warmMs: median(ours.warmMs) },
    commandMs: command.ms,
    resolvelib: typeof reference === 'string' ? null : { coldMs: reference.coldMs, warmMs: median(reference.warmMs) },
    mismatches,
  });
}

process.stderr.write('start-up\n');
const startupMs = median(Array.from({ length: startupRuns }, () => timed(process.execPath, [cli, '--version']).ms));
const bareNodeMs = median(Array.from({ length: startupRuns }, () => timed(process.execPath, ['-e', '0']).ms));
const loadAfter = loadavg()[0]!;

// ---------------------------------------------------------------------------------------------
// RESULTS.md
// ---------------------------------------------------------------------------------------------

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const ratio = (reference: number, ours: number) => `${(reference / ours).toFixed(1)}×`;
const verdict = (expected: boolean | null) => (expected === null ? 'gave up' : expected ? 'resolves' : 'conflict');

function table(rows: readonly CaseResult[]): string[] {
  return [
    '| case | expected | ours cold | ours warm | whole command | resolvelib cold | resolvelib warm | ratio warm | ratio cold | agree |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => {
      const reference = r.resolvelib;
      const columns = reference === null
        ? ['–', '–', '–', '–']
        : [ms(reference.coldMs), ms(reference.warmMs), ratio(reference.warmMs, r.ours.warmMs), ratio(reference.coldMs, r.ours.coldMs)];
      const agree = r.mismatches.length === 0 ? '✓' : `✗ ${r.mismatches.map((m) => m.split(':')[0]).join(', ')}`;
      return `| ${r.name} | ${verdict(r.expected)} | ${ms(r.ours.coldMs)} | ${ms(r.ours.warmMs)} | ${ms(r.commandMs)} | ${columns.join(' | ')} | ${agree} |`;
    }),
  ];
}

const realPypi = REAL_PYPI.map((name) => results.find((r) => r.name === name)).filter((r): r is CaseResult => r !== undefined);
const localPypi = results.filter((r) => r.name.startsWith('localpypi-'));
const others = results.filter((r) => !realPypi.includes(r) && !localPypi.includes(r));
const slowest = (rows: readonly CaseResult[], pick: (r: CaseResult) => number) =>
  rows.reduce<CaseResult | null>((worst, r) => (worst === null || pick(r) > pick(worst) ? r : worst), null);
const slowestRealCold = slowest(realPypi, (r) => r.ours.coldMs);
const slowestRealWarm = slowest(realPypi, (r) => r.ours.warmMs);
const slowestCold = slowest(results, (r) => r.ours.coldMs);
const slowestCommand = slowest(results, (r) => r.commandMs);
const met = (ok: boolean) => (ok ? '**met**' : '**NOT met**');
const realMet = realPypi.length > 0 && realPypi.every((r) => r.ours.coldMs <= REAL_PYPI_LIMIT_MS && r.ours.warmMs <= REAL_PYPI_LIMIT_MS);
const caseMet = results.every((r) => r.ours.coldMs <= CASE_LIMIT_MS && r.commandMs <= CASE_LIMIT_MS);
const geometricMean = (values: readonly number[]) =>
  values.length === 0 ? '–' : `${Math.exp(values.reduce((sum, x) => sum + Math.log(x), 0) / values.length).toFixed(1)}×`;
const warmRatios = (rows: readonly CaseResult[]) => rows.flatMap((r) => (r.resolvelib ? [r.resolvelib.warmMs / r.ours.warmMs] : []));

const pythonInfo = execFileSync(
  python,
  ['-c', 'import sys, pip; from pip._vendor import packaging; print(sys.version.split()[0], pip.__version__, packaging.__version__)'],
  { encoding: 'utf8' },
).trim().split(' ');
const sqliteVersion = (new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
const options = `--warm ${warmCount} --runs ${commandRuns} --startup-runs ${startupRuns}${values.cases ? ` --cases ${values.cases}` : ''}`;

const lines = [
  '# Resolver benchmark',
  '',
  'Written by `bench/resolver/run.ts`; re-run with',
  '',
  '```sh',
  `npm run build && node --import tsx bench/resolver/run.ts ${options}`,
  '```',
  '',
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  `- machine: ${cpus().length} × ${cpuModel}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; node ${process.version}; SQLite ${sqliteVersion}`,
  `- load average (1 min) at the start and the end of the run: ${loadBefore.toFixed(2)}, ${loadAfter.toFixed(2)} (${cpus().length} cores; above 0 means other work shared the CPU)`,
  `- reference: Python ${pythonInfo[0]}, pip ${pythonInfo[1]} with its vendored resolvelib ${resolvelibVersion} and packaging ${pythonInfo[2]}`,
  '- data: each case\'s corpus, through the SQLite index built from it (ours) and through its bucket JSON files (resolvelib)',
  '- all times in ms, wall clock:',
  `  - **ours cold**: a fresh Node process opens the index and makes the first \`resolve()\` call (modules loaded beforehand, untimed);`,
  `  - **ours warm**: median of ${warmCount} further \`resolve()\` calls on the open index (new provider and solver each call);`,
  `  - **whole command**: median of ${commandRuns} runs of \`node dist/mach-nix.cjs resolve <requirements> --python … --platform … --glibc … --deps-db <index> --providers … --provider-defaults … --json\`, process start to exit;`,
  `  - **resolvelib cold / warm**: \`Resolver.resolve()\` alone in a fresh Python process: the first call (reading and parsing the bucket files it needs) and the median of ${warmCount} more (buckets parsed, candidates and metadata computed again); see \`resolvelib_provider.py\`;`,
  '  - **ratio**: resolvelib ÷ ours (above 1: ours is faster);',
  '  - **agree**: ours (in-process and whole command) and resolvelib each give the expected verdict and, where it resolves, the expected versions; ✗ names who does not (details are printed by the run).',
  `- targets: the real-PyPI cases <= ${REAL_PYPI_LIMIT_MS} ms in-process; every case <= ${CASE_LIMIT_MS / 1000} s`,
  '',
  '## Targets',
  '',
  `- real-PyPI cases <= ${REAL_PYPI_LIMIT_MS} ms in-process: ${met(realMet)} — slowest cold ${slowestRealCold ? `${ms(slowestRealCold.ours.coldMs)} (${slowestRealCold.name})` : '–'}, slowest warm ${slowestRealWarm ? `${ms(slowestRealWarm.ours.warmMs)} (${slowestRealWarm.name})` : '–'}`,
  `- every case <= ${CASE_LIMIT_MS / 1000} s: ${met(caseMet)} — slowest in-process cold ${slowestCold ? `${ms(slowestCold.ours.coldMs)} (${slowestCold.name})` : '–'}, slowest whole command ${slowestCommand ? `${ms(slowestCommand.commandMs)} (${slowestCommand.name})` : '–'}`,
  `- start-up: \`node dist/mach-nix.cjs --version\` ${ms(startupMs)} (median of ${startupRuns}); bare \`node -e 0\` ${ms(bareNodeMs)}`,
  `- resolvelib ÷ ours (warm), geometric mean: real-PyPI ${geometricMean(warmRatios(realPypi))}, localpypi ${geometricMean(warmRatios(localPypi))}, all cases ${geometricMean(warmRatios(results))}`,
  '',
  '## Real-PyPI cases (resolvelib\'s 2020 PyPI snapshots)',
  '',
  ...table(realPypi),
  '',
  '## localpypi cases (real PyPI data, 2026)',
  '',
  ...table(localPypi),
  '',
  '## Other cases (packse scenarios, resolvelib\'s small cases)',
  '',
  ...table(others),
  '',
];
const resultsFile = join(benchDir, 'RESULTS.md');
const previous = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
const notesAt = previous.indexOf('\n## Notes');
const notes = notesAt >= 0 ? previous.slice(notesAt + 1) : '';
writeFileSync(resultsFile, `${lines.join('\n')}\n${notes}`);
process.stdout.write(`${lines.join('\n')}\n`);
