/**
 * `mach-nix resolve --request R --nixpkgs-reach ATTRIBUTES`: what the Nix library must read of the
 * nixpkgs python set (src/lock/nixpkgs-reach.ts), on the real-PyPI corpus.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ResolveRequest } from '../../src/generated/resolve-request.js';
import { conformanceDir } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

const corpus = join(conformanceDir, 'resolver/localpypi-2026');
const dir = mkdtempSync(join(tmpdir(), 'mach-nix-reach-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base: ResolveRequest = {
  requirements: 'flask\n', python: '3.11.9', platform: 'x86_64-linux', glibc: '2.40', macos: null,
  providers: {}, providerDefaults: null, condaChannels: [], cudaVersion: null, dataTimestamp: null,
};
const attributes = ['Flask', 'flask', 'flask_2', 'flask-cors', 'click', 'jinja2', 'requests', 'setuptools', 'wheel', 'werkzeug-bin', 'idna'];

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

async function reach(request: ResolveRequest, extraRoots?: string[]) {
  const out = join(dir, 'reach.json');
  const argv = ['resolve', '--request', file('request.json', request), '--deps-db', corpus, '--nixpkgs-reach', file('attributes.json', attributes), '--out', out];
  if (extraRoots !== undefined) argv.push('--extra-roots', file('extra-roots.json', extraRoots));
  const result = await runCli(argv);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(readFileSync(out, 'utf8')) as { reached: string[]; names: string[]; attributes: string[] };
}

describe('mach-nix resolve --nixpkgs-reach', () => {
  it('names what the resolution reaches and the attributes of those from nixpkgs', async () => {
    const all = await reach(base);
    assert.deepEqual(all.reached, ['blinker', 'click', 'flask', 'itsdangerous', 'jinja2', 'markupsafe', 'werkzeug']);
    assert.deepEqual(all.names, all.reached, 'the built-in default has nixpkgs');
    assert.deepEqual(all.attributes, ['Flask', 'click', 'flask', 'flask_2', 'jinja2', 'werkzeug-bin']);
  });

  it('refuses an attribute-name list that is not UTF-8 as every file the Nix library writes is refused, writing nothing', async () => {
    const names = join(dir, 'damaged-attributes.json');
    writeFileSync(names, Buffer.concat([Buffer.from('["flask", "caf'), Buffer.from([0xe9]), Buffer.from('"]')]));
    const out = join(dir, 'damaged-reach.json');
    const result = await runCli(['resolve', '--request', file('request.json', base), '--deps-db', corpus, '--nixpkgs-reach', names, '--out', out]);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr, `error: ${names}:1: not UTF-8 text: byte 15 of the line (0xe9) starts no UTF-8 character; save it as UTF-8\n`);
    assert.ok(!existsSync(out));
  });

  it('follows the extras asked for and the providers of each name', async () => {
    const some = await reach({ ...base, requirements: 'flask[dotenv]\n', providers: { _default: 'wheel', Jinja2: 'wheel,nixpkgs' }, providerDefaults: {} });
    assert.ok(some.reached.includes('python-dotenv'), JSON.stringify(some.reached));
    assert.deepEqual(some.names, ['jinja2']);
    assert.deepEqual(some.attributes, ['jinja2']);
  });

  it('reaches from the extra roots too, their markers not evaluated', async () => {
    const more = await reach(base, ['requests; sys_platform == "win32"', '# a comment', 'not a requirement!']);
    for (const name of ['requests', 'idna', 'urllib3', 'certifi', 'charset-normalizer']) assert.ok(more.reached.includes(name), name);
    assert.ok(more.attributes.includes('requests') && more.attributes.includes('idna'));
  });

  it('walks the records of the conda channels the resolver gets, and starts from constraints too', async () => {
    const repodata = file('conda-forge.json', {
      info: { subdir: 'linux-64' },
      packages: {
        'flask-3.1.3-py_0.tar.bz2': { name: 'flask', version: '3.1.3', build: 'py_0', build_number: 0, depends: ['python >=3.9', 'condaonly >=1'], sha256: 'ab'.repeat(32) },
      },
    });
    const request = file('request.json', { ...base, providers: { _default: 'conda-forge,wheel' }, providerDefaults: {}, condaChannels: ['conda-forge'] });
    const out = join(dir, 'conda-reach.json');
    const result = await runCli(['resolve', '--request', request, '--deps-db', corpus, '--conda', `conda-forge=${repodata}`, '--nixpkgs-reach', file('attributes.json', attributes), '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const reached = (JSON.parse(readFileSync(out, 'utf8')) as { reached: string[] }).reached;
    assert.ok(reached.includes('condaonly') && !reached.includes('python'), JSON.stringify(reached));
    const constrained = await reach({ ...base, requirements: 'flask\n-c constraints.txt\n' });
    assert.deepEqual(constrained, { reached: [], names: [], attributes: [] }, 'a request has no files to read constraints from: refused');
  });

  it('reaches nothing for a request the resolver refuses, which then says why', async () => {
    assert.deepEqual(await reach({ ...base, requirements: 'flask[\n' }), { reached: [], names: [], attributes: [] });
  });

  it('refuses wrong usage and unreadable inputs', async () => {
    const request = file('request.json', base);
    assert.equal((await runCli(['resolve', '--deps-db', corpus, '--nixpkgs-reach', file('a.json', [])])).code, 2);
    assert.equal((await runCli(['resolve', '--request', request, '--deps-db', corpus, '--extra-roots', file('e.json', [])])).code, 2);
    const notList = await runCli(['resolve', '--request', request, '--deps-db', corpus, '--nixpkgs-reach', file('bad.json', { flask: 1 })]);
    assert.equal(notList.code, 1);
    assert.match(notList.stderr, /bad\.json: the attribute names of the python set must be a JSON list of strings/);
  });
});
