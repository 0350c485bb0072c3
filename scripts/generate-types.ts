/**
 * Writes, from each `schemas/<name>.schema.json` (`npm run generate`):
 * - `src/generated/<name>.ts`, its TypeScript types (json-schema-to-typescript);
 * - `src/generated/validate-<name>.js`, its validator as code (ajv's standalone mode), so that the
 *   CLI does not compile schemas at every start (it runs once per environment inside Nix).
 * The files are committed; `tests/schemas.test.ts` fails when they are stale.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
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
    const ajv = new Ajv2020({ strict: true, code: { source: true, esm: true } });
    // A CommonJS module: its exports object carries the function as `default`.
    const validator = standalone.default(ajv, ajv.compile(schema));
    out.set(
      join('src/generated', `validate-${name}.js`),
      `// Generated from schemas/${file} by scripts/generate-types.ts (npm run generate). Do not edit.\n${validator}\n`,
    );
  }
  return out;
}

if (process.argv[1] === import.meta.filename) {
  for (const [path, text] of await generatedTypes()) writeFileSync(join(root, path), text);
}
