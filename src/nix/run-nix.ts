/**
 * Running Nix for `mach-nix env` and `mach-nix gen` (locking their inputs, building the lock of
 * the requirements): the user's own Nix and settings, flakes switched on for the one command
 * that needs them. A failure becomes one error naming the command and Nix's own error; on a
 * terminal Nix's progress is shown as it comes, elsewhere it is kept for the error.
 */
import { MachNixError } from '../errors.js';
import { childProcess } from '../on-demand.js';

export interface NixRun {
  /** Show Nix's stderr as it comes (a terminal), instead of keeping it for the error. */
  readonly interactive?: boolean;
  readonly cwd?: string;
}

/** A Nix command that failed: its error lines, the rest of its log in `details`. */
export class NixCommandError extends MachNixError {}

/** The lines of Nix's stderr from its first `error:` on (the whole of it when there is none). */
function errorOf(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  const first = lines.findIndex((line) => /^error\b/.test(line.replace(/\x1b\[[0-9;]*m/g, '')));
  return (first === -1 ? lines.slice(-20) : lines.slice(first)).join('\n');
}

/** Runs `program args…` (nix, nix-build, nix-instantiate) and returns its stdout. */
export function runNix(program: string, args: readonly string[], options: NixRun = {}): string {
  const result = childProcess().spawnSync(program, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', options.interactive ? 'inherit' : 'pipe'],
  });
  if (result.error !== undefined) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new MachNixError(
      missing ? `${program} is not on PATH: mach-nix env and gen need Nix (https://nixos.org/download)` : `cannot run ${program}: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    const shown = `${program} ${args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ')}`;
    throw new NixCommandError(`${shown} failed (exit ${result.status ?? result.signal}):`, options.interactive ? '(its output is above)' : errorOf(result.stderr ?? ''));
  }
  return result.stdout;
}

/** The flags that switch on what a flake command needs, whatever the user's nix.conf says. */
export const FLAKE_FLAGS = ['--extra-experimental-features', 'nix-command flakes'] as const;
