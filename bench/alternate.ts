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
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Timed, median, timed } from './measure.js';

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

const scratch = mkdtempSync(join(tmpdir(), 'mach-nix-alternate-'));
const timeFile = join(scratch, 'time');
function run(command: readonly string[]): Timed {
  const result = timed(command, { timeFile });
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  return result;
}

const samples = commands.map(() => [] as Timed[]);
const loadBefore = loadavg()[0]!;
for (let round = -warmup; round < runs; round++) {
  commands.forEach((command, i) => {
    const sample = run(command);
    if (round >= 0) samples[i]!.push(sample);
  });
}
rmSync(scratch, { recursive: true, force: true });

const first = median(samples[0]!.map((s) => s.ms));
process.stdout.write(`${runs} alternating runs each (after ${warmup} untimed); load average (1 min) ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}\n`);
process.stdout.write('| command | median ms | min ms | CPU ms | peak RSS MiB | ÷ first |\n|---|---:|---:|---:|---:|---:|\n');
commands.forEach((command, i) => {
  const s = samples[i]!;
  const wall = median(s.map((x) => x.ms));
  process.stdout.write(
    `| \`${command.join(' ')}\` | ${wall.toFixed(1)} | ${Math.min(...s.map((x) => x.ms)).toFixed(1)} | ${median(s.map((x) => x.cpuMs)).toFixed(0)} | ${median(s.map((x) => x.rssMiB)).toFixed(1)} | ${(wall / first).toFixed(2)}× |\n`,
  );
});
