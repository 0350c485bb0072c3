/**
 * Which part of the python set the nixpkgs provider's index looks at (nix/nixpkgs-index.nix),
 * under Nix 2.8 and Nix 2.26: nothing when no provider is nixpkgs, the packages of the names that
 * have nixpkgs among their providers, everything when the default does; never anything on the
 * lockFile path. An attribute that aborts when forced (`abort` is not caught by `tryEval`, which
 * the index uses to skip throwing aliases) shows what was looked at: evaluation fails if it was.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUILT_IN_PROVIDER_DEFAULTS } from '../../src/providers/settings.js';
import { fetcherDir, pypiData, writeTestData } from './data.js';
import { type NixVariant, nix, nixEval, nixVersions, repoDir, scratchDir, seedStore, standInDir } from './harness.js';

const workDir = mkdtempSync(join(scratchDir, 'mach-nix-nixpkgs-index-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

/** The stand-in, the library, and mkPython over a python set with a tripwire and a renamed package. */
const prelude = `let
  pkgs = import ${standInDir} { pythonVersion = "3.11"; };
  m = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; };
  tripwire = _: _: { tripwire = abort "the nixpkgs index forced the tripwire attribute"; };
  # a package whose attribute name is not its PyPI name (as nixpkgs' versioned attributes, e.g. django_4)
  renamed = self: _: { setuptools_legacy = self.buildPythonPackage { pname = "setuptools"; version = "0.9"; format = "other"; }; };
  withSet = overrides: args: m.mkPython ({ requirements = "flask"; overridesPre = overrides; } // args);
  core = overrides: args: m.machNixEnvironment.environment "mkPython" (m.machNixEnvironment.normalizeArgs "mkPython" ({ requirements = "flask"; overridesPre = overrides; } // args));
  fullIndex = overrides: builtins.fromJSON (m.nixpkgsIndex (core overrides { }).pythonForIndex.pkgs);
  indexGiven = env: builtins.fromJSON env.lock.nixpkgsIndex;
  only = names: index: builtins.listToAttrs (builtins.filter (e: e.value != null && builtins.elem (m.pep503.normalizeName e.value.pname) names)
    (map (name: { inherit name; value = index.\${name}; }) (builtins.attrNames index)));
in`;

async function evaluates(variant: NixVariant, expr: string): Promise<{ ok: boolean; stderr: string; stdout: string }> {
  const result = await nix(variant, ['eval', '--impure', '--json', '--expr', `${prelude} ${expr}`], { allowFailure: true, cwd: workDir });
  return { ok: result.status === 0, stderr: result.stderr, stdout: result.stdout };
}

describe('the nixpkgs provider index looks only at what may come from nixpkgs', { concurrency: true }, () => {
  before(() => writeTestData());
  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 1 }, () => {
      before(() => seedStore(variant));

      test('no provider is nixpkgs: the python set is not looked at, the resolver gets an empty index', async () => {
        const result = await evaluates(variant, `let env = withSet [ tripwire ] { providers._default = "wheel,sdist"; _providerDefaults = { }; };
          in [ env.lock.drvPath (indexGiven env) ]`);
        assert.ok(result.ok, result.stderr);
        assert.deepEqual((JSON.parse(result.stdout) as unknown[])[1], {});
        // per-package entries replace the defaults' (setuptools, pip, wheel, gdal come from nixpkgs there)
        const overridden = await evaluates(variant, `(withSet [ tripwire ] { providers = { _default = "wheel"; setuptools = "wheel"; pip = "sdist"; wheel = [ "wheel" ]; gdal = "wheel , sdist"; }; }).lock.drvPath`);
        assert.ok(overridden.ok, overridden.stderr);
      });

      test('nixpkgs for some names: the index has exactly the full index\'s entries of those names', async () => {
        const cases = {
          // the built-in provider defaults: gdal, pip, setuptools, wheel
          builtIn: `{ providers._default = "wheel,sdist"; }`,
          perPackage: `{ providers = { _default = "wheel"; Flask = "wheel, nixpkgs"; "Setup_Tools " = [ "sdist" "nixpkgs" ]; }; _providerDefaults = { }; }`,
          fromDefaults: `{ providers._default = "wheel"; _providerDefaults = { _default = "sdist"; pip = "nixpkgs"; }; }`,
        };
        const names = { builtIn: ['gdal', 'pip', 'setuptools', 'wheel'], perPackage: ['flask', 'setup-tools'], fromDefaults: ['pip'] };
        for (const [label, args] of Object.entries(cases)) {
          const result = await nixEval<{ given: Record<string, unknown>; expected: Record<string, unknown> }>(variant, `${prelude} {
            given = indexGiven (withSet [ renamed ] ${args});
            expected = only [ ${names[label as keyof typeof names].map((n) => `"${n}"`).join(' ')} ] (fullIndex [ renamed ]);
          }`);
          assert.deepEqual(result.given, result.expected, label);
          if (label === 'builtIn') assert.ok('setuptools_legacy' in result.given && 'setuptools' in result.given, JSON.stringify(result.given));
        }
      });

      test('nixpkgs in the default: the index is the whole set\'s', async () => {
        const equal = await nixEval<boolean>(variant, `${prelude}
          indexGiven (withSet [ renamed ] { }) == fullIndex [ renamed ]
          && indexGiven (withSet [ renamed ] { providers._default = "wheel,nixpkgs"; _providerDefaults = { }; }) == fullIndex [ renamed ]
          && indexGiven (withSet [ renamed ] { _providerDefaults = { _default = [ "nixpkgs" ]; }; }) == fullIndex [ renamed ]`);
        assert.equal(equal, true);
      });

      test('the built-in provider defaults are the resolver\'s', async () => {
        assert.deepEqual(await nixEval(variant, `${prelude} m.nixpkgsProvider.builtInDefaults`), BUILT_IN_PROVIDER_DEFAULTS);
      });

      test('a lockFile never looks at the python set, whatever the providers', async () => {
        const [python, glibc] = await nixEval<[string, string]>(variant, `let p = import ${standInDir} { pythonVersion = "3.11"; }; in [ p.python3.version p.glibc.version ]`);
        const requirements = join(workDir, 'flask.requirements.txt');
        writeFileSync(requirements, 'flask');
        const lockFile = join(workDir, 'flask.lock.json');
        const lock = spawnSync(join(repoDir, 'bin/mach-nix'), [
          'lock', '-r', requirements, '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
          '--deps-db', pypiData, '--files-db', fetcherDir, '--providers', '{"_default": "wheel,nixpkgs"}', '-o', lockFile,
        ], { encoding: 'utf8' });
        assert.equal(lock.status, 0, lock.stderr);
        const result = await evaluates(variant, `let env = withSet [ tripwire ] { providers._default = "wheel,nixpkgs"; lockFile = ${lockFile}; };
          in [ env.drvPath (builtins.attrNames env.resolution.packages) ]`);
        assert.ok(result.ok, result.stderr);
      });
    });
  }
});
