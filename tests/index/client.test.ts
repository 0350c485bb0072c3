/**
 * The index client against real servers: nginx on loopback serving the machine's PyPI mirror
 * (PEP 503 HTML, metadata by range requests) and a PEP 691 + PEP 658 index derived from it, with
 * a yanked file, sdist-only releases and a basic-auth copy. Expected values come from Python's
 * standard library reading the same files (`servers/derive-index.py`).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { IndexClient, type IndexClientOptions, type ProjectListing } from '../../src/index/client.js';
import { DynamicSdistMetadata, HashMismatch, IndexRequestError, OfflineCacheMiss } from '../../src/index/errors.js';
import { parseNetrc } from '../../src/index/netrc.js';
import { DERIVED_PROJECTS, PRIVATE_PASSWORD, PRIVATE_USER, SDISTS, startTestIndexes, type TestIndexes, YANK_REASON, YANKED_FILE } from './servers/fixture-index.js';

let indexes: TestIndexes;
const temporary: string[] = [];

before(async () => {
  indexes = await startTestIndexes();
});
after(async () => {
  await indexes.stop();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

function client(options: Partial<IndexClientOptions> & Pick<IndexClientOptions, 'indexUrls'>): IndexClient {
  return new IndexClient({ cacheDir: null, ...options });
}

/** Every request nginx served while `run` ran. */
async function served<T>(run: () => Promise<T>): Promise<{ result: T; log: ReturnType<TestIndexes['nginx']['accessLog']> }> {
  indexes.nginx.clearLog();
  const result = await run();
  return { result, log: indexes.nginx.accessLog() };
}

const WHEEL_PROJECTS = DERIVED_PROJECTS;

