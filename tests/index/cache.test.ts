import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultCacheDir, IndexCache, sha256Hex } from '../../src/index/cache.js';

test('cache: content-addressed metadata and files, pages by URL; unreadable or corrupted entries count as missing', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mach-nix-cache-unit-'));
  try {
    const cache = new IndexCache(root);
    const file = Buffer.from('a distribution');
    const hash = sha256Hex(file);
    await cache.writeFile(hash, file);
    assert.deepEqual(await cache.readFile(hash), file);
    await cache.writeMetadata(hash, Buffer.from('Name: x\n'));
    assert.equal((await cache.readMetadata(hash))!.toString(), 'Name: x\n');
    assert.equal(await cache.readMetadata('not-a-hash'), null);

    // A stored file whose bytes changed on disk is not served.
    writeFileSync(join(root, 'v1', 'files', hash.slice(0, 2), hash), 'tampered');
    assert.equal(await cache.readFile(hash), null);

    const page = { url: 'https://i/simple/x/', finalUrl: 'https://i/simple/x/', status: 200 as const, contentType: 'text/html', etag: '"1"', lastModified: null, body: '<a>' };
    await cache.writePage(page);
    assert.deepEqual(await cache.readPage(page.url), page);
    assert.equal(await cache.readPage('https://i/simple/y/'), null);
    writeFileSync(join(root, 'v1', 'pages', sha256Hex(page.url).slice(0, 2), `${sha256Hex(page.url)}.json`), '{"url": trunc');
    assert.equal(await cache.readPage(page.url), null);

    // Writes are renamed into place: nothing temporary is left.
    const names = readdirSync(root, { recursive: true, encoding: 'utf8' });
    assert.ok(!names.some((name) => name.includes('.tmp-')), names.join(' '));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('cache directory: $MACH_NIX_CACHE_DIR, else $XDG_CACHE_HOME/mach-nix, else ~/.cache/mach-nix; index/ inside', () => {
  assert.equal(defaultCacheDir({ MACH_NIX_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }), '/c/index');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/mach-nix/index');
  assert.match(defaultCacheDir({}), /\/\.cache\/mach-nix\/index$/);
});
