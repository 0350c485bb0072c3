/**
 * The index client's disk cache, shared by concurrent runs:
 * - `v1/metadata/ab/<sha256>`: core metadata of the distribution file with that sha256 — content
 *   addressed, so an entry never goes stale and any run may write it;
 * - `v1/files/ab/<sha256>`: whole distribution files fetched (sdists, wheels of servers without
 *   range requests), verified before they were stored;
 * - `v1/pages/ab/<sha256 of the URL>.json`: index pages keyed by their URL without credentials,
 *   with the ETag / Last-Modified the server sent, for revalidation, and when they were fetched
 *   and for how long the server said they stay fresh (`client.ts` decides what that means).
 * Every write goes to a temporary file in the same directory and is renamed into place, so a
 * reader sees a whole entry or none, and a run killed mid-write leaves the cache valid (at worst a
 * stray `.tmp-*` file). An entry that cannot be read back is treated as missing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CachedPage {
  /** The page URL requested (credential-free). */
  readonly url: string;
  /** The URL it was finally served from, after redirects. */
  readonly finalUrl: string;
  /** 200, or 404 for "this index does not have the project" (kept so offline runs know it too). */
  readonly status: 200 | 404;
  readonly contentType: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly body: string;
  /**
   * When the server produced it (ms since the epoch: the time of the response minus its `Age`);
   * absent in entries of older versions, which are therefore revalidated.
   */
  readonly fetchedAt?: number;
  /** Seconds the server's `Cache-Control` says it stays fresh (0 for `no-cache`); null when it says nothing. */
  readonly maxAge?: number | null;
}

/** `$MACH_NIX_CACHE_DIR`, else `$XDG_CACHE_HOME/mach-nix`, else `~/.cache/mach-nix`; the index cache lives in `index/` there. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.MACH_NIX_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mach-nix');
  return join(base, 'index');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const SHA256 = /^[0-9a-f]{64}$/;

export class IndexCache {
  constructor(readonly root: string) {}

  private path(kind: string, key: string, suffix = ''): string {
    return join(this.root, 'v1', kind, key.slice(0, 2), key + suffix);
  }

  private async read(path: string): Promise<Buffer | null> {
    try {
      return await readFile(path);
    } catch {
      return null;
    }
  }

  private async write(path: string, data: string | Uint8Array): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(temporary, data);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async readMetadata(fileSha256: string): Promise<Buffer | null> {
    return SHA256.test(fileSha256) ? this.read(this.path('metadata', fileSha256)) : null;
  }

  async writeMetadata(fileSha256: string, metadata: Uint8Array): Promise<void> {
    if (SHA256.test(fileSha256)) await this.write(this.path('metadata', fileSha256), metadata);
  }

  /** A stored file, only if its bytes still have the hash it is stored under. */
  async readFile(sha256: string): Promise<Buffer | null> {
    if (!SHA256.test(sha256)) return null;
    const data = await this.read(this.path('files', sha256));
    return data && sha256Hex(data) === sha256 ? data : null;
  }

  async writeFile(sha256: string, data: Uint8Array): Promise<void> {
    if (SHA256.test(sha256)) await this.write(this.path('files', sha256), data);
  }

  async readPage(url: string): Promise<CachedPage | null> {
    const data = await this.read(this.path('pages', sha256Hex(url), '.json'));
    if (!data) return null;
    try {
      const page = JSON.parse(data.toString('utf8')) as CachedPage;
      return page.url === url && typeof page.body === 'string' ? page : null;
    } catch {
      return null;
    }
  }

  async writePage(page: CachedPage): Promise<void> {
    await this.write(this.path('pages', sha256Hex(page.url), '.json'), JSON.stringify(page));
  }
}
