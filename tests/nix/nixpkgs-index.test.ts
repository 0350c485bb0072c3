/**
 * Which part of the python set the nixpkgs provider's index looks at (nix/nixpkgs-index.nix),
 * under Nix 2.8 and Nix 2.26: nothing when no provider is nixpkgs; else only the attributes named
 * like a package the resolution can reach whose providers include nixpkgs, also when the default
 * does — and the resolution is the one the whole set's index gives; never anything on the
 * lockFile path. An attribute that aborts when forced (`abort` is not caught by `tryEval`, which
 * the index uses to skip throwing aliases) shows what was looked at: evaluation fails if it was.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LEGACY_NAMES } from '../../src/providers/nixpkgs-attributes.js';
import { BUILT_IN_PROVIDER_DEFAULTS } from '../../src/providers/settings.js';
import { fetcherDir, pypiData, writeTestData } from './data.js';
import { type NixVariant, nix, nixEval, nixVersions, repoDir, scratchDir, seedStore, standInDir, standInTarget } from './harness.js';

const workDir = mkdtempSync(join(scratchDir, 'mach-nix-nixpkgs-index-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

/** The stand-in, the library, and mkPython over a python set with a tripwire and a renamed package. */
const prelude = `let
  pkgs = import ${standInDir} { pythonVersion = "3.11"; };
  m = import ${repoDir}/nix { inherit pkgs; pypiData = ${pypiData}; };
  tripwire = _: _: { tripwire = abort "the nixpkgs index forced the tripwire attribute"; };
  # named like flask (as django_4), which the requests require: read whenever flask may come from nixpkgs
  flaskTripwire = _: _: { flask_3 = abort "the nixpkgs index forced flask_3"; };
  # a package whose attribute name is not its PyPI name (a versioned attribute, as nixpkgs' django_4)
  renamed = self: _: { setuptools_0_9 = self.buildPythonPackage { pname = "setuptools"; version = "0.9"; format = "other"; }; };
  # packages of the set as nixpkgs has them (format = "other": nothing to build), for names of the data
  pkg = self: pname: version: extra: self.buildPythonPackage ({ inherit pname version; format = "other"; } // extra);
  packages = self: _: {
    click = pkg self "click" "8.1.7" { };
    werkzeug_3_1 = pkg self "werkzeug" "3.1.0" { };  # versioned, as django_4
    Jinja2 = pkg self "Jinja2" "3.1.2" { };  # a legacy upper-case attribute
    python-dotenv = pkg self "python-dotenv" "1.0.0" { };
    nixonly = pkg self "nixonly" "1.0" { };  # no data has it
    # built by mach-nix: its requirements name a package only they reach, only nixpkgs has
    machbuilt = pkg self "machbuilt" "1.0" { passthru.requirements = "hidden-dep\n"; };
    hidden-dep = pkg self "hidden-dep" "2.0" { };
    # requirements that start with a name but that the resolver cannot read
    misbuilt = pkg self "misbuilt" "1.0" { passthru.requirements = "hidden-dep (((\n"; };
    # named like a variant of click, but another package: read, and left out by its pname
    clickWithCuda = pkg self "click-cuda-tools" "1.0" { };
  };
  # the resolution with the index of the whole set, for the same request
  wholeResolution = c: m.resolution.resolve { inherit (c) request; nixpkgsIndex = m.nixpkgsIndex c.pythonForIndex.pkgs; };
  withSet = overrides: args: m.mkPython ({ requirements = "flask"; overridesPre = overrides; } // args);
  core = overrides: args: m.machNixEnvironment.environment "mkPython" (m.machNixEnvironment.normalizeArgs "mkPython" ({ requirements = "flask"; overridesPre = overrides; } // args));
  fullIndex = overrides: builtins.fromJSON (m.nixpkgsIndex (core overrides { }).pythonForIndex.pkgs);
  indexGiven = env: builtins.fromJSON env.lock.nixpkgsIndex;
  only = names: index: builtins.listToAttrs (builtins.filter (e: e.value != null && builtins.elem (m.pep503.normalizeName e.value.pname) names)
    (map (name: { inherit name; value = index.\${name}; }) (builtins.attrNames index)));
in`;

/** `withoutImports`: with import-from-derivation refused, so that an evaluation that needs a build fails. */
async function evaluates(variant: NixVariant, expr: string, withoutImports = false): Promise<{ ok: boolean; stderr: string; stdout: string }> {
  const options = withoutImports ? ['--option', 'allow-import-from-derivation', 'false'] : [];
  const result = await nix(variant, ['eval', '--impure', '--json', ...options, '--expr', `${prelude} ${expr}`], { allowFailure: true, cwd: workDir });
  return { ok: result.status === 0, stderr: result.stderr, stdout: result.stdout };
}

