import assert from 'node:assert/strict';
import type { MachNixError } from '../../src/errors.js';

/** Asserts that `run` throws a one-line `kind` error whose message contains every part. */
export function assertError(run: () => unknown, kind: abstract new (...args: never[]) => MachNixError, ...parts: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), `one line: ${JSON.stringify(error.message)}`);
    for (const part of parts) assert.ok(error.message.includes(part), `${JSON.stringify(error.message)} contains ${JSON.stringify(part)}`);
    return true;
  });
}
