/**
 * The examples besides the Flask app, each built as its default.nix says, under Nix 2.8 and
 * Nix 2.26, with the nixpkgs stand-in and the real-PyPI test data (tests/nix/data.ts):
 * - examples/overrides: a provider switch (packaging from nixpkgs, the rest wheels),
 *   overridesPre, overridesPost and `_`, each visible in the result;
 * - examples/pyproject-app: a pyproject.toml project built with buildPythonApplication, its
 *   console script run;
 * - examples/conda-env: an environment.yml with a conda channel made on this machine (no real
 *   channel is reachable) and a pip section, resolved and built.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import { fetcherDir, pypiData, seedTestData, wheelFilesOf, writeTestData } from './data.js';
import { type NixVariant, hostPath, nixBuild, nixEval, nixVersions, repoDir, run, scratchDir, seedStore, standInDir, standInTarget } from './harness.js';

const examples = join(repoDir, 'examples');
const workDir = mkdtempSync(join(scratchDir, 'mach-nix-examples-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

const standIn = `import ${standInDir} { pythonVersion = "3.11"; }`;
const machNix = (extra = '') => `import ${repoDir}/nix { pkgs = ${standIn}; pypiData = ${pypiData}; ${extra} }`;

/** `mach-nix lock` with the test data; returns the lock's path and document. */
function lock(name: string, args: string[], python: string, glibc: string): { file: string; resolution: Resolution } {
  writeTestData();
  const file = join(workDir, `${name}.lock.json`);
  const result = spawnSync(join(repoDir, 'bin/mach-nix'), [
    'lock', ...args, '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
    '--deps-db', pypiData, '--files-db', fetcherDir, '-o', file,
  ], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return { file, resolution: JSON.parse(readFileSync(file, 'utf8')) as Resolution };
}

/** The conda channel of examples/conda-env, written by its make-channel.py. */
function condaChannel(): { repodata: string; archive: string } {
  const dir = join(workDir, 'demo-channel');
  const made = spawnSync('python3', [join(examples, 'conda-env/make-channel.py'), dir], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  return { repodata: join(dir, 'noarch/repodata.json'), archive: made.stdout.trim() };
}

describe('examples', { concurrency: true }, () => {
  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 1 }, () => {
      let python = '';
      let glibc = '';
      before(async () => {
        await seedStore(variant);
        [python, glibc] = await standInTarget(variant);
      });

      test('overrides: packaging from nixpkgs, overridesPre, overridesPost and _ in the result', async () => {
        const wheels = lock(`overrides-${variant}`, ['-r', join(examples, 'overrides/requirements.txt'), '--providers', '{"_default": "wheel"}'], python, glibc);
        await seedTestData(variant, wheelFilesOf(wheels.file));
        const env = `(import ${join(examples, 'overrides')} { m = ${machNix()}; })`;
        const facts = await nixEval<Record<string, string>>(variant, `let ps = ${env}.python.pkgs; pkgs = ${standIn}; in {
          packaging = ps.packaging.passthru.provider; packagingVersion = ps.packaging.version;
          nixpkgsPackaging = pkgs.python3.pkgs.packaging.version;
          requests = ps.requests.passthru.provider; idna = ps.idna.passthru.provider; }`);
        assert.deepEqual(facts, {
          packaging: 'nixpkgs', packagingVersion: facts.nixpkgsPackaging, nixpkgsPackaging: facts.nixpkgsPackaging,
          requests: 'wheel', idna: 'wheel',
        });
        const { out } = await nixBuild(variant, { expr: env });
        const marker = async (pkg: string, file: string) => {
          const dir = (await nixBuild(variant, { expr: `${env}.python.pkgs.${pkg}` })).out;
          const path = join(hostPath(variant, dir), file);
          assert.ok(existsSync(path), `${pkg} has ${file}`);
          return readFileSync(path, 'utf8');
        };
        assert.equal(await marker('packaging', 'overridden-pre'), "nixpkgs' packaging, changed before mach-nix\n");
        const idnaVersion = wheels.resolution.packages.idna!.version;
        assert.equal(await marker('idna', 'overridden-post'), `idna ${idnaVersion} from its wheel, changed after mach-nix\n`);
        assert.equal(await marker('requests', 'overridden-underscore'), 'requests, changed by _\n');
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import requests, packaging, idna; print(packaging.__version__, idna.__version__)']);
        assert.equal(check.stdout.trim(), `${facts.nixpkgsPackaging} ${idnaVersion}`);
      });

      test('pyproject-app: buildPythonApplication of a pyproject.toml project, its console script runs', async () => {
        const wheels = lock(`pyproject-${variant}`, ['requests>=2.25', '--providers', '{"_default": "wheel"}'], python, glibc);
        await seedTestData(variant, wheelFilesOf(wheels.file));
        const app = `(import ${join(examples, 'pyproject-app')} { m = ${machNix()}; })`;
        assert.deepEqual(await nixEval(variant, `let a = ${app}; in [ a.pname a.version ]`), ['weather-cli', '1.2.0']);
        const { out } = await nixBuild(variant, { expr: app });
        const script = await run(variant, `${out}/bin/weather-cli`, ['Rio', 'de', 'Janeiro']);
        assert.equal(script.stdout.trim(), `weather-cli 1.2.0 with requests ${wheels.resolution.packages.requests!.version}: GET https://api.example.org/weather?q=Rio+de+Janeiro`);
      });

      test('conda-env: an environment.yml with a conda channel and a pip section, resolved and built', async () => {
        const channel = condaChannel();
        const environment = join(examples, 'conda-env/environment.yml');
        const locked = lock(`conda-${variant}`, ['-r', environment, '--conda', `demo=${channel.repodata}`, '--providers', '{"_default": "conda/demo,wheel"}'], python, glibc);
        const providers = Object.fromEntries(Object.entries(locked.resolution.packages).map(([name, p]) => [name, p!.provider]));
        assert.deepEqual(providers, {
          certifi: 'wheel', 'charset-normalizer': 'wheel', 'greeting-conda': 'conda/demo', idna: 'wheel', requests: 'wheel', urllib3: 'wheel',
        });
        await seedTestData(variant, wheelFilesOf(locked.file));
        // fetchurl of the channel's URL finds the archive in the store by its name and hash
        await run(variant, 'nix-store', ['--add-fixed', 'sha256', channel.archive]);
        const m = machNix(`condaChannelsExtra.demo = [ ${channel.repodata} ];`);
        const resolved = `(import ${join(examples, 'conda-env')} { m = ${m}; })`;
        const fromLock = `(import ${join(examples, 'conda-env')} { m = ${m}; lockFile = ${locked.file}; })`;
        assert.equal(await nixEval<string>(variant, `${resolved}.drvPath`), await nixEval<string>(variant, `${fromLock}.drvPath`), 'the CLI lock is what evaluation resolves');
        const { out } = await nixBuild(variant, { expr: fromLock }, { extraArgs: ['--option', 'allow-import-from-derivation', 'false'] });
        const check = await run(variant, `${out}/bin/python`, ['-c', 'import greeting_conda, requests; print(greeting_conda.MESSAGE, requests.__version__)']);
        assert.equal(check.stdout.trim(), `hello from a conda package ${locked.resolution.packages.requests!.version}`);
      });
    });
  }
});
