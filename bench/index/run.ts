/**
 * Benchmark of the index client against pip on the same loopback server and the same closure.
 * Writes `bench/index/RESULTS.md`.
 *
 *   node --import tsx bench/index/run.ts [--runs 5] [--roots jupyter-server] [--python PATH]
 *
 * It starts nginx (tests/index/servers/nginx.ts) over two layouts of the machine's PyPI mirror:
 * - "PEP 503": the mirror as it is (`/opt/pypi`, `/opt/pypi-more`): HTML pages, no metadata files;
 * - "PEP 691 + 658": JSON pages and `.metadata` files derived from it for the closure's projects
 *   (tests/index/servers/derive-index.py).
 * On each, alternating run by run, four commands:
 * - pip cold: `python -m pip install --dry-run --ignore-installed --report - -r REQS --index-url …
 *   --extra-index-url …` with `PIP_CONFIG_FILE=/dev/null`, no other PIP_* variable, and a new empty
 *   `--cache-dir`;
 * - pip warm: the same with a cache dir one untimed pip run filled;
 * - ours cold / warm: `node bench/.data/index/js/bench/index/fetch-closure.js` (the closure's pages
 *   and the chosen files' metadata; compiled by tsc first, so Node runs JavaScript as it will run
 *   `dist/cli/main.js`) with a new empty cache dir / one an untimed run filled.
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
  /** ours only: time inside the process, from client creation to the closure read back. */
  inProcessMs?: number;
}

function closureOfPipReport(report: string): string[] {
  const parsed = JSON.parse(report) as { install: Array<{ metadata: { name: string; version: string } }> };
  return parsed.install.map((item) => `${canonicalizeName(item.metadata.name)}==${item.metadata.version}`).sort();
}

function closureOfOurs(files: string[]): string[] {
  return files.map((file) => `${canonicalizeName(file.split('-')[0]!)}==${file.split('-')[1]}`).sort();
}

function timed(nginx: Nginx, command: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; stdout: string; requests: number; bytes: number } {
  nginx.clearLog();
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 256 << 20, cwd: repoDir });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  const log = nginx.accessLog();
  return { ms, stdout: result.stdout, requests: log.length, bytes: log.reduce((sum, entry) => sum + entry.bytes, 0) };
}

function pip(nginx: Nginx, indexUrls: string[], cacheDir: string): Run {
  const requirements = join(tempDir('mach-nix-bench-reqs-'), 'requirements.txt');
  writeFileSync(requirements, `${roots.join('\n')}\n`);
  const [index, ...extra] = indexUrls;
  const args = ['-m', 'pip', 'install', '--dry-run', '--ignore-installed', '--quiet', '--report', '-', '-r', requirements, '--index-url', index!, ...extra.flatMap((url) => ['--extra-index-url', url]), '--cache-dir', cacheDir];
  const run = timed(nginx, python, args, pipEnv);
  return { ms: run.ms, requests: run.requests, bytes: run.bytes, closure: closureOfPipReport(run.stdout) };
}

