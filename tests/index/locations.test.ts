/** The locations in effect: the configuration, then a requirements file's option lines as pip applies them; pip's secure origins. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import type { IndexConfiguration } from '../../src/index/index-config.js';
import { effectiveLocations } from '../../src/index/locations.js';
import { parseRequirementsText } from '../../src/requirements-txt.js';
import { assertError } from '../helpers/errors.js';

const config: IndexConfiguration = {
  indexUrl: { value: 'https://conf.example/simple', source: 'pip.conf' },
  extraIndexUrls: [{ value: 'https://extra.example/simple', source: 'PIP_EXTRA_INDEX_URL' }],
  findLinks: [{ value: '/wheels', source: 'PIP_FIND_LINKS' }],
  trustedHosts: [],
};

const lines = (text: string) => parseRequirementsText(text, { name: 'requirements.txt', baseDir: '/project' }).options.given;
const values = (entries: readonly { value: string }[]) => entries.map((entry) => entry.value);

test("a file's --index-url replaces the whole list built so far, --extra-index-url appends, --no-index empties it for good", () => {
  assert.deepEqual(values(effectiveLocations(config, false, []).indexUrls), ['https://conf.example/simple', 'https://extra.example/simple']);
  const replaced = effectiveLocations(config, false, lines('--extra-index-url https://a.example/simple\n-i https://b.example/simple\n--extra-index-url https://c.example/simple\nflask'));
  assert.deepEqual(replaced.indexUrls, [{ value: 'https://b.example/simple', source: 'requirements.txt:2' }, { value: 'https://c.example/simple', source: 'requirements.txt:3' }]);
  assert.deepEqual(values(effectiveLocations(config, false, lines('--no-index\n-i https://b.example/simple\n--extra-index-url https://c.example/simple')).indexUrls), []);
  assert.deepEqual(values(effectiveLocations(config, true, lines('-i https://b.example/simple')).indexUrls), [], '--no-index of the command line');
  const found = effectiveLocations(config, false, lines('-f ./local\n--find-links https://links.example/page.html'));
  assert.deepEqual(found.findLinks, [
    { value: '/wheels', source: 'PIP_FIND_LINKS' },
    { value: '/project/local', source: 'requirements.txt:1' },
    { value: 'https://links.example/page.html', source: 'requirements.txt:2' },
  ]);
});

test('plain http is used only on the loopback host or a trusted one (pip.conf, the command line, a file line; host or host:port)', () => {
  const withIndex = (url: string, extra = '') => effectiveLocations({ ...config, indexUrl: { value: url, source: '--index-url' } }, false, lines(extra));
  for (const url of ['http://127.0.0.1:8080/simple', 'http://localhost/simple', 'http://[::1]:1/simple', 'file:///srv/simple', 'https://x.example/simple']) withIndex(url);
  assertError(() => withIndex('http://user:secret@mirror.example:8080/simple'), UsageError, 'http://mirror.example:8080/simple (from --index-url) is plain http on another host', '--trusted-host mirror.example:8080');
  assertError(() => withIndex('http://user:secret@mirror.example:8080/simple'), UsageError);
  assert.throws(() => withIndex('http://user:secret@mirror.example/simple'), (error: unknown) => !(error as Error).message.includes('secret'));
  withIndex('http://mirror.example:8080/simple', '--trusted-host mirror.example');
  withIndex('http://mirror.example:8080/simple', '--trusted-host mirror.example:8080');
  effectiveLocations({ ...config, indexUrl: { value: 'http://mirror.example/simple', source: 'pip.conf' }, trustedHosts: [{ value: 'mirror.example', source: 'pip.conf' }] }, false, []);
  assertError(() => effectiveLocations(config, false, lines('--find-links http://links.example/')), UsageError, 'http://links.example/ (from requirements.txt:1)');
});
