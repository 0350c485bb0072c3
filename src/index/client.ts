/**
 * The package-index client: the files of a project from every configured index and find-links
 * location (cheap: one page per location), and the core metadata of one chosen file (as cheap as
 * the index allows: a PEP 658 `.metadata` file, else the wheel's METADATA by range requests, else
 * an sdist's static PKG-INFO). Everything it fetches goes through the disk cache; offline it
 * answers from the cache alone. Results are memoised per client, so asking twice costs nothing.
 *
 * Nothing it returns, caches, logs or throws carries a credential: URLs with `user:pass@` are
 * split on the way in, the credentials kept in memory per origin (and read from netrc per host)
 * and sent only as an Authorization header to that origin.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DataError } from '../errors.js';
import { canonicalizeName } from '../pep503.js';
import { IndexCache, type CachedPage, sha256Hex } from './cache.js';
import { type CoreMetadata, checkMetadataIdentity, dynamicDependencyReason, parseCoreMetadata } from './core-metadata.js';
import { DynamicSdistMetadata, HashMismatch, IndexRequestError, OfflineCacheMiss, UnsupportedIndexResponse } from './errors.js';
import { directoryLinks } from './find-links.js';
import { type HttpOptions, type HttpStats, HttpTransport } from './http.js';
import { Netrc } from './netrc.js';
import { type IndexFile, type PageLink, type SkippedLink, collectProjectFiles } from './project-files.js';
import { type ProgressReporter, SILENT_PROGRESS, type TaskKind } from './progress.js';
import type { ParsedPage } from './simple-html.js';
import { parseSimpleJson } from './simple-json.js';

// The parsers of HTML pages, zips and sdists are loaded when first needed: together they are a
// quarter of the CLI's start-up, and a warm run on a PEP 691 index needs none of them.
const simpleHtml = () => import('./simple-html.js');
const lazyZip = () => import('./lazy-zip.js');
const sdist = () => import('./sdist.js');
import { type Credentials, locationToUrl, splitCredentials, withTrailingSlash } from './urls.js';

/** What pip sends (pip/_internal/index/collector.py): JSON preferred, PEP 503 HTML accepted. */
export const SIMPLE_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

export interface IndexClientOptions {
  /** The index first, then the extra indexes: URLs, possibly with `user:password@`, or local paths. */
  readonly indexUrls: readonly string[];
  /** Find-links locations: directories, HTML pages, URLs or paths. */
  readonly findLinks?: readonly string[];
  /** Resolves relative paths in `indexUrls` and `findLinks`. */
  readonly cwd?: string;
  /** The cache directory (`defaultCacheDir()`), or null for no disk cache. */
  readonly cacheDir: string | null;
  /** Answer from the cache alone; whatever it lacks is an `OfflineCacheMiss`. */
  readonly offline?: boolean;
  /**
   * Seconds a cached index page is used without asking the server again, when the server's
   * `Cache-Control` does not say (`max-age`, `no-cache` decide when it does). 0, the default,
   * revalidates every page on every run, as pip does.
   */
  readonly pageMaxAge?: number;
  /** Revalidate every cached page, whatever its age (`--refresh`). */
  readonly refresh?: boolean;
  readonly netrc?: Netrc;
  readonly http?: Omit<HttpOptions, 'credentialsFor' | 'log'>;
  /** Receives one credential-free line per request. */
  readonly log?: (line: string) => void;
  readonly progress?: ProgressReporter;
}

/** Where a listing's files came from. */
export interface ListingSource {
  /** The index or find-links location, without credentials. */
  readonly location: string;
  /** The page read (for an index: `location + name + "/"`). */
  readonly url: string;
  readonly format: 'json' | 'html' | 'directory';
  /** False when the location does not know the project (404, no such directory). */
  readonly found: boolean;
}

export interface ProjectListing {
  /** PEP 503 name. */
  readonly name: string;
  /** Every distribution file, newest version first (see `compareIndexFiles`). */
  readonly files: readonly IndexFile[];
  /** Links that are not distributions of the project, with the reason. */
  readonly skipped: readonly SkippedLink[];
  /** One per index and find-links location, in configuration order. */
  readonly sources: readonly ListingSource[];
}

