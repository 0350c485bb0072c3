/**
 * What a lock must be to be built from (src/lock/integrity.ts, src/lock/local-files.ts), through
 * the commands that write and read locks: local files pinned by their sha256, unpinned entries
 * said plainly, weak and malformed hashes and control characters refused naming package and lock,
 * NUL refused in requests.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import { documentText } from '../../src/lock/document.js';
import { hashProblem } from '../../src/lock/integrity.js';
import { makeRequest } from '../../src/lock/request.js';
import { conformanceDir } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

const corpus = join(conformanceDir, 'resolver/localpypi-2026');
const target = ['--python', '3.11.9', '--platform', 'x86_64-linux', '--deps-db', corpus, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}'];

const machNix = (cwd: string, ...argv: string[]) => runCli(argv, { cwd });

const lockOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Resolution;
const sri = (bytes: Buffer | string) => `sha256-${createHash('sha256').update(bytes).digest('base64')}`;

/** A folder with a lock of `flask` and a local wheel file. */
async function lockedFolder(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mach-nix-integrity-'));
  assert.equal((await machNix(dir, 'lock', 'flask', ...target)).code, 0);
  return dir;
}

describe('lock integrity', () => {
  it('records the sha256 of a `name @ file:///…` file without a hash, and refuses an unreadable one writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-integrity-'));
    const wheel = join(dir, 'private-1.0-py3-none-any.whl');
    writeFileSync(wheel, 'the bytes of a private wheel');
    const result = await machNix(dir, 'lock', `private @ file://${wheel}`, ...target);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'a pinned local file needs no warning');
    const source = lockOf(join(dir, 'mach-nix.lock.json')).packages.private!.source;
    assert.deepEqual(source, { type: 'url', url: `file://${wheel}`, hash: sri('the bytes of a private wheel') });

    const missing = await machNix(dir, 'lock', `gone @ file://${dir}/gone-1.0-py3-none-any.whl`, ...target, '-o', 'gone.json');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`^error: gone @ file://${dir}/gone-1\\.0-py3-none-any\\.whl: cannot read the file to record its hash in gone\\.json \\(ENOENT.*\\); nothing was written\\n$`));
    assert.equal(existsSync(join(dir, 'gone.json')), false);
  });

  it('warns plainly when it writes an entry it cannot pin (a URL without a hash), naming the lock, the package and how to allow it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-integrity-'));
    const result = await machNix(dir, 'lock', 'remote @ https://example.org/remote-1.0-py3-none-any.whl', ...target);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((lockOf(join(dir, 'mach-nix.lock.json')).packages.remote!.source as { hash: string | null }).hash, null);
    assert.match(result.stderr, /^warning: mach-nix\.lock\.json: remote is not pinned: it comes from https:\/\/example\.org\/remote-1\.0-py3-none-any\.whl without a hash/);
    assert.match(result.stderr, /--hash=sha256:… or #sha256=…/);
    assert.match(result.stderr, /mkPython \{ allowUnpinned = \[ "remote" \]; … \}/);
  });

  for (const [kind, hash, problem] of [
    ['md5', 'md5-XUFAKrxLKna5cZ2REBfFkg==', /the hash "md5-XUFAKrxLKna5cZ2REBfFkg==" is an md5 hash, too weak to pin a file/],
    ['sha1', 'sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00=', /the hash "sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00=" is a sha1 hash, too weak to pin a file/],
    ['sha384', `sha384-${Buffer.alloc(48).toString('base64')}`, /is a sha384 hash: mach-nix pins files by sha256 or sha512/],
    ['malformed', 'sha256-abc', /the hash "sha256-abc" is not an SRI hash/],
    ['hex', `sha256:${'0'.repeat(64)}`, /is not an SRI hash/],
  ] as const) {
    it(`refuses a lock with a ${kind} hash when reading it (lock --check, why), naming the package and the lock`, async () => {
      const dir = await lockedFolder();
      const lock = lockOf(join(dir, 'mach-nix.lock.json'));
      const source = lock.packages.flask!.source;
      assert.ok(source.type === 'wheel');
      source.hash = hash;
      writeFileSync(join(dir, 'edited.lock.json'), JSON.stringify(lock, null, 2));
      for (const argv of [['lock', 'flask', ...target, '-o', 'edited.lock.json', '--check'], ['why', 'flask', '--lock', 'edited.lock.json']]) {
        const result = await machNix(dir, ...argv);
        assert.equal(result.code, 1, `${argv[0]}: ${result.stderr}`);
        assert.match(result.stderr, /^error: edited\.lock\.json: package flask: /, argv[0]);
        assert.match(result.stderr, problem, argv[0]);
        assert.match(result.stderr, /write it again with mach-nix lock\n$/, argv[0]);
      }
    });
  }

  it('accepts sha256 and sha512 SRI hashes only', () => {
    assert.equal(hashProblem(sri('x')), null);
    assert.equal(hashProblem(`sha512-${createHash('sha512').update('x').digest('base64')}`), null);
    assert.notEqual(hashProblem(`${sri('x')}\n`), null);
    assert.notEqual(hashProblem(`SHA256-${sri('x').slice(7)}`), null);
  });

  it('refuses control characters in names, URLs and hashes, both when writing a lock and when reading one', async () => {
    const dir = await lockedFolder();
    const lock = lockOf(join(dir, 'mach-nix.lock.json'));
    const source = lock.packages.flask!.source;
    assert.ok(source.type === 'wheel' && source.url !== null);
    for (const bad of ['\u0000', '\u0001', '\n', '\u007f']) {
      const edited = structuredClone(lock);
      (edited.packages.flask!.source as { url: string }).url = `${source.url}${bad}.evil`;
      assert.throws(() => documentText(edited, 'out.json'), (error: Error) =>
        error.message.startsWith('refusing to write out.json: package flask: url "') && /holds a control character.*nothing was written$/.test(error.message));
      writeFileSync(join(dir, 'edited.lock.json'), JSON.stringify(edited));
      const read = await machNix(dir, 'why', 'flask', '--lock', 'edited.lock.json');
      assert.equal(read.code, 1);
      assert.match(read.stderr, /^error: edited\.lock\.json: package flask: url ".*" holds a control character/);
    }
    const renamed = structuredClone(lock);
    renamed.packages.flask!.dependencies = ['click\u0000'];
    assert.throws(() => documentText(renamed), /package flask: a name in dependencies "click\\u0000" holds a control character/);
  });

  it('refuses a NUL character in a request (Nix strings cannot hold one); other control characters are kept', () => {
    const parts = {
      requirements: 'flask\n', python: '3.11.9', platform: 'x86_64-linux' as const, glibc: '2.42', macos: null, providers: {},
      providerDefaults: null, condaChannels: [], cudaVersion: null, dataTimestamp: null,
    };
    assert.throws(() => makeRequest({ ...parts, requirements: 'flask\u0000evil\n' }), /^UsageError: there is a NUL character \(U\+0000\) in the requirements, which Nix strings cannot hold/);
    assert.throws(() => makeRequest({ ...parts, providers: { 'a\u0000': 'wheel' } }), /in providers/);
    assert.equal(makeRequest({ ...parts, requirements: 'flask\b\f\u0001\n' }).requirements, 'flask\b\f\u0001\n');
  });
});