describe('index pages', () => {
  test('PEP 691 JSON is negotiated and lists every file with hash, Requires-Python, yanked state and PEP 658 metadata hash', async () => {
    const c = client({ indexUrls: [indexes.urls.modern] });
    const { result: listings, log } = await served(() => Promise.all(WHEEL_PROJECTS.map((name) => c.project(name))));
    assert.equal(log.length, WHEEL_PROJECTS.length, 'one request per project, no metadata fetched');
    assert.ok(log.every((entry) => entry.accept?.startsWith('application/vnd.pypi.simple.v1+json')));
    for (const listing of listings) {
      const oracle = indexes.oracle[listing.name]!;
      assert.deepEqual(listing.sources.map((source) => [source.format, source.found]), [['json', true]]);
      assert.deepEqual(listing.files.map((file) => file.filename).sort(), Object.keys(oracle).sort(), listing.name);
      for (const file of listing.files) {
        const expected = oracle[file.filename]!;
        assert.equal(file.sha256, expected.sha256);
        assert.equal(file.requiresPython, expected.requires_python);
        assert.equal(file.yanked, expected.yanked);
        assert.deepEqual(file.coreMetadata, { sha256: expected.metadata_sha256 });
        assert.equal(file.size, expected.size);
        assert.equal(file.index, indexes.urls.modern);
        assert.equal(file.url, `${indexes.nginx.origin}/modern/files/${file.filename.replace('+', '%2B')}`);
      }
    }
    const yanked = listings.find((listing) => listing.name === 'numpy')!.files.find((file) => file.filename === YANKED_FILE)!;
    assert.equal(yanked.yanked, YANK_REASON);
  });

  test('the PEP 503 HTML of the same index gives the same listing (apart from PEP 700 sizes)', async () => {
    const json = await client({ indexUrls: [indexes.urls.modern] }).project('numpy');
    const html = await client({ indexUrls: [pathToFileURL(join(indexes.derivedDir, 'simple')).href] }).project('numpy');
    assert.deepEqual(html.sources.map((source) => source.format), ['html']);
    const comparable = (listing: ProjectListing) => listing.files.map(({ filename, version, kind, sha256, hashes, requiresPython, yanked, coreMetadata }) => ({ filename, version, kind, sha256, hashes, requiresPython, yanked, coreMetadata }));
    assert.deepEqual(comparable(html), comparable(json));
  });

  test('several indexes: each file records the index it came from; an index without the project is noted, not an error', async () => {
    const c = client({ indexUrls: [indexes.urls.pypi, indexes.urls.pypiMore] });
    const numpy = await c.project('NumPy');
    const fromMirror = readFileSync('/opt/pypi/simple/numpy/index.html', 'utf8').match(/numpy-[^"#]+\.whl/g)!;
    const fromMore = readFileSync('/opt/pypi-more/simple/numpy/index.html', 'utf8').match(/numpy-[^"#]+\.whl/g)!;
    for (const file of numpy.files) {
      assert.equal(file.index, fromMirror.includes(file.filename) ? indexes.urls.pypi : indexes.urls.pypiMore);
      assert.ok(fromMirror.includes(file.filename) || fromMore.includes(file.filename));
    }
    assert.equal(numpy.files.length, new Set([...fromMirror, ...fromMore]).size);
    const flask = await c.project('flask');
    assert.deepEqual(flask.sources.map((source) => source.found), [true, false]);
    const missing = await c.project('no-such-project-anywhere');
    assert.deepEqual(missing.files, []);
  });

  test('find-links: a directory lists its files without hashes; fileSha256 computes them', async () => {
    const dir = tempDir('mach-nix-find-links-');
    const six = Object.keys(indexes.oracle.six!)[0]!;
    copyFileSync(join('/opt/pypi/files', six), join(dir, six));
    copyFileSync(join('/opt/pypi/files', six), join(dir, 'not-a-distribution.txt'));
    const c = client({ indexUrls: [indexes.urls.modern], findLinks: [dir] });
    const listing = await c.project('six');
    const local = listing.files.filter((file) => file.index.startsWith('file:'));
    assert.equal(local.length, 0, 'the same file name from the index wins');
    const onlyLocal = await client({ indexUrls: [], findLinks: [dir] }).project('six');
    assert.deepEqual(onlyLocal.files.map((file) => [file.filename, file.sha256, file.index]), [[six, null, pathToFileURL(dir).href]]);
    assert.equal(await c.fileSha256(onlyLocal.files[0]!), indexes.oracle.six![six]!.sha256);
    assert.deepEqual(onlyLocal.skipped, [], 'find-links noise is not reported');
    const metadata = await c.metadata(onlyLocal.files[0]!);
    assert.deepEqual(metadata.requiresDist, indexes.oracle.six![six]!.requires_dist);
  });
});

describe('metadata', () => {
  test('PEP 658 metadata files: one request each, hash verified, equal to the wheel METADATA Python reads', async () => {
    const c = client({ indexUrls: [indexes.urls.modern] });
    const listings = await Promise.all(WHEEL_PROJECTS.map((name) => c.project(name)));
    const files = listings.flatMap((listing) => listing.files);
    const { result, log } = await served(() => Promise.all(files.map((file) => c.metadata(file))));
    assert.equal(log.length, files.length);
    assert.ok(log.every((entry) => entry.path.endsWith('.metadata') && entry.status === 200));
    files.forEach((file, i) => {
      const expected = indexes.oracle[file.project]![file.filename]!;
      assert.deepEqual(result[i]!.requiresDist, expected.requires_dist, file.filename);
      assert.equal(result[i]!.requiresPython, expected.requires_python);
    });
    assert.equal(c.stats.metadataFrom.pep658, files.length);
  });

  test('without PEP 658: the wheel METADATA by range requests — at most 3 per wheel, a fraction of the bytes — same result', async () => {
    const c = client({ indexUrls: [indexes.urls.pypi, indexes.urls.pypiMore] });
    const listings = await Promise.all(WHEEL_PROJECTS.map((name) => c.project(name)));
    const files = listings.flatMap((listing) => listing.files);
    const { result, log } = await served(() => Promise.all(files.map((file) => c.metadata(file))));
    for (const [i, file] of files.entries()) {
      const requests = log.filter((entry) => decodeURIComponent(entry.path).endsWith(`/${file.filename}`));
      assert.ok(requests.length >= 1 && requests.length <= 3, `${file.filename}: ${requests.length} requests`);
      assert.ok(requests.every((entry) => entry.status === 206 && entry.range !== null));
      const expected = indexes.oracle[file.project]![file.filename]!;
      assert.ok(requests.reduce((sum, entry) => sum + entry.bytes, 0) <= Math.max(70_000, expected.size / 4), file.filename);
      assert.deepEqual(result[i]!.requiresDist, expected.requires_dist, file.filename);
    }
    assert.equal(c.stats.metadataFrom.rangeRequests, files.length);
  });

  test('PEP 658 metadata whose hash differs is refused; announced but missing metadata falls back to range requests', async () => {
    const [six] = (await client({ indexUrls: [indexes.urls.modern] }).project('six')).files;
    const metadataPath = join(indexes.derivedDir, 'files', `${six!.filename}.metadata`);
    const original = readFileSync(metadataPath);
    try {
      writeFileSync(metadataPath, Buffer.concat([original, Buffer.from('Requires-Dist: evil\n')]));
      await assert.rejects(client({ indexUrls: [indexes.urls.modern] }).metadata(six!), (error: unknown) => {
        assert.ok(error instanceof HashMismatch);
        assert.ok(error.message.startsWith(`${six!.url}.metadata: sha256 is `), error.message);
        return true;
      });
      rmSync(metadataPath);
      const c = client({ indexUrls: [indexes.urls.modern] });
      assert.deepEqual((await c.metadata(six!)).requiresDist, indexes.oracle.six![six!.filename]!.requires_dist);
      assert.deepEqual(c.stats.metadataFrom, { pep658: 0, rangeRequests: 1, localWheel: 0, sdist: 0 });
    } finally {
      writeFileSync(metadataPath, original);
    }
  });

  test('sdist-only releases: static PKG-INFO (PEP 643) is used; dynamic or pre-2.2 metadata is one clear error', async () => {
    const c = client({ indexUrls: [indexes.urls.modern] });
    const [staticSdist] = (await c.project('static-sdist')).files;
    assert.equal(staticSdist!.kind, 'sdist');
    assert.equal(staticSdist!.coreMetadata, null);
    const metadata = await c.metadata(staticSdist!);
    assert.deepEqual([metadata.requiresDist, metadata.requiresPython, metadata.providesExtra], [['six>=1.0', 'idna; extra == "net"'], '>=3.8', ['net']]);

    const [dynamicSdist] = (await c.project('dynamic-sdist')).files;
    await assert.rejects(c.metadata(dynamicSdist!), (error: unknown) => {
      assert.ok(error instanceof DynamicSdistMetadata);
      for (const part of ['dynamic-sdist 2.0', 'dynamic-sdist-2.0.tar.gz', 'Requires-Dist as Dynamic', 'pin a version of dynamic-sdist that has a wheel', 'state its dependencies']) {
        assert.ok(error.message.includes(part), `${error.message} contains ${part}`);
      }
      return true;
    });
    const [legacy] = (await c.project('legacy-sdist')).files;
    assert.equal(legacy!.filename, `legacy-sdist-${SDISTS[2]!.version}.zip`);
    await assert.rejects(c.metadata(legacy!), /legacy-sdist 0\.5 has only an sdist .*Metadata-Version 2\.1, older than 2\.2/);
  });
});

describe('cache', () => {
  /** Lists and metadata of the Flask + requests closure, as canonical JSON. */
  async function closure(c: IndexClient): Promise<string> {
    const listings = await Promise.all(WHEEL_PROJECTS.map((name) => c.project(name)));
    const metadata = await Promise.all(listings.map((listing) => c.metadata(listing.files.find((file) => file.yanked === null)!)));
    return JSON.stringify({ listings, metadata });
  }

  test('warm: pages revalidated (304), no metadata refetched, byte-identical results; offline: no request at all', async () => {
    const cacheDir = tempDir('mach-nix-index-cache-');
    for (const url of [indexes.urls.modern, indexes.urls.pypi]) {
      const cold = await served(() => closure(client({ indexUrls: [url], cacheDir })));
      assert.ok(cold.log.some((entry) => entry.status === 200));
      const warmClient = client({ indexUrls: [url], cacheDir });
      const warm = await served(() => closure(warmClient));
      assert.equal(warm.result, cold.result);
      assert.deepEqual(warm.log.map((entry) => entry.status), WHEEL_PROJECTS.map(() => 304), 'only page revalidations');
      assert.equal(warmClient.stats.metadataCacheHits, WHEEL_PROJECTS.length);
      const offline = await served(() => closure(client({ indexUrls: [url], cacheDir, offline: true })));
      assert.equal(offline.result, cold.result);
      assert.deepEqual(offline.log, []);
    }
    // No temporary files left behind; every page entry is keyed by a credential-free URL.
    const files = readdirSync(cacheDir, { recursive: true, encoding: 'utf8' });
    assert.ok(!files.some((file) => file.includes('.tmp-')));
  });

  test('offline: what the cache lacks is one error naming it', async () => {
    const cacheDir = tempDir('mach-nix-index-cache-');
    const c = client({ indexUrls: [indexes.urls.modern], cacheDir, offline: true });
    await assert.rejects(c.project('flask'), (error: unknown) => {
      assert.ok(error instanceof OfflineCacheMiss);
      assert.equal(error.message, `offline: the cache has no index page of flask (${indexes.urls.modern}flask/); run once without --offline to fetch it`);
      return true;
    });
    const [wheel] = (await client({ indexUrls: [indexes.urls.modern], cacheDir }).project('six')).files;
    await assert.rejects(client({ indexUrls: [indexes.urls.modern], cacheDir, offline: true }).metadata(wheel!), /offline: the cache has no core metadata of six-.*\.whl/);
  });

  test('two runs at once share one cache directory', async () => {
    const cacheDir = tempDir('mach-nix-index-cache-');
    const [a, b] = await Promise.all([closure(client({ indexUrls: [indexes.urls.pypi], cacheDir })), closure(client({ indexUrls: [indexes.urls.pypi], cacheDir }))]);
    assert.equal(a, b);
    assert.equal(await closure(client({ indexUrls: [indexes.urls.pypi], cacheDir, offline: true })), a);
  });
});

describe('credentials', () => {
  const withCredentials = (user: string, password: string) => indexes.urls.private.replace('http://', `http://${user}:${encodeURIComponent(password)}@`);

  test('from URL userinfo or netrc; never in listings, logs, cache files or errors', async () => {
    const cacheDir = tempDir('mach-nix-index-cache-');
    const lines: string[] = [];
    const viaUrl = client({ indexUrls: [withCredentials(PRIVATE_USER, PRIVATE_PASSWORD)], cacheDir, log: (line) => lines.push(line) });
    const listing = await viaUrl.project('flask');
    assert.ok(listing.files.length > 0);
    assert.equal(listing.files[0]!.index, indexes.urls.private);
    const metadata = await viaUrl.metadata(listing.files[0]!);
    assert.equal(metadata.name.toLowerCase(), 'flask');

    const netrc = parseNetrc(`machine 127.0.0.1 login ${PRIVATE_USER} password ${PRIVATE_PASSWORD}\n`, 'netrc');
    const viaNetrc = client({ indexUrls: [indexes.urls.private], netrc, log: (line) => lines.push(line) });
    assert.deepEqual(JSON.stringify(await viaNetrc.project('flask')), JSON.stringify(listing));

    const everything = [JSON.stringify(listing), JSON.stringify(metadata), ...lines];
    for (const file of readdirSync(cacheDir, { recursive: true, encoding: 'utf8' })) {
      const path = join(cacheDir, file);
      everything.push(file);
      if (statSync(path).isFile()) everything.push(readFileSync(path, 'latin1'));
    }
    for (const text of everything) {
      assert.ok(!text.includes(PRIVATE_PASSWORD), 'password leaked');
      assert.ok(!text.includes(Buffer.from(`${PRIVATE_USER}:${PRIVATE_PASSWORD}`).toString('base64')), 'Authorization leaked');
    }
  });

  test('a refused request is one error that says what to do and does not contain the password', async () => {
    const wrong = 'Wr0ng-Secret-Value';
    for (const c of [client({ indexUrls: [withCredentials(PRIVATE_USER, wrong)] }), client({ indexUrls: [indexes.urls.private] })]) {
      await assert.rejects(c.project('flask'), (error: unknown) => {
        assert.ok(error instanceof IndexRequestError);
        assert.equal(error.status, 401);
        assert.ok(error.message.startsWith(`${indexes.urls.private}flask/: HTTP 401`), error.message);
        assert.match(error.message, /netrc/);
        assert.ok(!error.message.includes(wrong) && !String(error.stack).includes(wrong));
        return true;
      });
    }
  });
});

test('determinism: the same index gives byte-identical listings and metadata across fresh clients', async () => {
  const run = async () => {
    const c = client({ indexUrls: [indexes.urls.pypi, indexes.urls.pypiMore, indexes.urls.modern], http: { concurrency: 3 } });
    const listings = await Promise.all([...WHEEL_PROJECTS].reverse().map((name) => c.project(name)));
    const metadata = await Promise.all(listings.map((listing) => c.metadata(listing.files[0]!)));
    return JSON.stringify({ listings: [...listings].sort((a, b) => (a.name < b.name ? -1 : 1)), metadata });
  };
  assert.equal(await run(), await run());
});
