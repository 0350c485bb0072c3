/**
 * Runs the fuzzer: `node --import tsx bench/fuzz/run.ts --cases 100000 --seed 1 [--spawn 200]`
 * (run `npm run build` first for the spawned sample); `--replay <target>:<seed>` runs one
 * recorded case again. Prints the cases per target, the findings with their seeds and shrunk
 * inputs, and exits 1 when there are findings.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { repoDir } from '../../tests/helpers/paths.js';
import { SLOW_MS, fuzz, replay } from './harness.js';

const integer = (text: string) => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return value;
};

const options = new Command('bench/fuzz/run.ts')
  .option('--cases <n>', 'generated cases, in-process', integer, 100_000)
  .option('--seed <n>', 'the run seed', integer, 1)
  .option('--spawn <n>', 'command-line cases also run as the real CLI (dist/mach-nix.cjs)', integer, 200)
  .option('--replay <target:seed>', 'run one recorded case again and print it')
  .parse()
  .opts<{ cases: number; seed: number; spawn: number; replay?: string }>();

if (options.replay) {
  const [target, seed] = options.replay.split(':');
  const outcome = await replay(target!, Number(seed));
  console.log(JSON.stringify(outcome, null, 2).slice(0, 4000));
  process.exit(outcome.kind === null ? 0 : 1);
}

const cliFile = join(repoDir, 'dist/mach-nix.cjs');
if (options.spawn > 0 && !existsSync(cliFile)) throw new Error(`${cliFile} not found: run npm run build first`);
console.log(`fuzz: ${options.cases} cases, seed ${options.seed}, ${options.spawn} spawned; node ${process.version}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`);
const report = await fuzz({ ...options, cliFile, progress: (done) => process.stderr.write(`  ${done} cases\n`) });
console.log(`cases per target: ${Object.entries(report.byTarget).map(([name, n]) => `${name} ${n}`).join(', ')}`);
console.log(`spawned CLI runs: ${report.spawned}`);
console.log(`time: ${(report.ms / 1000).toFixed(1)} s; slowest in-process case ${report.slowestMs} ms (a finding above ${SLOW_MS} ms); load at the end ${loadavg()[0]!.toFixed(2)}`);
console.log(`findings: ${report.findings.length}`);
for (const finding of report.findings) {
  console.log(`- ${finding.kind} in ${finding.target} (--replay ${finding.target}:${finding.seed}, ${finding.ms} ms): ${finding.message}\n  input: ${finding.input}`);
}
process.exitCode = report.findings.length > 0 ? 1 : 0;
