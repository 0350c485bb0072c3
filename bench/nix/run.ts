/**
 * Evaluation time of mkPython for a 20-package resolution (flask, requests, rich, typer, pyyaml
 * from the real-PyPI corpus), with the nixpkgs stand-in, under each Nix variant:
 * - lockFile: `lockFile = …` (no import-from-derivation);
 * - IFD, unchanged inputs: the resolver's output is already in the store;
 * - IFD, cold: a request not resolved before (a comment line makes it new), the CLI and the
 *   index of the data already built (they are built once per data pin);
 * and how the nixpkgs provider's index scales with the size of the python package set (the
 * stand-in has about 15 packages, real nixpkgs about 8,000): a synthetic set of N trivial
 * packages, where computing the index is the only work.
 * Each figure is the median wall-clock time of a whole `nix eval … drvPath` process.
 * Last, the index over a set shaped like nixpkgs' (about 10,000 attributes: packages, broken,
 * unavailable and disabled ones, throwing aliases, functions, non-derivations), measured
 * alternating with a reference (a bare evaluation of the same set: every attribute forced once),
 * as ratios of wall-clock time and of the memory Nix reports (NIX_SHOW_STATS).
 * And mkPython over such a set (the interpreter's package set grown to 10,000 attributes): the
 * lockFile evaluation against IFD with unchanged inputs, with this library and with the library
 * of a reference commit (`--reference`, by default the last one that computed the whole index on
 * every evaluation), for providers without nixpkgs, for the built-in provider defaults (which
 * take setuptools, pip, wheel and gdal from nixpkgs) and for no providers at all (mach-nix's
 * `_default = "wheel,sdist,nixpkgs"`), all alternating; and cold (a request not resolved before),
 * without nixpkgs and with it in `_default`, against the reference.
 *
 *   node --import tsx bench/nix/run.ts [--runs 10] [--only realistic-index|realistic-evaluation] [--reference f77e0f9]
 *
 * Writes bench/nix/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type NixVariant, nix, nixVersions, repoDir, scratchDir, seedStore, standInDir } from '../../tests/nix/harness.js';
import { fetcherDir, pypiData, seedTestData, writeTestData } from '../../tests/nix/data.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, only: { type: 'string' }, reference: { type: 'string', default: 'f77e0f9' } },
});
const parts = ['realistic-index', 'realistic-evaluation'];
if (values.only !== undefined && !parts.includes(values.only)) throw new Error(`--only: one of ${parts.join(', ')}`);
const runs = Number(values.runs);
const requirements = 'flask\\nrequests\\nrich\\ntyper\\npyyaml';
const providers = 'providers._default = "wheel"; _providerDefaults = { };';
const lockFile = '/tmp/mach-nix-bench-nix.lock.json';
/** The stand-in's arguments: Python 3.11 under both variants (the chroot's python3 is 3.13, and the corpus's binary wheels are cp311). */
const standIn = '{ pythonVersion = "3.11"; }';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(variant: NixVariant, expr: string): Promise<number> {
  const started = performance.now();
  await nix(variant, ['eval', '--impure', '--raw', '--expr', expr]);
  return (performance.now() - started) / 1000;
}

function mkPython(extra: string, text = requirements): string {
  return `(let pkgs = import ${standInDir} ${standIn}; m = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; };
    in m.mkPython { requirements = "${text}"; ${providers} ${extra} }).drvPath`;
}

/** A python set grown by `size` trivial packages: the nixpkgs index must look at all of them. */
function syntheticIndex(size: number): string {
  return `let pkgs = import ${standInDir} ${standIn}; m = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; };
    grow = self: _: builtins.listToAttrs (builtins.genList (i: { name = "synthetic-\${toString i}";
      value = self.buildPythonPackage { pname = "synthetic-\${toString i}"; version = "1.\${toString i}"; format = "other"; }; }) ${size});
    python = pkgs.python3.override { packageOverrides = grow; };
  in builtins.hashString "sha256" (m.nixpkgsIndex python.pkgs)`;
}

/**
 * A python set shaped like nixpkgs': `size` attributes, of which 80 % trivial packages, 3 %
 * broken, 2 % unavailable, 2 % disabled, 8 % throwing aliases, 3 % functions, 2 % other values.
 */