describe('the nixpkgs provider index looks only at what may come from nixpkgs', { concurrency: true }, () => {
  before(() => writeTestData());
  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 1 }, () => {
      before(() => seedStore(variant));

      test('no provider is nixpkgs: the python set is not looked at, the resolver gets an empty index', async () => {
        // without any import-from-derivation: not even the reach of the request is computed
        const result = await evaluates(variant, `let env = withSet [ tripwire flaskTripwire ] { providers._default = "wheel,sdist"; _providerDefaults = { }; };
          in [ env.lock.drvPath (indexGiven env) ]`, true);
        assert.ok(result.ok, result.stderr);
        assert.deepEqual((JSON.parse(result.stdout) as unknown[])[1], {});
        // per-package entries replace the defaults' (setuptools, pip, wheel, gdal come from nixpkgs there)
        const overridden = await evaluates(variant, `(withSet [ tripwire flaskTripwire ] { providers = { _default = "wheel"; setuptools = "wheel"; pip = "sdist"; wheel = [ "wheel" ]; gdal = "wheel , sdist"; }; }).lock.drvPath`, true);
        assert.ok(overridden.ok, overridden.stderr);
        // the tripwires work: with flask from nixpkgs, flask_3 is read
        const read = await evaluates(variant, `(withSet [ tripwire flaskTripwire ] { providers._default = "wheel,nixpkgs"; }).lock.drvPath`);
        assert.ok(!read.ok);
        assert.match(read.stderr, /the nixpkgs index forced flask_3/);
      });

      test('nixpkgs for some names: the index has exactly the full index\'s entries of those the resolution reaches', async () => {
        const cases = {
          // the built-in provider defaults: gdal, pip, setuptools, wheel; gdal and pip are not reached
          builtIn: `{ requirements = "flask\\nsetuptools\\nwheel"; providers._default = "wheel,sdist"; }`,
          perPackage: `{ providers = { _default = "wheel"; Click = "wheel, nixpkgs"; "Setup_Tools " = [ "sdist" "nixpkgs" ]; }; _providerDefaults = { }; }`,
          fromDefaults: `{ requirements = "flask\\npip"; providers._default = "wheel"; _providerDefaults = { _default = "sdist"; pip = "nixpkgs"; }; }`,
        };
        const names = { builtIn: ['setuptools', 'wheel'], perPackage: ['click'], fromDefaults: ['pip'] };
        for (const [label, args] of Object.entries(cases)) {
          const result = await nixEval<{ given: Record<string, unknown>; expected: Record<string, unknown> }>(variant, `${prelude} {
            given = indexGiven (withSet [ renamed packages ] ${args});
            expected = only [ ${names[label as keyof typeof names].map((n) => `"${n}"`).join(' ')} ] (fullIndex [ renamed packages ]);
          }`);
          assert.deepEqual(result.given, result.expected, label);
          assert.notDeepEqual(result.given, {}, label);
          if (label === 'builtIn') assert.ok('setuptools_0_9' in result.given && 'setuptools' in result.given, JSON.stringify(result.given));
        }
      });

      test('nixpkgs in the default: the index has the full index\'s entries of the names reached, and the same resolution', async () => {
        // each: the arguments, and packages that must come from nixpkgs (so that an entry left out changes the resolution)
        const cases: [string, Record<string, string>][] = [
          // the built-in defaults (`_default = "wheel,sdist,nixpkgs"`): what only nixpkgs has
          ['{ requirements = "flask\\nnixonly"; }', { nixonly: 'nixonly' }],
          // nixpkgs first: a versioned attribute, a legacy upper-case one, a package of the data
          ['{ providers._default = "nixpkgs,wheel"; }', { click: 'click', werkzeug: 'werkzeug_3_1', jinja2: 'Jinja2' }],
          ['{ providers._default = "nixpkgs"; _providerDefaults = { }; requirements = "nixonly\\nclick"; }', { nixonly: 'nixonly', click: 'click' }],
          // per package, with the rest from wheels; the extra's package from nixpkgs
          ['{ requirements = "flask[dotenv]"; providers = { _default = "wheel"; python-dotenv = "nixpkgs"; Werkzeug = "nixpkgs,wheel"; }; }', { 'python-dotenv': 'python-dotenv', werkzeug: 'werkzeug_3_1' }],
          // markers: the one for another platform leaves its name out of the resolution (and of the index)
          ['{ requirements = "flask\\nnixonly; sys_platform == \'win32\'\\nclick; python_version >= \'3\'"; providers._default = "nixpkgs,wheel"; }', { click: 'click', jinja2: 'Jinja2' }],
          // a package built by mach-nix whose requirements reach a name nothing else reaches (another round)
          ['{ requirements = "machbuilt"; providers._default = "nixpkgs,wheel"; }', { machbuilt: 'machbuilt', 'hidden-dep': 'hidden-dep' }],
        ];
        for (const [args, fromNixpkgs] of cases) {
          const result = await nixEval<{ subset: { packages: Record<string, { provider: string; source: unknown }> }; whole: unknown; given: Record<string, unknown>; full: Record<string, unknown> }>(variant, `${prelude}
            let c = core [ packages ] ${args}; in {
              subset = c.resolution;
              whole = wholeResolution c;
              given = builtins.fromJSON c.lock.nixpkgsIndex;
              full = builtins.fromJSON (m.nixpkgsIndex c.pythonForIndex.pkgs);
            }`);
          assert.deepEqual(result.subset, result.whole, args);
          for (const [name, attribute] of Object.entries(fromNixpkgs)) {
            assert.deepEqual(result.subset.packages[name]?.source, { type: 'nixpkgs', attribute }, `${args}: ${name}`);
          }
          // the index given is part of the whole one, and smaller: attributes of names not reached are not read
          for (const [attribute, entry] of Object.entries(result.given)) assert.deepEqual(entry, result.full[attribute], `${args}: ${attribute}`);
          assert.ok(Object.keys(result.given).length < Object.keys(result.full).length, args);
          assert.ok(!('clickWithCuda' in result.given) && 'clickWithCuda' in result.full, args);
        }
      });

      test('nixpkgs in the default: an attribute is forced only when it may hold a name the resolution reaches', async () => {
        const untouched = await evaluates(variant, `(withSet [ tripwire packages ] { }).lock.drvPath`);
        assert.ok(untouched.ok, untouched.stderr);
        // a versioned attribute of click, which flask requires
        const touched = await evaluates(variant, `(withSet [ (_: _: { click_7 = abort "the nixpkgs index forced click_7"; }) ] { }).lock.drvPath`);
        assert.ok(!touched.ok);
        assert.match(touched.stderr, /the nixpkgs index forced click_7/);
      });

      test('a requirement of a package of the set that the reach cannot read ends the rounds', async () => {
        const index = await nixEval<Record<string, unknown>>(variant, `${prelude} indexGiven (withSet [ packages ] { requirements = "misbuilt"; providers._default = "nixpkgs"; })`);
        assert.deepEqual(Object.keys(index), ['misbuilt']);
      });

      test('the attribute names nixpkgs once gave a package are the ones the reach reads', async () => {
        const nameMap = await nixEval<Record<string, string>>(variant, `${prelude} m.nixpkgsProvider.nameMap`);
        const inverted: Record<string, string[]> = {};
        for (const [legacy, name] of Object.entries(nameMap)) (inverted[name] ??= []).push(legacy);
        assert.deepEqual(inverted, LEGACY_NAMES);
      });

      test('the built-in provider defaults are the resolver\'s', async () => {
        assert.deepEqual(await nixEval(variant, `${prelude} m.nixpkgsProvider.builtInDefaults`), BUILT_IN_PROVIDER_DEFAULTS);
      });

      test('a lockFile never looks at the python set, whatever the providers', async () => {
        const [python, glibc] = await standInTarget(variant);
        const requirements = join(workDir, 'flask.requirements.txt');
        writeFileSync(requirements, 'flask');
        const lockFile = join(workDir, 'flask.lock.json');
        const lock = spawnSync(join(repoDir, 'bin/mach-nix'), [
          'lock', '-r', requirements, '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
          '--deps-db', pypiData, '--files-db', fetcherDir, '--providers', '{"_default": "wheel,nixpkgs"}', '-o', lockFile,
        ], { encoding: 'utf8' });
        assert.equal(lock.status, 0, lock.stderr);
        const result = await evaluates(variant, `let env = withSet [ tripwire flaskTripwire ] { providers._default = "wheel,nixpkgs"; lockFile = ${lockFile}; };
          in [ env.drvPath (builtins.attrNames env.resolution.packages) ]`, true);
        assert.ok(result.ok, result.stderr);
      });
    });
  }
});
