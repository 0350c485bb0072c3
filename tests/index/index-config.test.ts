import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataError } from '../../src/errors.js';
import { parseIni } from '../../src/index/configparser.js';
import { describeIndexConfiguration, effectiveIndexConfiguration, pipConfigFiles, PYPI_SIMPLE } from '../../src/index/index-config.js';
import { assertError } from '../helpers/errors.js';

/** A fake machine: its own /etc, XDG dirs and home, so this machine's real pip.conf never leaks in. */
function machine(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'mach-nix-pipconf-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const env: NodeJS.ProcessEnv = { XDG_CONFIG_DIRS: join(root, 'etc/xdg') };
  return { root, env, context: (extra: NodeJS.ProcessEnv = {}) => ({ env: { ...env, ...extra }, home: join(root, 'home'), systemConfigDir: join(root, 'etc') }) };
}

test('configparser: sections, both delimiters, comments, continuation lines, DEFAULT, errors with lines', () => {
  const sections = parseIni(
    '[DEFAULT]\ntimeout = 5\n[global]\n# comment\n; comment\nIndex-URL: https://a/simple\nextra-index-url =\n    https://b/simple\n\n    https://c/simple\n\n[install]\nfind-links=/x\n',
    'pip.conf',
  );
  assert.deepEqual(Object.fromEntries(sections.get('global')!), { 'index-url': 'https://a/simple', 'extra-index-url': '\nhttps://b/simple\n\nhttps://c/simple', timeout: '5' });
  assert.equal(sections.get('install')!.get('find-links'), '/x');
  assertError(() => parseIni('index-url = x\n', 'p.conf'), DataError, 'p.conf:1', 'before the first [section]');
  assertError(() => parseIni('[global]\na = 1\na = 2\n', 'p.conf'), DataError, 'p.conf:3', 'appears twice');
  assertError(() => parseIni('[global]\njust words\n', 'p.conf'), DataError, 'p.conf:2', 'expected "key = value"');
});

test('pip config files in pip order: global (XDG dirs, /etc), user (legacy, XDG), site, PIP_CONFIG_FILE', () => {
  const m = machine({ 'env.conf': '' });
  const kinds = (extra: NodeJS.ProcessEnv) => pipConfigFiles(m.context(extra)).map(({ file, kind }) => `${kind} ${file.slice(m.root.length)}`);
  assert.deepEqual(kinds({ VIRTUAL_ENV: join(m.root, 'venv') }), [
    'global /etc/xdg/pip/pip.conf',
    'global /etc/pip.conf',
    'user /home/.pip/pip.conf',
    'user /home/.config/pip/pip.conf',
    'site /venv/pip.conf',
  ]);
  // An existing PIP_CONFIG_FILE replaces the user files and comes last; /dev/null loads nothing.
  assert.deepEqual(kinds({ PIP_CONFIG_FILE: join(m.root, 'env.conf') }), ['global /etc/xdg/pip/pip.conf', 'global /etc/pip.conf', 'PIP_CONFIG_FILE /env.conf']);
  assert.deepEqual(pipConfigFiles(m.context({ PIP_CONFIG_FILE: '/dev/null' })), []);
});

test('effective configuration: later files override earlier ones, [install] overrides [global], the environment overrides files', () => {
  const m = machine({
    'etc/xdg/pip/pip.conf': '[global]\nindex-url = https://xdg/simple\nfind-links = /xdg-wheels\n',
    'etc/pip.conf': '[global]\nindex-url = https://etc/simple\n',
    'home/.config/pip/pip.conf': '[global]\nextra-index-url = https://user-a/simple\n  https://user-b/simple\n[install]\nindex-url = https://install/simple\n',
  });
  const config = effectiveIndexConfiguration(m.context());
  assert.equal(config.indexUrl.value, 'https://install/simple');
  assert.match(config.indexUrl.source, /home\/\.config\/pip\/pip\.conf \[install\] index-url$/);
  assert.deepEqual(config.extraIndexUrls.map((entry) => entry.value), ['https://user-a/simple', 'https://user-b/simple']);
  assert.deepEqual(config.findLinks.map((entry) => entry.value), ['/xdg-wheels']);

  const fromEnv = effectiveIndexConfiguration(m.context({ PIP_INDEX_URL: 'https://env/simple', PIP_EXTRA_INDEX_URL: 'https://e1/simple  https://e2/simple', PIP_FIND_LINKS: '/w1 /w2' }));
  assert.deepEqual(fromEnv.indexUrl, { value: 'https://env/simple', source: 'PIP_INDEX_URL' });
  assert.deepEqual(fromEnv.extraIndexUrls, [{ value: 'https://e1/simple', source: 'PIP_EXTRA_INDEX_URL' }, { value: 'https://e2/simple', source: 'PIP_EXTRA_INDEX_URL' }]);
  assert.deepEqual(fromEnv.findLinks.map((entry) => entry.value), ['/w1', '/w2']);

  const isolated = effectiveIndexConfiguration(m.context({ PIP_CONFIG_FILE: '/dev/null' }));
  assert.deepEqual(isolated, { indexUrl: { value: PYPI_SIMPLE, source: 'default' }, extraIndexUrls: [], findLinks: [], trustedHosts: [] });
});

