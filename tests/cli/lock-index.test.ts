/**
 * `mach-nix lock` and `resolve` against real package indexes: nginx on loopback serving the
 * machine's PyPI mirror (PEP 503, metadata by range requests) and the PEP 691 + 658 index derived
 * from it with a yanked file, sdist-only releases and a basic-auth copy (tests/index/servers), and
 * a server that fails or stalls. Expected hashes come from Python's standard library reading the
 * same files (the fixture's oracle). Every run is isolated from this machine's pip configuration.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import { makeRequest, requestHash } from '../../src/lock/request.js';
import { checkResolution } from '../../src/schemas.js';
import { repoDir } from '../helpers/paths.js';
import { FaultyServer } from '../index/servers/faulty-server.js';
import { PRIVATE_PASSWORD, PRIVATE_USER, startTestIndexes, type TestIndexes, YANK_REASON } from '../index/servers/fixture-index.js';
import { runCli } from '../helpers/cli.js';

let indexes: TestIndexes;
let faulty: FaultyServer;
const savedEnv = { ...process.env };
const temporary: string[] = [];

function tempDir(prefix = 'mach-nix-lock-index-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** This machine's pip and uv settings must not leak into the runs (it has PIP_FIND_LINKS and a pip.conf). */
function isolate(): void {
  for (const key of Object.keys(process.env)) if (/^(PIP|UV)_/.test(key) || key === 'NETRC' || key === 'SOURCE_DATE_EPOCH') delete process.env[key];
  process.env.PIP_CONFIG_FILE = '/dev/null';
  process.env.NETRC = join(tmpdir(), 'mach-nix-no-such-netrc');
}

