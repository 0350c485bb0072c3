/**
 * src/index/extra-ca-certs.ts: the certificates of a NODE_EXTRA_CA_CERTS file read as node reads
 * them — for every sample file, ours warns exactly when node itself (started with the file) does —
 * and the hand-over taken back into the environment.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { HANDOVER_VARIABLE, extraCertificates, takeHandedOverCaCerts } from '../../src/index/extra-ca-certs.js';
import { makeTestCa } from '../helpers/test-ca.js';

const work = mkdtempSync(join(tmpdir(), 'mach-nix-extra-ca-certs-'));
after(() => rmSync(work, { recursive: true, force: true }));
const first = readFileSync(makeTestCa(work, 'first').caCertificate, 'utf8');
const second = readFileSync(makeTestCa(work, 'second').caCertificate, 'utf8');
const key = readFileSync(join(work, 'first-ca-key.pem'), 'utf8');
/** The first CA as an OpenSSL "TRUSTED CERTIFICATE", which node's reading skips (it connects to no server of that CA). */
const trustedForm = spawnSync('openssl', ['x509', '-in', join(work, 'first-ca.pem'), '-addtrust', 'serverAuth', '-trustout'], { encoding: 'utf8' }).stdout;
const subject = (pem: string) => new X509Certificate(pem).subject;

/** Whether node, started with NODE_EXTRA_CA_CERTS=file, warns that it ignores (some of) it. */
function nodeWarns(file: string): boolean {
  const run = spawnSync(process.execPath, ['-e', '0'], { encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: file } });
  return /Ignoring extra certs from/.test(run.stderr);
}

/** Sample file contents → the subjects of the certificates node trusts from them. */
const samples: Record<string, { text: string; subjects: string[] }> = {
  'an empty file': { text: '', subjects: [] },
  'text without a PEM block': { text: 'not a certificate\n', subjects: [] },
  'one certificate': { text: first, subjects: [subject(first)] },
  'two certificates': { text: first + second, subjects: [subject(first), subject(second)] },
  'text around a certificate': { text: `a bundle\n${first}trailing text\n`, subjects: [subject(first)] },
  'CRLF line ends': { text: first.replace(/\n/g, '\r\n'), subjects: [subject(first)] },
  'blanks after the base64 lines': { text: first.replace(/([A-Za-z0-9+/=])\n/g, '$1  \n'), subjects: [subject(first)] },
  'a private key between two certificates (skipped)': { text: first + key + second, subjects: [subject(first), subject(second)] },
  'a TRUSTED CERTIFICATE block (skipped)': { text: trustedForm + second, subjects: [subject(second)] },
  'a block without its end after a certificate': { text: `${first}-----BEGIN CERTIFICATE-----\nMIIB\n`, subjects: [subject(first)] },
  'a block ending with another type': { text: `-----BEGIN CERTIFICATE-----\nMIIB\n-----END PRIVATE KEY-----\n${first}`, subjects: [] },
  'a certificate block that is not base64': { text: `-----BEGIN CERTIFICATE-----\n#### not base64 ####\n-----END CERTIFICATE-----\n${first}`, subjects: [] },
  'a certificate block that is not a certificate': { text: `${second}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n${first}`, subjects: [subject(second)] },
};

describe('the certificates of a NODE_EXTRA_CA_CERTS file', () => {
  for (const [name, sample] of Object.entries(samples)) {
    test(`${name}: node's certificates, and node's warning exactly when node warns`, () => {
      const file = join(work, `${name.replace(/\W+/g, '-')}.pem`);
      writeFileSync(file, sample.text);
      const warnings: string[] = [];
      const certificates = extraCertificates(file, (message) => warnings.push(message));
      assert.deepEqual(certificates.map(subject), sample.subjects);
      assert.equal(warnings.length, nodeWarns(file) ? 1 : 0, `warnings: ${JSON.stringify(warnings)}`);
      for (const warning of warnings) assert.match(warning, new RegExp(`^Warning: Ignoring extra certs from \`${file}\`, load failed: `));
    });
  }

  test('a file that does not exist: node\'s warning; a directory: none, as node', () => {
    const missing = join(work, 'missing.pem');
    const warnings: string[] = [];
    assert.deepEqual(extraCertificates(missing, (message) => warnings.push(message)), []);
    assert.deepEqual(warnings, [`Warning: Ignoring extra certs from \`${missing}\`, load failed: ENOENT: no such file or directory, open '${missing}'`]);
    assert.ok(nodeWarns(missing));
    const dir = join(work, 'a-directory');
    mkdirSync(dir);
    assert.deepEqual(extraCertificates(dir, (message) => warnings.push(message)), []);
    assert.equal(warnings.length, 1);
    assert.ok(!nodeWarns(dir));
  });
});

describe('the hand-over', () => {
  test('gives the environment NODE_EXTRA_CA_CERTS back as it was set, and drops the hand-over variable', () => {
    for (const value of ['/etc/ssl/certs/ca.pem', '']) {
      const env: NodeJS.ProcessEnv = { [HANDOVER_VARIABLE]: value, PATH: '/bin' };
      takeHandedOverCaCerts(env);
      assert.deepEqual(env, { NODE_EXTRA_CA_CERTS: value, PATH: '/bin' });
    }
    const untouched: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '/x.pem' };
    takeHandedOverCaCerts(untouched);
    assert.deepEqual(untouched, { NODE_EXTRA_CA_CERTS: '/x.pem' });
  });
});
