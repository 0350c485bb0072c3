/**
 * Benchmark of `mach-nix lock` against package indexes, side by side with pip on the same loopback
 * server and the same requirements. Writes `bench/index/RESULTS.md`.
 *
 *   npm run build && node --import tsx bench/index/run.ts [--runs 5] [--roots jupyter-server] [--python PATH]
 *
 * It starts nginx (tests/index/servers/nginx.ts) over two layouts of the machine's PyPI mirror:
 * - "PEP 503": the mirror as it is (`/opt/pypi`, `/opt/pypi-more`): HTML pages, no metadata files;
 * - "PEP 691 + 658": JSON pages and `.metadata` files derived from it for the closure's projects
 *   (tests/index/servers/derive-index.py).
 * On each, alternating run by run, the commands users run:
 * - pip cold: `python -m pip install --dry-run --ignore-installed --report - -r REQS --index-url …
 *   --extra-index-url …` with `PIP_CONFIG_FILE=/dev/null`, no other PIP_* variable, and a new empty
 *   `--cache-dir`; pip warm: the same with a cache dir one untimed pip run filled;
 * - ours cold: `node dist/cli/main.js lock -r REQS --index-url … --extra-index-url … --python X.Y.Z
 *   --platform x86_64-linux --glibc 2.36 --providers '{"_default": "wheel,sdist"}'
 *   --provider-defaults '{}' -o LOCK --verbose` (the built CLI) with a new empty MACH_NIX_CACHE_DIR;
 *   ours warm: the same with a cache one untimed run filled less than 10 minutes before (every page
 *   fresh); ours warm --refresh: the same, every page revalidated (pip's policy for pages).
 * Per run: wall time (process start to exit), requests and bytes sent from nginx's access log.
 * Both sides must arrive at the same closure (names and versions), else the run stops.
 * A hand-written `## Notes` section of RESULTS.md survives a re-run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { canonicalizeName } from '../../src/pep503.js';
import { Nginx } from '../../tests/index/servers/nginx.js';
import { python3 } from '../../tests/index/servers/fixture-index.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    roots: { type: 'string', default: 'jupyter-server' },
    python: { type: 'string' },
  },
});
const runs = Number(values.runs);
const roots = values.roots!.split(',');
const repoDir = resolvePath(dirname(fileURLToPath(import.meta.url)), '../..');
const python =
  values.python ?? spawnSync('python', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};

/** The environment pip runs in: this process's, without any PIP_* setting, and no config file. */
const pipEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PIP_')));
pipEnv.PIP_CONFIG_FILE = '/dev/null';
pipEnv.PIP_DISABLE_PIP_VERSION_CHECK = '1';

interface Run {
  ms: number;
  requests: number;
  bytes: number;
  /** `name==version` of the closure, sorted. */
  closure: string[];
  /** ours only: how often the solver ran (the last run the one that completed). */
  solverRuns?: number;
  /** ours only: from opening the indexes to the resolution, as `--verbose` tells it (no start-up, no lock writing). */
  indexMs?: number;
}

function closureOfPipReport(report: string): string[] {
  const parsed = JSON.parse(report) as { install: Array<{ metadata: { name: string; version: string } }> };
  return parsed.install.map((item) => `${canonicalizeName(item.metadata.name)}==${item.metadata.version}`).sort();
}

function timed(nginx: Nginx, command: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; stdout: string; stderr: string; requests: number; bytes: number } {
  nginx.clearLog();
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 256 << 20, cwd: repoDir });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  const log = nginx.accessLog();
  return { ms, stdout: result.stdout, stderr: result.stderr, requests: log.length, bytes: log.reduce((sum, entry) => sum + entry.bytes, 0) };
}

const requirements = join(tempDir('mach-nix-bench-reqs-'), 'requirements.txt');
writeFileSync(requirements, `${roots.join('\n')}\n`);
const pythonVersion = spawnSync(python, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).stdout.trim();

function pip(nginx: Nginx, indexUrls: string[], cacheDir: string): Run {
  const [index, ...extra] = indexUrls;
  const args = ['-m', 'pip', 'install', '--dry-run', '--ignore-installed', '--quiet', '--report', '-', '-r', requirements, '--index-url', index!, ...extra.flatMap((url) => ['--extra-index-url', url]), '--cache-dir', cacheDir];
  const run = timed(nginx, python, args, pipEnv);
  return { ms: run.ms, requests: run.requests, bytes: run.bytes, closure: closureOfPipReport(run.stdout) };
}

