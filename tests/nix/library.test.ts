/**
 * The mach-nix Nix library with the nixpkgs stand-in, under Nix 2.8 and Nix 2.26:
 * evaluation checks against committed resolutions (no IFD), error messages, and real builds —
 * Flask + requests from the real-PyPI corpus through import-from-derivation and from a lock file
 * with IFD disabled, local pyproject.toml and setup.py projects, a `_` override, a Docker image
 * that runs, `nix develop` on mkPythonShell, the flake's outputs and `nix flake check`, the
 * template.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import { fetcherDir, pypiData, sdistProject, seedTestData, wheelFilesOf, writeTestData } from './data.js';
import {
  type NixVariant,
  debianPipWheel,
  hostPath,
  nix,
  nixBuild,
  nixEval,
  nixVersions,
  repoDir,
  run,
  scratchDir,
  seedStore,
  standInDir,
  standInFlake,
  standInTarget,
} from './harness.js';

const fixtures = join(repoDir, 'tests/nix/fixtures');
const workDir = mkdtempSync(join(scratchDir, 'mach-nix-library-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

/** `mach-nix lock` for flask + requests, as a user would run it: the lock of the lockFile tests. */
function flaskLock(variant: NixVariant, python: string, glibc: string): { file: string; resolution: Resolution } {
  return lockOf(`flask-${variant}`, 'flask\nrequests', python, glibc);
}

/** `mach-nix lock` of a requirements text (wheels only) for a Python version and glibc. */
function lockOf(name: string, text: string, python: string, glibc: string): { file: string; resolution: Resolution } {
  writeTestData();
  const requirements = join(workDir, `${name}.requirements.txt`);
  writeFileSync(requirements, text);
  const file = join(workDir, `${name}.lock.json`);
  const lock = spawnSync(join(repoDir, 'bin/mach-nix'), [
    'lock', '-r', requirements, '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
    '--deps-db', pypiData, '--files-db', fetcherDir,
    '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}', '-o', file,
  ], { encoding: 'utf8' });
  assert.equal(lock.status, 0, lock.stderr);
  return { file, resolution: JSON.parse(readFileSync(file, 'utf8')) as Resolution };
}

/**
 * The lock of greeting-sdist (a pyproject build), wheel and packaging, its packaging replaced by
 * a packaging 21.3 wheel (older than 23.2, like the 23.1 of the pinned 2023 data): build tools
 * that the resolution takes must not become the tools every other package is built with.
 */
