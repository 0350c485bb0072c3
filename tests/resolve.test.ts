/**
 * mach-nix's resolution semantics on small data trees: providers, extras, build dependencies,
 * markers for the target, nixpkgs and conda data, cycles, URLs and local paths, explanations.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDependencySource } from '../src/db/open.js';
import { extendSource } from '../src/db/extended-source.js';
import { InputFileError, UsageError } from '../src/errors.js';
import type { Resolution } from '../src/generated/resolution.js';
import { readInputs, readRequirementsText } from '../src/inputs.js';
import type { ProvidersInput } from '../src/providers/settings.js';
import { type TargetSpec, parseTarget } from '../src/target.js';
import { ResolutionImpossible, resolve } from '../src/resolve.js';
import { checkResolution } from '../src/schemas.js';
import { type ProjectSpec, projectTree } from './helpers/data-tree.js';
import { assertGolden } from './helpers/golden.js';

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const linux: TargetSpec = { python: '3.11.9', platform: 'x86_64-linux', glibc: '2.40' };

interface Options {
  providers?: ProvidersInput;
  providerDefaults?: ProvidersInput | null;
  target?: TargetSpec;
  nixpkgs?: Record<string, unknown>;
  conda?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

function setup(projects: Record<string, ProjectSpec>, options: Options = {}) {
  const extra = { ...options.extra };
  if (options.nixpkgs) extra['nixpkgs.json'] = options.nixpkgs;
  if (options.conda) extra['conda-forge.json'] = options.conda;
  const root = projectTree(projects, extra);
  roots.push(root);
  return (requirements: string, more: Options = {}): Resolution => {
    const base = openDependencySource(root);
    const source = extendSource(base, {
      nixpkgsFile: options.nixpkgs ? join(root, 'nixpkgs.json') : null,
      conda: options.conda ? [{ channel: 'conda-forge', file: join(root, 'conda-forge.json'), subdir: null }] : [],
    });
    try {
      const { resolution } = resolve({
        source,
        inputs: readRequirementsText(requirements, { name: 'requirements.txt', baseDir: root }),
        target: parseTarget(more.target ?? options.target ?? linux),
        providers: more.providers ?? options.providers ?? { _default: 'wheel,sdist' },
        providerDefaults: more.providerDefaults === undefined ? (options.providerDefaults ?? {}) : more.providerDefaults,
      });
      checkResolution(resolution, { file: 'resolution' });
      return resolution;
    } finally {
      source.close();
    }
  };
}

function versions(resolution: Resolution): Record<string, string> {
  return Object.fromEntries(Object.values(resolution.packages).map((p) => [p!.name, `${p!.version} ${p!.provider}`]));
}

function explanation(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ResolutionImpossible) return error.explanation;
    throw error;
  }
  assert.fail('expected the resolution to fail');
}

describe('providers', () => {
  const run = setup({ foo: { wheels: { '1.0': {} }, sdists: { '1.0': {}, '2.0': {} } } });

  it('lets provider order dominate version recency, as mach-nix', () => {
    assert.deepEqual(versions(run('foo')), { foo: '1.0 wheel' });
    assert.deepEqual(versions(run('foo', { providers: { _default: 'sdist,wheel' } })), { foo: '2.0 sdist' });
  });

  it('reaches later providers by backtracking', () => {
    assert.deepEqual(versions(run('foo>=2')), { foo: '2.0 sdist' });
  });

  it('takes per-package entries, with keys in any spelling and words trimmed', () => {
    assert.deepEqual(versions(run('foo', { providers: { _default: 'wheel', ' FOO ': ' sdist , wheel' } })), { foo: '2.0 sdist' });
  });

  it('uses the built-in defaults unless they are replaced by {}', () => {
    assert.deepEqual(run('foo', { providers: {}, providerDefaults: null }).providers._default, ['wheel', 'sdist', 'nixpkgs']);
    assert.throws(() => run('foo', { providers: {}, providerDefaults: {} }), UsageError);
  });

  it('says when a name exists only for other providers, and when it does not exist', () => {
    assertGolden('resolve/no-matching-candidate', explanation(() => run('foo>=2', { providers: { _default: 'wheel' } })));
    assertGolden('resolve/other-providers', explanation(() => run('foo', { providers: { _default: 'nixpkgs' } })));
    assertGolden('resolve/not-in-data', explanation(() => run('nosuchthing')));
  });

  it('suggests the names of the data near a misspelled one', () => {
    assert.match(explanation(() => run('fo0')), /\(fo0 is not in the dependency data: did you mean foo\?\)/);
  });

  it('takes a misspelled provider for what it is, not for a conda channel', () => {
    assert.throws(() => run('foo', { providers: { _default: 'wheels' } }), (error: unknown) =>
      error instanceof UsageError && error.message === 'providers: "wheels" is not a provider, and no conda channel of that name is known: did you mean wheel? (the providers are wheel, sdist, nixpkgs, conda and conda channels)');
  });
});

describe('a target Python the sdist data has no metadata for', () => {
  const run = setup({ old: { sdists: { '1.0': { pythonKeys: ['36', '37'] } } } });

  it('names the Pythons the data has metadata for', () => {
    assert.match(
      explanation(() => run('old', { providers: { _default: 'sdist' }, target: { ...linux, python: '3.5.10' } })),
      /the dependency data has sdist metadata of old for Python 3\.6, 3\.7 only, none for Python 3\.5 or an older 3\.x: resolve for one of those \(--python\) or take old from another provider/,
    );
    assert.equal(run('old', { providers: { _default: 'sdist' }, target: { ...linux, python: '3.8.1' } }).packages.old!.version, '1.0');
  });
});

describe('dependencies', () => {
  const run = setup({
    app: {
      wheels: {
        '1.0': {
          requires: [
            'lib[fast]>=1',
            'winonly; sys_platform == "win32"',
            'armonly; platform_machine == "aarch64"',
            'old; python_version < "3.8"',
          ],
        },
      },
    },
    lib: {
      wheels: { '1.0': { requires: ['cext; extra == "fast"', 'docs; extra == "docs"'] } },
    },
    cext: { wheels: { '2.0': { tags: 'cp311-cp311-manylinux_2_17_x86_64' }, '1.0': {} } },
    docs: { wheels: { '1.0': {} } },
    armonly: { wheels: { '1.0': {} } },
    built: { sdists: { '1.0': { requires: ['lib'], setupRequires: ['setuptools-scm'], extras: { ':python_version >= "3"': ['py3dep'] } } } },
    'setuptools-scm': { wheels: { '8.0': {} } },
    py3dep: { wheels: { '1.0': {} } },
  });

  it('evaluates markers for the target, never for this machine', () => {
    assert.deepEqual(Object.keys(run('app').packages).sort(), ['app', 'cext', 'lib']);
    const arm = run('app', { target: { python: '3.11', platform: 'aarch64-linux', glibc: '2.40' } });
    assert.deepEqual(Object.keys(arm.packages).sort(), ['app', 'armonly', 'cext', 'lib']);
  });

  it('picks wheels for the target: a manylinux wheel on Linux, else an older pure one', () => {
    assert.equal(run('app').packages.cext!.version, '2.0');
    const mac = run('app', { target: { python: '3.11', platform: 'aarch64-darwin' } });
    assert.equal(mac.packages.cext!.version, '1.0');
  });

  it('unions the extras requested of a package on one version', () => {
    const resolution = run('app\nlib[docs]');
    assert.deepEqual(resolution.packages.lib!.extras, ['docs', 'fast']);
    assert.deepEqual(resolution.packages.lib!.dependencies, ['cext', 'docs']);
  });

  it('resolves setup_requires into the same graph, as build dependencies', () => {
    const built = run('built').packages.built!;
    assert.deepEqual(built.buildDependencies, ['setuptools-scm']);
    assert.deepEqual(built.dependencies, ['lib', 'py3dep']);
    assert.equal(built.source.type, 'sdist');
  });
});

describe('data for other Pythons', () => {
  const run = setup({
    legacy: { sdists: { '1.0': { pythonKeys: ['27', '36', '310'] }, '0.9': { pythonKeys: ['27'] } } },
    modern: { wheels: { '2.0': { requiresPython: '>=3.12' }, '1.0': { requiresPython: '>=3.8' } } },
  });

  it('uses the nearest older Python key of an sdist and says so', () => {
    const legacy = run('legacy').packages.legacy!;
    assert.equal(legacy.version, '1.0');
    assert.deepEqual(legacy.source.type === 'sdist' && legacy.source.pythonKey, '310');
    assert.match(legacy.notes.join(), /metadata of Python 3\.10 used/);
  });

  it('honours Requires-Python and explains versions it left out', () => {
    assert.equal(run('modern').packages.modern!.version, '1.0');
    assertGolden('resolve/requires-python', explanation(() => run('modern>=2')));
  });
});

describe('nixpkgs and conda', () => {
  const run = setup(
    {
      requests: { wheels: { '2.31.0': { requires: ['idna'] } } },
      idna: { wheels: { '3.4': {} } },
    },
    {
      nixpkgs: {
        python3Packages_requests: null,
        requests: { pname: 'requests', version: '2.31.0', requirements: null },
        idna: { pname: 'idna', version: '3.4', requirements: null },
        pillow: { pname: 'pillow', version: '10.0.0', requirements: null },
        mylib: { pname: 'mylib', version: '0.1', requirements: 'idna\n' },
      },
      conda: {
        info: { subdir: 'linux-64' },
        packages: {
          'numpy-1.26.0-py311_0.tar.bz2': { name: 'numpy', version: '1.26.0', build: 'py311_0', build_number: 0, depends: ['python >=3.11,<3.12.0a0', '__glibc >=2.17'], sha256: 'ab'.repeat(32) },
          'numpy-1.26.0-py310_0.tar.bz2': { name: 'numpy', version: '1.26.0', build: 'py310_0', build_number: 0, depends: ['python >=3.10,<3.11.0a0'], sha256: 'cd'.repeat(32) },
          'openblas-0.3.21-h1.tar.bz2': { name: 'blas', version: '1.0', build: 'openblas', build_number: 1, depends: [], sha256: 'ef'.repeat(32) },
          'mkl-2023-h1.tar.bz2': { name: 'blas', version: '1.0', build: 'mkl', build_number: 2, depends: [], sha256: '01'.repeat(32) },
        },
      },
    },
  );

  it('takes nixpkgs packages, with dependencies from the data or their own requirements', () => {
    const resolution = run('requests\nmylib', { providers: { _default: 'nixpkgs' } });
    assert.deepEqual(resolution.packages.requests!.source, { type: 'nixpkgs', attribute: 'requests' });
    assert.deepEqual(resolution.packages.requests!.dependencies, ['idna']);
    assert.deepEqual(resolution.packages.mylib!.dependencies, ['idna']);
  });

  it('keeps nixpkgs inputs when nothing knows the dependencies', () => {
    const pillow = run('pillow', { providers: { _default: 'nixpkgs' } }).packages.pillow!;
    assert.equal(pillow.dependencies, null);
    assert.match(pillow.notes.join(), /nixpkgs' own inputs are kept/);
  });

  it('resolves conda records for the target Python, by build string, with virtual packages from the target', () => {
    const resolution = run('numpy\nblas 1.0 openblas', { providers: { _default: 'conda-forge' } });
    assert.equal(resolution.packages.numpy!.source.type === 'conda' && resolution.packages.numpy!.source.build, 'py311_0');
    assert.equal(resolution.packages.blas!.source.type === 'conda' && resolution.packages.blas!.source.build, 'openblas');
    assert.equal(Object.keys(resolution.packages).some((k) => k.startsWith('__')), false, 'virtual packages are not built');
    assertGolden(
      'resolve/conda-virtual-package',
      explanation(() => run('numpy', { providers: { _default: 'conda-forge' }, target: { python: '3.11', platform: 'x86_64-linux' } })),
    );
  });

  it('refuses conda channels without data', () => {
    assert.throws(() => run('numpy', { providers: { _default: 'bioconda' } }), /conda channels bioconda are unknown/);
  });
});

describe('graph', () => {
  const run = setup({
    a: { wheels: { '1.0': { requires: ['b'] } } },
    b: { wheels: { '1.0': { requires: ['a'] } } },
    'zope.interface': { wheels: { '5.0': {} } },
  }, { extra: { 'constraints.txt': 'b<2\nunrelated==1.0\n' } });

  it('breaks dependency cycles and records them', () => {
    const resolution = run('a');
    assert.deepEqual(resolution.packages.a!.dependencies, ['b']);
    assert.deepEqual(resolution.packages.b!.dependencies, []);
    assert.deepEqual(resolution.packages.b!.cycleDependencies, ['a']);
    assert.match(resolution.notes.join(), /circular dependency removed: b -> a/);
  });

  it('finds names in any spelling', () => {
    assert.deepEqual(versions(run('Zope_Interface')), { 'zope-interface': '5.0 wheel' });
  });

  it('carries direct URLs and local paths through', () => {
    const resolution = run('a @ https://example.org/a-1.0-py3-none-any.whl\n./local-project\n-e ./editable');
    assert.deepEqual(resolution.packages.a!.source, { type: 'url', url: 'https://example.org/a-1.0-py3-none-any.whl', hash: null });
    assert.equal(resolution.packages.a!.dependencies, null);
    assert.deepEqual(resolution.localSources.map((s) => s.kind), ['path', 'editable']);
  });

  it('pins a direct URL by its --hash or #sha256= fragment, as an SRI hash', () => {
    const hex = 'ab'.repeat(32);
    const sri = `sha256-${Buffer.from(hex, 'hex').toString('base64')}`;
    const url = 'https://example.org/a-1.0-py3-none-any.whl';
    const hashOf = (requirements: string) => {
      const source = run(requirements).packages.a!.source;
      assert.equal(source.type, 'url');
      return 'hash' in source ? source.hash : undefined;
    };
    assert.equal(hashOf(`a @ ${url} --hash=sha256:${hex}`), sri);
    assert.equal(hashOf(`a @ ${url}#sha256=${hex}`), sri);
    assert.equal(hashOf(`a @ ${url}#egg=a&sha256=${hex} --hash=sha256:${hex}`), sri);
    const sha512 = 'cd'.repeat(64);
    assert.equal(hashOf(`a @ ${url} --hash=sha512:${sha512}`), `sha512-${Buffer.from(sha512, 'hex').toString('base64')}`);
    assert.throws(() => run(`a @ ${url}#sha256=${hex} --hash=sha256:${'cd'.repeat(32)}`), /requirements\.txt:1: .* is pinned by 2 different hashes; a URL names one file/);
  });

  it('applies -c constraints only to packages that are selected anyway', () => {
    assert.deepEqual(Object.keys(run('a\n-c constraints.txt').packages).sort(), ['a', 'b']);
  });

  it('is deterministic', () => {
    assert.equal(JSON.stringify(run('a\nzope.interface')), JSON.stringify(run('zope.interface\na')));
  });
});


describe('targets newer than the data', () => {
  const run = setup({
    cext: { wheels: { '2.0': { tags: 'cp311-cp311-manylinux_2_17_x86_64' } }, sdists: { '2.0': {} } },
    pure: { wheels: { '1.0': {} } },
    plain: { sdists: { '1.0': {} } },
  });

  it('notes which binary packages fell back to sdists when no wheel fits the Python', () => {
    const newer = run('cext\npure\nplain', { target: { python: '3.13.1', platform: 'x86_64-linux', glibc: '2.40' } });
    assert.deepEqual(versions(newer), { cext: '2.0 sdist', plain: '1.0 sdist', pure: '1.0 wheel' });
    assert.deepEqual(newer.notes, [
      'no binary wheel of the data fits the target (Python 3.13, x86_64-linux): built from sdists instead (C compilers and build tools needed): cext',
    ]);
    const fitting = run('cext\npure\nplain');
    assert.deepEqual(versions(fitting), { cext: '2.0 wheel', plain: '1.0 sdist', pure: '1.0 wheel' });
    assert.deepEqual(fitting.notes, []);
  });
});

describe('options of the requirements file', () => {
  const run = setup({
    foo: { wheels: { '1.0': {}, '2.0b1': {} }, sdists: { '1.0': {}, '1.5': {} } },
    bar: { wheels: { '1.0': {} }, sdists: { '1.0': {} } },
    app: { wheels: { '1.0': { requires: ['bar'] } } },
    built: { sdists: { '1.0': { setupRequires: ['setuptools-scm'] } } },
    'setuptools-scm': { wheels: { '8.0': {} } },
  });
  const sri = (resolution: Resolution, name: string) => {
    const source = resolution.packages[name]!.source;
    return 'hash' in source ? source.hash : null;
  };
  const hex = (hash: string | null) => `sha256:${Buffer.from(hash!.replace(/^sha256-/, ''), 'base64').toString('hex')}`;

  it('maps --no-binary and --only-binary onto the providers, names before :all:', () => {
    assert.deepEqual(versions(run('foo\nbar\n--no-binary foo')), { foo: '1.5 sdist', bar: '1.0 wheel' });
    assert.deepEqual(versions(run('foo\nbar\n--no-binary :all:\n--only-binary bar')), { foo: '1.5 sdist', bar: '1.0 wheel' });
    assert.deepEqual(versions(run('foo\n--only-binary :all:', { providers: { _default: 'sdist,wheel' } })), { foo: '1.0 wheel' });
    assert.deepEqual(versions(run('bar==1.0 --no-binary foo\nfoo')), { foo: '1.5 sdist', bar: '1.0 wheel' });
    assert.deepEqual(run('foo\n--no-binary foo').providers, { _default: ['wheel', 'sdist'], foo: ['sdist'] });
  });

  it('explains a package the format options leave without a provider', () => {
    assertGolden('resolve/no-binary-no-provider', explanation(() => run('foo\n--no-binary foo', { providers: { _default: 'wheel' } })));
  });

  it('puts sdist after the binary providers with --prefer-binary', () => {
    assert.deepEqual(versions(run('foo', { providers: { _default: 'sdist,wheel' } })), { foo: '1.5 sdist' });
    assert.deepEqual(versions(run('foo\n--prefer-binary', { providers: { _default: 'sdist,wheel' } })), { foo: '1.0 wheel' });
  });

  it('admits prereleases with --pre', () => {
    assert.deepEqual(versions(run('foo', { providers: { _default: 'wheel' } })), { foo: '1.0 wheel' });
    assert.deepEqual(versions(run('foo\n--pre', { providers: { _default: 'wheel' } })), { foo: '2.0b1 wheel' });
  });

  it('refuses, against the pinned data, index options naming another source of packages, at their line', () => {
    for (const option of ['--index-url https://mirror.example.org/simple', '--extra-index-url https://x.example.org', '-f ./wheels', '--no-index']) {
      assert.throws(() => run(`foo\n${option}`), (error: unknown) => {
        assert.ok(error instanceof InputFileError);
        assert.match(error.message, /^requirements\.txt:2: --[a-z-]+ names a package source, but this resolution reads the pinned dependency data \(pypi-deps-db\), a copy of PyPI: lock against the index instead/);
        assert.match(error.message, /lockFile/);
        return true;
      });
    }
    // The pinned data is PyPI's: naming PyPI, or trusting a host never contacted, asks for nothing else.
    for (const option of ['--index-url https://pypi.org/simple', '-i https://pypi.org/simple/', '--trusted-host x.example.org']) {
      assert.deepEqual(versions(run(`foo\n${option}`)), versions(run('foo')), option);
    }
  });

  it('takes only a file whose hash is among the --hash values, and names the file when none is', () => {
    const plain = run('foo==1.0');
    const wheelHash = hex(sri(plain, 'foo'));
    const sdistHash = hex(sri(run('foo==1.0', { providers: { _default: 'sdist' } }), 'foo'));
    const pinned = run(`foo==1.0 --hash=${wheelHash}`);
    assert.deepEqual(versions(pinned), { foo: '1.0 wheel' });
    // The wheel's hash is not given: the sdist of the same version, whose hash is, is taken.
    assert.deepEqual(versions(run(`foo==1.0 --hash=${sdistHash}`)), { foo: '1.0 sdist' });
    assertGolden('resolve/hash-mismatch', explanation(() => run(`foo==1.0 --hash=sha256:${'e'.repeat(64)}`)));
  });

  it('turns on hash-checking mode as pip does: every package hashed, every requirement pinned with ==', () => {
    const app = hex(sri(run('app'), 'app'));
    const bar = hex(sri(run('app'), 'bar'));
    assert.throws(() => run(`app==1.0 --hash=${app}`), /hash-checking mode \(--hash on requirements\.txt:1\): every package needs --hash values, as pip requires; missing for bar 1\.0/);
    assert.deepEqual(versions(run(`app==1.0 --hash=${app}\nbar==1.0 --hash=${bar}`)), { app: '1.0 wheel', bar: '1.0 wheel' });
    assert.throws(() => run(`app>=1 --hash=${app}`), /every requirement must be pinned with ==, as pip requires; not pinned: app>=1 \(requirements\.txt:1\)/);
    assert.throws(() => run('bar==1.0\n--require-hashes'), /hash-checking mode \(--require-hashes \(requirements\.txt:2\)\): every package needs --hash values/);
    // What only builds a package is not installed: pip does not hash-check it either.
    const built = hex(sri(run('built'), 'built'));
    assert.deepEqual(versions(run(`built==1.0 --hash=${built}`)), { built: '1.0 sdist', 'setuptools-scm': '8.0 wheel' });
  });
});

describe('pyproject.toml', () => {
  const projects = { flask: { wheels: { '3.0': {} } }, hatchling: { wheels: { '1.0': {} } } };
  const root = projectTree(projects, {
    'pyproject.toml': '[project]\nname = "app"\nversion = "1.0"\nrequires-python = ">=3.12"\ndependencies = ["flask"]\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    'old/pyproject.toml': '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["flask"]\n[build-system]\nrequires = ["hatchling"]\n',
  });
  roots.push(root);
  const resolveProject = (file: string, target: TargetSpec, buildSystem = false) => {
    const source = openDependencySource(root);
    try {
      return resolve({ source, inputs: readInputs({ files: [join(root, file)] }), target: parseTarget(target), providers: { _default: 'wheel' }, providerDefaults: {}, buildSystem }).resolution;
    } finally {
      source.close();
    }
  };

  it('checks requires-python against the target, naming the file and key', () => {
    assert.throws(
      () => resolveProject('pyproject.toml', linux),
      /pyproject\.toml \(project\.requires-python\): requires-python ">=3\.12" excludes the target Python 3\.11\.9/,
    );
    assert.deepEqual(Object.keys(resolveProject('pyproject.toml', { ...linux, python: '3.12' }).packages), ['flask']);
  });

  it('resolves [build-system].requires with the requirements when asked, as buildPythonPackage does', () => {
    assert.deepEqual(Object.keys(resolveProject('old/pyproject.toml', linux).packages), ['flask']);
    const withBuild = resolveProject('old/pyproject.toml', linux, true);
    assert.deepEqual(Object.keys(withBuild.packages).sort(), ['flask', 'hatchling']);
    assert.deepEqual(withBuild.roots, ['flask', 'hatchling']);
  });
});
