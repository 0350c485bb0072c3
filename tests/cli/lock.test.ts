/** `mach-nix lock`: its inputs (files of every format, strings), `--check`, and the mistakes it reports when it writes. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import type { ResolveRequest } from '../../src/generated/resolve-request.js';
import { requestHash } from '../../src/lock/request.js';
import { conformanceDir } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

const corpus = join(conformanceDir, 'resolver/localpypi-2026');
const target = ['--python', '3.11.9', '--platform', 'x86_64-linux', '--deps-db', corpus, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}'];

const machNix = (cwd: string, ...argv: string[]) => runCli(argv, { cwd });

function lockOf(file: string): Resolution {
  return JSON.parse(readFileSync(file, 'utf8')) as Resolution;
}

const request = (requirements: string, changes: Partial<ResolveRequest> = {}): ResolveRequest => ({
  requirements, python: '3.11.9', platform: 'x86_64-linux', glibc: '2.42', macos: null,
  providers: { _default: 'wheel' }, providerDefaults: {}, condaChannels: [], cudaVersion: null, dataTimestamp: null, ...changes,
});

describe('mach-nix lock', () => {
  it('locks requirement strings as mkPython gets them, one per line, and records the request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-lock-'));
    const result = await machNix(dir, 'lock', 'flask', 'requests>=2', ...target);
    assert.equal(result.code, 0, result.stderr);
    const lock = lockOf(join(dir, 'mach-nix.lock.json'));
    assert.equal(lock.inputHash, requestHash(request('flask\nrequests>=2\n')));
    assert.deepEqual(lock.request, request('flask\nrequests>=2\n'));
    assert.match(result.stdout, /it answers mkPython \{ requirements = \(builtins\.fromJSON \(builtins\.readFile \.\/mach-nix\.lock\.json\)\)\.request\.requirements;/);
  });

  it('locks a pyproject.toml with the chosen extras and dependency groups, checking requires-python', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-lock-'));
    writeFileSync(join(dir, 'pyproject.toml'), [
      '[project]', 'name = "app"', 'version = "1"', 'requires-python = ">=3.10"', 'dependencies = ["flask"]',
      '[project.optional-dependencies]', 'http = ["requests"]', '[dependency-groups]', 'ci = ["idna"]', '',
    ].join('\n'));
    const result = await machNix(dir, 'lock', '-r', 'pyproject.toml', '--extra', 'http', '--group', 'ci', ...target);
    assert.equal(result.code, 0, result.stderr);
    const lock = lockOf(join(dir, 'mach-nix.lock.json'));
    assert.equal(lock.inputHash, requestHash(request('flask\nrequests\nidna\n')));
    assert.ok(lock.packages.requests && lock.packages.flask);
    const old = await machNix(dir, 'lock', '-r', 'pyproject.toml', ...target.map((a) => (a === '3.11.9' ? '3.9.1' : a)));
    assert.equal(old.code, 1);
    assert.match(old.stderr, /^error: pyproject\.toml \(project\.requires-python\): requires-python ">=3\.10" excludes the target Python 3\.9\.1/);
    const unknown = await machNix(dir, 'lock', '-r', 'pyproject.toml', '--extra', 'nope', ...target);
    assert.match(unknown.stderr, /extra "nope" not defined by any pyproject\.toml given/);
  });

  it('locks an environment.yml as its content, and only alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-lock-'));
    const yml = 'name: web\nchannels: []\ndependencies:\n  - pip:\n    - flask\n';
    writeFileSync(join(dir, 'environment.yml'), yml);
    const result = await machNix(dir, 'lock', '-r', 'environment.yml', ...target);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(lockOf(join(dir, 'mach-nix.lock.json')).inputHash, requestHash(request(yml)));
    assert.doesNotMatch(result.stdout, /it answers/, 'a file taken as it is needs no word on the text');
    const mixed = await machNix(dir, 'lock', '-r', 'environment.yml', 'requests', ...target);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /an environment\.yml is the whole of mkPython's requirements/);
  });

  it('--check: up to date, stale naming the part that differs, or a lock without its request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-lock-'));
    writeFileSync(join(dir, 'requirements.txt'), 'flask\nrequests\n');
    assert.equal((await machNix(dir, 'lock', '-r', 'requirements.txt', ...target)).code, 0);
    const fresh = await machNix(dir, 'lock', '-r', 'requirements.txt', ...target, '--check');
    assert.deepEqual([fresh.code, fresh.stdout], [0, 'mach-nix.lock.json is up to date\n']);

    writeFileSync(join(dir, 'requirements.txt'), 'flask\nrequests>2\n');
    const before = readFileSync(join(dir, 'mach-nix.lock.json'), 'utf8');
    const stale = await machNix(dir, 'lock', '-r', 'requirements.txt', ...target.map((a) => (a === '3.11.9' ? '3.11.10' : a)), '--check');
    assert.equal(stale.code, 1);
    assert.equal(stale.stderr, 'error: mach-nix.lock.json is stale: the Python version: "3.11.9" in the lock, "3.11.10" here; the requirements: line 2 is "requests" in the lock, "requests>2" here; run the same command without --check to rewrite it\n');
    assert.equal(readFileSync(join(dir, 'mach-nix.lock.json'), 'utf8'), before, '--check writes nothing');

    const old = lockOf(join(dir, 'mach-nix.lock.json'));
    delete old.request;
    writeFileSync(join(dir, 'old.lock.json'), JSON.stringify(old));
    const unrecorded = await machNix(dir, 'lock', '-r', 'requirements.txt', ...target, '-o', 'old.lock.json', '--check');
    assert.equal(unrecorded.code, 1);
    assert.match(unrecorded.stderr, /old\.lock\.json is stale: it answers another request \(it does not record which/);
    const absent = await machNix(dir, 'lock', '-r', 'requirements.txt', ...target, '-o', 'none.json', '--check');
    assert.match(absent.stderr, /none\.json does not exist/);
  });

  it("hashes --providers with mkPython's normalised keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-lock-'));
    const args = target.map((a) => (a === '{"_default": "wheel"}' ? '{"_default": "wheel", "Flask": "wheel", "MarkupSafe": ["wheel"]}' : a));
    assert.equal((await machNix(dir, 'lock', 'flask', ...args)).code, 0);
    assert.deepEqual(lockOf(join(dir, 'mach-nix.lock.json')).request, request('flask\n', { providers: { _default: 'wheel', flask: 'wheel', markupsafe: ['wheel'] } }));
    const twice = await machNix(dir, 'lock', 'flask', ...target.map((a) => (a === '{"_default": "wheel"}' ? '{"My_Pkg": "wheel", "my.pkg": "sdist"}' : a)));
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /providers names one package twice: My_Pkg, my\.pkg/);
  });

  it('refuses, when writing, a lock whose files have no URL or hash (data without file records)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-lock-'));
    const result = await machNix(dir, 'lock', 'flask', ...target.map((a) => (a === corpus ? join(corpus, 'deps') : a)));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: no URL or hash is known for the files of 7 packages \(blinker 1\.9\.0, click 8\.5\.0, .*give the nix-pypi-fetcher-2 folder with --files-db DIR.*Nothing was written\n$/);
    assert.equal(existsSync(join(dir, 'mach-nix.lock.json')), false);
  });

  it('points a local project of a requirements file to packagesExtra, resolved against the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-lock-'));
    mkdirSync(join(dir, 'reqs'));
    writeFileSync(join(dir, 'reqs/requirements.txt'), 'flask\n-e ./pkg\n');
    const result = await machNix(dir, 'lock', '-r', 'reqs/requirements.txt', ...target);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `error: reqs/requirements.txt:2: -e ./pkg is a local project (${join(dir, 'pkg')}), which mkPython's requirements cannot hold: remove the line and give the project to mkPython with packagesExtra = [ ./pkg ]; a lock of such an environment is its \`lock\` attribute (nix build <env>.lock), which resolves the project's requirements too\n`);
    writeFileSync(join(dir, 'reqs/requirements.txt'), 'flask\n-r other.txt\n');
    writeFileSync(join(dir, 'reqs/other.txt'), 'requests\n');
    const included = await machNix(dir, 'lock', '-r', 'reqs/requirements.txt', ...target);
    assert.equal(included.code, 1);
    assert.match(included.stderr, /^error: reqs\/other\.txt: is included with -r or -c, which mkPython's requirements text cannot do/);
  });
});