test('trusted hosts: pip.conf trusted-host, PIP_TRUSTED_HOST over it, UV_INSECURE_HOST over both, explicit ones appended', () => {
  const m = machine({ 'etc/pip.conf': '[global]\ntrusted-host = conf.example\n  conf2.example:8080\n' });
  const hosts = (extra: NodeJS.ProcessEnv) => effectiveIndexConfiguration(m.context(extra), { trustedHosts: [{ value: 'cli.example', source: '--trusted-host' }] }).trustedHosts;
  assert.deepEqual(hosts({}).map((entry) => entry.value), ['conf.example', 'conf2.example:8080', 'cli.example']);
  assert.match(hosts({})[0]!.source, /etc\/pip\.conf \[global\] trusted-host$/);
  assert.deepEqual(hosts({ PIP_TRUSTED_HOST: 'env.example other.example' }).map((entry) => `${entry.value} ${entry.source}`), ['env.example PIP_TRUSTED_HOST', 'other.example PIP_TRUSTED_HOST', 'cli.example --trusted-host']);
  assert.deepEqual(hosts({ PIP_TRUSTED_HOST: 'env.example', UV_INSECURE_HOST: 'uv.example' }).map((entry) => entry.value), ['uv.example', 'cli.example']);
});

test('uv variables: UV_DEFAULT_INDEX before UV_INDEX_URL, UV_INDEX (name=url) and UV_EXTRA_INDEX_URL, comma-separated UV_FIND_LINKS', () => {
  const m = machine({});
  const config = effectiveIndexConfiguration(
    m.context({
      PIP_CONFIG_FILE: '/dev/null',
      PIP_INDEX_URL: 'https://pip/simple',
      UV_INDEX_URL: 'https://uv-old/simple',
      UV_DEFAULT_INDEX: 'https://uv/simple',
      UV_INDEX: 'internal=https://internal/simple https://plain/simple',
      UV_EXTRA_INDEX_URL: 'https://extra/simple',
      PIP_EXTRA_INDEX_URL: 'https://ignored/simple',
      UV_FIND_LINKS: '/a, /b',
    }),
  );
  assert.deepEqual(config.indexUrl, { value: 'https://uv/simple', source: 'UV_DEFAULT_INDEX' });
  assert.deepEqual(config.extraIndexUrls.map((entry) => `${entry.value} ${entry.source}`), [
    'https://internal/simple UV_INDEX',
    'https://plain/simple UV_INDEX',
    'https://extra/simple UV_EXTRA_INDEX_URL',
  ]);
  assert.deepEqual(config.findLinks.map((entry) => entry.value), ['/a', '/b']);
  assert.equal(effectiveIndexConfiguration(m.context({ PIP_CONFIG_FILE: '/dev/null', UV_INDEX_URL: 'https://uv-old/simple' })).indexUrl.source, 'UV_INDEX_URL');
});

test('explicit options: an index URL replaces the configured one, extra indexes and find-links are appended; descriptions hide credentials', () => {
  const m = machine({ 'home/.config/pip/pip.conf': '[global]\nextra-index-url = https://conf/simple\n' });
  const config = effectiveIndexConfiguration(m.context(), {
    indexUrl: { value: 'https://user:hunter2@private/simple', source: '--index-url' },
    extraIndexUrls: [{ value: 'https://cli/simple', source: 'requirements.txt:1 --extra-index-url' }],
    findLinks: [{ value: './wheels', source: '--find-links' }],
  });
  assert.equal(config.indexUrl.source, '--index-url');
  assert.deepEqual(config.extraIndexUrls.map((entry) => entry.value), ['https://conf/simple', 'https://cli/simple']);
  const description = describeIndexConfiguration(config).join('\n');
  assert.match(description, /index-url https:\/\/private\/simple \(from --index-url\)/);
  assert.doesNotMatch(description, /hunter2/);
});

test('a malformed pip.conf is one error naming the file and line', () => {
  const m = machine({ 'etc/pip.conf': '[global]\nindex-url\n' });
  assertError(() => effectiveIndexConfiguration(m.context()), DataError, 'etc/pip.conf:2');
});
