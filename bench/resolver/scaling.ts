/**
 * How resolution scales with the number of top-level requirements (10 → 400), side by side with
 * pip's resolvelib on the same data. Writes the `## Scaling` section of `bench/resolver/RESULTS.md`.
 *
 *   npm run build && node --import tsx bench/resolver/scaling.ts [--sizes 10,25,50,100,200,400] [--runs 7] [--python python3]
 *
 * Data: the localpypi corpus (real PyPI metadata, 2026), through its SQLite index (ours) and its
 * bucket files (resolvelib). Requirements: the corpus's names in a seeded random order, each kept
 * when the names kept so far plus it still resolve (by our resolver, once, cached in
 * `bench/.data/resolver/scaling-names.json`), so that every size is a satisfiable set of distinct
 * projects and the smaller sets are prefixes of the larger. Per size, alternating:
 * - ours, whole command: `mach-nix resolve -r <file> … --deps-db <index> --json`, under
 *   /usr/bin/time (wall clock, peak RSS);
 * - resolvelib, whole command: `python resolvelib_run.py <case> <corpus> --repeat 0` (interpreter
 *   start, imports, reading the buckets, one `Resolver.resolve()`), likewise;
 * - in-process (once per size, fresh processes): ours cold/warm (`in-process.ts`) and resolvelib's
 *   `Resolver.resolve()` alone (its `coldMs`), with the solver's statistics.
 * Both answers are compared: they must agree on every version.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { buildIndex } from '../../src/db/sqlite-writer.js';
import { openDependencySource } from '../../src/db/open.js';
import { readRequirementsText } from '../../src/inputs.js';
import { parseProvidersInput } from '../../src/providers/settings.js';
import { resolve } from '../../src/resolve.js';
import { parseTarget } from '../../src/target.js';
import { prng } from '../db/prng.js';
import { type Timed, median, timed as timedCommand } from '../measure.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,25,50,100,200,400' },
    runs: { type: 'string', default: '7' },
    python: { type: 'string', default: 'python3' },
  },
});
const sizes = (values.sizes ?? '').split(',').map(Number);
const runs = Number(values.runs);

const repoDir = resolvePath(import.meta.dirname, '../..');
const benchDir = join(repoDir, 'bench/resolver');
const dataDir = join(repoDir, 'bench/.data/resolver');
const corpusDir = join(process.env.MACH_NIX_SHARED ?? resolvePath(repoDir, '../shared'), 'conformance/resolver/localpypi-2026');
/** The bundle's launcher, run by this node (package.json's `bin` is the sh launcher in front of it). */
const cli = join(repoDir, 'dist/mach-nix.cjs');
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
/** The interpreter itself, not a pyenv shim (a shell script that would add its own start-up to every run). */
const python = execFileSync(values.python ?? 'python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
/** The target as the CLI's flags and the conformance cases write it, and parsed for `resolve()`. */
const targetSpec = { python: '3.11', platform: 'x86_64-linux', glibc: '2.40' } as const;
const target = parseTarget(targetSpec);
const providers = { _default: 'wheel' };
mkdirSync(dataDir, { recursive: true });

const index = join(dataDir, 'localpypi-2026.sqlite');
if (!existsSync(index)) buildIndex({ depsDir: join(corpusDir, 'deps'), filesDir: join(corpusDir, 'files') }, index);

function resolves(names: readonly string[], source: ReturnType<typeof openDependencySource>): boolean {
  try {
    resolve({
      inputs: readRequirementsText(names.join('\n'), { name: 'scaling requirements' }),
      target,
      providers: parseProvidersInput(providers, 'providers'),
      providerDefaults: parseProvidersInput({}, 'providerDefaults'),
      source,
    });
    return true;
  } catch {
    return false;
  }
}

/** The requirement names, in order: each resolves together with all before it. */
function requirementNames(count: number): string[] {
  const cache = join(dataDir, 'scaling-names.json');
  if (existsSync(cache)) {
    const cached = JSON.parse(readFileSync(cache, 'utf8')) as string[];
    if (cached.length >= count) return cached;
  }
  const all = readdirSync(join(corpusDir, 'deps/wheel')).flatMap((bucket) => Object.keys(JSON.parse(readFileSync(join(corpusDir, 'deps/wheel', bucket), 'utf8')) as object)).sort();
  const random = prng(12);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const source = openDependencySource(index);
  const kept: string[] = [];
  for (const name of all) {
    if (kept.length === count) break;
    if (resolves([...kept, name], source)) kept.push(name);
    process.stderr.write(`\rchoosing requirements: ${kept.length}/${count}`);
  }
  process.stderr.write('\n');
  source.close();
  writeFileSync(cache, `${JSON.stringify(kept, null, 1)}\n`);
  return kept;
}

const timed = (command: readonly string[]) => timedCommand(command, { timeFile: join(dataDir, 'time.out'), cwd: repoDir });

const names = requirementNames(Math.max(...sizes));
const available = sizes.filter((size) => size <= names.length);
interface Size {
  size: number;
  caseFile: string;
  requirementsFile: string;
  ours: Timed[];
  reference: Timed[];
}
const rows: Size[] = available.map((size) => {
  const requirements = `${names.slice(0, size).join('\n')}\n`;
  const requirementsFile = join(dataDir, `scaling-${size}.txt`);
  writeFileSync(requirementsFile, requirements);
  const caseFile = join(dataDir, `scaling-${size}.json`);
  const testCase = { name: `scaling-${size}`, corpus: 'localpypi-2026', ...targetSpec, requirements, providers, providerDefaults: {}, expect: { satisfiable: true } };
  writeFileSync(caseFile, `${JSON.stringify(testCase, null, 1)}\n`);
  return { size, caseFile, requirementsFile, ours: [], reference: [] };
});

const oursCommand = (row: Size) => [
  process.execPath, cli, 'resolve', '-r', row.requirementsFile, '--python', targetSpec.python, '--platform', targetSpec.platform, '--glibc', targetSpec.glibc,
  '--deps-db', index, '--providers', JSON.stringify(providers), '--provider-defaults', '{}', '--json',
];
const referenceCommand = (row: Size) => [python, '-B', join(benchDir, 'resolvelib_run.py'), row.caseFile, corpusDir, '--repeat', '0'];

const loadBefore = loadavg()[0]!;
for (let round = 0; round < runs; round++) {
  for (const row of rows) {
    process.stderr.write(`round ${round + 1}/${runs}: ${row.size} requirements\n`);
    row.ours.push(timed(oursCommand(row)));
    row.reference.push(timed(referenceCommand(row)));
  }
}

interface InProcess {
  coldMs: number;
  warmMs: number[];
  outcome: { packages?: Record<string, string>; failure?: string };
}
const results = rows.map((row) => {
  const ours = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', join(benchDir, 'in-process.ts'), row.caseFile, index, '--warm', '10'], { cwd: repoDir, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as InProcess;
  const reference = JSON.parse(execFileSync(python, ['-B', join(benchDir, 'resolvelib_run.py'), row.caseFile, corpusDir, '--repeat', '0'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as {
    coldMs: number;
    outcome: { satisfiable: boolean | null; packages?: Record<string, string> };
  };
  for (const run of row.ours) if (run.status !== 0) throw new Error(`ours failed on ${row.size}: ${run.stderr}`);
  const oursPackages = ours.outcome.packages ?? {};
  const referencePackages = reference.outcome.packages ?? {};
  const differ = [...new Set([...Object.keys(oursPackages), ...Object.keys(referencePackages)])].filter((name) => oursPackages[name] !== referencePackages[name]);
  return { row, ours, reference, packages: Object.keys(oursPackages).length, differ };
});
const loadAfter = loadavg()[0]!;

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const lines = [
  '## Scaling with the number of requirements',
  '',
  'Written by `bench/resolver/scaling.ts`; re-run with',
  '',
  '```sh',
  `npm run build && node --import tsx bench/resolver/scaling.ts --sizes ${available.join(',')} --runs ${runs}`,
  '```',
  '',
  `- date: ${new Date().toISOString().slice(0, 10)}; node ${process.version}; Python ${execFileSync(python, ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).trim()} (${python}); ${cpus().length} cores shared with other work, load average (1 min) ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end`,
  '- data: the localpypi corpus (real PyPI metadata, 2026); target CPython 3.11, x86_64-linux, glibc 2.40, wheels only',
  '- requirements: distinct project names of the corpus in a seeded random order, each kept when it still resolves with those before it; every size is a prefix of the next',
  `- whole command: median of ${runs} runs, ours and resolvelib alternating, size after size: \`mach-nix resolve -r <file> … --deps-db <index> --json\` against \`python resolvelib_run.py <case> <corpus> --repeat 0\`; peak RSS from /usr/bin/time`,
  '- in-process: ours cold (a fresh process opens the index and resolves once) and warm (median of 10 more), resolvelib\'s first `Resolver.resolve()` (reading the buckets it needs included)',
  '- ratio: ours ÷ resolvelib (below 1: ours is faster)',
  '',
  '| requirements | packages | ours command | resolvelib command | ratio | ours peak RSS (MiB) | resolvelib peak RSS (MiB) | ours cold | ours warm | resolvelib in-process | agree |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ...results.map(({ row, ours, reference, packages, differ }) => {
    const oursMs = median(row.ours.map((r) => r.ms));
    const referenceMs = median(row.reference.map((r) => r.ms));
    return `| ${row.size} | ${packages} | ${ms(oursMs)} | ${ms(referenceMs)} | ${(oursMs / referenceMs).toFixed(2)}× | ${median(row.ours.map((r) => r.rssMiB)).toFixed(0)} | ${median(row.reference.map((r) => r.rssMiB)).toFixed(0)} | ${ms(ours.coldMs)} | ${ms(median(ours.warmMs))} | ${ms(reference.coldMs)} | ${differ.length === 0 ? '✓' : `✗ ${differ.join(', ')}`} |`;
  }),
  '',
];
const resultsFile = join(benchDir, 'RESULTS.md');
const previous = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
const start = previous.indexOf('\n## Scaling');
const kept = start >= 0 ? previous.slice(0, start + 1) : `${previous.trimEnd()}\n\n`;
const after = start >= 0 ? previous.slice(start + 1).search(/\n## (?!Scaling)/) : -1;
const rest = start >= 0 && after >= 0 ? previous.slice(start + 1 + after + 1) : '';
writeFileSync(resultsFile, `${kept}${lines.join('\n')}\n${rest ? `\n${rest}` : ''}`);
process.stdout.write(`${lines.join('\n')}\n`);
