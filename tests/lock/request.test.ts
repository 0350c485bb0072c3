/** The resolve request's canonical JSON and hash: byte for byte what nix/request.nix computes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolveRequest } from '../../src/generated/resolve-request.js';
import { UsageError } from '../../src/errors.js';
import { canonicalJson, makeRequest, normalizeProviderKeys, requestHash } from '../../src/lock/request.js';

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

  it("normalises the providers' keys as mkPython does, so a lock of `My_Pkg` is not stale in Nix", () => {
    // nix eval --impure --json --expr 'let pkgs = import ./tests/nix/nixpkgs { };
    //   m = import ./nix { inherit pkgs; pypiData = <a folder whose UNIX_TIMESTAMP is 1685526402>; };
    //   e = m.machNixEnvironment; r = (e.environment "mkPython" (e.normalizeArgs "mkPython" { requirements = "flask\n";
    //   providers = { My_Pkg = "nixpkgs"; "Zope.Interface" = [ "wheel" "sdist" ]; _default = "wheel"; }; })).request;
    //   in m.request.hash r'   (the stand-in's python3 was 3.11.2, its glibc 2.36)
    const request = makeRequest({
      requirements: 'flask\n', python: '3.11.2', platform: 'x86_64-linux', glibc: '2.36', macos: null,
      providers: { 'Zope.Interface': ['wheel', 'sdist'], My_Pkg: 'nixpkgs', _default: 'wheel' },
      providerDefaults: null, condaChannels: [], cudaVersion: null, dataTimestamp: 1685526402,
    });
    assert.deepEqual(request.providers, { _default: 'wheel', 'my-pkg': 'nixpkgs', 'zope-interface': ['wheel', 'sdist'] });
    assert.equal(requestHash(request), 'sha256:b7ee6933b03f7d76b30ba8700afdc857c1019a9e99886178a73959d3b1a57da0');
  });

  it('refuses two spellings of one package in providers, as mkPython does', () => {
    assert.throws(() => normalizeProviderKeys({ My_Pkg: 'wheel', 'my.pkg': 'sdist' }), (error: unknown) =>
      error instanceof UsageError && error.message === 'providers names one package twice: My_Pkg, my.pkg (names are compared PEP 503-normalised)');
    // only ASCII is lower-cased, as Nix's toLower does; `_`-keys are settings, kept
    assert.deepEqual(normalizeProviderKeys({ 'Ä_B': 'wheel', _Odd: 'sdist' }), { 'Ä-b': 'wheel', _Odd: 'sdist' });
  });
});