before(async () => {
  indexes = await startTestIndexes();
  faulty = await FaultyServer.start('/opt/pypi/files/six-1.17.0-py2.py3-none-any.whl');
  isolate();
});
after(async () => {
  process.env = savedEnv;
  await indexes.stop();
  await faulty.stop();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

const TARGET = ['--python', '3.11.2', '--platform', 'x86_64-linux', '--glibc', '2.36'];

const machNix = (...argv: string[]) => runCli(argv);

function requirementsFile(text: string): string {
  const file = join(tempDir(), 'requirements.txt');
  writeFileSync(file, text);
  return file;
}

interface Locked {
  code: number;
  stdout: string;
  stderr: string;
  file: string;
  text: string;
  lock: Resolution;
}

/** `mach-nix lock -r <requirements> …` with its own cache unless one is given. */
async function lock(requirements: string, args: string[], options: { cache?: string; output?: string } = {}): Promise<Locked> {
  process.env.MACH_NIX_CACHE_DIR = options.cache ?? tempDir('mach-nix-cache-');
  const file = options.output ?? join(tempDir(), 'mach-nix.lock.json');
  const result = await machNix('lock', '-r', requirementsFile(requirements), ...TARGET, ...args, '-o', file);
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // no lock written
  }
  return { ...result, file, text, lock: text === '' ? (undefined as unknown as Resolution) : (JSON.parse(text) as Resolution) };
}

const sri = (hex: string) => `sha256-${Buffer.from(hex, 'hex').toString('base64')}`;
const versions = (resolution: Resolution) => Object.fromEntries(Object.entries(resolution.packages).map(([name, p]) => [name, `${p!.version} ${p!.provider}`]));
const FLASK_CLOSURE = ['blinker', 'certifi', 'charset-normalizer', 'click', 'flask', 'idna', 'itsdangerous', 'jinja2', 'markupsafe', 'requests', 'urllib3', 'werkzeug'];

describe('lock against a package index', () => {
  test('the seed Flask + requests from a PEP 691 + 658 index and from the plain mirror: the same packages, every file with its URL, sha256 and index', async () => {
    const modern = await lock('flask\nrequests\n', ['--index-url', indexes.urls.modern]);
    assert.equal(modern.code, 0, modern.stderr);
    checkResolution(modern.lock, { file: modern.file });
    assert.deepEqual(Object.keys(modern.lock.packages).sort(), FLASK_CLOSURE);
    assert.deepEqual(modern.lock.data, { depsTimestamp: null, fetcherCommit: null, index: { indexUrls: [indexes.urls.modern], findLinks: [] } });
    for (const [name, entry] of Object.entries(modern.lock.packages)) {
      const source = entry!.source;
      assert.equal(source.type, 'wheel', name);
      if (source.type !== 'wheel') continue;
      assert.equal(source.url, `${indexes.nginx.origin}/modern/files/${source.filename}`);
      assert.equal(source.hash, sri(indexes.oracle[name]![source.filename]!.sha256), name);
      assert.equal(source.index, indexes.urls.modern);
    }
    // The hash is the request's: what mkPython asks, with the index the lock was made from.
    const request = makeRequest({
      requirements: 'flask\nrequests\n', python: '3.11.2', platform: 'x86_64-linux', glibc: '2.36', macos: null, providers: {},
      providerDefaults: null, condaChannels: [], cudaVersion: null, dataTimestamp: null, index: { indexUrls: [indexes.urls.modern], findLinks: [] },
    });
    assert.equal(modern.lock.inputHash, requestHash(request));
    assert.equal(modern.stdout, `wrote ${modern.file}: 12 packages, input hash ${requestHash(request)}\n`);

    const plain = await lock('flask\nrequests\n', ['--index-url', indexes.urls.pypi, '--extra-index-url', indexes.urls.pypiMore]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(versions(plain.lock), versions(modern.lock));
    for (const [name, entry] of Object.entries(plain.lock.packages)) {
      const source = entry!.source;
      if (source.type !== 'wheel') assert.fail(name);
      assert.equal(source.hash, (modern.lock.packages[name]!.source as typeof source).hash, name);
      assert.equal(source.index, indexes.urls.pypi);
      assert.equal(source.url, `${indexes.nginx.origin}/pypi/files/${source.filename}`);
    }
    assert.notEqual(plain.lock.inputHash, modern.lock.inputHash, 'the index is part of what a lock answers');
  });

  test('yanked files (PEP 592): skipped, unless pinned with ==, and named when they are all a requirement could have', async () => {
    const free = await lock('numpy\n', ['--index-url', indexes.urls.modern]);
    assert.equal(free.code, 0, free.stderr);
    assert.equal(free.lock.packages.numpy!.version, '2.4.6');
    const skipping = await lock('numpy<2.1\n', ['--index-url', indexes.urls.modern]);
    assert.equal(skipping.lock.packages.numpy!.version, '2.0.0', 'the yanked 2.0.2 is passed over');
    const pinned = await lock('numpy==2.0.2\n', ['--index-url', indexes.urls.modern]);
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.equal(pinned.lock.packages.numpy!.version, '2.0.2');
    assert.deepEqual(pinned.lock.packages.numpy!.notes, [`yanked from its index (${YANK_REASON}): taken only because a requirement pins this version with ==`]);
    const unpinned = await lock('numpy>=2.0.2,<2.0.3\n', ['--index-url', indexes.urls.modern]);
    assert.equal(unpinned.code, 1);
    assert.match(unpinned.stderr, new RegExp(`2\\.0\\.2 is yanked from the index \\(${YANK_REASON.replace(/[<>#]/g, '.')}\\), which only a requirement pinning the version with == may take \\(PEP 592\\)`));
  });

  test('sdist-only releases: static PKG-INFO used (its extras too), dynamic metadata refused naming the release and the ways out', async () => {
    const statics = await lock('static-sdist[net]\n', ['--index-url', indexes.urls.modern]);
    assert.equal(statics.code, 0, statics.stderr);
    const entry = statics.lock.packages['static-sdist']!;
    assert.equal(entry.provider, 'sdist');
    assert.deepEqual(entry.dependencies, ['idna', 'six']);
    assert.deepEqual(entry.source, {
      type: 'sdist', filename: 'static-sdist-1.0.tar.gz', url: `${indexes.nginx.origin}/modern/files/static-sdist-1.0.tar.gz`,
      hash: sri(indexes.oracle['static-sdist']!['static-sdist-1.0.tar.gz']!.sha256), pythonKey: null, index: indexes.urls.modern,
    });
    for (const [project, file, reason] of [
      ['dynamic-sdist', 'dynamic-sdist-2.0.tar.gz', 'its PKG-INFO marks Requires-Dist as Dynamic (PEP 643)'],
      ['legacy-sdist', 'legacy-sdist-0.5.zip', 'its PKG-INFO has Metadata-Version 2.1, older than 2.2 (PEP 643)'],
    ]) {
      const refused = await lock(`${project}\n`, ['--index-url', indexes.urls.modern]);
      assert.equal(refused.code, 1);
      assert.equal(refused.text, '', 'no lock written');
      assert.ok(refused.stderr.includes(`it has only an sdist (${file}) and ${reason}`), refused.stderr);
      assert.ok(refused.stderr.includes(`pin a version of ${project} that has a wheel, or take ${project} from nixpkgs (providers.${project} = "nixpkgs")`), refused.stderr);
    }
  });

  test("Requires-Python: the page's excludes a file before its metadata is fetched; the metadata's is checked when the page has none", async () => {
    indexes.nginx.clearLog();
    const fromPage = await lock('static-sdist\n', ['--python', '3.7', '--index-url', indexes.urls.modern]);
    assert.equal(fromPage.code, 1);
    assert.match(fromPage.stderr, /1\.0 requires Python >=3\.8 \[sdist\]/);
    assert.deepEqual(indexes.nginx.accessLog().map((entry) => entry.path), ['/modern/simple/static-sdist/'], 'only the page: the sdist is not downloaded');

    const fromMetadata = await lock('flask\n', ['--python', '3.8', '--index-url', indexes.urls.pypi]);
    assert.equal(fromMetadata.code, 1);
    assert.match(fromMetadata.stderr, /Because flask requires Python >=3\.9 \(its metadata says so\)/);

    // Metadata is fetched for the candidates tried only: one .metadata file for numpy's ten files.
    indexes.nginx.clearLog();
    assert.equal((await lock('numpy\n', ['--index-url', indexes.urls.modern])).code, 0);
    assert.deepEqual(indexes.nginx.accessLog().map((entry) => entry.path).sort(), ['/modern/files/numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl.metadata', '/modern/simple/numpy/']);
  });

  test("the index configuration a pip or uv user has, and the requirements' own option lines, as pip applies them", async () => {
    process.env.PIP_INDEX_URL = indexes.urls.modern;
    try {
      const fromEnv = await lock('flask\n', []);
      assert.equal(fromEnv.code, 0, fromEnv.stderr);
      assert.deepEqual(fromEnv.lock.data.index, { indexUrls: [indexes.urls.modern], findLinks: [] });

      // The file's --index-url replaces the configured index, its --extra-index-url appends.
      const fromFile = await lock(`--index-url ${indexes.urls.pypi}\n--extra-index-url ${indexes.urls.pypiMore}\nflask\n`, ['--verbose']);
      assert.equal(fromFile.code, 0, fromFile.stderr);
      assert.deepEqual(fromFile.lock.data.index, { indexUrls: [indexes.urls.pypi, indexes.urls.pypiMore], findLinks: [] });
      // the line is named in the file it is in (the lock's requirements text is that file's content)
      assert.match(fromFile.stderr, new RegExp(`mach-nix: index-url ${indexes.urls.pypi.replace(/[.?]/g, '\\$&')} \\(from /\\S+/requirements\\.txt:1\\)`), fromFile.stderr);
      assert.equal(fromFile.lock.packages.flask!.source.type === 'wheel' && fromFile.lock.packages.flask!.source.index, indexes.urls.pypi);

      // --no-index and a find-links folder without hashes: the files' sha256 computed from them.
      const offIndex = await lock('--no-index\n--find-links /opt/pypi/files\nsix\n', []);
      assert.equal(offIndex.code, 0, offIndex.stderr);
      assert.deepEqual(offIndex.lock.data.index, { indexUrls: [], findLinks: ['file:///opt/pypi/files'] });
      const six = offIndex.lock.packages.six!.source;
      assert.deepEqual(six, {
        type: 'wheel', filename: 'six-1.17.0-py2.py3-none-any.whl', url: 'file:///opt/pypi/files/six-1.17.0-py2.py3-none-any.whl',
        hash: `sha256-${createHash('sha256').update(readFileSync('/opt/pypi/files/six-1.17.0-py2.py3-none-any.whl')).digest('base64')}`,
        index: 'file:///opt/pypi/files',
      });
    } finally {
      delete process.env.PIP_INDEX_URL;
    }
    const pipConf = join(tempDir(), 'pip.conf');
    writeFileSync(pipConf, `[global]\nindex-url = ${indexes.urls.pypiMore}\nextra-index-url =\n    ${indexes.urls.modern}\n`);
    process.env.PIP_CONFIG_FILE = pipConf;
    process.env.UV_INDEX_URL = indexes.urls.pypi;
    try {
      const fromConfig = await lock('flask\n', []);
      assert.equal(fromConfig.code, 0, fromConfig.stderr);
      assert.deepEqual(fromConfig.lock.data.index, { indexUrls: [indexes.urls.pypi, indexes.urls.modern], findLinks: [] }, "uv's index over pip's, pip.conf's extra index kept");
    } finally {
      process.env.PIP_CONFIG_FILE = '/dev/null';
      delete process.env.UV_INDEX_URL;
    }
  });

  test('a private index with basic auth: credentials from the URL or netrc, never in the lock, the cache, the output or an error', async () => {
    const cache = tempDir('mach-nix-cache-');
    const withCredentials = indexes.urls.private.replace('http://', `http://${PRIVATE_USER}:${encodeURIComponent(PRIVATE_PASSWORD)}@`);
    const viaUrl = await lock('flask\nrequests\n', ['--index-url', withCredentials, '--verbose'], { cache });
    assert.equal(viaUrl.code, 0, viaUrl.stderr);
    assert.deepEqual(viaUrl.lock.data.index, { indexUrls: [indexes.urls.private], findLinks: [] });
    assert.equal(Object.keys(viaUrl.lock.packages).length, 12);

    const netrc = join(tempDir(), 'netrc');
    writeFileSync(netrc, `machine 127.0.0.1 login ${PRIVATE_USER} password ${PRIVATE_PASSWORD}\n`);
    process.env.NETRC = netrc;
    let viaNetrc: Locked;
    try {
      viaNetrc = await lock('flask\nrequests\n', ['--index-url', indexes.urls.private], { cache });
    } finally {
      process.env.NETRC = join(tmpdir(), 'mach-nix-no-such-netrc');
    }
    assert.equal(viaNetrc.code, 0, viaNetrc.stderr);
    assert.equal(viaNetrc.text, viaUrl.text, 'the credentials are not part of the lock');

    const wrong = await lock('flask\n', ['--index-url', withCredentials.replace(encodeURIComponent(PRIVATE_PASSWORD), 'Wr0ng-Secret-Value'), '--refresh']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /HTTP 401 for the index page of flask: the index wants credentials/);

    const texts = [viaUrl.text, viaUrl.stdout, viaUrl.stderr, viaNetrc.stdout, viaNetrc.stderr, wrong.stderr];
    for (const file of readdirSync(cache, { recursive: true, encoding: 'utf8' })) {
      texts.push(file);
      if (statSync(join(cache, file)).isFile()) texts.push(readFileSync(join(cache, file), 'latin1'));
    }
    const authorization = Buffer.from(`${PRIVATE_USER}:${PRIVATE_PASSWORD}`).toString('base64');
    for (const text of texts) {
      for (const secret of [PRIVATE_PASSWORD, encodeURIComponent(PRIVATE_PASSWORD), authorization, 'Wr0ng-Secret-Value', `${PRIVATE_USER}:`]) {
        assert.ok(!text.includes(secret), `${secret} leaked into ${text.slice(0, 80)}`);
      }
    }
  });

  test('a failing or stalling server: one error, and the previous lock stays as it was', async () => {
    const output = join(tempDir(), 'mach-nix.lock.json');
    const good = await lock('six\n', ['--index-url', faulty.index('ok')], { output });
    assert.equal(good.code, 0, good.stderr);
    const before = readFileSync(output);
    for (const [mode, message] of [
      ['down', /HTTP 503/],
      ['stall', /no response for 0\.3 s while reading the body \(timeout\)/],
      ['forbidden', /HTTP 403 for the index page of six: the index wants credentials/],
    ] as const) {
      const failed = await lock('six\n', ['--index-url', faulty.index(mode), '--timeout', '0.3', '--retries', '1'], { output });
      assert.equal(failed.code, 1, mode);
      assert.match(failed.stderr, message);
      assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
      assert.ok(readFileSync(output).equals(before), `${mode}: the previous lock is unchanged`);
    }
    assert.deepEqual(readdirSync(join(output, '..')), ['mach-nix.lock.json'], 'no temporary file left');
    // Retried failures end in the same lock as a sound server gives (its URLs aside).
    const flaky = await lock('six\n', ['--index-url', faulty.index('flaky'), '--retries', '3']);
    assert.equal(flaky.code, 0, flaky.stderr);
    assert.equal(flaky.text.replaceAll('/flaky/', '/ok/'), good.text.replace(good.lock.inputHash!, flaky.lock.inputHash!));
  });

  test('--offline answers from the warm cache alone, byte for byte; with a cold cache it names what it lacks', async () => {
    const cache = tempDir('mach-nix-cache-');
    const online = await lock('flask\nrequests\n', ['--index-url', indexes.urls.pypi], { cache });
    assert.equal(online.code, 0, online.stderr);
    indexes.nginx.clearLog();
    const offline = await lock('flask\nrequests\n', ['--index-url', indexes.urls.pypi, '--offline'], { cache });
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(offline.text, online.text);
    assert.deepEqual(indexes.nginx.accessLog(), []);
    const cold = await lock('flask\n', ['--index-url', indexes.urls.pypi, '--offline']);
    assert.equal(cold.code, 1);
    assert.equal(cold.stderr, `error: offline: the cache has no index page of flask (${indexes.urls.pypi}flask/); run once without --offline to fetch it\n`);
  });

  test('freshness: pages fetched less than 10 minutes ago are not asked for again; --refresh revalidates them', async () => {
    const cache = tempDir('mach-nix-cache-');
    const first = await lock('flask\n', ['--index-url', indexes.urls.modern], { cache });
    indexes.nginx.clearLog();
    const second = await lock('flask\n', ['--index-url', indexes.urls.modern], { cache });
    assert.equal(second.text, first.text);
    assert.deepEqual(indexes.nginx.accessLog(), [], 'every page fresh, every metadata file cached');
    const refreshed = await lock('flask\n', ['--index-url', indexes.urls.modern, '--refresh'], { cache });
    assert.equal(refreshed.text, first.text);
    const log = indexes.nginx.accessLog();
    assert.equal(log.length, 7);
    assert.ok(log.every((entry) => entry.status === 304 && entry.path.startsWith('/modern/simple/')), JSON.stringify(log));
  });

  test('deterministic: the same lock cold and warm, from another working directory, time zone and locale', async () => {
    const cache = tempDir('mach-nix-cache-');
    const cold = await lock('flask\nrequests\n', ['--index-url', indexes.urls.pypi, '--extra-index-url', indexes.urls.modern], { cache });
    const warm = await lock('flask\nrequests\n', ['--index-url', indexes.urls.pypi, '--extra-index-url', indexes.urls.modern], { cache });
    assert.equal(warm.text, cold.text);
    const requirements = requirementsFile('flask\nrequests\n');
    const output = join(tempDir(), 'elsewhere.lock.json');
    // the command users run: the bundle `npm run build` made
    const spawned = spawnSync(join(repoDir, 'bin/mach-nix'), ['lock', '-r', requirements, ...TARGET, '-i', indexes.urls.pypi, '--extra-index-url', indexes.urls.modern, '-o', output], {
      cwd: tempDir(),
      env: { ...process.env, MACH_NIX_CACHE_DIR: tempDir('mach-nix-cache-'), TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
      encoding: 'utf8',
    });
    assert.equal(spawned.status, 0, spawned.stderr);
    assert.equal(readFileSync(output, 'utf8'), cold.text);
  });

  test('lock --check of an index lock asks no index and names the indexes when they changed; requirement strings take the index options too', async () => {
    const locked = await lock('flask\n', ['--index-url', indexes.urls.modern]);
    assert.equal(locked.code, 0, locked.stderr);
    const requirements = join(tempDir(), 'requirements.txt');
    writeFileSync(requirements, 'flask\n');
    indexes.nginx.clearLog();
    const current = await machNix('lock', '-r', requirements, ...TARGET, '--index-url', indexes.urls.modern, '-o', locked.file, '--check');
    assert.equal(current.code, 0, current.stderr);
    assert.equal(current.stdout, `${locked.file} is up to date\n`);
    const moved = await machNix('lock', '-r', requirements, ...TARGET, '--index-url', indexes.urls.pypi, '-o', locked.file, '--check');
    assert.equal(moved.code, 1);
    assert.ok(
      moved.stderr.includes(`is stale: the package indexes: {"findLinks":[],"indexUrls":["${indexes.urls.modern}"]} in the lock, {"findLinks":[],"indexUrls":["${indexes.urls.pypi}"]} here`),
      moved.stderr,
    );
    assert.deepEqual(indexes.nginx.accessLog(), [], 'checking compares requests only');
    assert.equal(readFileSync(locked.file, 'utf8'), locked.text);

    const dir = tempDir();
    const strings = await machNix('lock', 'six', ...TARGET, '--no-index', '--find-links', '/opt/pypi/files', '-o', join(dir, 'mach-nix.lock.json'));
    assert.equal(strings.code, 0, strings.stderr);
    const written = JSON.parse(readFileSync(join(dir, 'mach-nix.lock.json'), 'utf8')) as Resolution;
    assert.deepEqual(written.data.index, { indexUrls: [], findLinks: ['file:///opt/pypi/files'] });
    assert.equal((written.request as { requirements?: string } | undefined)?.requirements, 'six\n');
  });

  test('a name no index has is explained with the names of the pages fetched that it may have meant', async () => {
    const misspelt = await lock('flask\nitsdangerus\n', ['--index-url', indexes.urls.modern]);
    assert.equal(misspelt.code, 1);
    assert.match(misspelt.stderr, new RegExp(`itsdangerus is not on the package index \\(${indexes.urls.modern.replace(/[.?]/g, '\\$&')}\\): did you mean itsdangerous\\?`));
    const unknown = await lock('zzz-no-such-project\n', ['--index-url', indexes.urls.modern]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /zzz-no-such-project is not on the package index \(.*\): it may be misspelled, or not published there/);
  });

  test("resolve --request answers a request that names its index from that index, as the lock's hash says", async () => {
    const locked = await lock('flask\n', ['--index-url', indexes.urls.modern]);
    const dir = tempDir();
    const request = makeRequest({
      requirements: 'flask\n', python: '3.11.2', platform: 'x86_64-linux', glibc: '2.36', macos: null, providers: {},
      providerDefaults: null, condaChannels: [], cudaVersion: null, dataTimestamp: null, index: { indexUrls: [indexes.urls.modern], findLinks: [] },
    });
    writeFileSync(join(dir, 'request.json'), JSON.stringify(request));
    const answered = await machNix('resolve', '--request', join(dir, 'request.json'), '--out', join(dir, 'out.json'));
    assert.equal(answered.code, 0, answered.stderr);
    assert.equal(readFileSync(join(dir, 'out.json'), 'utf8'), locked.text);
    const both = await machNix('resolve', '--request', join(dir, 'request.json'), '--deps-db', '/nonexistent');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /names package indexes \(its "index"\): it is answered from them, without --deps-db/);
  });

  test('resolve takes the same options and prints the tree', async () => {
    const result = await machNix('resolve', 'flask', ...TARGET, '--index-url', indexes.urls.modern, '--providers', '{"_default": "wheel"}');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^flask - 3\.1\.3 - wheel - py3-none-any\n├── blinker - 1\.9\.0 - wheel - py3-none-any\n/);
  });

  test('refused: --deps-db with index options, a plain-http index on another host without --trusted-host', async () => {
    const both = await machNix('lock', '-r', requirementsFile('flask\n'), ...TARGET, '--deps-db', '/nonexistent', '--index-url', indexes.urls.modern);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /^error: --index-url and --deps-db exclude each other/);
    const insecure = await lock('flask\n', ['--index-url', 'http://mirror.invalid/simple/']);
    assert.equal(insecure.code, 2);
    assert.match(insecure.stderr, /http:\/\/mirror\.invalid\/simple\/ \(from --index-url\) is plain http on another host: .* add --trusted-host mirror\.invalid/);
    const unknown = await lock('no-such-project\n', ['--index-url', indexes.urls.modern]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, new RegExp(`no-such-project is not on the package index \\(${indexes.urls.modern}\\): it may be misspelled, or not published there`));
    // A page that lists no file of the project: known to the index, nothing usable.
    const foreign = await lock('markupsafe\n', ['--index-url', faulty.index('ok')]);
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /the package index \(http:\/\/127\.0\.0\.1:\d+\/ok\/simple\/\) has nothing of markupsafe for the providers wheel, sdist, nixpkgs/);
    const trusted = await lock('--trusted-host mirror.invalid\nflask\n', ['--index-url', 'http://mirror.invalid/simple/', '--retries', '0']);
    assert.equal(trusted.code, 1);
    assert.match(trusted.stderr, /^error: http:\/\/mirror\.invalid\/simple\/flask\/: connection failed: ENOTFOUND/);
  });
});