function realisticSet(size: number): string {
  return `let pkgs = import ${standInDir} ${standIn}; m = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; };
    python = (${realisticPython(size)}) pkgs;
  in python.pkgs`;
}

/** `pkgs: interpreter`: the stand-in's python3 whose package set has `size` more attributes shaped like nixpkgs'. */
function realisticPython(size: number): string {
  return `pkgs: let
    grow = self: _: builtins.listToAttrs (builtins.genList (i: let
        n = "real-\${toString i}"; k = i - (i / 100) * 100;
        pkg = args: self.buildPythonPackage ({ pname = n; version = "1.\${toString i}"; format = "other"; } // args);
      in { name = n; value =
        if k < 80 then pkg { }
        else if k < 83 then pkg { meta.broken = true; }
        else if k < 85 then pkg { meta.available = false; }
        else if k < 87 then pkg { disabled = true; }
        else if k < 95 then throw "\${n} has been removed"
        else if k < 98 then (x: x)
        else { inherit n; }; }) ${size});
  in pkgs.python3.override { packageOverrides = grow; }`;
}

interface Measured { seconds: number; bytes: number }

/** One `nix eval`, its wall-clock time and the bytes Nix allocated (NIX_SHOW_STATS). */
async function statsOf(variant: NixVariant, expr: string): Promise<Measured> {
  const started = performance.now();
  const { stderr } = await nix(variant, ['eval', '--impure', '--raw', '--expr', expr], { env: { NIX_SHOW_STATS: '1' } });
  const seconds = (performance.now() - started) / 1000;
  const json = stderr.slice(stderr.indexOf('{'));
  const stats = JSON.parse(json) as { gc: { totalBytes: number } };
  return { seconds, bytes: stats.gc.totalBytes };
}

interface IndexRow { variant: NixVariant; reference: Measured; index: Measured }

async function realisticIndex(variant: NixVariant): Promise<IndexRow> {
  await seedStore(variant);
  const set = realisticSet(10000);
  const reference = `let set = ${set}; in toString (builtins.length (builtins.filter (n: (builtins.tryEval (builtins.seq set.\${n} true)).success) (builtins.attrNames set)))`;
  const index = `let set = ${set}; m = import ${repoDir}/nix { pkgs = import ${standInDir} ${standIn}; pypiData = ${pypiData}; }; in builtins.hashString "sha256" (m.nixpkgsIndex set)`;
  await statsOf(variant, reference);
  const samples = { reference: [] as Measured[], index: [] as Measured[] };
  for (let i = 0; i < runs; i++) {
    samples.reference.push(await statsOf(variant, reference));
    samples.index.push(await statsOf(variant, index));
  }
  const mid = (list: Measured[]) => ({ seconds: median(list.map((m) => m.seconds)), bytes: median(list.map((m) => m.bytes)) });
  return { variant, reference: mid(samples.reference), index: mid(samples.index) };
}

function realisticSection(rows: IndexRow[]): string {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  return `<!-- realistic-index -->
## The index over a set shaped like nixpkgs'

10,000 attributes: 80 % trivial packages, 3 % \`meta.broken\`, 2 % \`meta.available = false\`, 2 %
\`disabled\`, 8 % throwing aliases, 3 % functions, 2 % other values. Reference: a bare \`nix eval\`
forcing every attribute of the same set once. Each figure: median of ${runs} runs, the two
commands alternating; memory is what Nix reports it allocated (\`NIX_SHOW_STATS\`, \`gc.totalBytes\`).
Re-run only this part with \`node --import tsx bench/nix/run.ts --only realistic-index\`.

| Nix | reference | index | time ratio | reference memory | index memory | memory ratio |
|---|---|---|---|---|---|---|
${rows.map((r) => `| ${nixVersion(r.variant)} | ${r.reference.seconds.toFixed(2)} s | ${r.index.seconds.toFixed(2)} s | ${(r.index.seconds / r.reference.seconds).toFixed(2)} | ${mib(r.reference.bytes)} | ${mib(r.index.bytes)} | ${(r.index.bytes / r.reference.bytes).toFixed(2)} |`).join('\n')}
<!-- /realistic-index -->
`;
}

function nixVersion(variant: NixVariant): string {
  return variant === 'host-2.8' ? 'Nix 2.8 (Debian bookworm)' : 'Nix 2.26 (Debian trixie chroot)';
}

