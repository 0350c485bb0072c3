/** The resolve request's canonical JSON and hash: byte for byte what nix/request.nix computes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolveRequest } from '../../src/generated/resolve-request.js';
import { canonicalJson, makeRequest, requestHash } from '../../src/lock/request.js';

describe('the resolve request', () => {
  it("writes canonical JSON the way Nix's builtins.toJSON does", () => {
    assert.equal(canonicalJson({ b: [1, null, true], a: 'x"\\\n\t\u0001é' }), '{"a":"x\\"\\\\\\n\\t\\u0001é","b":[1,null,true]}');
  });

  it("hashes to what Nix's hashString gives for builtins.toJSON of the same request", () => {
    // nix-instantiate --eval -E 'builtins.hashString "sha256" (builtins.toJSON { requirements =
    //   "flask\n\"quoted\" \\ é ☃\tu0001"; python = "3.11.9"; platform = "x86_64-linux"; glibc = "2.40";
    //   macos = null; providers = { _default = "wheel"; numpy = [ "nixpkgs" "sdist" ]; };
    //   providerDefaults = null; condaChannels = [ "conda-forge" ]; cudaVersion = null; dataTimestamp = 1685526402; })'
    const request: ResolveRequest = {
      requirements: 'flask\n"quoted" \\ é ☃\tu0001', python: '3.11.9', platform: 'x86_64-linux', glibc: '2.40', macos: null,
      providers: { _default: 'wheel', numpy: ['nixpkgs', 'sdist'] }, providerDefaults: null, condaChannels: ['conda-forge'],
      cudaVersion: null, dataTimestamp: 1685526402,
    };
    assert.equal(requestHash(request), 'sha256:25c0bf4d66e19943344aeddd6747428eb3f45ff9fe9dea6c221054a0b2c9dffb');
  });

  it("makes mkPython's request from lock's parts, channels sorted as attrNames sorts them", () => {
    const request = makeRequest({
      requirements: 'flask\n', python: '3.11.9', platform: 'x86_64-linux', glibc: '2.42', macos: null, providers: {},
      providerDefaults: null, condaChannels: ['r', 'conda-forge', 'r'], cudaVersion: null, dataTimestamp: null,
    });
    assert.deepEqual(request.condaChannels, ['conda-forge', 'r']);
    assert.deepEqual(Object.keys(request).sort(), ['condaChannels', 'cudaVersion', 'dataTimestamp', 'glibc', 'macos', 'platform', 'providerDefaults', 'providers', 'python', 'requirements']);
  });
});
