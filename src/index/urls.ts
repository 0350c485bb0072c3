/**
 * URLs of indexes and files: credentials split off (they travel in an Authorization header and
 * never in a URL anything returns, caches or prints), relative links resolved, hash fragments read.
 */
import { pathToFileURL } from 'node:url';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** The URL with its userinfo removed, and the credentials it carried (null if none). */
export function splitCredentials(url: string): { readonly url: string; readonly credentials: Credentials | null } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url: parsed.href, credentials: null };
  const credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, credentials };
}

/** The URL without userinfo, for anything a user or a file may see. Non-URLs are returned as they are. */
export function redactUrl(url: string): string {
  try {
    return splitCredentials(url).url;
  } catch {
    return url;
  }
}

/**
 * An index or find-links location as a URL: URLs stay (normalised by WHATWG URL parsing), a
 * local path becomes a `file://` URL resolved against `cwd`, as pip treats a path given to
 * `--find-links` or `--index-url`.
 */
export function locationToUrl(location: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return new URL(location).href;
  return pathToFileURL(location.startsWith('/') ? location : `${cwd}/${location}`).href;
}

/** A directory-like URL: ends with `/`, so relative links resolve inside it. */
export function withTrailingSlash(url: string): string {
  const parsed = new URL(url);
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return parsed.href;
}

/** The URL without its fragment. */
export function withoutFragment(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

/** Hash algorithms a lock may name; PEP 503 allows any hashlib name, these are the guaranteed ones. */
const HASH_ALGORITHMS = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

/** `#sha256=abc…` of a PEP 503 link as `{sha256: 'abc…'}` (lower-case hex); `{}` without one. */
export function hashesFromFragment(url: string): Record<string, string> {
  const fragment = new URL(url).hash.slice(1);
  const match = /^([a-z0-9]+)=([0-9a-fA-F]+)$/.exec(fragment);
  if (!match || !HASH_ALGORITHMS.has(match[1]!)) return {};
  return { [match[1]!]: match[2]!.toLowerCase() };
}

/** Only well-formed hashes of known algorithms, lower-case hex, in sorted key order. */
export function normaliseHashes(hashes: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const algorithm of Object.keys(hashes).sort()) {
    const value = hashes[algorithm]!;
    if (HASH_ALGORITHMS.has(algorithm) && /^[0-9a-fA-F]+$/.test(value)) result[algorithm] = value.toLowerCase();
  }
  return result;
}
