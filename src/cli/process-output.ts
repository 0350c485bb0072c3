/**
 * The command's own stdout and stderr, written without Node's stream objects while the
 * descriptor takes the bytes. `process.stdout` and `process.stderr` are built on first access,
 * and building one loads Node's streams (and for a pipe `net`): some 25 built-in modules that
 * this node compiles at every start, several milliseconds of each command. A blocking write to
 * the descriptor is what those streams do on Linux for files, pipes and terminals alike, so the
 * output and its order are the same. When the descriptor refuses a write (a non-blocking pipe
 * that is full, a reader that went away), that write and every later one go through Node's
 * stream, as they always did, so that it waits, retries and reports as before.
 *
 * A reader that went away (`mach-nix graph | head -1`) is not the command's failure: the command
 * stops at once, silently, with the status a process killed by SIGPIPE has (141), as git and the
 * other Unix tools do — not with Node's unhandled-error stack trace.
 */
import { fstatSync, writeSync } from 'node:fs';

/** The exit status of a process SIGPIPE ended: 128 + 13. */
export const BROKEN_PIPE_STATUS = 141;

/** A writer to descriptor `fd` that falls back to `stream()` for good at the first failed write. */
export function descriptorWriter(fd: number, stream: () => NodeJS.WritableStream, exit: (status: number) => void = process.exit): (text: string) => void {
  let fallback: NodeJS.WritableStream | null = null;
  const toStream = () => {
    if (fallback === null) {
      fallback = stream();
      fallback.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        exit(BROKEN_PIPE_STATUS);
      });
    }
    return fallback;
  };
  return (text) => {
    if (fallback !== null) {
      fallback.write(text);
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    } catch {
      toStream().write(bytes.subarray(written));
    }
  };
}

/**
 * Whether descriptor `fd` is a terminal, asked without building its stream when it cannot be one:
 * a terminal is a character device, and a pipe or a file (what tests, scripts and benchmarks
 * give) is not, so only for a character device is `isTTY` of the stream (`stream()`) asked.
 */
export function isTerminal(fd: number, stream: () => NodeJS.WriteStream): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return stream().isTTY === true;
}
