import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedIndexResponse } from '../../src/index/errors.js';
import { classifyFilename, collectProjectFiles, type PageLink } from '../../src/index/project-files.js';
import { parseSimpleHtml } from '../../src/index/simple-html.js';
import { parseSimpleJson } from '../../src/index/simple-json.js';
import { assertError } from '../helpers/errors.js';

const page = 'https://index.example/simple/demo/';

test('PEP 503 HTML: absolute URLs, hash fragments, entities in data-requires-python, yanked, PEP 658/714 metadata, <base>', () => {
  const html = `<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"><base href="https://files.example/root/"></head><body>
<a href="../f/demo-1.0-py3-none-any.whl#sha256=ABCDEF" data-requires-python="&gt;=3.8,&lt;4" data-core-metadata="sha256=0123" data-dist-info-metadata="true">demo-1.0-py3-none-any.whl</a>
<A HREF="/f/demo-0.9.tar.gz" data-yanked="">x</A>
<a href="demo%2B0.8.zip" data-yanked="bad &amp; broken" data-dist-info-metadata="true">demo+0.8.zip</a>
<a>no href</a></body></html>`;
  const parsed = parseSimpleHtml(html, page);
  assert.equal(parsed.apiVersion, '1.1');
  assert.deepEqual(parsed.links, [
    { filename: 'demo-1.0-py3-none-any.whl', url: 'https://files.example/f/demo-1.0-py3-none-any.whl', hashes: { sha256: 'abcdef' }, requiresPython: '>=3.8,<4', yanked: null, coreMetadata: { sha256: '0123' }, size: null },
    { filename: 'demo-0.9.tar.gz', url: 'https://files.example/f/demo-0.9.tar.gz', hashes: {}, requiresPython: null, yanked: '', coreMetadata: null, size: null },
    { filename: 'demo+0.8.zip', url: 'https://files.example/root/demo%2B0.8.zip', hashes: {}, requiresPython: null, yanked: 'bad & broken', coreMetadata: {}, size: null },
  ]);
});

test('PEP 691 JSON: relative URLs, hashes, yanked as bool or reason, core-metadata before dist-info-metadata, size', () => {
  const json = JSON.stringify({
    meta: { 'api-version': '1.1' },
    name: 'demo',
    files: [
      { filename: 'demo-1.0-py3-none-any.whl', url: '../../f/demo-1.0-py3-none-any.whl', hashes: { sha256: 'AB', blake2b: 'zz' }, 'requires-python': '>=3.8', 'core-metadata': { sha256: 'CD' }, 'dist-info-metadata': true, size: 10 },
      { filename: 'demo-0.9.tar.gz', url: 'https://elsewhere/demo-0.9.tar.gz#frag', hashes: {}, yanked: 'reason', 'dist-info-metadata': false },
      { filename: 'demo-0.8.tar.gz', url: 'demo-0.8.tar.gz', hashes: {}, 'requires-python': null, yanked: true },
    ],
  });
  const parsed = parseSimpleJson(json, page);
  assert.equal(parsed.apiVersion, '1.1');
  assert.deepEqual(parsed.links, [
    { filename: 'demo-1.0-py3-none-any.whl', url: 'https://index.example/f/demo-1.0-py3-none-any.whl', hashes: { sha256: 'ab' }, requiresPython: '>=3.8', yanked: null, coreMetadata: { sha256: 'cd' }, size: 10 },
    { filename: 'demo-0.9.tar.gz', url: 'https://elsewhere/demo-0.9.tar.gz', hashes: {}, requiresPython: null, yanked: 'reason', coreMetadata: null, size: null },
    { filename: 'demo-0.8.tar.gz', url: 'https://index.example/simple/demo/demo-0.8.tar.gz', hashes: {}, requiresPython: null, yanked: '', coreMetadata: null, size: null },
  ]);
  assertError(() => parseSimpleJson('{"meta": {"api-version": "1.0"}, "name": "demo", "files": [{"filename": "x"}]}', page), UnsupportedIndexResponse, page, 'files.0.url');
  assertError(() => parseSimpleJson('<html>', page), UnsupportedIndexResponse, 'not JSON');
});

test('file names: wheels and sdists of the project with their versions; other files set aside with a reason', () => {
  assert.deepEqual(classifyFilename('Demo_Pkg-1.0-py3-none-any.whl', 'demo.pkg'), { kind: 'wheel', version: '1.0' });
  assert.deepEqual(classifyFilename('demo-pkg-1.0.post1.tar.gz', 'Demo_Pkg'), { kind: 'sdist', version: '1.0.post1' });
  assert.deepEqual(classifyFilename('Demo.Pkg-2.0.zip', 'demo-pkg'), { kind: 'sdist', version: '2.0' });
  assert.deepEqual(classifyFilename('other-1.0-py3-none-any.whl', 'demo'), { reason: 'a wheel of other, not of demo', foreign: true });
  assert.equal((classifyFilename('demo-1.0.exe', 'demo') as { foreign: boolean }).foreign, false);
  assert.match((classifyFilename('demo-latest.tar.gz', 'demo') as { reason: string }).reason, /not PEP 440/);
  assert.match((classifyFilename('demo-1.0-py3-none.whl', 'demo') as { reason: string }).reason, /wrong number of parts/);
});

test('project files: canonical order (newest first, then file name), first index wins a duplicate name, find-links noise dropped', () => {
  const link = (filename: string): PageLink => ({ filename, url: `https://x/${filename}`, hashes: { sha256: filename.length.toString(16) }, requiresPython: null, yanked: null, coreMetadata: null, size: null });
  const { files, skipped } = collectProjectFiles('demo', [
    { index: 'https://a/', links: [link('demo-1.0.tar.gz'), link('demo-10.0-py3-none-any.whl'), link('demo-2.0-py3-none-any.whl'), link('README')] },
    { index: 'https://b/', links: [link('demo-10.0-py3-none-any.whl'), link('demo-10.0.tar.gz')] },
    { index: 'file:///wheels', links: [link('other-1.0-py3-none-any.whl'), link('demo-3.0-py3-none-any.whl')], mixed: true },
  ]);
  assert.deepEqual(files.map((file) => `${file.filename} ${file.index}`), [
    'demo-10.0-py3-none-any.whl https://a/',
    'demo-10.0.tar.gz https://b/',
    'demo-3.0-py3-none-any.whl file:///wheels',
    'demo-2.0-py3-none-any.whl https://a/',
    'demo-1.0.tar.gz https://a/',
  ]);
  assert.deepEqual(skipped, [{ filename: 'README', index: 'https://a/', reason: 'not a wheel or an sdist this client can read (.tar.gz, .tgz, .tar, .zip)' }]);
});