export interface ClientStats extends HttpStats {
  /** Pages answered from the cache without a request (offline) or after a 304. */
  pageCacheHits: number;
  metadataCacheHits: number;
  /** How each metadata file was obtained. */
  metadataFrom: { pep658: number; rangeRequests: number; localWheel: number; sdist: number };
}

interface Location {
  /** Credential-free URL, with a trailing slash for indexes and directories. */
  readonly url: string;
  readonly kind: 'index' | 'find-links';
}

/** Hashes this client can check, as node:crypto names them. */
const VERIFIABLE = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

export class IndexClient {
  private readonly transport: HttpTransport;
  private readonly cache: IndexCache | null;
  private readonly offline: boolean;
  private readonly pageMaxAge: number;
  private readonly refresh: boolean;
  private readonly netrc: Netrc;
  private readonly progress: ProgressReporter;
  private readonly indexes: Location[];
  private readonly findLinks: Location[];
  /** Credentials from URL userinfo, by origin; they win over netrc. */
  private readonly originCredentials = new Map<string, Credentials>();
  private readonly projects = new Map<string, Promise<ProjectListing>>();
  private readonly metadataByUrl = new Map<string, Promise<CoreMetadata>>();
  private readonly hashes = new Map<string, Promise<string>>();
  private findLinksPages: Promise<Array<{ source: ListingSource; links: PageLink[] }>> | null = null;
  private readonly counters = { pageCacheHits: 0, metadataCacheHits: 0, metadataFrom: { pep658: 0, rangeRequests: 0, localWheel: 0, sdist: 0 } };

  constructor(options: IndexClientOptions) {
    const cwd = options.cwd ?? process.cwd();
    const location = (raw: string, kind: Location['kind']): Location => {
      const { url, credentials } = splitCredentials(locationToUrl(raw, cwd));
      if (credentials) this.originCredentials.set(new URL(url).origin, credentials);
      return { url: kind === 'index' ? withTrailingSlash(url) : url, kind };
    };
    // A location named twice (by pip.conf and the command line, say) is read once, where first named.
    const once = (locations: Location[]) => locations.filter((entry, i) => locations.findIndex((other) => other.url === entry.url) === i);
    this.indexes = once(options.indexUrls.map((url) => location(url, 'index')));
    this.findLinks = once((options.findLinks ?? []).map((url) => location(url, 'find-links')));
    this.cache = options.cacheDir === null ? null : new IndexCache(options.cacheDir);
    this.offline = options.offline ?? false;
    this.pageMaxAge = options.pageMaxAge ?? 0;
    this.refresh = options.refresh ?? false;
    this.netrc = options.netrc ?? Netrc.EMPTY;
    this.progress = options.progress ?? SILENT_PROGRESS;
    this.transport = new HttpTransport({
      ...options.http,
      log: options.log,
      credentialsFor: (url) => this.originCredentials.get(url.origin) ?? this.netrc.credentialsFor(url.hostname),
    });
  }

  /** The indexes and find-links locations in use, credential-free, in order. */
  get locations(): readonly string[] {
    return [...this.indexes, ...this.findLinks].map((location) => location.url);
  }

  /** The same, apart: what a resolution records as its `index`. */
  get indexLocations(): { readonly indexUrls: readonly string[]; readonly findLinks: readonly string[] } {
    return { indexUrls: this.indexes.map((location) => location.url), findLinks: this.findLinks.map((location) => location.url) };
  }

  /** Whether a cached page may be used without asking the server. */
  private isFresh(page: CachedPage): boolean {
    if (this.refresh || page.fetchedAt === undefined) return false;
    const maxAge = page.maxAge ?? this.pageMaxAge;
    return Date.now() - page.fetchedAt < maxAge * 1000;
  }

  get stats(): ClientStats {
    return { ...this.transport.stats, ...this.counters, metadataFrom: { ...this.counters.metadataFrom } };
  }

  private async task<T>(kind: TaskKind, run: () => Promise<T>): Promise<T> {
    this.progress.started(kind);
    try {
      return await run();
    } finally {
      this.progress.finished(kind);
    }
  }

