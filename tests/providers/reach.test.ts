/**
 * The names a resolution can reach (src/providers/reach.ts): every release, file and record of
 * every version walked, markers for the target, extras as asked, unusable metadata read for its
 * names; and, the point of it, a superset of what any resolution of the same roots selects,
 * whatever the providers.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDependencySource } from '../../src/db/open.js';
import { extendSource } from '../../src/db/extended-source.js';
import type { DependencySource } from '../../src/db/source.js';
import { readRequirementsText } from '../../src/inputs.js';
import { parseDependency } from '../../src/providers/dependencies.js';
import { reachableNames } from '../../src/providers/reach.js';
import { rootsOf } from '../../src/providers/roots.js';
import type { ProvidersInput } from '../../src/providers/settings.js';
import { resolve } from '../../src/resolve.js';
import { parseTarget } from '../../src/target.js';
import { type ProjectSpec, projectTree } from '../helpers/data-tree.js';

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const target = parseTarget({ python: '3.11.9', platform: 'x86_64-linux', glibc: '2.40' });

const projects: Record<string, ProjectSpec> = {
  app: {
    wheels: {
      '2.0': { requires: ['lib>=2', 'winonly; sys_platform == "win32"', 'fancy[gui]', 'tests-dep; extra == "test"'] },
      // a marker that cannot be evaluated: the candidate is unusable, its names are kept
      '1.5': { requires: ['odd; python_version ~= "abc"'] },
      // an old version no requirement of today admits, and a file for another platform
      '1.0': [{ requires: ['oldlib'] }, { tags: 'cp311-cp311-win_amd64', requires: ['wintool'] }],
    },
    sdists: { '3.0': { requires: ['lib'], setupRequires: ['builder'], extras: { docs: ['sphinxish'], ':python_version < "3"': ['py2only'] } } },
  },
  lib: { wheels: { '2.1': { requires: ['base'] }, '1.0': {} } },
  base: { wheels: { '1.0': {} } },
  fancy: { wheels: { '1.0': { requires: ['core', 'guilib; extra == "gui"', 'clilib; extra == "cli"'] } } },
  core: { wheels: { '1.0': {} } },
  guilib: { wheels: { '1.0': {} } },
  clilib: { wheels: { '1.0': {} } },
  oldlib: { wheels: { '1.0': { requires: ['ancient'] } } },
  ancient: { wheels: { '1.0': {} } },
  wintool: { wheels: { '1.0': {} } },
  winonly: { wheels: { '1.0': {} } },
  odd: { wheels: { '1.0': {} } },
  builder: { wheels: { '1.0': {} } },
  sphinxish: { wheels: { '1.0': {} } },
  'tests-dep': { wheels: { '1.0': {} } },
  broken: { wheels: { '1.0': { requires: ['fine', 'not a requirement!'] } } },
  fine: { wheels: { '1.0': {} } },
  numpy: {},
};

const conda = {
  info: { subdir: 'linux-64' },
  packages: {
    'numpy-1.26.0-py311_0.tar.bz2': { name: 'numpy', version: '1.26.0', build: 'py311_0', build_number: 0, depends: ['python >=3.11,<3.12.0a0', 'libblas >=3.9', '__glibc >=2.17'], sha256: 'ab'.repeat(32) },
    'libblas-3.9-h1.tar.bz2': { name: 'libblas', version: '3.9', build: 'h1', build_number: 0, depends: [], sha256: 'cd'.repeat(32) },
  },
};

function withSource<T>(use: (source: DependencySource, root: string) => T): T {
  const root = projectTree(projects, { 'conda-forge.json': conda, 'constraints.txt': 'base\n' });
  roots.push(root);
  const source = extendSource(openDependencySource(root), { conda: [{ channel: 'conda-forge', file: join(root, 'conda-forge.json'), subdir: null }] });
  try {
    return use(source, root);
  } finally {
    source.close();
  }
}

function reach(source: DependencySource, requirements: string, condaChannels: string[] = [], baseDir?: string) {
  const inputs = readRequirementsText(requirements, { name: 'requirements.txt', ...(baseDir === undefined ? {} : { baseDir }) });
  const { requirements: dependencies, constraints } = rootsOf(inputs.requirements, inputs.constraints, target);
  return reachableNames({ source, target, condaChannels, roots: [...dependencies, ...constraints] });
}

describe('the names a resolution can reach', () => {
  it('walks every version, file and release, build requirements and asked extras, with markers for the target', () => {
    const reached = withSource((source) => reach(source, 'app'));
    assert.deepEqual([...reached.keys()].sort(), [
      'ancient', 'app', 'base', 'builder', 'core', 'fancy', 'guilib', 'lib', 'odd', 'oldlib', 'wintool',
    ]);
    assert.deepEqual([...reached.get('fancy')!], ['gui']);
    assert.deepEqual([...reached.get('app')!], []);
  });

  it('follows an extra when it is first asked for, also of a name already walked', () => {
    const reached = withSource((source) => reach(source, 'fancy\napp[docs,test]\nfancy[cli]'));
    for (const name of ['clilib', 'guilib', 'sphinxish', 'tests-dep']) assert.ok(reached.has(name), name);
    assert.deepEqual([...reached.get('fancy')!].sort(), ['cli', 'gui']);
  });

  it('keeps every name of metadata the candidates cannot read', () => {
    const reached = withSource((source) => reach(source, 'broken'));
    assert.deepEqual([...reached.keys()].sort(), ['broken', 'fine']);
  });

  it('walks conda records of the given channels only, their virtual packages and python left out of the data', () => {
    withSource((source) => {
      assert.deepEqual([...reach(source, 'numpy', ['conda-forge']).keys()].sort(), ['__glibc', 'libblas', 'numpy']);
      assert.deepEqual([...reach(source, 'numpy').keys()], ['numpy']);
    });
  });

  it('starts from constraints and from any further roots too', () => {
    withSource((source, root) => {
      assert.deepEqual([...reach(source, 'core\n-c constraints.txt', [], root).keys()].sort(), ['base', 'core']);
      const further = reachableNames({ source, target, condaChannels: [], roots: [parseDependency('oldlib; sys_platform == "win32"')] });
      assert.deepEqual([...further.keys()].sort(), ['ancient', 'oldlib'], 'a further root is walked whatever its marker');
    });
  });

  it('holds every package any resolution selects, whatever the providers', () => {
    const cases: [string, ProvidersInput][] = [
      ['app', { _default: 'wheel' }],
      ['app', { _default: 'sdist,wheel' }],
      ['app[docs]', { _default: 'sdist,wheel' }],
      ['app==1.0', { _default: 'wheel' }],
      ['app\nfancy[cli]', { _default: 'wheel' }],
      ['numpy', { _default: 'conda-forge' }],
    ];
    withSource((source) => {
      for (const [requirements, providers] of cases) {
        const { resolution } = resolve({ source, inputs: readRequirementsText(requirements, { name: 'requirements.txt' }), target, providers, providerDefaults: {} });
        const channels = Object.values(providers).flatMap((list) => (typeof list === 'string' ? list.split(',') : list)).filter((p) => !['wheel', 'sdist', 'nixpkgs'].includes(p));
        const reached = reach(source, requirements, channels);
        for (const name of Object.keys(resolution.packages)) assert.ok(reached.has(name), `${requirements} (${JSON.stringify(providers)}): ${name}`);
      }
    });
  });
});
