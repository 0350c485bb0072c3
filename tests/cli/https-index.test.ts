/**
 * `mach-nix lock` against an HTTPS index whose certificate comes from a throw-away CA, through
 * every launcher users run: the checkout's bin/mach-nix (the bundle, and the sources through tsx),
 * the package's `bin` (reached through a symlink, as npm links it) and a direct
 * `node dist/mach-nix.cjs`. The launchers start node without NODE_EXTRA_CA_CERTS and hand it to the
 * index client (src/index/extra-ca-certs.ts): trusted with the CA, one TLS error without it or
 * with another CA, and child processes see the variable as the user set it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoDir } from '../helpers/paths.js';
import { makeTestCa } from '../helpers/test-ca.js';
import { MIRROR } from '../index/servers/fixture-index.js';
import { Nginx } from '../index/servers/nginx.js';

const work = mkdtempSync(join(tmpdir(), 'mach-nix-https-index-'));
let nginx: Nginx;
let trusted: string;
let otherCa: string;
let index: string;
const requirements = join(work, 'requirements.txt');

/** Launchers users run, by what the test calls them. */
const launchers: Record<string, string[]> = {
  'bin/mach-nix (the bundle)': [join(repoDir, 'bin/mach-nix')],
  // npm puts a symlink to the package's `bin` into a bin folder.
  'the package\'s bin through a symlink': [join(work, 'npm-bin', 'mach-nix')],
  // A checkout without dist/: bin/mach-nix runs the sources through tsx.
  'bin/mach-nix (the sources through tsx)': [join(work, 'checkout', 'bin', 'mach-nix')],
};

before(async () => {
  const good = makeTestCa(work, 'good');
  trusted = good.caCertificate;
  otherCa = makeTestCa(work, 'other').caCertificate;
  nginx = await Nginx.start([{ prefix: '/pypi/', root: MIRROR }], good.server);
  index = `${nginx.origin}/pypi/simple/`;
  writeFileSync(requirements, 'six\n');
  mkdirSync(join(work, 'npm-bin'));
  symlinkSync(join(repoDir, 'dist/mach-nix'), join(work, 'npm-bin', 'mach-nix'));
  const checkout = join(work, 'checkout');
  mkdirSync(join(checkout, 'bin'), { recursive: true });
  writeFileSync(join(checkout, 'bin', 'mach-nix'), readFileSync(join(repoDir, 'bin/mach-nix')));
  chmodSync(join(checkout, 'bin', 'mach-nix'), 0o755);
  for (const entry of ['src', 'node_modules', 'package.json']) symlinkSync(join(repoDir, entry), join(checkout, entry));
});
after(async () => {
  await nginx.stop();
  rmSync(work, { recursive: true, force: true });
});

const TARGET = ['--python', '3.11.2', '--platform', 'x86_64-linux', '--glibc', '2.36'];

/** This machine's environment without pip's settings, NODE_EXTRA_CA_CERTS and the hand-over variable, plus `extra`. */
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(PIP|UV)_|^NODE_EXTRA_CA_CERTS$|^MACH_NIX_/.test(name)));
  return { ...env, PIP_CONFIG_FILE: '/dev/null', NETRC: join(work, 'no-netrc'), MACH_NIX_CACHE_DIR: mkdtempSync(join(work, 'cache-')), ...extra };
}

function lock(launcher: readonly string[], extra: Record<string, string>) {
  const output = join(mkdtempSync(join(work, 'out-')), 'lock.json');
  const [program, ...args] = launcher;
  const run = spawnSync(program!, [...args, 'lock', '-r', requirements, ...TARGET, '--index-url', index, '-o', output], { encoding: 'utf8', env: environment(extra) });
  return { ...run, output };
}

/** The one line a failing lock prints: the request, that the certificate is not trusted, and what is trusted. */
function assertUntrusted(run: ReturnType<typeof lock>): void {
  assert.equal(run.status, 1, run.stderr);
  assert.equal(run.stderr, `error: ${index}six/: TLS: the server's certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate); mach-nix trusts Node's bundled root certificates and those of the file NODE_EXTRA_CA_CERTS names\n`);
}

