/**
 * A guard against hangs in synchronous code (a regular expression backtracking for minutes):
 * node:test's `timeout` cannot interrupt a test that never yields, `vm`'s can. Generous, so it
 * only fails a regression that turns milliseconds into tens of seconds; not a timing assertion.
 */
import vm from 'node:vm';

export const HANG_GUARD_MS = 20_000;

/** Runs `work` and returns its result, or throws when it is still running after the guard. */
export function bounded<T>(work: () => T, ms = HANG_GUARD_MS): T {
  const context = vm.createContext({ work, result: undefined as T | undefined });
  vm.runInContext('result = work()', context, { timeout: ms });
  return context.result as T;
}
