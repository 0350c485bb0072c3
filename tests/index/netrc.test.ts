import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataError } from '../../src/errors.js';
import { loadNetrc, parseNetrc } from '../../src/index/netrc.js';
import { assertError } from '../helpers/errors.js';

test('netrc: machines, default, comments, quoted tokens, macdef bodies skipped, last entry wins', () => {
  const netrc = parseNetrc(
    [
      '# credentials',
      'machine pypi.example.com login alice password "pa ss\\"word"',
      'macdef init',
      'cd /pub',
      'machine ignored',
      '',
      'machine Other.Example.com',
      '  login bob',
      '  account x',
      '  password one',
      'machine other.example.com login bob password two',
      'default login anon password guest',
    ].join('\n'),
    '/home/u/.netrc',
  );
  assert.deepEqual(netrc.credentialsFor('pypi.example.com'), { username: 'alice', password: 'pa ss"word' });
  assert.deepEqual(netrc.credentialsFor('OTHER.example.com'), { username: 'bob', password: 'two' });
  assert.deepEqual(netrc.credentialsFor('ignored'), { username: 'anon', password: 'guest' });
  assert.equal(parseNetrc('machine a login b password c', 'f').credentialsFor('z'), null);
});

test('netrc: a malformed file is one error naming file and line', () => {
  assertError(() => parseNetrc('machine a\n  loggin b', '/n'), DataError, '/n:2', 'unknown netrc token "loggin"');
  assertError(() => parseNetrc('machine a login', '/n'), DataError, '/n:1', '"login" without a value');
  assertError(() => parseNetrc('hello', '/n'), DataError, 'expected "machine" or "default"');
});

test('netrc: $NETRC names the file, else ~/.netrc; a missing file is empty', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mach-nix-netrc-'));
  writeFileSync(join(dir, '.netrc'), 'machine h login home password p1\n');
  writeFileSync(join(dir, 'other'), 'machine h login env password p2\n');
  assert.equal(loadNetrc({}, dir).credentialsFor('h')?.username, 'home');
  assert.equal(loadNetrc({ NETRC: join(dir, 'other') }, dir).credentialsFor('h')?.username, 'env');
  assert.equal(loadNetrc({}, join(dir, 'nowhere')).credentialsFor('h'), null);
});
