/**
 * Validation of the JSON documents that cross the Nix ↔ TypeScript boundary, against
 * `schemas/*.schema.json` (draft 2020-12, ajv): the resolve request coming in, the resolution
 * going out (and a lock file read back). A document that does not fit is one error line naming
 * the document and the first problem's place.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DataError, type SourceLocation } from './errors.js';
import type { ResolutionDocument } from './generated/resolution.js';
import type { ResolveRequest } from './generated/resolve-request.js';

const ajv = new Ajv2020({ allErrors: false, strict: true });
const validators = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const schema = JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), 'utf8')) as object;
    validate = ajv.compile(schema);
    validators.set(name, validate);
  }
  return validate;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the document' : error.instancePath.slice(1).replace(/\//g, '.');
  const allowed = error.keyword === 'enum' ? `: one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '';
  const extra = error.keyword === 'additionalProperties' ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : '';
  return `${where} ${error.message ?? 'is invalid'}${allowed}${extra}`;
}

function check<T>(name: string, document: unknown, location: SourceLocation): T {
  const validate = validator(name);
  if (!validate(document)) {
    throw new DataError(location, `not a valid ${name.replace(/-/g, ' ')}: ${describe(validate.errors![0]!)}`);
  }
  return document as T;
}

export function checkResolveRequest(document: unknown, location: SourceLocation): ResolveRequest {
  return check('resolve-request', document, location);
}

export function checkResolution(document: unknown, location: SourceLocation): ResolutionDocument {
  return check('resolution', document, location);
}
