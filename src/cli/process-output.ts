/**
 * The command's own stdout and stderr, written without Node's stream objects while the
 * descriptor takes the bytes. `process.stdout` and `process.stderr` are built on first access,
 * and building one loads Node's streams (and for a pipe `net`): some 25 built-in modules that
 * this node compiles at every start, several milliseconds of each command. A blocking write to
 * the descriptor is what those streams do on Linux for files, pipes and terminals alike, so the
 * output and its order are the same. When the descriptor refuses a write (a non-blocking pipe
 * that is full, a reader that went away), that write and every later one go through Node's
 * stream, as they always did, so that it waits, retries and reports as before.
 */
import { writeSync } from 'node:fs';

/** A writer to descriptor `fd` that falls back to `stream()` for good at the first failed write. */
export function descriptorWriter(fd: number, stream: () => NodeJS.WritableStream): (text: string) => void {
  let useStream = false;
  return (text) => {
    if (useStream) {
      stream().write(text);
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    } catch {
      useStream = true;
      stream().write(bytes.subarray(written));
    }
  };
}