interface Row {
  variant: NixVariant;
  lockFile: number;
  ifdUnchanged: number;
  ifdCold: number;
  index: Record<number, number>;
}

/** The lock of the requirements (wheels only, no provider defaults), as a user would have it. */
async function writeLock(variant: NixVariant): Promise<void> {
  const requirementsFile = '/tmp/mach-nix-bench-nix.requirements.txt';
  writeFileSync(requirementsFile, requirements.replace(/\\n/g, '\n'));
  const [python, glibc] = await standInVersions(variant);
  const lock = spawnSync(join(repoDir, 'bin/mach-nix'), [
    'lock', '-r', requirementsFile, '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
    '--deps-db', pypiData, '--files-db', fetcherDir, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}', '-o', lockFile,
  ], { encoding: 'utf8' });
  if (lock.status !== 0) throw new Error(lock.stderr);
}

async function measure(variant: NixVariant): Promise<Row> {
  await seedStore(variant);
  await seedTestData(variant);
  // The lock, and the files of the resolution, as a user would have them.
  await writeLock(variant);

  // First runs: build the CLI, the index and this request's resolution once.
  await timed(variant, mkPython(''));
  const sample = async (expr: (i: number) => string) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await timed(variant, expr(i)));
    return median(times);
  };
  const stamp = Date.now();
  const index: Record<number, number> = {};
  for (const size of [0, 1000, 8000]) index[size] = await sample(() => syntheticIndex(size));
  return {
    variant,
    lockFile: await sample(() => mkPython(`lockFile = ${lockFile};`)),
    ifdUnchanged: await sample(() => mkPython('')),
    ifdCold: await sample((i) => mkPython('', `${requirements}\\n# cold run ${stamp} ${i}`)),
    index,
  };
}

/** The stand-in's python3 and glibc versions under a variant: what the lock must be made for. */
async function standInVersions(variant: NixVariant): Promise<[string, string]> {
  const { stdout } = await nix(variant, ['eval', '--impure', '--json', '--expr', `let p = import ${standInDir} ${standIn}; in [ p.python3.version p.glibc.version ]`]);
  const [python, glibc] = JSON.parse(stdout) as [string, string];
  return [python, glibc.split('.').slice(0, 2).join('.')];
}

/** The providers of the realistic-evaluation cases. */
const providerCases = {
  'no nixpkgs': 'providers._default = "wheel"; _providerDefaults = { };',
  'built-in defaults': 'providers._default = "wheel";',
  // no providers at all: `_default = "wheel,sdist,nixpkgs"`, mach-nix's default
  'nixpkgs in _default': '',
} as const;
type ProviderCase = keyof typeof providerCases;

interface EvaluationRow {
  variant: NixVariant;
  lockFile: number;
  ifdUnchanged: Record<ProviderCase, { current: number; reference: number }>;
  ifdCold: Record<(typeof coldCases)[number], { current: number; reference: number }>;
}