  /** The project's files from every location; memoised. A project no location knows has no files. */
  project(name: string): Promise<ProjectListing> {
    const key = canonicalizeName(name);
    let listing = this.projects.get(key);
    if (!listing) {
      listing = this.task('page', () => this.loadProject(key));
      this.projects.set(key, listing);
    }
    return listing;
  }

  private async loadProject(name: string): Promise<ProjectListing> {
    const [indexPages, findLinksPages] = await Promise.all([
      Promise.all(this.indexes.map((index) => this.indexPage(index, name))),
      this.findLinksLinks(),
    ]);
    const pages = [...indexPages, ...findLinksPages];
    const { files, skipped } = collectProjectFiles(
      name,
      [
        ...indexPages.map((page) => ({ index: page.source.location, links: page.links })),
        ...findLinksPages.map((page) => ({ index: page.source.location, links: page.links, mixed: true })),
      ],
    );
    return Object.freeze({ name, files: Object.freeze(files), skipped: Object.freeze(skipped), sources: Object.freeze(pages.map((page) => page.source)) });
  }

  /** The find-links locations are read once per client: each lists every project. */
  private findLinksLinks(): Promise<Array<{ source: ListingSource; links: PageLink[] }>> {
    this.findLinksPages ??= Promise.all(
      this.findLinks.map(async (location) => {
        if (location.url.startsWith('file:')) {
          const links = await directoryLinks(location.url);
          if (links) return { source: { location: location.url, url: location.url, format: 'directory' as const, found: true }, links };
        }
        return this.page(location, location.url, 'find-links page');
      }),
    );
    return this.findLinksPages;
  }

  private indexPage(index: Location, name: string): Promise<{ source: ListingSource; links: PageLink[] }> {
    return this.page(index, new URL(`${name}/`, index.url).href, `index page of ${name}`);
  }

  /** One page (an index's project page or a find-links HTML page), through the cache. */
  private async page(location: Location, url: string, what: string): Promise<{ source: ListingSource; links: PageLink[] }> {
    const missing = (format: 'html' | 'json') => ({ source: { location: location.url, url, format, found: false }, links: [] });
    if (url.startsWith('file:')) {
      // pip reads a local index directory's index.html; a file URL names the page itself.
      const path = fileURLToPath(url);
      let html: string;
      try {
        html = await readFile(url.endsWith('/') ? `${path}/index.html` : path, 'utf8');
      } catch (error) {
        if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return missing('html');
        throw new DataError({ file: path }, `cannot read ${what}: ${(error as Error).message}`);
      }
      return { source: { location: location.url, url, format: 'html', found: true }, links: this.checkVersion((await simpleHtml()).parseSimpleHtml(html, url), url).links };
    }
    const cached = this.cache ? await this.cache.readPage(url) : null;
    let page: CachedPage;
    if (this.offline || (cached && this.isFresh(cached))) {
      if (!cached) throw new OfflineCacheMiss(what, url);
      this.counters.pageCacheHits++;
      page = cached;
    } else {
      const headers: Record<string, string> = { Accept: SIMPLE_ACCEPT, 'Cache-Control': 'max-age=0' };
      if (cached?.etag) headers['If-None-Match'] = cached.etag;
      if (cached?.lastModified) headers['If-Modified-Since'] = cached.lastModified;
      const response = await this.transport.get(url, headers);
      if (response.status === 304 && cached) {
        this.counters.pageCacheHits++;
        // Fresh again from now on, for as long as this answer says.
        page = { ...cached, ...freshness(response.headers) };
        if (this.pageMaxAge > 0 || page.maxAge) await this.cache?.writePage(page);
      } else if (response.status === 200 || response.status === 404 || response.status === 410) {
        page = {
          url,
          finalUrl: response.url,
          status: response.status === 200 ? 200 : 404,
          contentType: response.headers.get('content-type') ?? '',
          etag: response.headers.get('etag'),
          lastModified: response.headers.get('last-modified'),
          body: response.status === 200 ? response.body.toString('utf8') : '',
          ...freshness(response.headers),
        };
        // Without a freshness to record, an unchanged "not here" needs no rewrite (404s carry no
        // validators to answer 304 with).
        if (!(page.status === 404 && cached?.status === 404 && this.pageMaxAge === 0 && !page.maxAge)) await this.cache?.writePage(page);
      } else {
        throw new IndexRequestError(url, statusReason(response.status, what), response.status);
      }
    }
    const isJson = page.contentType.toLowerCase().startsWith('application/vnd.pypi.simple.v1+json');
    if (page.status !== 200) return missing(isJson ? 'json' : 'html');
    const contentType = page.contentType.toLowerCase();
    if (!isJson && !contentType.startsWith('text/html') && !contentType.startsWith('application/vnd.pypi.simple.v1+html')) {
      throw new UnsupportedIndexResponse(url, `the ${what} has Content-Type ${JSON.stringify(page.contentType)}, neither PEP 503 HTML nor PEP 691 JSON`);
    }
    const parsed = isJson ? parseSimpleJson(page.body, page.finalUrl) : (await simpleHtml()).parseSimpleHtml(page.body, page.finalUrl);
    return { source: { location: location.url, url, format: isJson ? 'json' : 'html', found: true }, links: this.checkVersion(parsed, url).links };
  }

