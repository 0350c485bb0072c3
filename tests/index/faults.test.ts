/**
 * The client against a server that fails halfway (servers/faulty-server.ts): retries with
 * backoff for 5xx, 429, connection resets, truncated bodies and stalls; none for other 4xx; the
 * whole-file fallback for servers that ignore Range, verified by sha256; credentials kept out of
 * errors and away from other origins.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IndexClient } from '../../src/index/client.js';
import { HashMismatch, IndexRequestError } from '../../src/index/errors.js';
import { FaultyServer } from './servers/faulty-server.js';

const WHEEL = '/opt/pypi/files/werkzeug-3.1.9-py3-none-any.whl';
let server: FaultyServer;
let other: FaultyServer;

before(async () => {
  server = await FaultyServer.start(WHEEL);
  other = await FaultyServer.start(WHEEL);
  server.redirectTo = other.origin;
});
after(async () => {
  await server.stop();
  await other.stop();
});

function client(indexUrl: string, retries = 3) {
  return new IndexClient({ indexUrls: [indexUrl], cacheDir: null, http: { retries, backoffMs: 5, timeoutMs: 400 } });
}

function requestsUnder(mode: string, target = server): number {
  return target.requests.filter((request) => request.path.startsWith(`/${mode}/`)).length;
}

/** Project page and the wheel's metadata through a mode; what a lock would ask for. */
async function metadataThrough(mode: string, retries = 3) {
  const c = client(server.index(mode), retries);
  const listing = await c.project(server.project);
  return { c, metadata: await c.metadata(listing.files[0]!) };
}

describe('retried failures', () => {
  test('baseline: page plus range-read metadata in 2 requests', async () => {
    const { metadata, c } = await metadataThrough('ok');
    assert.equal(metadata.name.toLowerCase(), 'werkzeug');
    assert.equal(requestsUnder('ok'), 2);
    assert.equal(c.stats.retries, 0);
  });

  for (const [mode, expectedRequests] of [
    ['flaky', 2 + 2 + 2],
    ['throttled', 2 + 1 + 1],
    ['reset', 2 + 1 + 1],
    ['truncate', 2 + 1 + 1],
    ['stall-once', 2 + 1 + 1],
  ] as const) {
    test(`${mode}: retried until it works, with the same result`, async () => {
      const { metadata, c } = await metadataThrough(mode);
      assert.equal(metadata.name.toLowerCase(), 'werkzeug');
      assert.equal(requestsUnder(mode), expectedRequests);
      assert.equal(c.stats.retries, expectedRequests - 2);
    });
  }

  test('a server that stays down: one error after the retries, naming the URL, status and attempts', async () => {
    await assert.rejects(client(server.index('down'), 2).project(server.project), (error: unknown) => {
      assert.ok(error instanceof IndexRequestError);
      assert.equal(error.message, `${server.index('down')}${server.project}/: HTTP 503 Service Unavailable (after 3 attempts)`);
      assert.equal(error.status, 503);
      return true;
    });
    assert.equal(requestsUnder('down'), 3);
  });

  test('a stall past the timeout: one error saying so', async () => {
    await assert.rejects(client(server.index('stall'), 1).project(server.project), /no response for 0\.4 s while reading the body \(timeout\) \(after 2 attempts\)/);
  });

  test('4xx other than 429 is not retried', async () => {
    await assert.rejects(client(server.index('forbidden')).project(server.project), /HTTP 403 for the index page of werkzeug/);
    assert.equal(requestsUnder('forbidden'), 1);
  });
});

describe('servers that ignore Range', () => {
  test('the whole file, verified against the index sha256, in one request', async () => {
    const { metadata, c } = await metadataThrough('norange');
    assert.equal(metadata.name.toLowerCase(), 'werkzeug');
    assert.equal(requestsUnder('norange'), 2);
    assert.equal(c.stats.metadataFrom.rangeRequests, 1);
  });

  test('a whole file with the wrong bytes is refused', async () => {
    await assert.rejects(metadataThrough('corrupt'), (error: unknown) => {
      assert.ok(error instanceof HashMismatch);
      assert.match(error.message, new RegExp(`/corrupt/files/werkzeug-3\\.1\\.9-py3-none-any\\.whl: sha256 is [0-9a-f]{64}, but the index says ${server.wheelSha256}`));
      return true;
    });
  });
});

describe('credentials', () => {
  const password = 'Top-Secret-42';
  const withCredentials = (url: string) => url.replace('http://', `http://alice:${password}@`);

  test('a failing authenticated request: the error text has no password', async () => {
    await assert.rejects(client(withCredentials(server.index('down')), 1).project(server.project), (error: unknown) => {
      assert.ok(error instanceof IndexRequestError);
      assert.ok(!error.message.includes(password) && !String(error.stack).includes(password));
      assert.ok(error.message.startsWith(`${server.index('down')}${server.project}/`));
      return true;
    });
    const sent = server.requests.filter((request) => request.authorization !== null);
    assert.ok(sent.length > 0 && sent.every((request) => request.authorization === `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`));
  });

  test('a redirect to another origin does not take the credentials along', async () => {
    const c = client(withCredentials(server.index('redirect')));
    const listing = await c.project(server.project);
    assert.equal(listing.files.length, 1);
    const redirected = other.requests.filter((request) => request.path.startsWith('/ok/simple/'));
    assert.equal(redirected.length, 1);
    assert.equal(redirected[0]!.authorization, null);
    assert.ok(server.requests.some((request) => request.path.startsWith('/redirect/') && request.authorization !== null));
  });
});

describe('page freshness', () => {
  const pages = (mode: string) => server.requests.filter((request) => request.path.startsWith(`/${mode}/simple/`)).length;
  const listing = (mode: string, cacheDir: string, options: { pageMaxAge?: number; refresh?: boolean } = {}) =>
    new IndexClient({ indexUrls: [server.index(mode)], cacheDir, ...options }).project(server.project);

  test("a cached page is used without a request for the caller's time, unless the server's Cache-Control says otherwise, or --refresh", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'mach-nix-freshness-'));
    try {
      for (const [mode, pageMaxAge, asked] of [['ok', 0, 2], ['ok', 600, 1], ['nocache', 600, 2], ['maxage', 0, 1]] as const) {
        const before = pages(mode);
        await listing(mode, cacheDir, { pageMaxAge });
        await listing(mode, cacheDir, { pageMaxAge });
        assert.equal(pages(mode) - before, asked, `${mode}, ${pageMaxAge} s: ${asked} requests for two runs`);
        rmSync(join(cacheDir, 'v1', 'pages'), { recursive: true, force: true });
      }
      const before = pages('maxage');
      await listing('maxage', cacheDir);
      await listing('maxage', cacheDir, { refresh: true });
      assert.equal(pages('maxage') - before, 2, '--refresh asks again');
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
