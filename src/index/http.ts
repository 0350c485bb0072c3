/**
 * HTTP for the index client: Node's fetch (undici; with NODE_EXTRA_CA_CERTS, undici's own, see
 * extra-ca-certs.ts) with bounded concurrency, an idle timeout,
 * retries with exponential backoff (connection errors, timeouts, truncated bodies, 5xx and 429 —
 * never other 4xx, nor a server certificate that is not trusted), credentials added per origin as a Basic Authorization header, redirects
 * followed by hand so that credentials never travel to another origin, and counters of requests
 * and bytes. Nothing it returns or throws contains a credential: URLs are credential-free by
 * construction and error texts pass through `scrub`.
 */
import { toolVersion } from '../version.js';
import { IndexRequestError } from './errors.js';
import { indexFetch } from './extra-ca-certs.js';
import type { Credentials } from './urls.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  /** The final URL after redirects, without credentials. */
  readonly url: string;
}

export interface HttpStats {
  requests: number;
  bytes: number;
  retries: number;
}

export interface HttpOptions {
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** Milliseconds without progress (no headers, no body bytes) after which an attempt fails. */
  readonly timeoutMs?: number;
  /** Attempts after the first one, for failures worth retrying. */
  readonly retries?: number;
  /** The first backoff delay; it doubles with every retry (and honours Retry-After up to 10 s). */
  readonly backoffMs?: number;
  /** Credentials for a URL (by origin or host), or null. */
  readonly credentialsFor?: (url: URL) => Credentials | null;
  /** Receives one line per request, credential-free. */
  readonly log?: (line: string) => void;
}

const MAX_REDIRECTS = 10;
const MAX_RETRY_AFTER_MS = 10_000;

/** A failure worth another attempt; `status` is null for connection errors and timeouts. */
class RetryableFailure extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** A counting semaphore: at most `limit` holders at once, first come first served. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

export class HttpTransport {
  readonly stats: HttpStats = { requests: 0, bytes: 0, retries: 0 };
  private readonly semaphore: Semaphore;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly credentialsFor: (url: URL) => Credentials | null;
  private readonly log: (line: string) => void;
  /** Every credential this transport was given, removed from any error text it passes on. */
  private readonly secrets = new Set<string>();

  constructor(options: HttpOptions = {}) {
    this.semaphore = new Semaphore(options.concurrency ?? 16);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 250;
    this.credentialsFor = options.credentialsFor ?? (() => null);
    this.log = options.log ?? (() => {});
  }

  /** Removes every known credential (and any `user:pass@` in a URL) from a text. */
  scrub(text: string): string {
    let result = text.replace(/\/\/[^/\s@]*:[^/\s@]*@/g, '//');
    for (const secret of this.secrets) if (secret.length > 0) result = result.split(secret).join('***');
    return result;
  }

  /**
   * GETs `url` (credential-free). Answers with status < 500 (other than 429) are returned as they
   * are, for the caller to interpret (200, 206, 304, 404, …); persistent failures throw
   * `IndexRequestError`.
   */
  async get(url: string, headers: Readonly<Record<string, string>> = {}): Promise<HttpResponse> {
    return this.semaphore.run(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.attempt(url, headers);
        } catch (error) {
          if (!(error instanceof RetryableFailure)) throw error;
          if (attempt >= this.retries) {
            throw new IndexRequestError(url, `${this.scrub(error.message)} (after ${attempt + 1} attempts)`, error.status);
          }
          this.stats.retries++;
          const delay = error.retryAfterMs ?? this.backoffMs * 2 ** attempt;
          this.log(`retry ${attempt + 1}/${this.retries} of GET ${url} in ${delay} ms: ${this.scrub(error.message)}`);
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    });
  }

  private async attempt(startUrl: string, extraHeaders: Readonly<Record<string, string>>): Promise<HttpResponse> {
    let url = startUrl;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const target = new URL(url);
      const headers: Record<string, string> = { 'User-Agent': `mach-nix/${toolVersion()}`, ...extraHeaders };
      const credentials = this.credentialsFor(target);
      if (credentials) {
        this.secrets.add(credentials.password);
        this.secrets.add(Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'));
        headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      }
      const controller = new AbortController();
      let timer = setTimeout(() => controller.abort(), this.timeoutMs);
      const restartTimer = () => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), this.timeoutMs);
      };
      this.stats.requests++;
      this.log(`GET ${url}${extraHeaders.Range ? ` (${extraHeaders.Range})` : ''}`);
      try {
        let response: Response;
        try {
          response = await indexFetch()(url, { headers, redirect: 'manual', signal: controller.signal });
        } catch (error) {
          const untrusted = untrustedCertificate(error);
          if (untrusted !== null) throw new IndexRequestError(url, this.scrub(untrusted));
          throw new RetryableFailure(describeFetchError(error, controller.signal.aborted, this.timeoutMs), null);
        }
        if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
          await response.body?.cancel();
          url = new URL(response.headers.get('location')!, url).href;
          continue;
        }
        if (response.status >= 500 || response.status === 429) {
          await response.body?.cancel();
          throw new RetryableFailure(`HTTP ${response.status} ${response.statusText}`.trim(), response.status, retryAfter(response.headers));
        }
        const chunks: Buffer[] = [];
        let received = 0;
        if (response.body) {
          const reader = response.body.getReader();
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              restartTimer();
              chunks.push(Buffer.from(value));
              received += value.byteLength;
              this.stats.bytes += value.byteLength;
            }
          } catch (error) {
            throw new RetryableFailure(describeFetchError(error, controller.signal.aborted, this.timeoutMs, 'while reading the body'), null);
          }
        }
        const length = response.headers.get('content-length');
        if (length !== null && !response.headers.has('content-encoding') && Number(length) !== received) {
          throw new RetryableFailure(`truncated body: ${received} of ${length} bytes`, null);
        }
        return { status: response.status, headers: response.headers, body: Buffer.concat(chunks), url };
      } finally {
        clearTimeout(timer);
      }
    }
    throw new IndexRequestError(startUrl, `more than ${MAX_REDIRECTS} redirects`);
  }
}

function retryAfter(headers: Headers): number | null {
  const value = headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
}

/**
 * The verification errors of node's TLS (`tls.TLSSocket#verifyError` codes, OpenSSL's
 * X509_V_ERR_* names, and the host name check): the server's certificate is not trusted here,
 * which another attempt does not change.
 */
const CERTIFICATE_ERRORS = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_CRL', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE', 'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', 'CERT_SIGNATURE_FAILURE', 'CRL_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID', 'CRL_HAS_EXPIRED', 'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD', 'ERROR_IN_CRL_NEXT_UPDATE_FIELD', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_CHAIN_TOO_LONG', 'CERT_REVOKED', 'INVALID_CA',
  'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The message for a server certificate this process does not trust, or null for any other failure. */
function untrustedCertificate(error: unknown): string | null {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code !== 'string' || !CERTIFICATE_ERRORS.has(cause.code)) return null;
  return `TLS: the server's certificate is not trusted (${cause.code}: ${String(cause.message)}); mach-nix trusts Node's bundled root certificates and those of the file NODE_EXTRA_CA_CERTS names`;
}

/** undici reports "fetch failed" with the real reason in `cause`; say that reason. */
function describeFetchError(error: unknown, timedOut: boolean, timeoutMs: number, during = ''): string {
  if (timedOut) return `no response for ${timeoutMs / 1000} s${during ? ` ${during}` : ''} (timeout)`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
  return `connection failed${during ? ` ${during}` : ''}: ${detail}`;
}