function buildToolsLock(python: string, glibc: string): { file: string; resolution: Resolution; packagingWheel: string } {
  writeTestData();
  const requirements = join(workDir, 'tools-requirements.txt');
  writeFileSync(requirements, 'greeting-sdist\nwheel\npackaging');
  const file = join(workDir, 'tools.lock.json');
  const lock = spawnSync(join(repoDir, 'bin/mach-nix'), [
    'lock', '-r', requirements, '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
    '--deps-db', pypiData, '--files-db', fetcherDir,
    '--providers', '{"_default": "wheel,sdist"}', '--provider-defaults', '{}', '-o', file,
  ], { encoding: 'utf8' });
  assert.equal(lock.status, 0, lock.stderr);
  const made = spawnSync('python3', [join(fixtures, 'old-packaging-wheel.py'), debianPipWheel(), workDir], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const wheel = made.stdout.trim();
  const resolution = JSON.parse(readFileSync(file, 'utf8')) as Resolution;
  const packaging = resolution.packages.packaging!;
  assert.equal(packaging.provider, 'wheel');
  packaging.version = '21.3';
  packaging.source = {
    type: 'wheel',
    filename: 'packaging-21.3-py3-none-any.whl',
    url: 'https://files.pythonhosted.org/packages/py3/p/packaging/packaging-21.3-py3-none-any.whl',
    hash: `sha256-${createHash('sha256').update(readFileSync(wheel)).digest('base64')}`,
  };
  writeFileSync(file, JSON.stringify(resolution));
  return { file, resolution, packagingWheel: wheel };
}

/**
 * `let pkgs = …; m = …;` for expressions under test. Python 3.11 by default: the mirror's binary
 * wheels (MarkupSafe, charset-normalizer, …) are cp311 only, so Flask needs 3.11 whatever the
 * machine's python3 is (3.13 in the chroot; see the python3 test below).
 */
function prelude(extra = 'pythonVersion = "3.11";'): string {
  return `let pkgs = import ${standInDir} { ${extra} }; m = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; }; in`;
}

const flaskArgs = `requirements = "flask\\nrequests"; providers._default = "wheel"; _providerDefaults = { };`;

async function failingEval(variant: NixVariant, expr: string): Promise<string> {
  const result = await nix(variant, ['eval', '--impure', '--expr', expr], { allowFailure: true });
  assert.notEqual(result.status, 0, `expected ${expr} to fail`);
  return result.stderr;
}

describe('mach-nix Nix library', { concurrency: true }, () => {
  before(() => writeTestData());
  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 1 }, () => {
      let lock: { file: string; resolution: Resolution };
      let python = '';
      let glibc = '';
      before(async () => {
        await seedStore(variant);
        [python, glibc] = await standInTarget(variant);
        lock = flaskLock(variant, python, glibc);
        const wheels = Object.values(lock.resolution.packages).map((p) => (p!.source.type === 'wheel' ? p!.source.filename : ''));
        await seedTestData(variant, wheels.filter(Boolean));
      });

      test('evaluation checks against committed resolutions', async () => {
        const call = (args: string) =>
          `import ${join(fixtures, 'library-checks.nix')} { repo = ${repoDir}; standIn = ${standInDir}; pypiData = ${pypiData}; ${args} }`;
        const runs = {
          linux: call(`lockFile = ${lock.file};`),
          darwin: call('system = "aarch64-darwin";'),
          python313: call('pythonVersion = "3.13";'),
          python314: call('pythonVersion = "3.14";'),
        };
        for (const [label, expr] of Object.entries(runs)) {
          const checks = await nixEval<Record<string, { ok: boolean; got: unknown }>>(variant, expr, { cwd: workDir });
          const failed = Object.entries(checks).filter(([, c]) => !c.ok).map(([name, c]) => `${name}: ${JSON.stringify(c.got)}`);
          assert.deepEqual(failed, [], `${label}: ${failed.join('; ')}`);
          assert.ok(Object.keys(checks).length >= 25, `${label}: only ${Object.keys(checks).length} checks`);
        }
      });

      test('the stand-in has every nixpkgs attribute nix/README.md says the library uses', async () => {
        const table = readFileSync(join(repoDir, 'nix/README.md'), 'utf8').split('## The part of nixpkgs it uses')[1]!.split('\n## ')[0]!;
        // `<pkgs>.x` and `<python>.x` are checked as the stand-in's python3.pkgs.x and python3.x
        const prefixes: Record<string, string> = { '<pkgs>.': 'python3.pkgs.', '<python>.': 'python3.', '': '' };
        const paths = [...table.matchAll(/^\| ([^|]+) \|/gm)]
          .flatMap((row) => [...row[1]!.matchAll(/`(<pkgs>\.|<python>\.|)((?:[a-zA-Z][\w.]*)?(?:\{[\w, ]+\})?)`/g)]
            .filter((m) => /^[a-zA-Z{]/.test(m[2]!))
            .map((m) => prefixes[m[1]!]! + m[2]!))
          .flatMap((path) => {
            const braces = /^(.*)\{(.+)\}$/.exec(path);
            return braces ? braces[2]!.split(',').map((part) => braces[1]! + part.trim()) : [path];
          })
          .filter((path) => !/XX|^attribute$/.test(path));
        // darwin-only attributes (`.darwinMinVersion`) are checked on a darwin system below
        assert.ok(paths.length >= 20, `only ${paths.length} attributes found in nix/README.md`);
        const missing = await nixEval<string[]>(variant, `let pkgs = import ${standInDir} { }; in builtins.filter (path: !(builtins.foldl' (acc: key: if acc.ok && builtins.isAttrs acc.value && acc.value ? \${key} then { ok = true; value = acc.value.\${key}; } else { ok = false; value = null; }) { ok = true; value = pkgs; } (builtins.filter builtins.isString (builtins.split "\\\\." path))).ok) ${JSON.stringify(paths).replace(/,/g, ' ')}`);
        assert.deepEqual(missing, []);
        assert.equal(await nixEval<string>(variant, `(import ${standInDir} { system = "aarch64-darwin"; }).stdenv.hostPlatform.darwinMinVersion`), '11.0');
      });

      test('the lock file answers the request the library makes (same hash as the CLI)', async () => {
        const hash = await nixEval<string>(variant, `${prelude()} m.request.hash (m.request.make { requirements = "flask\\nrequests"; python = pkgs.python3; providers = { _default = "wheel"; }; providerDefaults = { }; cudaVersion = null; })`);
        assert.equal(hash, lock.resolution.inputHash);
      });

      test('errors are thrown with their reason', async () => {
        const stale = await failingEval(variant, `${prelude()} (m.mkPython { requirements = "flask"; lockFile = ${lock.file}; }).drvPath`);
        assert.match(stale, /mach-nix: .*flask-[\w.-]+\.lock\.json is stale/);
        assert.match(stale, /mach-nix lock -r <requirements file> --python '3\.11\.\d+' --platform 'x86_64-linux'/);
        const unsatisfiable = await failingEval(variant, `${prelude()} (m.mkPython { lockFile = ${join(fixtures, 'resolutions/failure.json')}; }).drvPath`);
        assert.match(unsatisfiable, /Because you require flask<1 \(no candidate of flask matches it\)/);
        const unknown = await failingEval(variant, `${prelude()} m.mkPython { requirement = "flask"; }`);
        assert.match(unknown, /mkPython does not know the argument\(s\) requirement/);
        const moved = await failingEval(variant, `${prelude()} m.mkPython { pypi_deps_db_commit = "x"; }`);
        assert.match(moved, /does not accept 'pypi_deps_db_commit' anymore. Instead, provide 'pypiDataRev' when importing mach-nix/);
        const fromNixpkgs = await failingEval(variant, `${prelude()} (m.mkPython { packagesExtra = [ pkgs.python3.pkgs.six or pkgs.python3.pkgs.packaging ]; lockFile = ${lock.file}; }).drvPath`);
        assert.match(fromNixpkgs, /python packages from nixpkgs cannot be passed via packagesExtra/);
        const missing = await failingEval(variant, `${prelude()} (m.mkPython { ${flaskArgs} lockFile = ${lock.file}; _.nosuchpackage.x = 1; }).drvPath`);
        assert.match(missing, /_: the environment has no package nosuchpackage/);
      });

      test('Flask + requests from a lock file, with import-from-derivation disabled', async () => {
        const expr = `${prelude()} m.mkPython { ${flaskArgs} lockFile = ${lock.file}; }`;
        const { out } = await nixBuild(variant, { expr }, { extraArgs: ['--option', 'allow-import-from-derivation', 'false'] });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import flask, requests, markupsafe, werkzeug, jinja2, sys; import markupsafe._speedups; print(sys.prefix)']);
        assert.equal(check.stdout.trim(), out);
        const host = await run(variant, `${out}/bin/python`, ['-c', 'import yaml'], { allowFailure: true });
        assert.notEqual(host.status, 0, 'nothing comes from the host');
      });

      test('Flask + requests resolved through import-from-derivation: the same derivation as from the lock', async () => {
        const ifd = await nixEval<string>(variant, `(${prelude()} m.mkPython { ${flaskArgs} }).drvPath`);
        const locked = await nixEval<string>(variant, `(${prelude()} m.mkPython { ${flaskArgs} lockFile = ${lock.file}; }).drvPath`);
        assert.equal(ifd, locked);
        const { out } = await nixBuild(variant, { expr: `(${prelude()} m.mkPython { ${flaskArgs} }).lock` });
        const document = JSON.parse(readFileSync(hostPath(variant, out), 'utf8')) as Resolution;
        assert.deepEqual(document, lock.resolution, 'the lock attribute is the resolution, ready to save');
        const failure = await failingEval(variant, `(${prelude()} m.mkPython { requirements = "flask<1"; providers._default = "wheel"; _providerDefaults = { }; }).drvPath`);
        assert.match(failure, /the requirements cannot be resolved:\n\s*Because you require flask<1/);
        const relative = await failingEval(variant, `(${prelude()} m.mkPython { requirements = "flask\\n./my-project"; providers._default = "wheel"; _providerDefaults = { }; }).drvPath`);
        assert.match(relative, /requirements:2: cannot resolve relative path \.\/my-project/);
        const local = await failingEval(variant, `(${prelude()} m.mkPython { requirements = "flask\\n/srv/my-project\\n-e /srv/other[web]"; providers._default = "wheel"; _providerDefaults = { }; }).drvPath`);
        assert.match(local, /mach-nix: the requirements name local projects, which mkPython cannot locate/);
        assert.match(local, /requirements:2: the local path \/srv\/my-project/);
        assert.match(local, /requirements:3: the editable install \/srv\/other/);
        assert.match(local, /packagesExtra = \[ \.\/my-project \]/);
      });

      test('a `name @ url` requirement with --hash is fetched by that hash (no impure fetch)', async () => {
        const markupsafe = lock.resolution.packages.markupsafe!.source;
        assert.ok(markupsafe.type === 'wheel' && markupsafe.url !== null && markupsafe.hash !== null);
        const hex = Buffer.from(markupsafe.hash.replace(/^sha256-/, ''), 'base64').toString('hex');
        const expr = `${prelude()} m.mkPython { requirements = "markupsafe @ ${markupsafe.url} --hash=sha256:${hex}"; providers._default = "wheel"; _providerDefaults = { }; }`;
        // Offline, builtins.fetchurl would fail: the build succeeds only through the pinned fetchurl.
        const { out } = await nixBuild(variant, { expr });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import markupsafe._speedups; print(markupsafe.__name__)']);
        assert.equal(check.stdout.trim(), 'markupsafe');
        assert.equal(await nixEval<string>(variant, `(${expr}).python.pkgs.markupsafe.passthru.provider`), 'url');
      });

      test('pip, setuptools and wheel with local projects: pyproject.toml (with an extra), setup.cfg, setup.py', async () => {
        const projects = join(fixtures, 'projects');
        const expr = `${prelude()} m.mkPython {
          requirements = "pip\\nsetuptools\\nwheel";
          providers = { _default = "wheel"; pip = "nixpkgs"; setuptools = "nixpkgs"; wheel = "nixpkgs"; };
          _providerDefaults = { };
          packagesExtra = [
            (m.buildPythonPackage { src = ${projects}/greeting-pyproject; extras = [ "web" ]; providers._default = "wheel"; _providerDefaults = { }; })
            ${projects}/greeting-sdist
            ${projects}/greeting-setuppy
          ];
        }`;
        const { out } = await nixBuild(variant, { expr });
        const check = await run(variant, `${out}/bin/python`, ['-c', [
          'import setuptools, pip, wheel, six, requests, greeting_pyproject, greeting_sdist, greeting_setuppy',
          'from importlib.metadata import version',
          'print(version("greeting-pyproject"), version("greeting-sdist"), version("greeting-setuppy"), greeting_setuppy.MESSAGE)',
        ].join('; ')]);
        assert.equal(check.stdout.trim(), '0.1.0 1.0 0.2 hello from a setup.py project');
        const script = await run(variant, `${out}/bin/greeting-pyproject`, []);
        assert.equal(script.stdout.trim(), 'hello from a pyproject project');
      });

      test('mkPython [ source ] is mkPython { packagesExtra = [ source ]; }', async () => {
        const { out } = await nixBuild(variant, { expr: `${prelude()} m.mkPython [ ${join(fixtures, 'projects/greeting-setuppy')} ]` });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import greeting_setuppy; print(greeting_setuppy.MESSAGE)']);
        assert.equal(check.stdout.trim(), 'hello from a setup.py project');
      });

      test('a project given as a .zip archive: its metadata and its build unpack it with unzip', async () => {
        // runCommand and stdenv have no unzip of their own (nixpkgs' stdenvNoCC and common path)
        const zip = join(workDir, 'greeting-setuppy-0.2.zip');
        const made = spawnSync('python3', ['-c', [
          'import os, sys, zipfile',
          'src, out = sys.argv[1:3]',
          'with zipfile.ZipFile(out, "w") as z:',
          '    for name in sorted(os.listdir(src)): z.write(os.path.join(src, name), "greeting-setuppy-0.2/" + name)',
        ].join('\n'), join(fixtures, 'projects/greeting-setuppy'), zip], { encoding: 'utf8' });
        assert.equal(made.status, 0, made.stderr);
        const { out } = await nixBuild(variant, { expr: `${prelude()} m.mkPython [ ${zip} ]` });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import greeting_setuppy; print(greeting_setuppy.MESSAGE)']);
        assert.equal(check.stdout.trim(), 'hello from a setup.py project');
      });

      test('a package built from its sdist, with the sdist provider', async () => {
        const expr = `(${prelude()} m.mkPython { requirements = "greeting-sdist"; providers._default = "wheel,sdist"; _providerDefaults = { }; })`;
        const provider = await nixEval<string>(variant, `${expr}.python.pkgs.greeting-sdist.passthru.provider`);
        assert.equal(provider, 'sdist');
        const { out } = await nixBuild(variant, { expr });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import greeting_sdist; print(greeting_sdist.MESSAGE)']);
        assert.equal(check.stdout.trim(), 'hello from an sdist');
      });

      test('build tools in the resolution (wheel, packaging 21.3) are for run time; nixpkgs\' build every package', async () => {
        const tools = buildToolsLock(python, glibc);
        const wheels = Object.values(tools.resolution.packages).map((p) => (p!.source.type === 'wheel' && p!.name !== 'packaging' ? p!.source.filename : ''));
        await seedTestData(variant, wheels.filter(Boolean));
        await run(variant, 'nix-store', ['--add-fixed', 'sha256', tools.packagingWheel]);
        const expr = `${prelude()} m.mkPython { requirements = "greeting-sdist\\nwheel\\npackaging"; providers._default = "wheel,sdist"; _providerDefaults = { }; lockFile = ${tools.file}; }`;
        const { out } = await nixBuild(variant, { expr });
        const check = await run(variant, `${out}/bin/python`, ['-c', [
          'import greeting_sdist, packaging, wheel',
          'from importlib.metadata import version',
          'print(packaging.__version__, version("wheel"), greeting_sdist.MESSAGE)',
        ].join('; ')]);
        assert.equal(check.stdout.trim(), `21.3 ${tools.resolution.packages.wheel!.version} hello from an sdist`);
        // the set's build hooks are nixpkgs' own, not the resolved tools
        const hooks = await nixEval<string[]>(variant, `let e = ${expr}; in map (h: h.propagated) [ e.python.pkgs.wheelUnpackHook e.python.pkgs.pythonRuntimeDepsCheckHook ]`);
        const nixpkgsTools = await nixEval<string[]>(variant, `let pkgs = import ${standInDir} { pythonVersion = "3.11"; }; in [ "\${pkgs.python3.pkgs.wheel}" "\${pkgs.python3.pkgs.packaging}" ]`);
        assert.deepEqual(hooks, nixpkgsTools);
      });

      test('fetchPypiSdist and fetchPypiWheel fetch the files nix-pypi-fetcher-2 names', async () => {
        const sdist = await nixBuild(variant, { expr: `${prelude()} m.fetchPypiSdist "Greeting_Sdist" "1.0"` });
        assert.match(sdist.out, /-greeting-sdist-1\.0\.tar\.gz$/);
        assert.deepEqual(readFileSync(hostPath(variant, sdist.out)), readFileSync(sdistProject.file));
        const six = (await seedStore(variant)).find((w) => w.pname === 'six')!;
        const wheel = await nixBuild(variant, { expr: `${prelude()} m.fetchPypiWheel "six" "${six.version}" "${six.filename}"` });
        assert.match(wheel.out, new RegExp(`-${six.filename.replace(/\./g, '\\.')}$`));
        const url = await nixEval<string>(variant, `(${prelude()} m.fetchPypiWheel "six" "${six.version}" "${six.filename}").url`);
        assert.equal(url, `https://files.pythonhosted.org/packages/py2.py3/s/six/${six.filename}`);
        // nix-pypi-fetcher-2 keys (and buckets) names by mach-nix's key, which keeps dots
        const dotted = await nixEval<string>(variant, `(${prelude()} m.fetchPypiWheel "Jaraco.Classes" "3.4.0" "jaraco.classes-3.4.0-py3-none-any.whl").url`);
        assert.equal(dotted, 'https://files.pythonhosted.org/packages/py3/j/jaraco.classes/jaraco.classes-3.4.0-py3-none-any.whl');
        assert.match(await failingEval(variant, `${prelude()} (m.fetchPypiSdist "no-such-project" "1.0").drvPath`), /mach-nix: nix-pypi-fetcher-2 knows no package no-such-project/);
        assert.match(await failingEval(variant, `${prelude()} (m.fetchPypiSdist "six" "1.17.0").drvPath`), /six 1\.17\.0 has no sdist in nix-pypi-fetcher-2/);
      });

      test('import ./. passes pypiFetcher on and refuses arguments it does not know', async () => {
        // a data tree that names no fetcher commit: fetchPypiSdist works only with pypiFetcher
        const data = join(workDir, 'data-without-fetcher');
        cpSync(pypiData, data, { recursive: true });
        rmSync(join(data, 'PYPI_FETCHER_COMMIT'));
        rmSync(join(data, 'PYPI_FETCHER_SHA256'), { force: true });
        const root = (args: string) => `import ${repoDir} { pkgs = import ${standInDir} { }; pypiData = ${data}; ${args} }`;
        const url = await nixEval<string>(variant, `((${root(`pypiFetcher = ${fetcherDir};`)}).fetchPypiSdist "greeting-sdist" "1.0").url`);
        assert.equal(url, 'https://files.pythonhosted.org/packages/source/g/greeting-sdist/greeting-sdist-1.0.tar.gz');
        assert.match(await failingEval(variant, `((${root('')}).fetchPypiSdist "greeting-sdist" "1.0").drvPath`), /names no PYPI_FETCHER_COMMIT; pass pypiFetcher/);
        const unknown = await failingEval(variant, `(${root('pypiFetchr = ./.;')}).mkPython`);
        assert.match(unknown, /mach-nix: importing mach-nix does not know the argument\(s\) pypiFetchr; it takes pkgs, python, /);
      });

      test('the sdist provider reuses a nixpkgs definition at another version without its source edits', async () => {
        // a definition in the style of nixpkgs' python-modules, for version 0.9: its patches,
        // postPatch (--replace-fail) and sourceRoot are for that version's source tree
        const definition = `(pySelf: _: { greeting-sdist = pySelf.buildPythonPackage (finalAttrs: {
          pname = "greeting-sdist"; version = "0.9"; pyproject = true;
          src = pySelf.fetchPypi { pname = "greeting_sdist"; inherit (finalAttrs) version; hash = pkgs.lib.fakeHash; };
          patches = [ ./no-such.patch ];
          sourceRoot = "\${finalAttrs.src.name}/src";
          postPatch = "substituteInPlace setup.cfg --replace-fail 'version = 0.9' 'version = 0.9.0'";
          build-system = [ pySelf.setuptools ];
          dependencies = [ pySelf.six ];
          nativeBuildInputs = [ pkgs.gnumake ];
          env.GREETING_BUILD_KNOWLEDGE = "kept";
          pythonImportsCheck = [ "greeting_sdist" ];
        }); })`;
        const expr = `(${prelude()} m.mkPython { requirements = "greeting-sdist"; providers._default = "sdist,wheel"; _providerDefaults = { }; overridesPre = [ ${definition} ]; })`;
        const kept = await nixEval<unknown[]>(variant, `let p = ${expr}.python.pkgs.greeting-sdist; in [ p.version p.passthru.provider p.patches p.postPatch (p.sourceRoot or null) p.GREETING_BUILD_KNOWLEDGE (builtins.elem "gnumake-host" (map (d: d.name or "") p.nativeBuildInputs)) p.pythonImportsCheck ]`);
        assert.deepEqual(kept, ['1.0', 'sdist', [], '', null, 'kept', true, ['greeting_sdist']]);
        const { out } = await nixBuild(variant, { expr });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import greeting_sdist; print(greeting_sdist.MESSAGE)']);
        assert.equal(check.stdout.trim(), 'hello from an sdist');
      });

      test('a `_` override is visible in the result', async () => {
        const expr = `(${prelude()} m.mkPython { ${flaskArgs} lockFile = ${lock.file}; _.requests.postInstall = "echo overridden > $out/marker"; }).python.pkgs.requests`;
        const { out } = await nixBuild(variant, { expr });
        assert.equal(readFileSync(join(hostPath(variant, out), 'marker'), 'utf8'), 'overridden\n');
      });

      test('a layered Docker image whose entry point runs', async () => {
        const { out } = await nixBuild(variant, { expr: `${prelude()} m.mkDockerImage { ${flaskArgs} lockFile = ${lock.file}; }` });
        const archive = hostPath(variant, out);
        assert.match(archive, /mach-nix-python\.tar\.gz$/);
        const plain = join(workDir, `image-${variant}.tar`);
        await run('host-2.8', 'sh', ['-c', `gzip -dc ${archive} > ${plain}`]);
        const inspect = await run('host-2.8', 'skopeo', ['inspect', '--config', `docker-archive:${plain}`]);
        const config = JSON.parse(inspect.stdout) as { config: { Cmd: string[] } };
        assert.match(config.config.Cmd[0]!, /-env\/bin\/python$/);
        const oci = join(workDir, `oci-${variant}`);
        const bundle = join(workDir, `bundle-${variant}`);
        await run('host-2.8', 'skopeo', ['copy', `docker-archive:${plain}`, `oci:${oci}:latest`]);
        await run('host-2.8', 'umoci', ['unpack', '--image', `${oci}:latest`, bundle]);
        const entry = await run('host-2.8', 'chroot', [join(bundle, 'rootfs'), config.config.Cmd[0]!, '-c', 'import flask, requests; print("runs")']);
        assert.equal(entry.stdout.trim(), 'runs');
        // compiled modules of binary wheels load inside the image: the shared libraries they
        // need (libpthread.so.0, …) come with it, found through autoPatchelfHook and the
        // manylinux libraries as in nixpkgs. What the stand-in cannot show: nixpkgs patches each
        // binary's RUNPATH to glibc and the other libraries in /nix/store (patchelf); here
        // they are the host's files at the host's paths, found by the loader's default path,
        // and a library outside the manylinux set is not caught at build time.
        const compiled = await run('host-2.8', 'chroot', [join(bundle, 'rootfs'), config.config.Cmd[0]!, '-c',
          'import markupsafe._speedups as s, charset_normalizer.md as m; print(s.__file__.endswith(".so"), m.__file__.endswith(".so"))'], { allowFailure: true });
        assert.equal(compiled.status, 0, compiled.stderr);
        assert.equal(compiled.stdout.trim(), 'True True');
        rmSync(bundle, { recursive: true, force: true });
      });

      test('nix develop and nix-shell on mkPythonShell', async () => {
        const expr = `${prelude()} m.mkPythonShell { ${flaskArgs} lockFile = ${lock.file}; }`;
        const develop = await nix(variant, ['develop', '--impure', '--expr', expr, '-c', 'python', '-c', 'import flask; print(flask.__name__)'], { cwd: workDir });
        assert.equal(develop.stdout.trim(), 'flask');
        const shell = await run(variant, 'nix-shell', ['-E', expr, '--run', 'python -c "import requests; print(requests.__name__)"'], { cwd: workDir });
        assert.equal(shell.stdout.trim(), 'requests');
      });

      test('the flake: lib for its three systems, its outputs, and nix flake check with nixpkgs overridden', async () => {
        const overrides = ['--override-input', 'nixpkgs', standInFlake(), '--override-input', 'pypi-deps-db', `path:${pypiData}`];
        const flake = `git+file://${repoDir}`;
        const names = async (attribute: string, apply = 'builtins.attrNames') =>
          JSON.parse((await nix(variant, ['eval', '--json', `${flake}#${attribute}`, ...overrides, '--apply', apply])).stdout) as unknown;
        const api = ['buildPythonApplication', 'buildPythonPackage', 'fetchPypiSdist', 'fetchPypiWheel', 'mkDockerImage', 'mkNixpkgs', 'mkOverlay', 'mkPython', 'mkPythonOverrides', 'mkPythonShell'];
        // no x86_64-darwin: the pinned nixpkgs dropped it (its legacyPackages.x86_64-darwin throws)
        const systems = ['aarch64-darwin', 'aarch64-linux', 'x86_64-linux'];
        assert.deepEqual(await names('lib', 'builtins.mapAttrs (_: builtins.attrNames)'), Object.fromEntries(systems.map((s) => [s, api])));
        assert.deepEqual(await names('packages', 'builtins.mapAttrs (_: builtins.attrNames)'), Object.fromEntries(systems.map((s) => [s, ['default', 'mach-nix']])));
        assert.deepEqual(await names('apps.x86_64-linux'), ['default', 'mach-nix']);
        assert.deepEqual(await names('devShells.x86_64-linux'), ['default']);
        assert.deepEqual(await names('templates'), ['default']);
        assert.deepEqual(await names('overlays'), ['default']);
        assert.deepEqual(await names('checks.x86_64-linux'), ['cli', 'lib']);
        // pure evaluation: mkNixpkgs keeps the platform (a re-import without `system` would fail)
        assert.equal(await names('lib.aarch64-linux.mkNixpkgs', 'f: (f { requirements = "x"; }).stdenv.hostPlatform.system'), 'aarch64-linux');
        const check = await nix(variant, ['flake', 'check', `git+file://${repoDir}`, ...overrides], { allowFailure: true });
        assert.equal(check.status, 0, check.stderr);
        // the lib check calls every function, so a broken one fails it
        const broken = await nix(variant, ['build', '--no-link', '--impure', '--expr',
          `${prelude()} import ${repoDir}/nix/checks.nix { inherit pkgs; lib = m // { mkPython = _: { drvPath = "evaluates"; }; }; }`], { allowFailure: true });
        assert.notEqual(broken.status, 0);
        assert.match(broken.stderr, /these calls did not end in their own error:\n.*mkPython rejects an unknown argument/);
      });

      test("the README's Nix examples: the flake is the template, the others evaluate", async () => {
        const blocks = [...readFileSync(join(repoDir, 'README.md'), 'utf8').matchAll(/```nix\n([\s\S]*?)```/g)].map((m) => m[1]!);
        assert.equal(blocks[0], readFileSync(join(repoDir, 'templates/default/flake.nix'), 'utf8'));
        // The others are expressions of `m` (mach-nix.lib.<system>) in a project folder.
        const dir = mkdtempSync(join(workDir, 'readme-'));
        writeFileSync(join(dir, 'requirements.txt'), 'flask\nrequests\n');
        cpSync(join(fixtures, 'projects/greeting-pyproject'), join(dir, 'my-project'), { recursive: true });
        const lockRun = spawnSync(join(repoDir, 'bin/mach-nix'), [
          'lock', '-r', join(dir, 'requirements.txt'), '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
          '--deps-db', pypiData, '--files-db', fetcherDir, '-o', join(dir, 'mach-nix.lock.json'),
        ], { encoding: 'utf8' });
        assert.equal(lockRun.status, 0, lockRun.stderr);
        assert.ok(blocks.length >= 3);
        for (const block of blocks.slice(1)) {
          writeFileSync(join(dir, 'example.nix'), `m: ${block}`);
          const drvPath = await nixEval<string>(variant, `(import ${join(dir, 'example.nix')} (import ${repoDir}/nix { pkgs = import ${standInDir} { pythonVersion = "3.11"; }; pypiData = ${pypiData}; })).drvPath`);
          assert.match(drvPath, /^\/nix\/store\/.*\.drv$/, block);
        }
      });

      test('the template builds against this flake', async () => {
        const dir = mkdtempSync(join(workDir, 'template-'));
        cpSync(join(repoDir, 'templates/default'), dir, { recursive: true });
        // The flake's nixpkgs is the stand-in as the machine has it: python3 3.11 (bookworm) or
        // 3.13 (chroot). For 3.13 the template's requests cannot come from this data (its
        // charset-normalizer is a cp311 wheel only), so the template then asks for pure wheels.
        const python3 = await nixEval<string>(variant, `(import ${standInDir} { }).python3.pythonVersion`);
        const [requirement, module] = python3 === '3.11' ? ['requests', 'requests'] : ['idna', 'idna'];
        writeFileSync(join(dir, 'requirements.txt'), `${requirement}\n`);
        const overrides = [
          '--override-input', 'mach-nix', `git+file://${repoDir}`,
          '--override-input', 'mach-nix/nixpkgs', standInFlake(),
          '--override-input', 'mach-nix/pypi-deps-db', `path:${pypiData}`,
        ];
        const machine = await standInTarget(variant, null);
        await seedTestData(variant, wheelFilesOf(lockOf(`template-${variant}`, requirement, ...machine).file));
        const { out } = await nixBuild(variant, { installable: `path:${dir}#default` }, { extraArgs: overrides, cwd: dir });
        const check = await run(variant, `${out}/bin/python`, ['-c', `import sys, ${module}; print("%d.%d" % sys.version_info[:2], ${module}.__version__)`]);
        const expected = requirement === 'requests' ? lock.resolution.packages.requests!.version : '3.20';
        assert.equal(check.stdout.trim(), `${python3} ${expected}`);
      });

      test("an environment for the machine's python3 (3.13 in the chroot) from pure-Python wheels", async () => {
        const requirements = 'idna\nurllib3\ncertifi\nsix';
        const machine = await standInTarget(variant, null);
        await seedTestData(variant, wheelFilesOf(lockOf(`pure-${variant}`, requirements, ...machine).file));
        const expr = `${prelude('')} m.mkPython { requirements = "${requirements.replace(/\n/g, '\\n')}"; providers._default = "wheel"; _providerDefaults = { }; }`;
        const { out } = await nixBuild(variant, { expr });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import sys, idna, urllib3, certifi, six; print("%d.%d" % sys.version_info[:2]); print(urllib3.__file__)']);
        const python3 = await nixEval<string>(variant, `(import ${standInDir} { }).python3.pythonVersion`);
        assert.equal(python3, variant === 'chroot-2.26' ? '3.13' : '3.11');
        const [version, file] = check.stdout.trim().split('\n');
        assert.equal(version, python3);
        assert.ok(file!.startsWith(`${out}/lib/python${python3}/site-packages/urllib3/`), file);
      });
    });
  }
});
