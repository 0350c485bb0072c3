/**
 * Times one conformance case in-process and prints the result as JSON; `run.ts` starts it in a
 * fresh Node process per case, so that the first call is really cold.
 *
 *   node --import tsx bench/resolver/in-process.ts CASE.json INDEX.sqlite [--warm 20]
 *
 * - `coldMs`: opening the SQLite index plus the first `resolve()` — nothing cached in this process
 *   (the modules are loaded first, untimed; the OS may still have the file in its page cache);
 * - `warmMs`: `--warm` more `resolve()` calls, each a fresh call on the already open source (new
 *   provider and solver each time; SQLite's page cache, V8's compiled code and the module-level
 *   cache of parsed requirement strings are warm).
 *
 * Output: `{ "coldMs", "warmMs": [...], "outcome": { "packages" } | { "failure" } }`.
 */
import { parseArgs } from 'node:util';
import { openDependencySource } from '../../src/db/open.js';
import { caseResolveOptions, readCase, resolveOutcome } from './case.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { warm: { type: 'string', default: '20' } } });
const [caseFile, indexFile] = positionals;
if (caseFile === undefined || indexFile === undefined) throw new Error('usage: in-process.ts CASE.json INDEX.sqlite [--warm N]');
const testCase = readCase(caseFile);
const request = caseResolveOptions(testCase);

const started = performance.now();
const source = openDependencySource(indexFile);
const outcome = resolveOutcome({ ...request, source });
const coldMs = performance.now() - started;

const warmMs: number[] = [];
for (let i = 0; i < Number(values.warm); i++) {
  const start = performance.now();
  resolveOutcome({ ...request, source });
  warmMs.push(performance.now() - start);
}
source.close();
process.stdout.write(`${JSON.stringify({ coldMs, warmMs, outcome })}\n`);
