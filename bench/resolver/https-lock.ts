/**
 * An HTTPS `mach-nix lock` with NODE_EXTRA_CA_CERTS set, timed for several builds of the command
 * side by side (bench/alternate.ts): nginx on loopback serves the machine's PyPI mirror with a
 * certificate from a throw-away CA (tests/helpers/test-ca.ts), and NODE_EXTRA_CA_CERTS names
 * Debian's ca-certificates.crt plus that CA, as on a machine whose administrator added a CA.
 * Each command locks Flask and requests (24 requests) with `--refresh` (its own warm cache,
 * revalidated), so that every run makes its requests.
 *
 *   node --import tsx bench/resolver/https-lock.ts [--runs 21] -- LAUNCHER… -- LAUNCHER… …
 *
 * A launcher is the words that start mach-nix (e.g. `dist/mach-nix`, `node dist/mach-nix.cjs`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCa } from '../../tests/helpers/test-ca.js';
import { MIRROR } from '../../tests/index/servers/fixture-index.js';
import { Nginx } from '../../tests/index/servers/nginx.js';

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
if (split < 0) throw new Error('usage: https-lock.ts [--runs N] -- LAUNCHER… -- LAUNCHER…');
const options = argv.slice(0, split);
const launchers: string[][] = [];
for (const word of argv.slice(split)) {
  if (word === '--') launchers.push([]);
  else launchers[launchers.length - 1]!.push(word);
}

const work = mkdtempSync(join(tmpdir(), 'mach-nix-https-lock-'));
const ca = makeTestCa(work, 'bench');
const bundle = join(work, 'ca-bundle.pem');
writeFileSync(bundle, readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8') + readFileSync(ca.caCertificate, 'utf8'));
const requirements = join(work, 'requirements.txt');
writeFileSync(requirements, 'flask\nrequests\n');
const nginx = await Nginx.start([{ prefix: '/pypi/', root: MIRROR }], ca.server);
try {
  const commands = launchers.map((launcher, i) => [
    '--', 'env', `NODE_EXTRA_CA_CERTS=${bundle}`, `MACH_NIX_CACHE_DIR=${join(work, `cache-${i}`)}`, 'PIP_CONFIG_FILE=/dev/null',
    ...launcher, 'lock', '-r', requirements, '--python', '3.11.2', '--platform', 'x86_64-linux', '--glibc', '2.36',
    '-i', `${nginx.origin}/pypi/simple/`, '--refresh', '-o', join(work, `lock-${i}.json`),
  ]);
  execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../alternate.ts'), ...options, ...commands.flat()], { stdio: 'inherit' });
} finally {
  await nginx.stop();
  rmSync(work, { recursive: true, force: true });
}
