/**
 * Input files that are not UTF-8 text, for every command and kind of file the CLI reads: one
 * message naming the file, the line and the byte, exit 1, nothing written — never a text
 * silently decoded with U+FFFD (which made `mach-nix lock` hash other bytes than mkPython does).
 * A data file too (a damaged bucket), as a data error.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bucketOf } from '../../src/db/buckets.js';
import { projectTree } from '../helpers/data-tree.js';
import { conformanceDir } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

const corpus = join(conformanceDir, 'resolver/localpypi-2026');
const target = ['--python', '3.11.9', '--platform', 'x86_64-linux', '--deps-db', corpus, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}'];
const pin = ['--mach-nix', 'path:/nonexistent/mach-nix'];

/** The kinds of bytes a strict decoder refuses, each with the byte the message shows. */
const BAD: readonly (readonly [string, number[], string])[] = [
  ['a lone continuation byte', [0x80], '0x80'],
  ['a sequence cut short', [0xe2, 0x82], '0xe2'],
  ['an overlong encoding', [0xc0, 0xaf], '0xc0'],
  ['a surrogate code point', [0xed, 0xa0, 0x80], '0xed'],
  ['0xff', [0xff], '0xff'],
];

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));
const message = (file: string, line: number, byte: number, value: string) =>
  `error: ${file}:${line}: not UTF-8 text: byte ${byte} of the line (${value}) starts no UTF-8 character; save it as UTF-8\n`;

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'mach-nix-not-utf8-'));
}

