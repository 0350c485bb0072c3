/**
 * Fresh metadata in Nix, under Nix 2.8 and Nix 2.26: the seed's Flask + requests locked by
 * `mach-nix lock` from a real package index (nginx on loopback over the machine's PyPI mirror,
 * tests/index/servers) and built by the library with the nixpkgs stand-in, import-from-derivation
 * disabled; a stale index lock refused with the command that refreshes it; and a `mach-nix db
 * update` tree used as the pinned data by mkPython without a lock (import-from-derivation), also
 * in the starter flake the way the README says.
 *
 * The lock's URLs are the loopback server's (`http://127.0.0.1:PORT/…`), which no build can reach
 * offline. Real fetchurl's output path depends only on the file name (the URL's basename) and the
 * hash, so the store is seeded with the mirror's files under those names, as `seedStore` seeds
 * PyPI's: a fetch then succeeds exactly when the lock names each file by its real basename and
 * sha256, which is what Nix would download — more faithful than rewriting the URLs to file://,
 * which would test other URLs than the lock's. That the URLs serve those files is checked by
 * tests/cli/lock-index.test.ts against the same server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import { startTestIndexes, type TestIndexes } from '../index/servers/fixture-index.js';
import { type NixVariant, checkoutCopy, hostPath, nix, nixBuild, nixEval, nixVersions, repoDir, run, scratchDir, seedStore, standInDir, standInFlake } from './harness.js';

const workDir = mkdtempSync(join(scratchDir, 'mach-nix-index-nix-'));
const mirrors = ['/opt/pypi/files', '/opt/pypi-more/files'];
let indexes: TestIndexes;

before(async () => {
  indexes = await startTestIndexes();
});
after(async () => {
  await indexes.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** The CLI as a user runs it, without this machine's pip configuration. */
