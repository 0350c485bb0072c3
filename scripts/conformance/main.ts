/**
 * `npm run conformance -- PATH...`: checks conformance files (or folders of them), prints each
 * failure, a closing `N passed, N failed` line per file and per path, and exits 1 on any failure.
 */
import { parseArgs } from 'node:util';
import { MachNixError } from '../../src/errors.js';
import { closingLine, type CheckResult } from './report.js';
import { checkFile, findConformanceFiles } from './runner.js';

function main(argv: string[]): number {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true });
  if (positionals.length === 0) {
    process.stderr.write('usage: npm run conformance -- PATH...\n');
    return 2;
  }
  let anyFailed = false;
  for (const path of positionals) {
    const all: CheckResult[] = [];
    const files = findConformanceFiles(path);
    for (const file of files) {
      const report = checkFile(file);
      for (const result of report.results) {
        if (!result.ok) process.stdout.write(`FAIL ${file} ${result.id}: ${result.detail}\n`);
      }
      if (files.length > 1) process.stdout.write(`${file}: ${closingLine(report.results)}\n`);
      all.push(...report.results);
    }
    if (files.length === 0) process.stdout.write(`${path}: no conformance files found\n`);
    process.stdout.write(`${path}: ${closingLine(all)}\n`);
    anyFailed ||= files.length === 0 || all.some((r) => !r.ok);
  }
  return anyFailed ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof MachNixError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = error.exitCode;
}
