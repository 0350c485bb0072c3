/**
 * Integrity in the Nix library (nix/integrity.nix, nix/request.nix's hash), under Nix 2.8 and
 * Nix 2.26: a lock's weak, malformed or control-character-holding hashes and URLs are refused
 * naming the package and the lock, a `\u0000` (which Nix 2.8's fromJSON cuts strings at) naming
 * the lock; a file without a hash is refused unless the call allows that package (allowUnpinned);
 * a lock edited to a wrong hash fails the build with Nix's hash mismatch naming the file; a source
 * URL (packagesExtra, buildPythonPackage's src) is fetched by its `#sha256=` fragment or its
 * `{ url; sha256 | hash; }`, and without one refused unless allowUnpinned names the URL; and the
 * request hash of strings holding every control character is the CLI's on both Nix versions.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import type { ResolveRequest } from '../../src/generated/resolve-request.js';
import { requestHash } from '../../src/lock/request.js';
import { fetcherDir, pypiData, writeTestData } from './data.js';
import { type NixVariant, nix, nixBuild, nixEval, nixString, nixVersions, repoDir, run, scratchDir, seedStore, standInDir, standInTarget } from './harness.js';

const workDir = mkdtempSync(join(scratchDir, 'mach-nix-integrity-'));
// the build users copy file:// URLs from here
chmodSync(workDir, 0o755);
after(() => rmSync(workDir, { recursive: true, force: true }));

const prelude = `let pkgs = import ${standInDir} { pythonVersion = "3.11"; }; m = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; }; in`;
const common = 'providers._default = "wheel"; _providerDefaults = { };';

async function failure(variant: NixVariant, args: string[]): Promise<string> {
  const result = await nix(variant, args, { allowFailure: true });
  assert.notEqual(result.status, 0, `expected nix ${args.join(' ')} to fail`);
  return result.stderr;
}
const failingEval = (variant: NixVariant, expr: string) => failure(variant, ['eval', '--impure', '--expr', expr]);

/** `mach-nix lock` of a requirements text, as mkPython makes the request for the stand-in's python3.11. */
function lockOf(name: string, text: string, python: string, glibc: string): { file: string; resolution: Resolution } {
  const requirements = join(workDir, `${name}.txt`);
  writeFileSync(requirements, text);
  const file = join(workDir, `${name}.lock.json`);
  const lock = spawnSync(join(repoDir, 'bin/mach-nix'), [
    'lock', '-r', requirements, '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
    '--deps-db', pypiData, '--files-db', fetcherDir, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}', '-o', file,
  ], { encoding: 'utf8' });
  assert.equal(lock.status, 0, lock.stderr);
  return { file, resolution: JSON.parse(readFileSync(file, 'utf8')) as Resolution };
}

/** A lock of one wheel, hand-written (the Nix library reads it before it compares request hashes). */
function handLock(name: string, url: string, hash: string | null, raw?: (text: string) => string): string {
  const document = {
    lockVersion: 1, generator: 'test', inputHash: 'sha256:0', roots: ['six'], localSources: [], notes: [],
    packages: {
      six: {
        name: 'six', version: '1.16.0', provider: 'wheel', root: true, extras: [], notes: [], cycleDependencies: [],
        dependencies: [], buildDependencies: [], source: { type: 'wheel', filename: 'six-1.16.0-py2.py3-none-any.whl', url, hash },
      },
    },
  };
  const file = join(workDir, `${name}.lock.json`);
  writeFileSync(file, (raw ?? ((t) => t))(JSON.stringify(document, null, 2)));
  return file;
}