function machNix(args: string[]): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PIP|UV)_/.test(key)));
  const result = spawnSync(join(repoDir, 'bin/mach-nix'), args, {
    encoding: 'utf8',
    env: { ...env, PIP_CONFIG_FILE: '/dev/null', MACH_NIX_CACHE_DIR: join(workDir, 'cache') },
  });
  assert.equal(result.status, 0, `mach-nix ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Adds the mirror's copies of the files a resolution names to the store, under their names. */
async function seedFiles(variant: NixVariant, resolution: Resolution): Promise<void> {
  const paths = Object.values(resolution.packages).map((entry) => {
    const source = entry!.source;
    assert.ok(source.type === 'wheel' && source.url !== null, `${entry!.name} is a wheel with a URL`);
    const name = decodeURIComponent(new URL(source.url).pathname.split('/').pop()!);
    const found = mirrors.map((dir) => join(dir, name)).find(existsSync);
    assert.ok(found, `${name} is in the mirror`);
    return found;
  });
  await run(variant, 'nix-store', ['--add-fixed', 'sha256', ...paths]);
}

const requirements = 'flask\nrequests\n';

/** The checkout copied once (harness.ts's checkoutCopy), into a folder both Nix variants see. */
let copied: string | null = null;
const copyOfCheckout = () => (copied ??= checkoutCopy(workDir));

describe('mach-nix Nix library with package indexes', { concurrency: true }, () => {
  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 1 }, () => {
      const dir = join(workDir, variant);
      const requirementsFile = join(dir, 'requirements.txt');
      const lockFile = join(dir, 'mach-nix.lock.json');
      let lock: Resolution;
      const standIn = `import ${standInDir} { pythonVersion = "3.11"; }`;
      // The index lock needs no pinned data: a pypiData that does not exist is never read.
      const prelude = `let pkgs = ${standIn}; m = import ${repoDir}/nix { inherit pkgs; pypiData = "/nonexistent/pypi-deps-db"; }; in`;

      before(async () => {
        await seedStore(variant);
        const python = await nixEval<string>(variant, `(${standIn}).python3.version`);
        const glibc = await nixEval<string>(variant, `(${standIn}).glibc.version`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(requirementsFile, requirements);
        machNix(['lock', '-r', requirementsFile, '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
          '--index-url', indexes.urls.pypi, '--extra-index-url', indexes.urls.pypiMore, '-o', lockFile]);
        lock = JSON.parse(readFileSync(lockFile, 'utf8')) as Resolution;
        await seedFiles(variant, lock);
      });

      test('Flask + requests locked from the index, built from the lock with import-from-derivation disabled, every file fetched by its URL and hash', async () => {
        assert.deepEqual(Object.keys(lock.packages).sort(), ['blinker', 'certifi', 'charset-normalizer', 'click', 'flask', 'idna', 'itsdangerous', 'jinja2', 'markupsafe', 'requests', 'urllib3', 'werkzeug']);
        const expr = `${prelude} m.mkPython { requirements = builtins.readFile ${requirementsFile}; lockFile = ${lockFile}; }`;
        const fetched = await nixEval<Record<string, { url: string; hash: string }>>(
          variant,
          `let env = ${expr}; in builtins.listToAttrs (map (name: { inherit name; value = { inherit (env.python.pkgs.\${name}.src) url; hash = env.python.pkgs.\${name}.src.outputHash; }; }) ${JSON.stringify(Object.keys(lock.packages)).replace(/,/g, ' ')})`,
        );
        for (const [name, entry] of Object.entries(lock.packages)) {
          const source = entry!.source as { url: string; hash: string };
          assert.deepEqual(fetched[name], { url: source.url, hash: source.hash }, name);
        }
        const { out } = await nixBuild(variant, { expr }, { extraArgs: ['--option', 'allow-import-from-derivation', 'false'] });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import flask, requests, importlib.metadata as m; print(m.version("flask"), m.version("requests"))']);
        assert.equal(check.stdout.trim(), `${lock.packages.flask!.version} ${lock.packages.requests!.version}`);
      });

      test('a stale index lock is refused, with the lock command for its indexes', async () => {
        const result = await nix(variant, ['eval', '--impure', '--expr', `${prelude} (m.mkPython { requirements = "flask"; lockFile = ${lockFile}; }).drvPath`], { allowFailure: true });
        assert.notEqual(result.status, 0);
        // the lock records its request, so the part that differs is named (nix/resolution.nix)
        assert.match(result.stderr, /mach-nix\.lock\.json is stale: the requirements: line 2 is "requests" in the lock, no line here \(it was made from package indexes\)/);
        // every argument of the suggested command quoted for sh (tests/nix/shell-injection.test.ts)
        assert.ok(result.stderr.includes(`--index-url '${indexes.urls.pypi}' --extra-index-url '${indexes.urls.pypiMore}' -o 'mach-nix.lock.json'`), result.stderr);
      });

      test('a db update tree as the pinned data: mkPython without a lock resolves through import-from-derivation to the index lock', async () => {
        const tree = join(dir, 'pypi-data');
        const python = lock.target.python;
        machNix(['db', 'update', '-r', requirementsFile, '--python', python, '--platform', 'x86_64-linux', '--glibc', lock.target.glibc!,
          '--index-url', indexes.urls.pypi, '--extra-index-url', indexes.urls.pypiMore, '--out', tree]);
        const withTree = `let pkgs = ${standIn}; m = import ${repoDir}/nix { inherit pkgs; pypiData = ${tree}; }; in`;
        const { out } = await nixBuild(variant, { expr: `(${withTree} m.mkPython { requirements = builtins.readFile ${requirementsFile}; }).lock` });
        const resolved = JSON.parse(readFileSync(hostPath(variant, out), 'utf8')) as Resolution;
        const files = (resolution: Resolution) => Object.fromEntries(Object.entries(resolution.packages).map(([name, p]) => [name, [p!.version, (p!.source as { url: string }).url, (p!.source as { hash: string }).hash]]));
        assert.deepEqual(files(resolved), files(lock));
        const env = await nixBuild(variant, { expr: `${withTree} m.mkPython { requirements = builtins.readFile ${requirementsFile}; }` });
        const check = await run(variant, `${env.out}/bin/python`, ['-c', 'import flask, requests; print("ok")']);
        assert.equal(check.stdout.trim(), 'ok');
      });

      test("the README's way: the starter flake with a db update tree as its pinned data builds", async () => {
        const readme = readFileSync(join(repoDir, 'README.md'), 'utf8');
        const pin = /```nix flake\.nix\n([\s\S]*?)```/.exec(readme)?.[1];
        assert.ok(pin, "README has the starter's flake.nix line that takes the tree");
        const project = join(dir, 'project');
        cpSync(join(repoDir, 'templates/default'), project, { recursive: true });
        const template = readFileSync(join(project, 'flake.nix'), 'utf8');
        const mLine = /^ *m = mach-nix\.lib\.\$\{system\};\n/m.exec(template);
        assert.ok(mLine, "the starter's m");
        writeFileSync(join(project, 'flake.nix'), template.replace(mLine[0], pin));
        // The flake's python3 is the stand-in's default: 3.11 (bookworm) or 3.13 (the chroot, as
        // nixpkgs' at the pin). The tree is updated for it; for 3.13 requests cannot come from this
        // mirror (its charset-normalizer is a cp311 wheel only), so the project asks for a pure wheel.
        const python = await nixEval<string>(variant, `(import ${standInDir} { }).python3.version`);
        const requirement = python.startsWith('3.11.') ? 'requests' : 'idna';
        writeFileSync(join(project, 'requirements.txt'), `${requirement}\n`);
        machNix(['db', 'update', '-r', join(project, 'requirements.txt'), '--python', python, '--platform', 'x86_64-linux', '--glibc', lock.target.glibc!,
          '--index-url', indexes.urls.pypi, '--extra-index-url', indexes.urls.pypiMore, '--out', join(project, 'pypi-data')]);
        // mach-nix from this checkout, nixpkgs the stand-in; the data is the project's tree.
        const overrides = ['--override-input', 'mach-nix', `path:${copyOfCheckout()}`, '--override-input', 'mach-nix/nixpkgs', standInFlake()];
        const { out } = await nixBuild(variant, { installable: `path:${project}#default` }, { extraArgs: overrides, cwd: project });
        const check = await run(variant, `${out}/bin/python`, ['-c', `import sys, ${requirement}; print("%d.%d" % sys.version_info[:2], ${requirement}.__version__)`]);
        assert.equal(check.stdout.trim(), `${python.split('.').slice(0, 2).join('.')} ${lock.packages[requirement]!.version}`);
        // The resolution read the pinned tree: its date, and the index's own URLs.
        const resolution = await nixBuild(variant, { installable: `path:${project}#default.lock` }, { extraArgs: overrides, cwd: project });
        const document = JSON.parse(readFileSync(hostPath(variant, resolution.out), 'utf8')) as Resolution;
        assert.equal(document.data.depsTimestamp, Number(readFileSync(join(project, 'pypi-data', 'UNIX_TIMESTAMP'), 'utf8')));
        assert.equal((document.packages[requirement]!.source as { url: string }).url, (lock.packages[requirement]!.source as { url: string }).url);
      });
    });
  }
});