  /** PEP 629: a major version this client does not know must not be guessed at. */
  private checkVersion(page: ParsedPage, url: string): ParsedPage {
    if (page.apiVersion !== null && !/^1(\.|$)/.test(page.apiVersion)) {
      throw new UnsupportedIndexResponse(url, `the index speaks Simple API version ${page.apiVersion}; this mach-nix understands version 1`);
    }
    return page;
  }

  /**
   * The core metadata of one file; memoised. Throws `DynamicSdistMetadata` for an sdist whose
   * dependencies are only known after a build, `OfflineCacheMiss` offline when not cached.
   */
  metadata(file: IndexFile): Promise<CoreMetadata> {
    let metadata = this.metadataByUrl.get(file.url);
    if (!metadata) {
      metadata = this.task('metadata', () => this.loadMetadata(file));
      this.metadataByUrl.set(file.url, metadata);
    }
    return metadata;
  }

  private async loadMetadata(file: IndexFile): Promise<CoreMetadata> {
    const location = { file: file.url, key: file.kind === 'wheel' ? 'METADATA' : 'PKG-INFO' };
    const finish = async (bytes: Buffer, store: boolean): Promise<CoreMetadata> => {
      const metadata = parseCoreMetadata(bytes, location);
      checkMetadataIdentity(metadata, file.project, file.version, location);
      if (file.kind === 'sdist') {
        const reason = dynamicDependencyReason(metadata);
        if (reason) throw new DynamicSdistMetadata(file.project, file.version, file.filename, file.url, reason);
      }
      if (store && file.sha256) await this.cache?.writeMetadata(file.sha256, bytes);
      return metadata;
    };

    if (file.sha256 && this.cache) {
      const cached = await this.cache.readMetadata(file.sha256);
      if (cached && (file.coreMetadata === null || verifyHashes(cached, file.coreMetadata) === null)) {
        this.counters.metadataCacheHits++;
        return finish(cached, false);
      }
    }
    const local = file.url.startsWith('file:');
    if (this.offline && !local) throw new OfflineCacheMiss(`core metadata of ${file.filename}`, file.url);

    if (file.coreMetadata !== null && !local) {
      const metadataUrl = `${file.url}.metadata`;
      const response = await this.transport.get(metadataUrl);
      if (response.status === 200) {
        const mismatch = verifyHashes(response.body, file.coreMetadata);
        if (mismatch) throw new HashMismatch(metadataUrl, mismatch.algorithm, mismatch.expected, mismatch.actual);
        this.counters.metadataFrom.pep658++;
        return finish(response.body, true);
      }
      // An index that announces metadata it does not serve: read the distribution instead, as uv does.
      if (response.status !== 404) throw new IndexRequestError(metadataUrl, statusReason(response.status, 'metadata file'), response.status);
    }

    if (file.kind === 'wheel') {
      const pick = (names: readonly string[]) => pickMetadataMember(names, file.project);
      const member = local
        ? await (await lazyZip()).readZipMemberFromPath(fileURLToPath(file.url), pick)
        : await (await lazyZip()).readZipMemberFromUrl(this.transport, file.url, file.sha256, pick);
      if (!member) throw new DataError({ file: file.url }, 'the wheel has no *.dist-info/METADATA');
      this.counters.metadataFrom[local ? 'localWheel' : 'rangeRequests']++;
      return finish(member.data, true);
    }

    const archive = await this.download(file);
    const pkgInfo = await (await sdist()).readSdistPkgInfo(archive, file.filename).catch((error: unknown) => {
      throw new DataError({ file: file.url }, `cannot read the sdist: ${(error as Error).message}`);
    });
    if (!pkgInfo) throw new DataError({ file: file.url }, 'the sdist has no PKG-INFO at its top level');
    this.counters.metadataFrom.sdist++;
    return finish(pkgInfo, true);
  }

