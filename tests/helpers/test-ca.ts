/**
 * Throw-away certificate authorities for HTTPS tests, made by openssl at test time in a
 * temporary folder: a CA and a server certificate it signs for 127.0.0.1, valid for two days.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  /** The CA's certificate (PEM): what a client must trust. */
  readonly caCertificate: string;
  /** The server's certificate and key (PEM files), signed by the CA, for IP 127.0.0.1. */
  readonly server: { readonly certificate: string; readonly key: string };
}

const openssl = (args: readonly string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA named `name` in `dir`, with a server certificate for 127.0.0.1 (files `<name>-*.pem`). */
export function makeTestCa(dir: string, name: string): TestCa {
  const file = (part: string) => join(dir, `${name}-${part}.pem`);
  openssl([
    'req', '-x509', ...ecKey, '-keyout', file('ca-key'), '-out', file('ca'), '-days', '2', '-subj', `/CN=mach-nix test CA ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(['req', ...ecKey, '-keyout', file('server-key'), '-out', file('server-request'), '-subj', '/CN=127.0.0.1']);
  const extensions = join(dir, `${name}-server.ext`);
  writeFileSync(extensions, 'subjectAltName = IP:127.0.0.1\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n');
  openssl([
    'x509', '-req', '-in', file('server-request'), '-CA', file('ca'), '-CAkey', file('ca-key'), '-CAcreateserial',
    '-out', file('server'), '-days', '2', '-extfile', extensions,
  ]);
  return { caCertificate: file('ca'), server: { certificate: file('server'), key: file('server-key') } };
}
