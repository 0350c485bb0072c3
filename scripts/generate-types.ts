/**
 * Writes `src/generated/<name>.ts` from `schemas/<name>.schema.json` with json-schema-to-typescript
 * (`npm run generate`). The files are committed; `tests/schemas.test.ts` fails when they are stale.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'json-schema-to-typescript';

const root = join(import.meta.dirname, '..');

export async function generatedTypes(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.schema.json')).sort()) {
    const schema = JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));
    const name = file.replace(/\.schema\.json$/, '');
    const ts = await compile(schema, schema.title, {
      bannerComment: `/* Generated from schemas/${file} by scripts/generate-types.ts (npm run generate). Do not edit. */`,
      additionalProperties: false,
      strictIndexSignatures: true,
      format: true,
      style: { singleQuote: true, printWidth: 120 },
    });
    out.set(join('src/generated', `${name}.ts`), ts);
  }
  return out;
}

if (process.argv[1] === import.meta.filename) {
  for (const [path, text] of await generatedTypes()) writeFileSync(join(root, path), text);
}