/** `git archive` of the reference commit's Nix library, in a folder of this process. */
function referenceLibrary(commit: string): string {
  const dir = mkdtempSync(join(scratchDir, 'mach-nix-bench-reference-'));
  const archive = spawnSync('sh', ['-c', `git -C "$1" archive "$2" nix | tar -x -C "$3"`, 'sh', repoDir, commit, dir], { encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`--reference ${commit}: ${archive.stderr}`);
  return join(dir, 'nix');
}

/**
 * mkPython over the stand-in's python grown to 10,000 attributes shaped like nixpkgs', with a
 * library folder (the reference gets this library's CLI, so both run the same resolver build).
 */
function realisticMkPython(library: string, extra: string, text = requirements): string {
  return `(let pkgs = import ${standInDir} ${standIn}; current = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; };
    m = import ${library} { inherit pkgs; pypiData = ${pypiData}; inherit (current) cli; };
    in m.mkPython { requirements = "${text}"; python = (${realisticPython(10000)}) pkgs; ${extra} }).drvPath`;
}

/** The provider cases measured cold too: without nixpkgs, the resolver's build only; with it, the reach's as well. */
const coldCases = ['no nixpkgs', 'nixpkgs in _default'] as const;

async function realisticEvaluation(variant: NixVariant, referenceDir: string): Promise<EvaluationRow> {
  await seedStore(variant);
  await seedTestData(variant);
  await writeLock(variant);
  const commands: { label: string; expr: (run: number) => string }[] = [{ label: 'lockFile', expr: () => realisticMkPython(`${repoDir}/nix`, `${providerCases['no nixpkgs']} lockFile = ${lockFile};`) }];
  for (const [name, providers] of Object.entries(providerCases)) {
    commands.push({ label: `current ${name}`, expr: () => realisticMkPython(`${repoDir}/nix`, providers) });
    commands.push({ label: `reference ${name}`, expr: () => realisticMkPython(referenceDir, providers) });
  }
  // Cold: a comment line makes every run's request one not resolved before.
  const stamp = Date.now();
  for (const name of coldCases) {
    for (const [which, library] of [['current', `${repoDir}/nix`], ['reference', referenceDir]] as const) {
      const label = `cold ${which} ${name}`;
      commands.push({ label, expr: (run) => realisticMkPython(library, providerCases[name], `${requirements}\\n# ${label} ${stamp} ${run}`) });
    }
  }
  // First runs: build each resolution once, so that every later run has unchanged inputs.
  for (const { expr } of commands) await timed(variant, expr(-1));
  const samples = new Map<string, number[]>(commands.map(({ label }) => [label, []]));
  for (let i = 0; i < runs; i++) for (const { label, expr } of commands) samples.get(label)!.push(await timed(variant, expr(i)));
  const mid = (label: string) => median(samples.get(label)!);
  const ifdUnchanged = Object.fromEntries(Object.keys(providerCases).map((name) =>
    [name, { current: mid(`current ${name}`), reference: mid(`reference ${name}`) }])) as EvaluationRow['ifdUnchanged'];
  const ifdCold = Object.fromEntries(coldCases.map((name) =>
    [name, { current: mid(`cold current ${name}`), reference: mid(`cold reference ${name}`) }])) as EvaluationRow['ifdCold'];
  return { variant, lockFile: mid('lockFile'), ifdUnchanged, ifdCold };
}

function evaluationSection(rows: EvaluationRow[], reference: string): string {
  const cell = (r: EvaluationRow, name: ProviderCase, which: 'current' | 'reference') =>
    `${r.ifdUnchanged[name][which].toFixed(2)} s (${(r.ifdUnchanged[name][which] / r.lockFile).toFixed(2)}×)`;
  const cases = Object.keys(providerCases) as ProviderCase[];
  return `<!-- realistic-evaluation -->
## mkPython over a set shaped like nixpkgs': IFD with unchanged inputs against lockFile

The environment above, its interpreter's package set grown by the 10,000 attributes of the
previous section. Every figure: the median of ${runs} whole \`nix eval … drvPath\` processes, the
${1 + 2 * cases.length + 2 * coldCases.length} commands alternating; in brackets the ratio to the lockFile evaluation (goal for IFD with
unchanged inputs: ≤ 1.5×). \`current\`: this library, which reads only the attributes named like
a package the resolution can reach whose providers include nixpkgs (after a first, cached
import-from-derivation that computes them); \`reference\`: the library of commit \`${reference}\`
(which computed the whole index on every evaluation that resolves), given the same CLI.
Providers: *no nixpkgs* is \`providers._default = "wheel"; _providerDefaults = { };\`;
*built-in defaults* is \`providers._default = "wheel";\`, under which setuptools, pip, wheel and
gdal still come from nixpkgs; *nixpkgs in _default* gives no providers at all (mach-nix's default,
\`_default = "wheel,sdist,nixpkgs"\`).
Measured ${new Date().toISOString().slice(0, 10)}; re-run only this part with
\`node --import tsx bench/nix/run.ts --only realistic-evaluation --reference ${reference}\`.

| Nix | lockFile | ${cases.map((name) => `IFD, ${name} | IFD, ${name}, reference`).join(' | ')} |
|---|---|${cases.map(() => '---|---|').join('')}
${rows.map((r) => `| ${nixVersion(r.variant)} | ${r.lockFile.toFixed(2)} s | ${cases.map((name) => `${cell(r, name, 'current')} | ${cell(r, name, 'reference')}`).join(' | ')} |`).join('\n')}

Cold, in the same runs: a request not resolved before (a comment line makes each run's new), the
CLI and the index of the data already built; with nixpkgs among the providers this library builds
the reach and then the resolution, the reference the resolution only. In brackets: the ratio to
the reference.

| Nix | ${coldCases.map((name) => `IFD cold, ${name} | IFD cold, ${name}, reference`).join(' | ')} |
|---|${coldCases.map(() => '---|---|').join('')}
${rows.map((r) => `| ${nixVersion(r.variant)} | ${coldCases.map((name) => `${r.ifdCold[name].current.toFixed(2)} s (${(r.ifdCold[name].current / r.ifdCold[name].reference).toFixed(2)}×) | ${r.ifdCold[name].reference.toFixed(2)} s`).join(' | ')} |`).join('\n')}
<!-- /realistic-evaluation -->
`;
}

/** RESULTS.md with one marked section replaced (or appended). */
function replaceSection(previous: string, marker: string, section: string): string {
  const start = previous.indexOf(`<!-- ${marker} -->`);
  if (start < 0) return `${previous.trimEnd()}\n\n${section}`;
  const endMarker = `<!-- /${marker} -->`;
  const end = previous.indexOf(endMarker, start) + endMarker.length;
  return previous.slice(0, start) + section.trimEnd() + previous.slice(end);
}

writeTestData();
const results = join(repoDir, 'bench/nix/RESULTS.md');
const reference = referenceLibrary(values.reference);
process.on('exit', () => rmSync(join(reference, '..'), { recursive: true, force: true }));
const indexRows: IndexRow[] = [];
const evaluationRows: EvaluationRow[] = [];
if (values.only !== 'realistic-evaluation') for (const variant of nixVersions()) indexRows.push(await realisticIndex(variant));
if (values.only !== 'realistic-index') for (const variant of nixVersions()) evaluationRows.push(await realisticEvaluation(variant, reference));
if (values.only !== undefined) {
  const section = values.only === 'realistic-index' ? realisticSection(indexRows) : evaluationSection(evaluationRows, values.reference);
  writeFileSync(results, replaceSection(readFileSync(results, 'utf8'), values.only, section));
  process.stdout.write(section);
  process.exit(0);
}
const rows: Row[] = [];
for (const variant of nixVersions()) rows.push(await measure(variant));
const seconds = (value: number) => `${value.toFixed(2)} s`;
const report = `# Evaluation benchmark of mkPython

Written by \`bench/nix/run.ts\`; re-run with

\`\`\`sh
node --import tsx bench/nix/run.ts --runs ${runs}
\`\`\`

- date: ${new Date().toISOString().slice(0, 10)}
- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 20)} MiB RAM
- environment: flask, requests, rich, typer, pyyaml → 20 packages, resolved from the real-PyPI corpus
  (\`localpypi-2026\`) with the nixpkgs stand-in (\`tests/nix/nixpkgs\`, Python 3.11 under both Nix variants), wheels only
- each figure: median of ${runs} whole \`nix eval --impure --raw --expr '(…).drvPath'\` processes (Nix start-up included)
- targets: lockFile ≤ 0.3 s; IFD with unchanged inputs ≤ 0.5 s; IFD cold, the index of the data already built, ≤ 2 s

| Nix | lockFile | IFD, unchanged inputs | IFD, cold |
|---|---|---|---|
${rows.map((r) => `| ${nixVersion(r.variant)} | ${seconds(r.lockFile)} | ${seconds(r.ifdUnchanged)} | ${seconds(r.ifdCold)} |`).join('\n')}

## The nixpkgs provider's index and the size of the python package set

Computing the whole index of what the nixpkgs provider knows visits every attribute of the python
set (mach-nix did so on every evaluation that resolves, cached or not; this library reads only the
attributes named like a package the resolution can reach that may come from nixpkgs, see the last
section). The stand-in's set is small; real
nixpkgs has about 8,000 python packages. Time of a \`nix eval\` that only computes the whole
index of the stand-in's set grown by N trivial packages:

| Nix | N = 0 | N = 1,000 | N = 8,000 |
|---|---|---|---|
${rows.map((r) => `| ${nixVersion(r.variant)} | ${seconds(r.index[0]!)} | ${seconds(r.index[1000]!)} | ${seconds(r.index[8000]!)} |`).join('\n')}

Real nixpkgs packages are heavier to evaluate than these trivial ones, so against real nixpkgs
the IFD modes cost more than this table shows; the lockFile mode does not compute the index at all.

${realisticSection(indexRows)}
${evaluationSection(evaluationRows, values.reference)}`;
writeFileSync(results, report);
process.stdout.write(report);