/** fetch-closure.ts and what it imports, compiled to JavaScript beside the repository's node_modules. */
function compileFetchClosure(): string {
  const outDir = join(repoDir, 'bench/.data/index/js');
  rmSync(outDir, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [join(repoDir, 'node_modules/typescript/bin/tsc'), '--outDir', outDir, '--rootDir', repoDir, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--skipLibCheck', '--resolveJsonModule', '--types', 'node', join(repoDir, 'bench/index/fetch-closure.ts')],
    { encoding: 'utf8', cwd: repoDir },
  );
  if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
  // src/version.ts reads the package.json above src/; the compiled tree gets the repository's.
  writeFileSync(join(outDir, 'package.json'), readFileSync(join(repoDir, 'package.json')));
  return join(outDir, 'bench/index/fetch-closure.js');
}
const fetchClosure = compileFetchClosure();

function ours(nginx: Nginx, indexUrls: string[], cacheDir: string): Run {
  const args = [fetchClosure, '--cache', cacheDir, ...indexUrls.flatMap((url, i) => [i === 0 ? '--index-url' : '--extra-index-url', url]), ...roots];
  const run = timed(nginx, process.execPath, args, process.env);
  const output = JSON.parse(run.stdout) as { files: string[]; ms: number };
  return { ms: run.ms, requests: run.requests, bytes: run.bytes, closure: closureOfOurs(output.files), inProcessMs: output.ms };
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

interface Scenario {
  name: string;
  indexUrls: string[];
  results: Record<'pip cold' | 'pip warm' | 'ours cold' | 'ours warm', Run[]>;
}

function runScenario(nginx: Nginx, name: string, indexUrls: string[], expected: string[] | null): Scenario {
  const results: Scenario['results'] = { 'pip cold': [], 'pip warm': [], 'ours cold': [], 'ours warm': [] };
  const pipWarmCache = tempDir('mach-nix-bench-pip-cache-');
  const ourWarmCache = tempDir('mach-nix-bench-our-cache-');
  pip(nginx, indexUrls, pipWarmCache);
  ours(nginx, indexUrls, ourWarmCache);
  for (let i = 0; i < runs; i++) {
    const cold = () => tempDir('mach-nix-bench-cold-');
    // Alternate who goes first, so neither side always meets the other's page-cache effects.
    const order: Array<[keyof Scenario['results'], () => Run]> = [
      ['pip cold', () => pip(nginx, indexUrls, cold())],
      ['ours cold', () => ours(nginx, indexUrls, cold())],
      ['pip warm', () => pip(nginx, indexUrls, pipWarmCache)],
      ['ours warm', () => ours(nginx, indexUrls, ourWarmCache)],
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
const pythonVersion = spawnSync(python, ['--version'], { encoding: 'utf8' }).stdout.trim();
const nginxVersion = spawnSync('/usr/sbin/nginx', ['-v'], { encoding: 'utf8' }).stderr.trim().replace('nginx version: ', '');
const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;

const lines = [
  '# Index client benchmark',
  '',
  'Written by `bench/index/run.ts`; re-run with',
  '',
  '```sh',
  `node --import tsx bench/index/run.ts --runs ${runs} --roots ${roots.join(',')}`,
  '```',
  '',
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  `- machine: ${cpus().length} × ${cpuModel}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; node ${process.version}; ${nginxVersion} on 127.0.0.1`,
  `- load average (1 min) at the start and the end: ${loadBefore.toFixed(2)}, ${loadAfter.toFixed(2)} (${cpus().length} cores, shared with other work)`,
  `- reference: ${pipVersion} on ${pythonVersion}, \`PIP_CONFIG_FILE=/dev/null\`, no PIP_* variables`,
  `- closure of \`${roots.join(' ')}\` for CPython 3.11 on x86_64-linux: ${closure.length} packages, the same names and versions for pip and ours in every run`,
  `- medians of ${runs} alternating runs; wall time from process start to exit; requests and bytes sent as nginx's access log counts them`,
  '- ours: `node bench/.data/index/js/bench/index/fetch-closure.js` (bench/index/fetch-closure.ts compiled by tsc), concurrency 16, a new cache dir for cold runs',
  '',
  '**This is not yet the `mach-nix lock` comparison the issue asks for.** pip resolves and fetches;',
  'ours fetches what a resolver of this closure reads (every project page, the chosen file\'s core',
  'metadata) through `IndexSnapshot.prefetchClosure` and reads it back synchronously, without the',
  'solver. The resolver-integrated `mach-nix lock` numbers come in phase 2 of issue 10.',
  '',
];
for (const scenario of scenarios) {
  const r = scenario.results;
  const m = (label: keyof Scenario['results'], key: 'ms' | 'requests' | 'bytes') => median(r[label].map((run) => run[key]));
  lines.push(`## ${scenario.name}`, '', '| | wall ms | requests | bytes | ours in-process ms |', '|---|---:|---:|---:|---:|');
  for (const label of ['pip cold', 'ours cold', 'pip warm', 'ours warm'] as const) {
    const inProcess = label.startsWith('ours') ? median(r[label].map((run) => run.inProcessMs!)).toFixed(0) : '';
    lines.push(`| ${label} | ${m(label, 'ms').toFixed(0)} | ${m(label, 'requests')} | ${kib(m(label, 'bytes'))} | ${inProcess} |`);
  }
  lines.push(
    '',
    `pip ÷ ours: cold ${ratio(m('pip cold', 'ms'), m('ours cold', 'ms'))} time, ${ratio(m('pip cold', 'requests'), m('ours cold', 'requests'))} requests, ${ratio(m('pip cold', 'bytes'), m('ours cold', 'bytes'))} bytes; ` +
      `warm ${ratio(m('pip warm', 'ms'), m('ours warm', 'ms'))} time, ${ratio(m('pip warm', 'requests'), Math.max(1, m('ours warm', 'requests')))} requests.`,
    '',
  );
}

const resultsFile = join(repoDir, 'bench/index/RESULTS.md');
const notes = existsSync(resultsFile) ? /\n## Notes\n[\s\S]*$/.exec(readFileSync(resultsFile, 'utf8'))?.[0] ?? '' : '';
writeFileSync(resultsFile, `${lines.join('\n').trimEnd()}\n${notes}`);
process.stdout.write(`${lines.join('\n')}\n`);
