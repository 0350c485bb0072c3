/**
 * The nixpkgs stand-in (tests/nix/nixpkgs) meets the checklist of nixpkgs-contract.md, under
 * the host's Nix 2.8 and under Nix 2.26 (trixie chroot): batched evaluation checks, error
 * messages, the flake for its systems, and real builds (Python environments, wheel and
 * pyproject packages, a layered image that runs, nix develop / nix-shell, buildNpmPackage).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  type NixVariant,
  chrootDir,
  debianPipWheel,
  hostPath,
  nix,
  nixBuild,
  nixEval,
  nixString,
  nixVersions,
  repoDir,
  run,
  scratchDir,
  seedStore,
  standInDir,
  standInFlake,
} from './harness.js';
import { projectTree } from '../helpers/data-tree.js';

const fixtures = join(repoDir, 'tests/nix/fixtures');
const manifest = JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as { version: string };
const builds = join(fixtures, 'builds.nix');

/** An attribute of fixtures/builds.nix. */
function buildsAttr(attr: string, args = ''): string {
  return `(import ${builds} { ${args} }).${attr}`;
}

/** Runs a program of a store path as the variant sees it (inside the chroot for 2.26). */
function runBuilt(variant: NixVariant, program: string, args: string[], allowFailure = false) {
  return run(variant, program, args, { allowFailure, cwd: scratchDir });
}

interface Check {
  ok: boolean;
  got: unknown;
}

/** The npm fixture: one dependency (semver) of the repository's lock, a build script, a bin. */
function writeNpmFixture(variant: NixVariant): string {
  const dir = join(scratchDir, `mach-nix-npm-fixture-${variant}`);
  const lock = JSON.parse(readFileSync(join(repoDir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version: string }>;
  };
  const semver = lock.packages['node_modules/semver'];
  assert.ok(semver, 'the repository lock has semver');
  const pkg = {
    name: 'npm-fixture',
    version: '1.0.0',
    bin: { 'npm-fixture': 'cli.js' },
    dependencies: { semver: semver.version },
    scripts: { build: `node -e "require('fs').writeFileSync('built.txt', 'built')"` },
    files: ['cli.js', 'built.txt'],
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({
      name: pkg.name,
      version: pkg.version,
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, bin: pkg.bin }, 'node_modules/semver': semver },
    }),
  );
  writeFileSync(
    join(dir, 'cli.js'),
    "#!/usr/bin/env node\nconst semver = require('semver');\n" +
      "console.log('semver', semver.valid('1.2.3'), require('fs').readFileSync(__dirname + '/built.txt', 'utf8'));\n",
  );
  return dir;
}

/**
 * skopeo on a docker-archive: trixie's 1.18 (in the chroot) reads the .tar.gz as it is;
 * without the chroot, bookworm's 1.9 (which cannot) gets a decompressed copy.
 */
async function skopeo(archive: string, args: (source: string) => string[]): Promise<string> {
  if (existsSync(join(chrootDir, 'usr/bin/skopeo'))) {
    return (await run('chroot-2.26', 'skopeo', args(`docker-archive:${archive}`), { cwd: scratchDir })).stdout;
  }
  const tar = archive.replace(/\.gz$/, '');
  if (!existsSync(tar)) writeFileSync(tar, gunzipSync(readFileSync(archive)));
  return spawnOutput('skopeo', args(`docker-archive:${tar}`));
}

