/**
 * What the benchmarks share: the median of samples, and one run of a command to completion under
 * /usr/bin/time (wall clock from here; CPU and peak RSS from time's report).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface Timed {
  ms: number;
  /** User plus system CPU time, ms. */
  cpuMs: number;
  /** Peak resident set size, MiB (/usr/bin/time's %M). */
  rssMiB: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `timeFile`: where /usr/bin/time writes its report (a scratch file the caller owns). */
export function timed(command: readonly string[], options: { timeFile: string; cwd?: string; env?: NodeJS.ProcessEnv }): Timed {
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', options.timeFile, ...command], {
    cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  const [user, system, rssKiB] = readFileSync(options.timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number];
  return { ms, cpuMs: (user + system) * 1000, rssMiB: rssKiB / 1024, status: result.status, stdout: result.stdout, stderr: result.stderr };
}