const cli = join(repoDir, 'dist/cli/main.js');
if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
/** The environment ours runs in: no pip or uv setting of this machine. */
const ourEnv: NodeJS.ProcessEnv = { ...pipEnv };

function ours(nginx: Nginx, indexUrls: string[], cacheDir: string, extra: string[] = []): Run {
  const lock = join(tempDir('mach-nix-bench-lock-'), 'mach-nix.lock.json');
  const args = [
    cli, 'lock', '-r', requirements, ...indexUrls.flatMap((url, i) => [i === 0 ? '--index-url' : '--extra-index-url', url]),
    '--python', pythonVersion, '--platform', 'x86_64-linux', '--glibc', '2.36',
    '--providers', '{"_default": "wheel,sdist"}', '--provider-defaults', '{}', '-o', lock, '--verbose', ...extra,
  ];
  const run = timed(nginx, process.execPath, args, { ...ourEnv, MACH_NIX_CACHE_DIR: cacheDir });
  const resolution = JSON.parse(readFileSync(lock, 'utf8')) as { packages: Record<string, { name: string; version: string }> };
  const closure = Object.values(resolution.packages).map((p) => `${p.name}==${p.version}`).sort();
  const verbose = /(\d+) solver runs; (\d+) ms/.exec(run.stderr);
  return { ms: run.ms, requests: run.requests, bytes: run.bytes, closure, solverRuns: Number(verbose?.[1] ?? NaN), indexMs: Number(verbose?.[2] ?? NaN) };
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const LABELS = ['pip cold', 'ours cold', 'pip warm', 'ours warm', 'ours warm --refresh'] as const;
type Label = (typeof LABELS)[number];

interface Scenario {
  name: string;
  indexUrls: string[];
  results: Record<Label, Run[]>;
}

function runScenario(nginx: Nginx, name: string, indexUrls: string[], expected: string[] | null): Scenario {
  const results = Object.fromEntries(LABELS.map((label) => [label, [] as Run[]])) as Scenario['results'];
  const pipWarmCache = tempDir('mach-nix-bench-pip-cache-');
  const ourWarmCache = tempDir('mach-nix-bench-our-cache-');
  pip(nginx, indexUrls, pipWarmCache);
  ours(nginx, indexUrls, ourWarmCache);
  for (let i = 0; i < runs; i++) {
    const cold = () => tempDir('mach-nix-bench-cold-');
    // Alternate who goes first, so neither side always meets the other's page-cache effects.
    const order: Array<[Label, () => Run]> = [
      ['pip cold', () => pip(nginx, indexUrls, cold())],
      ['ours cold', () => ours(nginx, indexUrls, cold())],
      ['pip warm', () => pip(nginx, indexUrls, pipWarmCache)],
      ['ours warm', () => ours(nginx, indexUrls, ourWarmCache)],
      ['ours warm --refresh', () => ours(nginx, indexUrls, ourWarmCache, ['--refresh'])],
    ];
    if (i % 2) order.reverse();
    for (const [label, run] of order) {
      const result = run();
      results[label].push(result);
      const reference = expected ?? results['pip cold'][0]?.closure ?? result.closure;
      if (JSON.stringify(result.closure) !== JSON.stringify(reference)) {
        throw new Error(`${name} ${label}: closure differs from pip's:\n${result.closure.join(' ')}\nvs\n${reference.join(' ')}`);
      }
    }
    process.stderr.write(`${name}: run ${i + 1}/${runs} done\n`);
  }
  return { name, indexUrls, results };
}

const loadBefore = loadavg()[0]!;
const plainNginx = await Nginx.start([
  { prefix: '/pypi/', root: '/opt/pypi' },
  { prefix: '/pypi-more/', root: '/opt/pypi-more' },
]);
let scenarios: Scenario[];
let closure: string[];
try {
  const plainUrls = [`${plainNginx.origin}/pypi/simple/`, `${plainNginx.origin}/pypi-more/simple/`];
  closure = pip(plainNginx, plainUrls, tempDir('mach-nix-bench-probe-')).closure;
  const plain = runScenario(plainNginx, 'PEP 503 mirror', plainUrls, closure);

  // The derived layout holds the closure's projects from both mirrors, merged into one index.
  const derived = tempDir('mach-nix-bench-derived-');
  writeFileSync(join(derived, 'spec.json'), JSON.stringify({ out: derived, mirrors: ['/opt/pypi/simple', '/opt/pypi-more/simple'], projects: closure.map((entry) => entry.split('==')[0]) }));
  spawnSync(python3(), [join(repoDir, 'tests/index/servers/derive-index.py'), join(derived, 'spec.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const modernNginx = await Nginx.start([{ prefix: '/modern/', root: derived }]);
  try {
    scenarios = [plain, runScenario(modernNginx, 'PEP 691 + 658', [`${modernNginx.origin}/modern/simple/`], closure)];
  } finally {
    await modernNginx.stop();
  }
} finally {
  await plainNginx.stop();
}
const loadAfter = loadavg()[0]!;
for (const dir of temporary) rmSync(dir, { recursive: true, force: true });

const pipVersion = spawnSync(python, ['-m', 'pip', '--version'], { encoding: 'utf8', env: pipEnv }).stdout.trim().split(' from ')[0];
const nginxVersion = spawnSync('/usr/sbin/nginx', ['-v'], { encoding: 'utf8' }).stderr.trim().replace('nginx version: ', '');
const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;

const lines = [
  '# Package-index benchmark: `mach-nix lock` against pip',
  '',
  'Written by `bench/index/run.ts`; re-run with',
  '',
  '```sh',
  `npm run build && node --import tsx bench/index/run.ts --runs ${runs} --roots ${roots.join(',')}`,
  '```',
  '',
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  `- machine: ${cpus().length} × ${cpuModel}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; node ${process.version}; ${nginxVersion} on 127.0.0.1`,
  `- load average (1 min) at the start and the end: ${loadBefore.toFixed(2)}, ${loadAfter.toFixed(2)} (${cpus().length} cores, shared with other work)`,
  `- reference: ${pipVersion} on Python ${pythonVersion}, \`PIP_CONFIG_FILE=/dev/null\`, no PIP_* variables`,
  `- closure of \`${roots.join(' ')}\` for CPython ${pythonVersion} on x86_64-linux: ${closure.length} packages, the same names and versions for pip and ours in every run`,
  `- medians of ${runs} alternating runs; wall time from process start to exit; requests and bytes sent as nginx's access log counts them`,
  `- ours: \`node dist/cli/main.js lock -r REQS --index-url … --python ${pythonVersion} --platform x86_64-linux --glibc 2.36 --providers '{"_default": "wheel,sdist"}' --provider-defaults '{}' -o LOCK --verbose\` (the built CLI, the whole command: start-up, resolution, the lock written; "index work" is the part from opening the indexes to the resolution, as --verbose tells it); cold: a new cache dir; warm: a cache filled less than 10 minutes before; warm --refresh: the same, every page revalidated`,
  '',
];
for (const scenario of scenarios) {
  const r = scenario.results;
  const m = (label: Label, key: 'ms' | 'requests' | 'bytes' | 'solverRuns' | 'indexMs') => median(r[label].map((run) => run[key] ?? NaN));
  lines.push(`## ${scenario.name}`, '', '| | wall ms | requests | bytes | solver runs | index work ms |', '|---|---:|---:|---:|---:|---:|');
  for (const label of LABELS) {
    const ours = label.startsWith('ours');
    lines.push(`| ${label} | ${m(label, 'ms').toFixed(0)} | ${m(label, 'requests')} | ${kib(m(label, 'bytes'))} | ${ours ? m(label, 'solverRuns') : ''} | ${ours ? m(label, 'indexMs') : ''} |`);
  }
  lines.push(
    '',
    `pip ÷ ours: cold ${ratio(m('pip cold', 'ms'), m('ours cold', 'ms'))} time, ${ratio(m('pip cold', 'requests'), m('ours cold', 'requests'))} requests, ${ratio(m('pip cold', 'bytes'), m('ours cold', 'bytes'))} bytes; ` +
      `warm ${ratio(m('pip warm', 'ms'), m('ours warm', 'ms'))} time (${m('ours warm', 'requests')} requests against pip's ${m('pip warm', 'requests')}); ` +
      `warm with every page revalidated ${ratio(m('pip warm', 'ms'), m('ours warm --refresh', 'ms'))} time, ${ratio(m('pip warm', 'requests'), Math.max(1, m('ours warm --refresh', 'requests')))} requests.`,
    '',
  );
}

const resultsFile = join(repoDir, 'bench/index/RESULTS.md');
const notes = existsSync(resultsFile) ? /\n## Notes\n[\s\S]*$/.exec(readFileSync(resultsFile, 'utf8'))?.[0] ?? '' : '';
writeFileSync(resultsFile, `${lines.join('\n').trimEnd()}\n${notes}`);
process.stdout.write(`${lines.join('\n')}\n`);
