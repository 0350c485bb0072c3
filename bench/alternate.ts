/**
 * Times whole commands against each other, alternating: round after round, one run of each, so
 * that other load on the (shared) machine hits all of them alike. Prints per command the median
 * and minimum wall-clock time, the median CPU time and peak RSS (/usr/bin/time), and the ratio of
 * each median to the first command's.
 *
 *   node --import tsx bench/alternate.ts [--runs 21] [--warmup 2] -- CMD ARG… -- CMD ARG… …
 *
 * Each command is its words after a `--` (no shell). A command that fails is reported, not timed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && at < argv.indexOf('--') ? Number(argv[at + 1]) : fallback;
};
const runs = option('runs', 21);
const warmup = option('warmup', 2);
const commands: string[][] = [];
for (const word of argv.slice(argv.indexOf('--'))) {
  if (word === '--') commands.push([]);
  else commands[commands.length - 1]!.push(word);
}
if (argv.indexOf('--') < 0 || commands.some((command) => command.length === 0)) {
  throw new Error('usage: alternate.ts [--runs N] [--warmup N] -- CMD ARG… -- CMD ARG…');
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssMiB: number;
}

const scratch = mkdtempSync(join(tmpdir(), 'mach-nix-alternate-'));
const timeFile = join(scratch, 'time');
function run(command: readonly string[]): Sample {
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, ...command], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  const [user, system, rssKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number];
  return { wallMs, cpuMs: (user + system) * 1000, rssMiB: rssKiB / 1024 };
}

const samples = commands.map(() => [] as Sample[]);
const loadBefore = loadavg()[0]!;
for (let round = -warmup; round < runs; round++) {
  commands.forEach((command, i) => {
    const sample = run(command);
    if (round >= 0) samples[i]!.push(sample);
  });
}
rmSync(scratch, { recursive: true, force: true });

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const first = median(samples[0]!.map((s) => s.wallMs));
process.stdout.write(`${runs} alternating runs each (after ${warmup} untimed); load average (1 min) ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}\n`);
process.stdout.write('| command | median ms | min ms | CPU ms | peak RSS MiB | ÷ first |\n|---|---:|---:|---:|---:|---:|\n');
commands.forEach((command, i) => {
  const s = samples[i]!;
  const wall = median(s.map((x) => x.wallMs));
  process.stdout.write(
    `| \`${command.join(' ')}\` | ${wall.toFixed(1)} | ${Math.min(...s.map((x) => x.wallMs)).toFixed(1)} | ${median(s.map((x) => x.cpuMs)).toFixed(0)} | ${median(s.map((x) => x.rssMiB)).toFixed(1)} | ${(wall / first).toFixed(2)}× |\n`,
  );
});
