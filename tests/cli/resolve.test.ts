/** `mach-nix resolve` end to end, on the shared corpora and in the Nix request mode. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { requestHash } from '../../src/lock/request.js';
import type { Resolution, ResolutionFailure } from '../../src/generated/resolution.js';
import type { ResolveRequest } from '../../src/generated/resolve-request.js';
import { checkResolution } from '../../src/schemas.js';
import { conformanceDir } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

const corpus = join(conformanceDir, 'resolver/localpypi-2026');
const wheelsOnly = ['--providers', '{"_default": "wheel"}', '--provider-defaults', '{}'];

const machNix = (...argv: string[]) => runCli(argv);

describe('mach-nix resolve', () => {
  it('prints the dependency tree like mach-nix did', async () => {
    const result = await machNix('resolve', 'flask', '--python', '3.11', '--platform', 'x86_64-linux', '--glibc', '2.40', '--deps-db', corpus, ...wheelsOnly);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^flask - 3\.1\.3 - wheel - py3-none-any\n├── blinker - 1\.9\.0 - wheel - py3-none-any\n/);
    assert.match(result.stdout, /Total number of python modules: 7\n$/);
  });

  it('prints the resolution document with --json', async () => {
    const result = await machNix('resolve', 'requests', '--python', '3.11', '--platform', 'x86_64-linux', '--deps-db', corpus, '--json', ...wheelsOnly);
    const resolution = checkResolution(JSON.parse(result.stdout), { file: 'stdout' }) as Resolution;
    assert.deepEqual(resolution.roots, ['requests']);
    assert.equal(resolution.target.glibc, '2.42', 'the glibc of the pinned nixpkgs by default');
    assert.match(resolution.packages.urllib3!.source.type === 'wheel' ? resolution.packages.urllib3!.source.url! : '', /^https:\/\/files\.pythonhosted\.org\/packages\/py3\/u\/urllib3\/urllib3-/);
  });

  it('explains a conflict on stderr with exit 1', async () => {
    const result = await machNix('resolve', 'flask<1', '--python', '3.11', '--platform', 'x86_64-linux', '--deps-db', corpus, ...wheelsOnly);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^error: the requirements cannot be resolved:\nBecause you require flask<1 \(no candidate of flask matches it; flask has 3\.1\.3\)/);
  });

  it('refuses wrong usage with exit 2', async () => {
    assert.equal((await machNix('resolve', 'flask', '--platform', 'x86_64-linux', '--deps-db', corpus)).code, 2);
    assert.equal((await machNix('resolve', 'flask', '--python', '3.11', '--platform', 'riscv-linux', '--deps-db', corpus)).code, 2);
    assert.equal((await machNix('resolve', 'flask', '--python', '3.11', '--platform', 'x86_64-linux', '--deps-db', corpus, '--providers', '{x')).code, 2);
  });

  it('answers a Nix resolve request, also when it has no resolution', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-request-'));
    const request: ResolveRequest = {
      requirements: 'flask\nrequests\n', python: '3.11.9', platform: 'x86_64-linux', glibc: '2.40', macos: null,
      providers: { _default: 'wheel' }, providerDefaults: {}, condaChannels: [], cudaVersion: null, dataTimestamp: null,
    };
    writeFileSync(join(dir, 'request.json'), JSON.stringify(request));
    const ok = await machNix('resolve', '--request', join(dir, 'request.json'), '--deps-db', corpus, '--out', join(dir, 'out.json'));
    assert.equal(ok.code, 0, ok.stderr);
    const resolution = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Resolution;
    assert.equal(resolution.inputHash, requestHash(request));
    assert.equal(Object.keys(resolution.packages).length, 12);

    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...request, requirements: 'flask==0.1\n' }));
    const failed = await machNix('resolve', '--request', join(dir, 'bad.json'), '--deps-db', corpus);
    assert.equal(failed.code, 0);
    const failure = JSON.parse(failed.stdout) as ResolutionFailure;
    assert.equal(failure.error.kind, 'unsatisfiable');
    assert.match(failure.error.message, /flask has 3\.1\.3/);

    writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ ...request, python: 3.11 }));
    const invalid = await machNix('resolve', '--request', join(dir, 'invalid.json'), '--deps-db', corpus);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /invalid\.json: not a valid resolve request: python must be string/);
  });

  it('writes the lock mkPython reads, for the request mkPython makes from the same arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-lock-'));
    writeFileSync(join(dir, 'requirements.txt'), 'flask\n');
    const out = join(dir, 'mach-nix.lock.json');
    const args = ['--python', '3.11.9', '--platform', 'x86_64-linux', '--deps-db', corpus, ...wheelsOnly];
    const result = await machNix('lock', '-r', join(dir, 'requirements.txt'), ...args, '-o', out);
    assert.equal(result.code, 0, result.stderr);
    const lock = JSON.parse(readFileSync(out, 'utf8')) as Resolution;
    const request: ResolveRequest = {
      requirements: 'flask\n', python: '3.11.9', platform: 'x86_64-linux', glibc: '2.42', macos: null,
      providers: { _default: 'wheel' }, providerDefaults: {}, condaChannels: [], cudaVersion: null, dataTimestamp: null,
    };
    assert.equal(lock.inputHash, requestHash(request));
    assert.match(result.stdout, /^wrote .*mach-nix\.lock\.json: 7 packages, input hash sha256:[0-9a-f]{64}\n$/);

    writeFileSync(join(dir, 'broken.txt'), 'flask<1\n');
    const failed = await machNix('lock', '-r', join(dir, 'broken.txt'), ...args, '-o', join(dir, 'none.json'));
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^error: the requirements cannot be resolved:\nBecause you require flask<1/);
    assert.throws(() => readFileSync(join(dir, 'none.json')), 'no lock is written for an unsatisfiable request');
  });
});
