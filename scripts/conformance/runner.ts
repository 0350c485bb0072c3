/**
 * Finds conformance files under the given paths and checks each: vector files (PEP 440/508/503,
 * wheel names) and resolver cases. Corpus folders (those holding `deps/`) are data, not cases.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { checkVectorFile, isVectorFile } from './pep-vectors.js';
import { checkResolverCase, isResolverCase } from './resolver-cases.js';
import type { CheckResult, FileReport } from './report.js';

export function findConformanceFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UsageError(`${path}: no such file or folder`);
  }
  if (stat.isFile()) return [path];
  const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (entries.some((e) => e.isDirectory() && e.name === 'deps')) return [];
  return entries.flatMap((entry) => {
    const child = join(path, entry.name);
    if (entry.isDirectory()) return findConformanceFiles(child);
    return entry.name.endsWith('.json') ? [child] : [];
  });
}

export function checkFile(file: string): FileReport {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { file, results: [{ id: 'file', ok: false, detail: `unreadable JSON: ${(error as Error).message}` }] };
  }
  let results: CheckResult[];
  // A resolver case also has a `requirements` key, so it is recognised first.
  if (isResolverCase(document)) {
    results = checkResolverCase(file, document);
  } else if (isVectorFile(document)) {
    results = checkVectorFile(document);
  } else {
    results = [{ id: 'file', ok: false, detail: 'neither a vector file nor a resolver case' }];
  }
  return { file, results };
}
