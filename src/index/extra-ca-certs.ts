/**
 * NODE_EXTRA_CA_CERTS for the index client, loaded only when an HTTPS request needs it.
 *
 * Set, the variable makes node build its whole root certificate store before any JavaScript
 * runs (30 ms of every start on a machine that sets it), though only the index client opens TLS
 * connections. So every launcher starts node without it and hands its value over as
 * MACH_NIX_DEFERRED_EXTRA_CA_CERTS (src/cli/extra-ca-certs.sh). At start the CLI takes the value
 * and gives the environment back its NODE_EXTRA_CA_CERTS (`takeHandedOverCaCerts`), so that git
 * and Nix, which mach-nix runs with its own environment, see what the user set. The first HTTPS
 * request then trusts exactly what node would have: its bundled root certificates and the
 * file's, through undici's own `fetch` and an `Agent` given both (node's global fetch takes no CA
 * list, and a dispatcher from another undici than the one inside node is not safe with it: node
 * 20's and 22's bundle undici 6, node 24's undici 7).
 *
 * When nothing was handed over (`node dist/mach-nix.cjs` run directly, which loaded the variable
 * itself, or a launcher with the variable unset or empty), requests use node's global fetch.
 */
import { readFileSync } from 'node:fs';
import { crypto, tls, undici } from '../on-demand.js';

/** The variable the launchers hand NODE_EXTRA_CA_CERTS over in. */
export const HANDOVER_VARIABLE = 'MACH_NIX_DEFERRED_EXTRA_CA_CERTS';

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** The file named by the handed-over NODE_EXTRA_CA_CERTS; undefined when nothing was handed over. */
let handedOver: string | undefined;
/** The fetch for HTTPS requests, made on the first one. */
let httpsFetch: Fetch | undefined;

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

/** The fetch for a request to `url`: node's global one, unless it is HTTPS and certificates were handed over. */
export function fetchFor(url: string): Fetch {
  // Node loads nothing for an empty NODE_EXTRA_CA_CERTS: neither does this.
  if (!handedOver || !url.startsWith('https:')) return fetch;
  return (httpsFetch ??= fetchTrusting(extraCertificates(handedOver)));
}

function fetchTrusting(extra: readonly string[]): Fetch {
  if (extra.length === 0) return fetch;
  const { Agent, fetch: undiciFetch } = undici();
  const dispatcher = new Agent({ connect: { ca: [...tls().rootCertificates, ...extra] } });
  // undici's Response is the same class as the global one's (node's fetch is undici), only typed apart.
  return (url, init) => undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>;
}

/** The PEM types OpenSSL's PEM_read_bio_X509 reads (node reads the file with it); other blocks are skipped. */
const CERTIFICATE_TYPES = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

/**
 * The certificates of the file, read as node reads NODE_EXTRA_CA_CERTS (its `AddCertsFromFile`):
 * PEM certificates in order until the end or the first broken block. A file that cannot be read,
 * or a broken block, gives node's warning, once, on stderr, and node goes on with the
 * certificates before it; a file without any PEM block (empty, a directory) is no certificates
 * and no warning.
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
    const end = lines.findIndex((line, j) => j > i && line.startsWith('-----END '));
    if (end === -1 || lines[end] !== `-----END ${type}-----`) {
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

/** The PEM text of the certificate in a block's lines (after RFC 1421 headers, if any), or null. */
function decodeCertificate(body: readonly string[]): string | null {
  const headerEnd = body.some((line) => line.includes(':')) ? body.indexOf('') : -1;
  const base64 = body.slice(headerEnd + 1).join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return null;
  try {
    return new (crypto().X509Certificate)(Buffer.from(base64, 'base64')).toString();
  } catch {
    return null;
  }
}
