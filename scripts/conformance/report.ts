/** Results of conformance checks, and their one-line-per-failure report. */

export interface CheckResult {
  /** Which entry of which section (or which case) was checked. */
  readonly id: string;
  readonly ok: boolean;
  /** Why it failed. */
  readonly detail?: string;
}

export interface FileReport {
  readonly file: string;
  readonly results: readonly CheckResult[];
}

export function summarize(results: readonly CheckResult[]): { passed: number; failed: number } {
  const failed = results.filter((r) => !r.ok).length;
  return { passed: results.length - failed, failed };
}

export function closingLine(results: readonly CheckResult[]): string {
  const { passed, failed } = summarize(results);
  return `${passed} passed, ${failed} failed`;
}