const errorMessages: Array<[string, string, RegExp]> = [
  [
    'buildPythonPackage without format or pyproject',
    '(ps.buildPythonPackage { pname = "x"; version = "1"; src = ./.; }).drvPath',
    /x-1 does not configure a `format`\. To build with setuptools as before, set `pyproject = true` and `build-system = \[ setuptools \]`\./,
  ],
  [
    'a non-module derivation in the set',
    '(p.python3.override { packageOverrides = f: prev: { notAModule = p.writeText "x" "y"; }; }).pkgs.notAModule.drvPath',
    /notAModule should use `buildPythonPackage` or `toPythonModule` if it is to be part of the Python packages set\./,
  ],
  [
    'a dependency for another python',
    '(ps.buildPythonPackage { pname = "x"; version = "1"; format = "other"; dependencies = [ p.python313.pkgs.pip ]; }).drvPath',
    /Python version mismatch in 'python3\.11-x-1'/,
  ],
  [
    'a disabled package when used',
    '(ps.buildPythonPackage { pname = "x"; version = "1"; format = "other"; disabled = true; }).drvPath',
    /x-1 not supported for interpreter python3\.11/,
  ],
  [
    'a wheel-format `wheel` in the set: wheelUnpackHook propagates the set\'s wheel',
    '(p.python3.override { packageOverrides = f: prev: { wheel = f.buildPythonPackage { pname = "wheel"; inherit (prev.wheel) version src; format = "wheel"; }; }; }).pkgs.pip.drvPath',
    /infinite recursion encountered/,
  ],
  ['fetchurl with an unknown argument', '(p.fetchurl { url = "https://x/y"; hash = p.lib.fakeHash; sha265 = "typo"; }).drvPath', /unexpected argument 'sha265'/],
  ['fetchurl with two hashes', '(p.fetchurl { url = "https://x/y"; hash = p.lib.fakeHash; sha256 = p.lib.fakeSha256; }).drvPath', /multiple hashes passed to fetchurl/],
  ['buildLayeredImage with an unknown argument', '(p.dockerTools.buildLayeredImage { name = "x"; entrypoint = [ "/bin/sh" ]; }).drvPath', /unexpected argument 'entrypoint'/],
  ['streamLayeredImage with an unknown argument', '(p.dockerTools.streamLayeredImage { name = "x"; compressor = "gz"; }).drvPath', /unexpected argument 'compressor'/],
  ['buildLayeredImage with maxLayers = 1', '(p.dockerTools.buildLayeredImage { name = "x"; maxLayers = 1; }).drvPath', /maxLayers argument of dockerTools\.buildLayeredImage function must be greater than 1/],
];

/** the stand-in flake's systems that evaluate (x86_64-darwin throws, as nixpkgs' at the pin) */
const systems = ['x86_64-linux', 'aarch64-linux', 'aarch64-darwin'];

