import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataError } from '../src/errors.js';
import { checkResolution, checkResolveRequest } from '../src/schemas.js';
import { generatedTypes } from '../scripts/generate-types.js';
import { repoDir } from './helpers/paths.js';

const request = {
  requirements: 'flask\n', python: '3.11.9', platform: 'x86_64-linux', glibc: '2.42', macos: null,
  providers: { _default: 'wheel,sdist' }, providerDefaults: null, condaChannels: [], cudaVersion: null, dataTimestamp: 1685526402,
};

describe('schemas', () => {
  it('have up-to-date generated types in src/generated (run npm run generate)', async () => {
    for (const [path, text] of await generatedTypes()) {
      assert.equal(readFileSync(join(repoDir, path), 'utf8'), text, `${path} is stale`);
    }
  });

  it('accept a valid resolve request and refuse a wrong one with the place', () => {
    assert.deepEqual(checkResolveRequest(request, { file: 'request.json' }), request);
    assert.throws(
      () => checkResolveRequest({ ...request, platform: 'x86_64-windows' }, { file: 'request.json' }),
      (error: unknown) => error instanceof DataError && /^request\.json: not a valid resolve request: platform must be equal to one of the allowed values/.test(error.message),
    );
    assert.throws(() => checkResolveRequest({ ...request, extra: 1 }, { file: 'r.json' }), /additional properties \(extra\)/);
  });

  it('accept failure documents and refuse a resolution without packages', () => {
    const failure = { lockVersion: 1, generator: 'mach-nix 0.1.0', inputHash: null, error: { kind: 'unsatisfiable', message: 'x' } };
    assert.deepEqual(checkResolution(failure, { file: 'lock.json' }), failure);
    assert.throws(() => checkResolution({ lockVersion: 1, generator: 'x', inputHash: null }, { file: 'lock.json' }), DataError);
  });
});