  /** The whole file, verified against the index's sha256 and kept in the cache by it. */
  private async download(file: IndexFile): Promise<Buffer> {
    if (file.sha256 && this.cache) {
      const cached = await this.cache.readFile(file.sha256);
      if (cached) return cached;
    }
    if (file.url.startsWith('file:')) return readFile(fileURLToPath(file.url));
    if (this.offline) throw new OfflineCacheMiss(file.filename, file.url);
    const body = await this.task('file', async () => {
      const response = await this.transport.get(file.url);
      if (response.status !== 200) throw new IndexRequestError(file.url, statusReason(response.status, 'file'), response.status);
      return response.body;
    });
    const actual = sha256Hex(body);
    if (file.sha256 && actual !== file.sha256) throw new HashMismatch(file.url, 'sha256', file.sha256, actual);
    await this.cache?.writeFile(actual, body);
    return body;
  }

  /**
   * The file's sha256: the index's, else computed from the file (downloaded once and cached) —
   * a lock needs one for every file, and find-links directories and some pages give none.
   */
  fileSha256(file: IndexFile): Promise<string> {
    if (file.sha256) return Promise.resolve(file.sha256);
    let hash = this.hashes.get(file.url);
    if (!hash) {
      hash = this.download(file).then((body) => sha256Hex(body));
      this.hashes.set(file.url, hash);
    }
    return hash;
  }
}

/**
 * When a response was produced and how long it stays fresh, from `Date`-free headers: now minus
 * `Age`, and `Cache-Control`'s `no-store`/`no-cache` (0) or `max-age` (RFC 9111 §5.2.2).
 */
function freshness(headers: Headers): { fetchedAt: number; maxAge: number | null } {
  const age = Number(headers.get('age') ?? 0);
  const directives = (headers.get('cache-control') ?? '').toLowerCase().split(',').map((part) => part.trim());
  let maxAge: number | null = null;
  for (const directive of directives) {
    if (directive === 'no-cache' || directive === 'no-store') maxAge = 0;
    const match = /^max-age=(\d+)$/.exec(directive);
    if (match && maxAge !== 0) maxAge = Number(match[1]);
  }
  return { fetchedAt: Date.now() - (Number.isFinite(age) && age > 0 ? age * 1000 : 0), maxAge };
}

/** The first hash that does not match, or null when all that can be checked match. */
function verifyHashes(data: Buffer, hashes: Readonly<Record<string, string>>): { algorithm: string; expected: string; actual: string } | null {
  for (const [algorithm, expected] of Object.entries(hashes)) {
    if (!VERIFIABLE.has(algorithm)) continue;
    const actual = createHash(algorithm).update(data).digest('hex');
    if (actual !== expected) return { algorithm, expected, actual };
  }
  return null;
}

/**
 * The wheel's `{name}-{version}.dist-info/METADATA`: the only top-level dist-info directory, or
 * among several the one named for the project (as pip's `wheel_dist_info_dir` requires).
 */
export function pickMetadataMember(names: readonly string[], project: string): string | null {
  const candidates = names.filter((name) => /^[^/]+\.dist-info\/METADATA$/.test(name)).sort();
  if (candidates.length <= 1) return candidates[0] ?? null;
  return candidates.find((name) => canonicalizeName(name.split('/')[0]!.replace(/\.dist-info$/, '').split('-')[0]!) === canonicalizeName(project)) ?? null;
}

function statusReason(status: number, what: string): string {
  if (status === 401 || status === 403) {
    return `HTTP ${status} for the ${what}: the index wants credentials (in ~/.netrc or $NETRC, or as user:password@ in the index URL) or refused the ones given`;
  }
  return `HTTP ${status} for the ${what}`;
}