const someRequest = 'requirements = "six"; python = "3.11.2"; platform = "x86_64-linux"; glibc = null; macos = null; providers = { }; providerDefaults = null; condaChannels = [ ]; cudaVersion = null; dataTimestamp = null;';
const fromLock = (file: string) => `${prelude} (m.resolution.fromLock { lockFile = ${file}; request = { ${someRequest} }; }).roots`;
const good = `sha256-${createHash('sha256').update('six').digest('base64')}`;
const sixUrl = 'https://files.pythonhosted.org/packages/py2.py3/s/six/six-1.16.0-py2.py3-none-any.whl';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A tarball of the greeting-setuppy project (one top-level folder, as GitHub's are), and its file sha256 in hex. */
function projectTarball(name: string): { url: string; fileSha256: string } {
  const folder = join(workDir, `${name}-tree`);
  cpSync(join(repoDir, 'tests/nix/fixtures/projects/greeting-setuppy'), join(folder, 'greeting-setuppy-0.2'), { recursive: true });
  const archive = join(workDir, `${name}.tar.gz`);
  const made = spawnSync('tar', ['-czf', archive, '-C', folder, 'greeting-setuppy-0.2'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  chmodSync(archive, 0o644);
  return { url: `file://${archive}`, fileSha256: createHash('sha256').update(readFileSync(archive)).digest('hex') };
}

describe('integrity in the Nix library', { concurrency: true }, () => {
  before(() => writeTestData());
  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 1 }, () => {
      let python = '';
      let glibc = '';
      before(async () => {
        await seedStore(variant);
        [python, glibc] = await standInTarget(variant);
      });

      test('a lock with an md5, sha1, other or malformed hash is refused naming the package and the lock', async () => {
        for (const [kind, hash, problem] of [
          ['md5', 'md5-XUFAKrxLKna5cZ2REBfFkg==', /the hash "md5-XUFAKrxLKna5cZ2REBfFkg==" is an md5 hash, too weak to pin a file/],
          ['sha1', 'sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00=', /the hash "sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00=" is a sha1 hash, too weak/],
          ['sha384', `sha384-${Buffer.alloc(48).toString('base64')}`, /is a sha384 hash: mach-nix pins files by sha256 or sha512/],
          ['malformed', 'sha256-abc', /the hash "sha256-abc" is not an SRI hash/],
        ] as const) {
          const file = handLock(`${variant}-${kind}`, sixUrl, hash);
          const stderr = await failingEval(variant, fromLock(file));
          assert.match(stderr, new RegExp(`mach-nix: ${file.replace(/[.]/g, '\\.')}: package six: `), kind);
          assert.match(stderr, problem, kind);
        }
        // a sound hash passes this check (and the lock is then stale: it answers another request)
        assert.match(await failingEval(variant, fromLock(handLock(`${variant}-good`, sixUrl, good))), /is stale/);
      });

      test('a \\u0000 in a lock (which Nix 2.8 cuts the string at) is refused naming the lock; other control characters naming the package too', async () => {
        const nul = handLock(`${variant}-nul`, `${sixUrl}@@`, good, (text) => text.replace('@@', '\\u0000.evil'));
        assert.match(await failingEval(variant, fromLock(nul)), new RegExp(`mach-nix: ${nul.replace(/[.]/g, '\\.')}: a string holds a NUL character \\(\\\\u0000\\), which Nix cannot read`));
        const control = handLock(`${variant}-control`, `${sixUrl}\u0001.evil`, good);
        assert.match(await failingEval(variant, fromLock(control)), /: package six: url ".*\\u0001\.evil" holds a control character/);
        // an escaped backslash before the letters u0000 is no NUL
        const letters = handLock(`${variant}-letters`, `${sixUrl}\\u0000`, good);
        assert.match(await failingEval(variant, fromLock(letters)), /is stale/);
      });

      test('a file without a hash is refused unless allowUnpinned names its package; a local one is pinned by mach-nix lock', async () => {
        const wheel = join(workDir, `private-1.0-py3-none-any.whl`);
        writeFileSync(wheel, 'a private file');
        const text = `private @ file://${wheel}`;
        const { file, resolution } = lockOf(`${variant}-private`, text, python, glibc);
        assert.equal(resolution.packages.private!.source.type === 'url' && resolution.packages.private!.source.hash, `sha256-${createHash('sha256').update('a private file').digest('base64')}`);
        const call = (lockFile: string, extra = '') => `${prelude} (m.mkPython { requirements = ${nixString(text)}; ${common} lockFile = ${lockFile}; ${extra} }).python.pkgs.private.src`;
        // pinned: a fixed-output fetch, copied at build time and checked by the hash
        const { out } = await nixBuild(variant, { expr: call(file) });
        assert.match(out, /-private-1\.0-py3-none-any\.whl$/);

        const unpinned = JSON.parse(readFileSync(file, 'utf8')) as Resolution;
        (unpinned.packages.private!.source as { hash: string | null }).hash = null;
        const unpinnedFile = join(workDir, `${variant}-unpinned.lock.json`);
        writeFileSync(unpinnedFile, JSON.stringify(unpinned));
        const refused = await failingEval(variant, `(${call(unpinnedFile)}).drvPath`);
        assert.match(refused, new RegExp(`mach-nix: private: file://${wheel.replace(/[.]/g, '\\.')} has no hash, so nothing would check the file the build gets, and evaluation would copy the local file into the world-readable Nix store`));
        assert.match(refused, /mkPython \{ allowUnpinned = \[ "private" \]; … \}/);
        const allowed = await nixEval<string>(variant, `builtins.readFile (${call(unpinnedFile, 'allowUnpinned = [ "Private" ];')})`);
        assert.equal(allowed, 'a private file');
        assert.match(await failingEval(variant, `(${call(unpinnedFile, 'allowUnpinned = [ "privat" ];')}).drvPath`), /allowUnpinned names privat, which the resolution does not have/);
      });

      test('a lock edited to a wrong hash fails the build with Nix\'s hash mismatch naming the file', async () => {
        const wheel = join(workDir, `edited-1.0-py3-none-any.whl`);
        writeFileSync(wheel, 'the real bytes');
        const text = `edited @ file://${wheel}`;
        const { file, resolution } = lockOf(`${variant}-edited`, text, python, glibc);
        (resolution.packages.edited!.source as { hash: string }).hash = good;
        writeFileSync(file, JSON.stringify(resolution));
        const stderr = await failure(variant, ['build', '--no-link', '--impure', '--expr', `${prelude} (m.mkPython { requirements = ${nixString(text)}; ${common} lockFile = ${file}; }).python.pkgs.edited.src`]);
        assert.match(stderr, /hash mismatch in fixed-output derivation '\/nix\/store\/[a-z0-9]{32}-edited-1\.0-py3-none-any\.whl\.drv'/);
        assert.match(stderr, new RegExp(`specified: ${good.replace(/[+/]/g, '\\$&')}`));
      });

      test('a source URL without a hash is refused naming the URL and how to pin or allow it, before anything is fetched', async () => {
        const { url } = projectTarball(`${variant}-unpinned-source`);
        const remote = 'https://example.invalid/psf/requests/tarball/v2.25.0';
        for (const [where, given, expr] of [
          ['packagesExtra', remote, `(m.mkPython { packagesExtra = [ ${nixString(remote)} ]; ${common} }).drvPath`],
          ['packagesExtra', url, `(m.mkPython [ ${nixString(url)} ]).drvPath`],
          ['packagesExtra', remote, `(m.mkPython [ { url = ${nixString(remote)}; } ]).drvPath`],
          ["buildPythonPackage's src", remote, `(m.buildPythonPackage { src = ${nixString(remote)}; }).drvPath`],
        ] as const) {
          const stderr = await failingEval(variant, `${prelude} ${expr}`);
          assert.match(stderr, new RegExp(`mach-nix: ${escape(where)}: the source ${escape(JSON.stringify(given))} has no hash, so nothing would check what the build gets`), expr);
          assert.match(stderr, new RegExp(`${escape(given)}#sha256=<the archive's sha256 in hex>`), expr);
          assert.match(stderr, new RegExp(`sha256 = "<what nix-prefetch-url --unpack ${escape(given)} prints>"`), expr);
          assert.match(stderr, new RegExp(`allowUnpinned = \\[ ${escape(JSON.stringify(given))} \\]`), expr);
          assert.equal(stderr.match(/mach-nix:/g)?.length, 1, 'one message');
        }
      });

      test('a source URL allowed by allowUnpinned is fetched impurely; an allowance no source uses is refused', async () => {
        const { url } = projectTarball(`${variant}-allowed-source`);
        const { out } = await nixBuild(variant, { expr: `${prelude} m.mkPython { packagesExtra = [ ${nixString(url)} ]; allowUnpinned = [ ${nixString(url)} ]; }` });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import greeting_setuppy; print(greeting_setuppy.MESSAGE)']);
        assert.equal(check.stdout.trim(), 'hello from a setup.py project');
        const setup = await nixEval<string>(variant, `${prelude} builtins.readFile "\${(m.buildPythonPackage { src = ${nixString(url)}; allowUnpinned = [ ${nixString(url)} ]; }).src}/setup.py"`);
        assert.match(setup, /greeting-setuppy/);
        const other = `${url}.other`;
        assert.match(await failingEval(variant, `${prelude} (m.mkPython { packagesExtra = [ ${nixString(url)} ]; allowUnpinned = [ ${nixString(other)} ]; }).drvPath`),
          new RegExp(`mach-nix: allowUnpinned names the URL ${escape(JSON.stringify(other))}, which no source of packagesExtra is \\(URLs are compared exactly\\)`));
        assert.match(await failingEval(variant, `${prelude} (m.buildPythonPackage { src = ${nixString(url)}; allowUnpinned = [ ${nixString(other)} ]; }).drvPath`),
          new RegExp(`mach-nix: allowUnpinned names the URL ${escape(JSON.stringify(other))}, which no source of buildPythonPackage's src is`));
      });

      test('a source URL with a #sha256= fragment or as { url; sha256 | hash; } is fetched pinned; a wrong hash fails naming the file', async () => {
        const { url, fileSha256 } = projectTarball(`${variant}-pinned-source`);
        // the hash the refusal tells users to get: the unpacked tree's (base32), as fetchTarball takes it
        const prefetched = (await run(variant, 'nix-prefetch-url', ['--unpack', url])).stdout.trim();
        assert.match(prefetched, /^[0-9a-z]{52}$/);
        const sri = (await nix(variant, ['hash', 'to-sri', '--type', 'sha256', prefetched])).stdout.trim();
        const { out } = await nixBuild(variant, { expr: `${prelude} m.mkPython [ ${nixString(`${url}#sha256=${fileSha256}`)} ]` });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import greeting_setuppy; print(greeting_setuppy.MESSAGE)']);
        assert.equal(check.stdout.trim(), 'hello from a setup.py project');
        for (const src of [`{ url = ${nixString(url)}; sha256 = ${nixString(prefetched)}; }`, `{ url = ${nixString(url)}; hash = ${nixString(sri)}; }`, nixString(`${url}#sha256=${fileSha256.toUpperCase()}`)]) {
          const setup = await nixEval<string>(variant, `${prelude} builtins.readFile "\${(m.buildPythonPackage { src = ${src}; }).src}/setup.py"`);
          assert.match(setup, /greeting-setuppy/, src);
        }
        // a .zip archive is unpacked too (with unzip: runCommand has none of its own)
        const zip = join(workDir, `${variant}-pinned-source.zip`);
        const zipped = spawnSync('python3', ['-c', [
          'import os, sys, zipfile',
          'src, out = sys.argv[1:3]',
          'with zipfile.ZipFile(out, "w") as z:',
          '    for name in sorted(os.listdir(src)): z.write(os.path.join(src, name), "greeting-setuppy-0.2/" + name)',
        ].join('\n'), join(repoDir, 'tests/nix/fixtures/projects/greeting-setuppy'), zip], { encoding: 'utf8' });
        assert.equal(zipped.status, 0, zipped.stderr);
        chmodSync(zip, 0o644);
        const zipSha256 = createHash('sha256').update(readFileSync(zip)).digest('hex');
        const zipSetup = await nixEval<string>(variant, `${prelude} builtins.readFile "\${(m.buildPythonPackage { src = ${nixString(`file://${zip}#sha256=${zipSha256}`)}; }).src}/setup.py"`);
        assert.match(zipSetup, /greeting-setuppy/);
        const wrongFile = await failingEval(variant, `${prelude} (m.buildPythonPackage { src = ${nixString(`${url}#sha256=${'0'.repeat(64)}`)}; }).drvPath`);
        assert.match(wrongFile, new RegExp(`hash mismatch in fixed-output derivation '/nix/store/[a-z0-9]{32}-${variant}-pinned-source\\.tar\\.gz\\.drv'`));
        const wrongTree = await failingEval(variant, `${prelude} (m.buildPythonPackage { src = { url = ${nixString(url)}; sha256 = ${nixString('0'.repeat(52))}; }; }).drvPath`);
        assert.match(wrongTree, new RegExp(`hash mismatch in file downloaded from '${escape(url)}'`));
        for (const fragment of ['sha256=abc', 'md5=5e41c6c9', `egg=greeting&sha256=${fileSha256}`]) {
          assert.match(await failingEval(variant, `${prelude} (m.mkPython [ ${nixString(`${url}#${fragment}`)} ]).drvPath`),
            new RegExp(`mach-nix: packagesExtra: the source ${escape(JSON.stringify(`${url}#${fragment}`))}: its fragment pins it by neither form mach-nix reads: write #sha256=<the archive's sha256, 64 hex digits> as the whole fragment`), fragment);
        }
        assert.match(await failingEval(variant, `${prelude} (m.mkPython [ { url = ${nixString(url)}; hash = "md5-XUFAKrxLKna5cZ2REBfFkg=="; } ]).drvPath`),
          new RegExp(`mach-nix: packagesExtra: the source ${escape(JSON.stringify(url))}: hash "md5-XUFAKrxLKna5cZ2REBfFkg==" is not an SRI sha256 hash`));
      });

      test('fetchPypiWheel refuses a mangled hash of nix-pypi-fetcher-2, naming the package and the file', async () => {
        const fetcher = join(workDir, `${variant}-fetcher`);
        mkdirSync(join(fetcher, 'pypi'), { recursive: true });
        writeFileSync(join(fetcher, 'pypi', `${createHash('sha256').update('six').digest('hex').slice(0, 2)}.json`),
          JSON.stringify({ six: { '1.0': { wheels: { 'six-1.0-py3-none-any.whl': ['not-base64', 'py3'] } } } }));
        const expr = `let pkgs = import ${standInDir} { }; m = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; pypiFetcher = ${fetcher}; }; in (m.fetchPypiWheel "six" "1.0" "six-1.0-py3-none-any.whl").drvPath`;
        assert.match(await failingEval(variant, expr), /mach-nix: nix-pypi-fetcher-2's entry of six six-1\.0-py3-none-any\.whl: the hash "sha256-not-base64" is not an SRI hash/);
      });

      test('a data tree naming a nix-pypi-fetcher-2 commit without its hash is refused, not fetched unpinned', async () => {
        const data = join(workDir, `${variant}-data-without-hash`);
        cpSync(pypiData, data, { recursive: true });
        rmSync(join(data, 'PYPI_FETCHER_SHA256'), { force: true });
        const expr = `let pkgs = import ${standInDir} { }; m = import ${repoDir}/nix { inherit pkgs; pypiData = ${data}; }; in (m.fetchPypiSdist "greeting-sdist" "1.0").drvPath`;
        assert.match(await failingEval(variant, expr), /names PYPI_FETCHER_COMMIT but no PYPI_FETCHER_SHA256, so nix-pypi-fetcher-2 cannot be fetched pinned/);
      });

      test('the request hash of strings holding every control character is the CLI\'s', async () => {
        const controls = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('') + '\u007f';
        const request = {
          requirements: `flask${controls}\\b\\f\\\\b"`, python: controls, platform: 'x86_64-linux', glibc: '2.36', macos: null,
          providers: { [`a${controls}`]: [controls] }, providerDefaults: null, condaChannels: [controls], cudaVersion: null, dataTimestamp: 1,
        } as unknown as ResolveRequest;
        const hash = await nixEval<string>(variant, `${prelude} m.request.hash (builtins.fromJSON ${nixString(JSON.stringify(request))})`);
        assert.equal(hash, requestHash(request));
      });
    });
  }
});
