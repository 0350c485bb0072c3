/**
 * The CLI run in-process (`run` of src/cli/program.ts) with its output collected: what the CLI
 * tests call instead of spawning it. `cwd` and `env` are set around the run and restored after.
 */
import { run } from '../../src/cli/program.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliOutcome> {
  const outcome: CliOutcome = { code: 0, stdout: '', stderr: '' };
  const previousDir = process.cwd();
  const savedEnv = Object.fromEntries(Object.keys(options.env ?? {}).map((key) => [key, process.env[key]]));
  if (options.cwd !== undefined) process.chdir(options.cwd);
  Object.assign(process.env, options.env);
  try {
    outcome.code = await run(argv, { stdout: (text) => void (outcome.stdout += text), stderr: (text) => void (outcome.stderr += text) });
  } finally {
    process.chdir(previousDir);
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  return outcome;
}