describe('an HTTPS index with a certificate from a CA of its own', () => {
  for (const [name, launcher] of Object.entries(launchers)) {
    test(`${name}: trusted with NODE_EXTRA_CA_CERTS naming the CA, one TLS error without it or with another CA`, () => {
      const locked = lock(launcher, { NODE_EXTRA_CA_CERTS: trusted });
      assert.equal(locked.status, 0, locked.stderr);
      const lockFile = JSON.parse(readFileSync(locked.output, 'utf8')) as { packages: Record<string, { version: string }> };
      assert.equal(lockFile.packages.six!.version, '1.17.0');
      assertUntrusted(lock(launcher, {}));
      assertUntrusted(lock(launcher, { NODE_EXTRA_CA_CERTS: otherCa }));
      // Node loads nothing for an empty value, and warns of nothing.
      assertUntrusted(lock(launcher, { NODE_EXTRA_CA_CERTS: '' }));
    });
  }

  test('node dist/mach-nix.cjs, started with NODE_EXTRA_CA_CERTS, trusts what node loaded', () => {
    const locked = lock([process.execPath, join(repoDir, 'dist/mach-nix.cjs')], { NODE_EXTRA_CA_CERTS: trusted });
    assert.equal(locked.status, 0, locked.stderr);
    assertUntrusted(lock([process.execPath, join(repoDir, 'dist/mach-nix.cjs')], {}));
  });

  test('a CA file with a broken block after the CA: node\'s warning once, the CA before it trusted', () => {
    const file = join(work, 'broken-after.pem');
    writeFileSync(file, `${readFileSync(trusted, 'utf8')}-----BEGIN CERTIFICATE-----\nnot base64\n`);
    const locked = lock(launchers['the package\'s bin through a symlink']!, { NODE_EXTRA_CA_CERTS: file });
    assert.equal(locked.status, 0, locked.stderr);
    assert.equal(locked.stderr, `Warning: Ignoring extra certs from \`${file}\`, load failed: bad end line\n`);
    // As node itself does with the file.
    const direct = lock([process.execPath, join(repoDir, 'dist/mach-nix.cjs')], { NODE_EXTRA_CA_CERTS: file });
    assert.equal(direct.status, 0, direct.stderr);
    assert.match(direct.stderr, /^Warning: Ignoring extra certs from `.*`, load failed: .*bad end line\n$/);
  });

  test('a CA file whose first certificate is broken inside its DER: the CA after it not trusted, as by node', () => {
    const pem = readFileSync(trusted, 'utf8');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    // The tag of the TBSCertificate, inside the outer SEQUENCE: OpenSSL's parse fails there.
    der[der[1]! < 0x80 ? 2 : 2 + (der[1]! & 0x7f)] = 0x31;
    const file = join(work, 'broken-inside.pem');
    writeFileSync(file, `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n${pem}`);
    // (Node warns here too; this reading does not look inside the DER: src/index/extra-ca-certs.ts.)
    const ours = lock(launchers['the package\'s bin through a symlink']!, { NODE_EXTRA_CA_CERTS: file });
    assert.equal(ours.status, 1);
    assert.match(ours.stderr, /^(Warning: .*\n)?error: .*TLS: the server's certificate is not trusted[^\n]*\n$/);
    const direct = lock([process.execPath, join(repoDir, 'dist/mach-nix.cjs')], { NODE_EXTRA_CA_CERTS: file });
    assert.equal(direct.status, 1);
    assert.match(direct.stderr, /^Warning: Ignoring extra certs from .*\nerror: .*TLS: the server's certificate is not trusted/);
  });

  test('a CA file that cannot be read: node\'s warning once, then the TLS error', () => {
    const missing = join(work, 'no-such-ca.pem');
    const run = lock(launchers['the package\'s bin through a symlink']!, { NODE_EXTRA_CA_CERTS: missing });
    assert.equal(run.status, 1);
    const [warning, error, rest] = run.stderr.split('\n');
    assert.equal(warning, `Warning: Ignoring extra certs from \`${missing}\`, load failed: ENOENT: no such file or directory, open '${missing}'`);
    assert.match(error!, /^error: .*TLS: the server's certificate is not trusted/);
    assert.equal(rest, '');
  });
});

describe('the launchers', () => {
  /** A preload that prints the two variables as node saw them at start, before the CLI's first line. */
  const preload = join(work, 'start-environment.cjs');
  before(() => writeFileSync(preload, `require('node:fs').writeSync(2, JSON.stringify([process.env.NODE_EXTRA_CA_CERTS, process.env.MACH_NIX_DEFERRED_EXTRA_CA_CERTS]) + '\\n');\n`));

  for (const [name, launcher] of Object.entries(launchers)) {
    test(`${name} starts node without NODE_EXTRA_CA_CERTS, handing it over as it was set`, () => {
      const seen = (extra: Record<string, string>) => {
        const run = spawnSync(launcher[0]!, ['--version'], { encoding: 'utf8', env: environment({ NODE_OPTIONS: `--require ${preload}`, ...extra }) });
        assert.equal(run.status, 0, run.stderr);
        return JSON.parse(run.stderr.split('\n')[0]!) as [string | null, string | null];
      };
      assert.deepEqual(seen({ NODE_EXTRA_CA_CERTS: trusted }), [null, trusted]);
      assert.deepEqual(seen({ NODE_EXTRA_CA_CERTS: '' }), [null, '']);
      assert.deepEqual(seen({}), [null, null]);
      // A hand-over variable the user left in the environment is not a hand-over.
      assert.deepEqual(seen({ MACH_NIX_DEFERRED_EXTRA_CA_CERTS: trusted }), [null, null]);
    });
  }

  test('child processes (git, nix) see NODE_EXTRA_CA_CERTS as the user set it, and no hand-over variable', () => {
    // `mach-nix env` asks git which mach-nix this is (src/nix/pins.ts); this git records its environment.
    const fakeBin = join(work, 'fake-bin');
    mkdirSync(fakeBin, { recursive: true });
    const record = join(work, 'git-environment.json');
    writeFileSync(join(fakeBin, 'git'), `#!/bin/sh\nexec ${process.execPath} -e 'require("node:fs").writeFileSync(${JSON.stringify(record)}, JSON.stringify([process.env.NODE_EXTRA_CA_CERTS ?? null, process.env.MACH_NIX_DEFERRED_EXTRA_CA_CERTS ?? null]))'\n`);
    chmodSync(join(fakeBin, 'git'), 0o755);
    for (const [name, launcher] of Object.entries(launchers)) {
      for (const value of [trusted, '', null]) {
        rmSync(record, { force: true });
        const env = environment({ PATH: `${fakeBin}:${process.env.PATH}`, ...(value === null ? {} : { NODE_EXTRA_CA_CERTS: value }) });
        const run = spawnSync(launcher[0]!, ['env', join(mkdtempSync(join(work, 'env-')), 'dir'), '-r', requirements], { encoding: 'utf8', env });
        assert.notEqual(run.status, 0, `${name}: the fake git tells no commit`);
        assert.deepEqual(JSON.parse(readFileSync(record, 'utf8')), [value, null], `${name}, NODE_EXTRA_CA_CERTS ${JSON.stringify(value)}`);
      }
    }
  });
});
