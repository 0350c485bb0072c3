/**
 * NODE_EXTRA_CA_CERTS for the index client, loaded only when an HTTPS request needs it.
 *
 * Set, the variable makes node build its whole root certificate store before any JavaScript
 * runs (30 ms of every start on a machine that sets it), though only the index client opens TLS
 * connections. So every launcher starts node without it and hands its value over as
 * MACH_NIX_DEFERRED_EXTRA_CA_CERTS (src/cli/extra-ca-certs.sh). At start the CLI takes the value
 * and gives the environment back its NODE_EXTRA_CA_CERTS (`takeHandedOverCaCerts`), so that git
 * and Nix, which mach-nix runs with its own environment, see what the user set. The first
 * request then makes a fetch that trusts exactly what node would have: its bundled root
 * certificates and the file's, through undici's own `fetch` and an `Agent` given both (node's
 * global fetch takes no CA list, and a dispatcher from another undici than the one inside node is
 * not safe with it: node 20's and 22's bundle undici 6, node 24's undici 7). Plain-HTTP requests
 * go through it too, as they went through the one fetch that node's NODE_EXTRA_CA_CERTS applied
 * to: one HTTP client per run, and the build's training run (scripts/build.ts), which has no
 * certificate to serve HTTPS with in a Nix build, trains this path against a loopback HTTP server.
 *
 * When nothing was handed over (`node dist/mach-nix.cjs` run directly, which loaded the variable
 * itself, or a launcher with the variable unset or empty), requests use node's global fetch.
 */
import { readFileSync } from 'node:fs';
import { tls, undici } from '../on-demand.js';

/** The variable the launchers hand NODE_EXTRA_CA_CERTS over in. */
export const HANDOVER_VARIABLE = 'MACH_NIX_DEFERRED_EXTRA_CA_CERTS';

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** The file named by the handed-over NODE_EXTRA_CA_CERTS; undefined when nothing was handed over. */
let handedOver: string | undefined;
/** The fetch that trusts the handed-over certificates, made on the first request. */
let trustingFetch: Fetch | undefined;

/**
 * Takes the value a launcher handed over, once at start, before anything runs a child process:
 * the environment gets NODE_EXTRA_CA_CERTS back, exactly as the user set it, and loses the
 * hand-over variable.
 */
export function takeHandedOverCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const value = env[HANDOVER_VARIABLE];
  if (value === undefined) return;
  delete env[HANDOVER_VARIABLE];
  env.NODE_EXTRA_CA_CERTS = value;
  handedOver = value;
}

/** The fetch for the index client's requests: node's global one, unless certificates were handed over. */
export function indexFetch(): Fetch {
  // Node loads nothing for an empty NODE_EXTRA_CA_CERTS: neither does this.
  if (!handedOver) return fetch;
  return (trustingFetch ??= fetchTrusting(extraCertificates(handedOver)));
}

function fetchTrusting(extra: readonly string[]): Fetch {
  if (extra.length === 0) return fetch;
  const { Agent, fetch: undiciFetch } = undici();
  const roots = tls().rootCertificates;
  // A bundle often repeats node's roots (Debian's ca-certificates.crt holds nearly all of them):
  // each is parsed once, not twice.
  const known = new Set(roots.map(pemBody));
  const added = extra.filter((certificate) => !known.has(pemBody(certificate)));
  // One secure context for every connection: given the `ca` list instead, each TLS connection
  // would parse its certificates again (a lock of Flask and requests over HTTPS took 2.9× as
  // long: bench/resolver/RESULTS.md). The file's certificates as one text: OpenSSL reads it as
  // node reads the file, up to the first certificate it cannot parse.
  const secureContext = tls().createSecureContext({ ca: [...roots, added.join('')] });
  const dispatcher = new Agent({ connect: { secureContext } });
  // undici's Response is the same class as the global one's (node's fetch is undici), only typed apart.
  return (url, init) => undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>;
}

/** The base64 text of a PEM block, without its lines' ends. */
function pemBody(pem: string): string {
  return pem.replace(/-----[^-]+-----|\s/g, '');
}

/** The PEM types OpenSSL's PEM_read_bio_X509 reads (node reads the file with it); other blocks are skipped. */
const CERTIFICATE_TYPES = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

/**
 * The certificates of the file, read as node reads NODE_EXTRA_CA_CERTS (its `AddCertsFromFile`):
 * PEM certificates in order until the end or the first broken block. A file that cannot be read,
 * or a broken block, gives node's warning, once, on stderr, and node goes on with the
 * certificates before it; a file without any PEM block (empty, a directory) is no certificates
 * and no warning. (A block whose DER is one SEQUENCE but not a certificate inside passes here;
 * OpenSSL then stops at it as node does, without the warning.)
 */
export function extraCertificates(file: string, warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`)): string[] {
  const ignoring = (reason: string) => warn(`Warning: Ignoring extra certs from \`${file}\`, load failed: ${reason}`);
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // OpenSSL reads a directory as a file without a PEM block.
    if (code !== 'EISDIR') ignoring(message);
    return [];
  }
  const certificates: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const begin = /^-----BEGIN (.+)-----$/.exec(lines[i]!);
    if (!begin) continue;
    const type = begin[1]!;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.startsWith('-----END ')) end++;
    if (end === lines.length || lines[end] !== `-----END ${type}-----`) {
      ignoring('bad end line');
      break;
    }
    const body = lines.slice(i + 1, end);
    i = end;
    if (!CERTIFICATE_TYPES.has(type)) continue;
    const certificate = decodeCertificate(body);
    if (certificate === null) {
      ignoring(`a ${type} block that is not a certificate`);
      break;
    }
    certificates.push(certificate);
  }
  return certificates;
}

/**
 * The certificate in a block's lines (after RFC 1421 headers, if any) as a PEM block, or null
 * when it is not base64 or not one DER structure (a SEQUENCE that fits the block). The DER inside
 * is left to OpenSSL (`fetchTrusting`): checked here with node:crypto's X509Certificate, a bundle
 * of 145 certificates took 25–45 ms more.
 */
function decodeCertificate(body: readonly string[]): string | null {
  const headerEnd = body.some((line) => line.includes(':')) ? body.indexOf('') : -1;
  // OpenSSL's base64 decoder skips blanks and tabs.
  const base64 = body.slice(headerEnd + 1).join('').replace(/[ \t]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return null;
  if (!isDerSequence(Buffer.from(base64, 'base64'))) return null;
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}

/** Whether `der` starts with a DER SEQUENCE (tag 0x30, definite length) that ends within it. */
function isDerSequence(der: Buffer): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1]!;
  if (first < 0x80) return 2 + first <= der.length;
  const lengthBytes = first & 0x7f;
  if (lengthBytes === 0 || lengthBytes > 4 || der.length < 2 + lengthBytes) return false;
  let length = 0;
  for (let i = 0; i < lengthBytes; i++) length = length * 256 + der[2 + i]!;
  return 2 + lengthBytes + length <= der.length;
}