describe('nixpkgs stand-in', { concurrency: true }, () => {
  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 2 }, () => {
      /** the stand-in's python3 on this variant's machine (3.11 on bookworm, 3.13 in the chroot) */
      let py3 = { version: '', pythonVersion: '', site: '' };
      const re = (text: string) => text.replace(/[.]/g, '\\.');
      before(async () => {
        await seedStore(variant);
        const [version, pythonVersion, site] = await nixEval<string[]>(variant, `let p = (import ${standInDir} { }).python3; in [ p.version p.pythonVersion p.sitePackages ]`);
        py3 = { version: version!, pythonVersion: pythonVersion!, site: site! };
      });

      test('meets the evaluation checklist (one batched evaluation)', async (t) => {
        const six = (await seedStore(variant)).find((w) => w.pname === 'six');
        assert.ok(six, 'six is seeded');
        const hex = Buffer.from(six.hash.replace(/^sha256-/, ''), 'base64').toString('hex');
        const args = `{ sixHash = "${six.hash}"; sixHashHex = "${hex}"; }`;
        const checks = await nixEval<Record<string, Check>>(variant, `import ${join(fixtures, 'stand-in-checks.nix')} ${args}`);
        assert.ok(Object.keys(checks).length > 80, 'all checks evaluated');
        for (const [name, check] of Object.entries(checks)) {
          await t.test(name, () => assert.ok(check.ok, `got ${JSON.stringify(check.got)}`));
        }
      });

      test('reports the failures nixpkgs reports', async (t) => {
        const prelude = `let p = import ${standInDir} { system = "x86_64-linux"; pythonVersion = "3.11"; }; ps = p.python3.pkgs; in`;
        const results = await Promise.all(
          errorMessages.map(([, expr]) =>
            nix(variant, ['eval', '--impure', '--json', '--expr', `${prelude} ${expr}`], { allowFailure: true }),
          ),
        );
        for (const [i, [name, , pattern]] of errorMessages.entries()) {
          const r = results[i];
          await t.test(name, () => {
            assert.ok(r && r.status !== 0, 'evaluation fails');
            assert.match(r.stderr, pattern);
          });
        }
      });

      test('evaluates as a flake for its systems; x86_64-darwin throws, as in nixpkgs at the pin', async () => {
        const got = await nixEval<Array<[string, string, boolean, boolean]>>(
          variant,
          `let f = builtins.getFlake ${nixString(standInFlake())}; in map (s: let p = f.legacyPackages.\${s}; in
            [ p.python3.pythonVersion p.stdenv.hostPlatform.system
              (builtins.isString (p.python3.withPackages (ps: [ ps.pip ])).drvPath) (f.lib ? makeOverridable) ])
            [ ${systems.map((s) => `"${s}"`).join(' ')} ]`,
        );
        assert.deepEqual(got.map(([, system, drv, lib]) => [system, drv, lib]), systems.map((s) => [s, true, true]));
        const darwin = await nix(variant, ['eval', '--json', `${standInFlake()}#legacyPackages.x86_64-darwin.stdenv.hostPlatform.system`], { allowFailure: true });
        assert.notEqual(darwin.status, 0);
        assert.match(darwin.stderr, /Nixpkgs 26\.11 has dropped support for x86_64-darwin/);
      });

      test('pure evaluation: `import path` without system fails; extend and appendOverlays keep the platform', async () => {
        const flake = `${standInFlake()}#legacyPackages.aarch64-linux`;
        const extended = await nix(variant, ['eval', '--json', flake, '--apply',
          'p: let q = p.extend (final: _: { marker = final.stdenv.hostPlatform.system; }); r = q.appendOverlays [ (_: prev: { marker2 = prev.marker; }) ]; in [ q.marker r.marker2 r.stdenv.hostPlatform.system (p.appendOverlays [ ]).stdenv.hostPlatform.system ]']);
        assert.deepEqual(JSON.parse(extended.stdout), ['aarch64-linux', 'aarch64-linux', 'aarch64-linux', 'aarch64-linux']);
        const reimport = await nix(variant, ['eval', '--json', flake, '--apply', 'p: (import p.path { }).stdenv.hostPlatform.system'], { allowFailure: true });
        assert.notEqual(reimport.status, 0, reimport.stdout);
        assert.match(reimport.stderr, /currentSystem/);
      });

      test('python3.withPackages [pip setuptools wheel] is a real, isolated environment', async () => {
        const { out } = await nixBuild(variant, { expr: buildsAttr('env') });
        const py = `${out}/bin/python`;
        const { stdout } = await runBuilt(variant, py, [
          '-c',
          'import setuptools, pip, wheel, sys; print(pip.__version__, setuptools.__version__, wheel.__version__); print(sys.prefix)',
        ]);
        const [versions, prefix] = stdout.trim().split('\n');
        assert.match(versions ?? '', /^\d+\.\d+(\.\d+)? \d+\.\d+\.\d+ \d+\.\d+\.\d+$/);
        assert.equal(prefix, out);
        // the host has python3-yaml in dist-packages; the environment must not see it
        const yaml = await runBuilt(variant, py, ['-c', 'import yaml'], true);
        assert.notEqual(yaml.status, 0);
        assert.match(yaml.stderr, /No module named 'yaml'/);
        const pipVersion = await runBuilt(variant, `${out}/bin/pip`, ['--version']);
        assert.match(pipVersion.stdout, new RegExp(`from ${out}/${re(py3.site)}/pip .*\\(python ${re(py3.pythonVersion)}\\)`));
      });

      test('format = "wheel" installs a seeded wheel by the stripped store name of src', async () => {
        const { out } = await nixBuild(variant, { expr: buildsAttr('sixFromWheel') });
        assert.ok(existsSync(hostPath(variant, `${out}/${py3.site}/six.py`)));
        const bad = await failingBuild(variant, buildsAttr('badWheelName'));
        // the installer's refusal of a file name that is not a wheel's (pip 23: "six.whl is not a valid wheel
        // filename"; pip 26, from the mirror: "Invalid wheel filename (wrong number of parts): 'six'")
        assert.match(bad.stderr, /six\.whl is not a valid wheel filename|Invalid wheel filename \(wrong number of parts\): 'six'/);
      });

      test('pyproject = true builds a local package with its build-system; bin/ and dist work', async () => {
        const { out } = await nixBuild(variant, { expr: buildsAttr('helloNix') });
        const { stdout } = await runBuilt(variant, `${out}/bin/hello-nix`, []);
        assert.match(stdout, /^hello-nix 0\.1\.0 \(six 1\.17\.0\)$/m);
        const { out: distOut } = await nixBuild(variant, { expr: buildsAttr('helloNix.dist') });
        const dist = await runBuilt(variant, 'ls', [distOut]);
        assert.match(dist.stdout, /hello_nix-0\.1\.0-py3-none-any\.whl/);
        const { out: env } = await nixBuild(variant, { expr: buildsAttr('helloEnv') });
        const inEnv = await runBuilt(variant, `${env}/bin/python`, ['-c', 'import hello_nix, six; print(six.__file__)']);
        assert.ok(inEnv.stdout.startsWith(`${env}/${py3.site}/`), inEnv.stdout);
      });

      test('format = "setuptools" builds with setup.py bdist_wheel and has a dist output', async () => {
        const { out } = await nixBuild(variant, { expr: buildsAttr('helloSetuptools') });
        const { stdout } = await runBuilt(variant, `${out}/bin/hello-nix`, []);
        assert.match(stdout, /^hello-nix 0\.1\.0/);
        const { out: dist } = await nixBuild(variant, { expr: buildsAttr('helloSetuptools.dist') });
        assert.match((await runBuilt(variant, 'ls', [dist])).stdout, /^hello_nix-0\.1\.0-py3-none-any\.whl$/m);
      });

      test('condaUnpackHook and condaInstallHook install a conda .tar.bz2', async () => {
        const { out } = await nixBuild(variant, { expr: buildsAttr('condaPackage') });
        const { stdout } = await runBuilt(variant, 'ls', [`${out}/${py3.site}`]);
        assert.equal(stdout, 'conda_demo\n');
      });

      test('builders see their inputs and stdenv\'s common path only: runCommand has no unzip and no compiler', async () => {
        const seen = async (args: string) => {
          const { out } = await nixBuild(variant, { expr: buildsAttr(`toolsSeen { ${args} }`) });
          return (await runBuilt(variant, 'cat', [out])).stdout.trim().split('\n');
        };
        const common = ['sed yes', 'tar yes', 'make yes', 'patch yes', 'xz yes'];
        assert.deepEqual(await seen(''), ['unzip no', 'cc no', 'python3 no', ...common]);
        assert.deepEqual(await seen(`inputs = [ (import ${standInDir} { }).unzip ];`), ['unzip yes', 'cc no', 'python3 no', ...common]);
        assert.deepEqual(await seen(`builder = (import ${standInDir} { }).runCommandCC;`), ['unzip no', 'cc yes', 'python3 no', ...common]);
      });

      test('autoPatchelfHook: a binary\'s libraries must be among the inputs (or ignored); found ones are recorded', async () => {
        const missing = await failingBuild(variant, buildsAttr('patchelfed { }'));
        assert.match(missing.stderr, /could not satisfy dependency libc\.so\.6 wanted by \/nix\/store\/\S+-patchelfed\/bin\/main/);
        await nixBuild(variant, { expr: buildsAttr('patchelfed { ignore = [ "libc.so.*" ]; }') });
        const { out } = await nixBuild(variant, { expr: buildsAttr('patchelfed { libs = (import ' + standInDir + ' { }).pythonManylinuxPackages.manylinux2014; }') });
        const runpath = await runBuilt(variant, 'cat', [`${out}/nix-support/auto-patchelf-runpath`]);
        assert.match(runpath.stdout, /^\/nix\/store\/[a-z0-9]{32}-manylinux-host-libs\/lib\n$/);
        const refs = await run(variant, 'nix-store', ['--query', '--references', out]);
        assert.match(refs.stdout, /-manylinux-host-libs\n/);
      });

      test('pythonImportsCheck runs even with doCheck = false', async () => {
        const r = await failingBuild(variant, buildsAttr('importsCheckWithoutDoCheck'));
        assert.match(r.stderr, /No module named 'no_such_module'/);
      });

      test('the runtime-deps check rejects a missing dependency; pythonRemoveDeps drops it', async () => {
        const r = await failingBuild(variant, buildsAttr('missingRuntimeDep'));
        assert.match(r.stderr, /- six not installed/);
        const { out } = await nixBuild(variant, { expr: buildsAttr('removedRuntimeDep') });
        const metadata = await runBuilt(variant, 'cat', [`${out}/${py3.site}/hello_nix-0.1.0.dist-info/METADATA`]);
        assert.match(metadata.stdout, /^Name: hello-nix$/m);
        assert.doesNotMatch(metadata.stdout, /^Requires-Dist/m);
      });

      test('the hooks take packaging from the set: packaging older than 23.2 fails the runtime-deps check', async () => {
        const r = await failingBuild(variant, buildsAttr('runtimeDepsCheckWithOldPackaging', `debianPipWheel = ${debianPipWheel()};`));
        assert.match(r.stderr, /from packaging\.metadata import Metadata, parse_email\n.*ModuleNotFoundError: No module named 'packaging\.metadata'/);
      });

      test('the conflicts check rejects one distribution at two store paths', async () => {
        const r = await failingBuild(variant, buildsAttr('conflictingSix'));
        assert.match(r.stderr, /Found duplicated packages in closure for dependencies:\n.*six 1\.17\.0 \(\/nix\/store\/.*\n.*six 1\.17\.0 \(\/nix\/store\//);
      });

      test('a python environment fails on colliding files unless ignoreCollisions', async () => {
        const r = await failingBuild(variant, buildsAttr('collidingEnv { }'));
        assert.match(r.stderr, new RegExp(`collision between /nix/store/\\S+-provides-same-a-1\\.0/${re(py3.site)}/same\\.py and`));
        const { out } = await nixBuild(variant, { expr: buildsAttr('collidingEnv { ignoreCollisions = true; }') });
        const { stdout } = await runBuilt(variant, `${out}/bin/python`, ['-c', 'import same; print(same.x)']);
        assert.equal(stdout, 'a\n');
      });

      test("python3 is the machine's: 3.13 in the chroot (nixpkgs' at the pin), 3.11 on bookworm; 3.11 builds in both", async () => {
        assert.equal(py3.pythonVersion, variant === 'chroot-2.26' ? '3.13' : '3.11');
        // a version the machine has no binary of is for evaluation only
        const r = await failingBuild(variant, `(import ${standInDir} { pythonVersion = "3.14"; }).python3`);
        assert.match(r.stderr, /python 3\.14 of the nixpkgs stand-in is for evaluation only/);
        // python311 (the host's CPython, which the mirror's cp311 wheels are for) builds too
        const { out } = await nixBuild(variant, { expr: `(import ${standInDir} { }).python311.withPackages (ps: [ ps.pip ])` });
        const v = await runBuilt(variant, `${out}/bin/python`, ['-c', 'import sys, pip; print("%d.%d" % sys.version_info[:2], pip.__file__)']);
        assert.equal(v.stdout, `3.11 ${out}/lib/python3.11/site-packages/pip/__init__.py\n`);
      });

      test('buildLayeredImage gives a gzipped docker-archive that skopeo reads and that runs', async () => {
        const { out } = await nixBuild(variant, { expr: buildsAttr('image') });
        assert.match(out, /-stand-in-test\.tar\.gz$/);
        const work = join(scratchDir, `mach-nix-image-${variant}`);
        rmSync(work, { recursive: true, force: true });
        mkdirSync(work, { recursive: true });
        const archive = join(work, 'image.tar.gz');
        copyFileSync(hostPath(variant, out), archive);
        assert.deepEqual([...readFileSync(archive).subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
        const inspect = JSON.parse(await skopeo(archive, (src) => ['inspect', src])) as {
          Architecture: string;
          Layers: string[];
          Env: string[];
        };
        assert.equal(inspect.Architecture, 'amd64');
        assert.ok(inspect.Layers.length >= 3, `${inspect.Layers.length} layers`);
        assert.deepEqual(inspect.Env, ['LANG=C.UTF-8']);
        // run the entry point the way the lab did: OCI layout, umoci unpack, chroot
        await skopeo(archive, (src) => ['copy', '-q', src, `oci:${work}/oci:latest`]);
        spawnOutput('umoci', ['unpack', '--image', `${work}/oci:latest`, `${work}/bundle`]);
        const entry = spawnOutput('chroot', [`${work}/bundle/rootfs`, '/bin/hello']);
        assert.match(entry, /^hello from the image\nhello-nix 0\.1\.0 \(six 1\.17\.0\)\n$/);
        const python = spawnOutput('chroot', [`${work}/bundle/rootfs`, '/bin/python3', '-c', 'import hello_nix, sys; print(sys.prefix)']);
        assert.match(python, new RegExp(`^/nix/store/[a-z0-9]{32}-python3-${re(py3.version)}-env\n$`));
        rmSync(work, { recursive: true, force: true });
      });

      test('nix develop on a mkShell runs its shellHooks (inputsFrom first) and sets the environment', async () => {
        const r = await nix(variant, [
          'develop', '--no-write-lock-file', '--override-input', 'nixpkgs', standInFlake(),
          `path:${join(fixtures, 'dev-shell')}`, '-c', 'python', '-c', 'import pip, sys; print("python", sys.prefix)',
        ]);
        assert.match(r.stdout, new RegExp(`^hook of inputsFrom\nown shellHook: FOO=bar BASE=unset\npython /nix/store/[a-z0-9]{32}-python3-${re(py3.version)}-env$`, 'm'));
      });

      test('nix-shell on a mkShell runs its shellHooks and puts the packages on PATH', async () => {
        const shell = ['-I', `nixpkgs=${standInDir}`, builds];
        const r = await run(variant, 'nix-shell', [...shell, '-A', 'shell', '--run', 'python -c "import pip; print(pip.__version__)"']);
        assert.match(r.stdout, /^hook of inputsFrom\nown shellHook: FOO=bar\n\d+\.\d+/m);
        // a python environment's .env is for nix-shell (building it fails on purpose)
        const env = await run(variant, 'nix-shell', [...shell, '-A', 'env.env', '--run', 'python -c "import setuptools, sys; print(sys.prefix)"']);
        assert.match(env.stdout, new RegExp(`^/nix/store/[a-z0-9]{32}-python3-${re(py3.version)}-env$`, 'm'));
        const build = await failingBuild(variant, buildsAttr('env.env'));
        assert.match(build.stderr, /intended for interactive nix-shell sessions, not for building/);
      });

      test('buildNpmPackage with importNpmLock: offline install, npm run build, bin wrappers', async () => {
        const npmRoot = writeNpmFixture(variant);
        const { out } = await nixBuild(variant, { expr: buildsAttr('npmPackage', `npmRoot = ${npmRoot};`) });
        const { stdout } = await runBuilt(variant, `${out}/bin/npm-fixture`, []);
        assert.equal(stdout, 'semver 1.2.3 built\n');
      });

      // Compiles better-sqlite3 from source and trains the bundle's code cache: about a minute per Nix version.
      test('buildNpmPackage builds this repository\'s CLI with its native addon', async () => {
        // The package users get (nix/cli.nix): `npm run build` bundles the CLI with esbuild, whose
        // binary for this platform importNpmLock fetched like every other locked package.
        const expr = `(import ${repoDir}/nix { pkgs = import ${standInDir} { }; pypiData = null; }).cli`;
        const { out } = await nixBuild(variant, { expr });
        const bin = `${out}/bin/mach-nix`;
        // The bundle with its code cache: MACH_NIX_DEBUG=1 says on stderr when there is none or V8
        // refuses it (the wrapper passes the node options the build trained it with, and the node
        // is the build's).
        const version = await run(variant, bin, ['--version'], { cwd: scratchDir, env: { MACH_NIX_DEBUG: '1' } });
        assert.equal(version.stdout, `${manifest.version}\n`);
        assert.equal(version.stderr, '');

        // better-sqlite3 (compiled in the build) writes and reads an index; the bundle resolves on it.
        const tree = projectTree({
          app: { wheels: { '1.0': { requires: ['lib>=1.0'] } } },
          lib: { wheels: { '1.0': {}, '2.0': {} } },
        });
        const index = join(tree, 'index.sqlite');
        try {
          await runBuilt(variant, bin, ['db', 'build', '--deps', join(tree, 'deps'), '--files', join(tree, 'files'), '--out', index]);
          const resolved = await runBuilt(variant, bin, [
            'resolve', 'app', '--python', '3.11', '--platform', 'x86_64-linux', '--glibc', '2.40', '--deps-db', index,
            '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}', '--json',
          ]);
          const packages = (JSON.parse(resolved.stdout) as { packages: Record<string, { version: string }> }).packages;
          assert.deepEqual(Object.fromEntries(Object.entries(packages).map(([name, p]) => [name, p.version])), { app: '1.0', lib: '2.0' });
        } finally {
          rmSync(tree, { recursive: true, force: true });
        }
        // One wrapper, no shell behind it: it hands NODE_EXTRA_CA_CERTS over to the index client
        // (src/cli/extra-ca-certs.sh) and starts the package's node. Node started with a file it
        // cannot read warns before any JavaScript runs; the command started so does not.
        const noSuchCa = { NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' };
        const node = /\nexec (?:-a "\$0" )?'?(\/nix\/store\/[^' ]+\/bin\/node)'? /.exec(readFileSync(hostPath(variant, bin), 'utf8'))?.[1];
        assert.ok(node, readFileSync(hostPath(variant, bin), 'utf8'));
        assert.match((await run(variant, node, ['-e', '0'], { cwd: scratchDir, env: noSuchCa })).stderr, /Ignoring extra certs from `\/nonexistent\/ca\.pem`/);
        assert.equal((await run(variant, bin, ['--version'], { cwd: scratchDir, env: noSuchCa })).stderr, '');
        // The flake's package: the same wrapper with MACH_NIX_SOURCE, around the same node and bundle.
        const withSource = await nixBuild(variant, {
          expr: `(import ${repoDir}/nix { pkgs = import ${standInDir} { }; pypiData = null; }).cliWithSource { url = "github:mach-nix/mach-nix"; rev = "${'c'.repeat(40)}"; narHash = "sha256-m"; lastModified = 5; }`,
        });
        const sourceBin = `${withSource.out}/bin/mach-nix`;
        const wrapper = readFileSync(hostPath(variant, sourceBin), 'utf8');
        assert.ok(wrapper.includes(`${out}/lib/node_modules/mach-nix/dist/mach-nix.cjs`) && wrapper.includes(node), wrapper);
        assert.ok(wrapper.includes(`MACH_NIX_SOURCE=${withSource.out}/share/mach-nix/source.json`), wrapper);
        const sourced = await run(variant, sourceBin, ['--version'], { cwd: scratchDir, env: { ...noSuchCa, MACH_NIX_DEBUG: '1' } });
        assert.equal(sourced.stdout, `${manifest.version}\n`);
        assert.equal(sourced.stderr, '');
        assert.equal(JSON.parse(readFileSync(hostPath(variant, `${withSource.out}/share/mach-nix/source.json`), 'utf8')).rev, 'c'.repeat(40));

        const sqlite = await runBuilt(variant, 'node', [
          '-e', `const D = require('${out}/lib/node_modules/mach-nix/node_modules/better-sqlite3'); console.log(new D(':memory:').prepare('select 1 as x').get().x)`,
        ]);
        assert.equal(sqlite.stdout, '1\n');
        await runBuilt(variant, bin, ['--help']);
      });
    });
  }
});

/** `nix build` of an expression that must fail; returns the result for its messages. */
async function failingBuild(variant: NixVariant, expr: string) {
  const r = await nix(variant, ['build', '--no-link', '--impure', '--expr', expr], { allowFailure: true });
  assert.notEqual(r.status, 0, `${expr} built`);
  return r;
}

/** A host program's stdout; fails the test when it fails. */
function spawnOutput(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