describe('input files that are not UTF-8', () => {
  it('a requirements.txt: lock, resolve, requirements, env and gen refuse it, even in a comment, and write nothing', async () => {
    for (const [kind, bad, value] of BAD) {
      const dir = folder();
      const file = join(dir, 'requirements.txt');
      // in a comment, where the parser would never have complained about U+FFFD
      writeFileSync(file, bytes('flask\nsix  # caf', bad, '\n'));
      for (const argv of [
        ['lock', '-r', file, ...target, '-o', join(dir, 'out.lock.json')],
        ['resolve', '-r', file, ...target],
        ['requirements', '-r', file],
        ['env', join(dir, 'env'), '-r', file, ...pin],
        ['gen', '-r', file, ...pin, '-o', join(dir, 'gen.nix')],
      ]) {
        const result = await runCli(argv);
        assert.deepEqual([result.code, result.stderr], [1, message(file, 2, 11, value)], `${argv[0]}: ${kind}`);
      }
      assert.ok(!existsSync(join(dir, 'out.lock.json')) && !existsSync(join(dir, 'env')) && !existsSync(join(dir, 'gen.nix')), kind);
    }
  });

  it('a file a requirements.txt includes with -r is named, with its own line', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'base.txt'), bytes('six\nidna', [0xff], '\n'));
    writeFileSync(join(dir, 'requirements.txt'), '-r base.txt\nflask\n');
    const result = await runCli(['requirements', '-r', join(dir, 'requirements.txt')]);
    assert.deepEqual([result.code, result.stderr], [1, message(join(dir, 'base.txt'), 2, 5, '0xff')]);
  });

  it('a pyproject.toml and an environment.yml given to lock', async () => {
    for (const [kind, bad, value] of BAD) {
      const dir = folder();
      const pyproject = join(dir, 'pyproject.toml');
      writeFileSync(pyproject, bytes('[project]\nname = "app"\nversion = "1"\ndependencies = ["flask"]  # ', bad, '\n'));
      const environment = join(dir, 'environment.yml');
      writeFileSync(environment, bytes('name: web\nchannels: []\ndependencies:\n  - pip:\n    - flask  # ', bad, '\n'));
      for (const [file, line, byte] of [[pyproject, 4, 29], [environment, 5, 16]] as const) {
        const result = await runCli(['lock', '-r', file, ...target, '-o', join(dir, 'out.lock.json')]);
        assert.deepEqual([result.code, result.stderr], [1, message(file, line, byte, value)], `${file}: ${kind}`);
      }
      assert.ok(!existsSync(join(dir, 'out.lock.json')));
    }
  });

  it('a lock file (graph, why, lock --check) and a resolve request (resolve --request)', async () => {
    const dir = folder();
    const good = join(dir, 'requirements.txt');
    writeFileSync(good, 'six\n');
    const made = await runCli(['lock', '-r', good, ...target, '-o', join(dir, 'good.lock.json')]);
    assert.equal(made.code, 0, made.stderr);
    const text = readFileSync(join(dir, 'good.lock.json'), 'utf8');
    const at = text.indexOf('"version": "') + '"version": "'.length;
    const damaged = join(dir, 'mach-nix.lock.json');
    writeFileSync(damaged, bytes(text.slice(0, at), [0xff], text.slice(at)));
    const before = text.slice(0, at).split('\n');
    for (const argv of [['graph', '--lock', damaged], ['why', 'six', '--lock', dir], ['lock', '-r', good, ...target, '-o', damaged, '--check']]) {
      const result = await runCli(argv);
      assert.deepEqual([result.code, result.stderr], [1, message(damaged, before.length, before.at(-1)!.length + 1, '0xff')], argv[0]);
    }
    mkdirSync(join(dir, 'ifd'));
    const request = join(dir, 'ifd', 'request.json');
    writeFileSync(request, bytes('{"requirements": "six  # ', [0xc0, 0xaf], '", "python": "3.11.9"}'));
    const resolved = await runCli(['resolve', '--request', request, '--deps-db', corpus, '--out', join(dir, 'ifd', 'out.json')]);
    assert.deepEqual([resolved.code, resolved.stderr], [1, message(request, 1, 26, '0xc0')]);
    assert.ok(!existsSync(join(dir, 'ifd', 'out.json')));
  });

  it('a bucket file of the data: resolve and db build refuse it as damaged data, exit 1, no index written', async () => {
    const tree = projectTree({ six: { wheels: { '1.0': { requires: ['idna'] } } }, idna: { wheels: { '3.0': {} } } });
    const bucket = join(tree, 'deps', 'wheel', `${bucketOf('six')}.json`);
    const text = readFileSync(bucket, 'utf8');
    const at = text.indexOf('idna');
    writeFileSync(bucket, bytes(text.slice(0, at), [0xc3], text.slice(at)));
    const before = text.slice(0, at).split('\n');
    const words = `error: ${bucket}:${before.length}: not UTF-8 text: byte ${before.at(-1)!.length + 1} of the line (0xc3) starts no UTF-8 character: the data file is damaged\n`;
    const resolved = await runCli(['resolve', 'six', '--python', '3.11', '--platform', 'x86_64-linux', '--deps-db', tree, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}']);
    assert.deepEqual([resolved.code, resolved.stderr], [1, words]);
    const index = join(folder(), 'index.sqlite');
    const built = await runCli(['db', 'build', '--deps', join(tree, 'deps'), '--out', index]);
    assert.deepEqual([built.code, built.stderr], [1, words]);
    assert.ok(!existsSync(index));
  });

  it('a byte order mark and every well-formed character are text, kept as they are', async () => {
    const dir = folder();
    const file = join(dir, 'requirements.txt');
    writeFileSync(file, bytes([0xef, 0xbb, 0xbf], 'six  # \u0080\u07ff\u0800\ud7ff\ue000\uffff\u{10000}\u{10ffff}\n'));
    const result = await runCli(['lock', '-r', file, ...target, '-o', join(dir, 'out.lock.json')]);
    assert.equal(result.code, 0, result.stderr);
    const lock = JSON.parse(readFileSync(join(dir, 'out.lock.json'), 'utf8')) as { request: { requirements: string } };
    assert.equal(lock.request.requirements, readFileSync(file, 'utf8'));
  });
});
