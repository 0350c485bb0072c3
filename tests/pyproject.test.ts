import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputFileError, InvalidRequirement, InvalidSpecifier, InvalidVersion } from '../src/errors.js';
import { assertError } from './helpers/errors.js';
import type { Requirement } from '../src/pep508.js';
import { parsePyproject, readPyproject } from '../src/pyproject.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pyproject');

function texts(requirements: readonly Requirement[]): string[] {
  return requirements.map(String);
}

function textsOf(table: Record<string, Requirement[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(table).map(([key, requirements]) => [key, texts(requirements)]));
}

const parse = (text: string) => parsePyproject(text, 'pyproject.toml');

describe('[project] (PEP 621)', () => {
  it('reads name, version, dynamic, requires-python, dependencies and extras', () => {
    const pyproject = parse(`
[project]
name = "Demo_App"
version = "1.0.post1"
dynamic = ["description"]
requires-python = ">=3.9, <4"
dependencies = ["requests[socks]>=2", "tomli; python_version < '3.11'", "pkg @ https://example.org/pkg-1.0.tar.gz"]

[project.optional-dependencies]
Test_Extra = ["pytest>=7", "coverage"]
docs = []
`);
    assert.equal(pyproject.name, 'Demo_App');
    assert.equal(pyproject.version, '1.0.post1');
    assert.deepEqual(pyproject.dynamic, ['description']);
    assert.equal(String(pyproject.requiresPython), '<4,>=3.9');
    assert.deepEqual(texts(pyproject.dependencies), [
      'requests[socks]>=2',
      'tomli; python_version < "3.11"',
      'pkg @ https://example.org/pkg-1.0.tar.gz',
    ]);
    assert.deepEqual(textsOf(pyproject.optionalDependencies), { 'test-extra': ['pytest>=7', 'coverage'], docs: [] });
    assert.deepEqual(pyproject.dependencyGroups, {});
    assert.equal(pyproject.buildSystem, null);
  });

  it('gives empty and null values for absent tables and keys', () => {
    assert.deepEqual(parse(''), {
      name: null,
      version: null,
      dynamic: [],
      requiresPython: null,
      dependencies: [],
      optionalDependencies: {},
      dependencyGroups: {},
      buildSystem: null,
    });
    const minimal = parse('[project]\nname = "x"\n[tool.other]\nanything = 1\n');
    assert.equal(minimal.name, 'x');
    assert.equal(minimal.version, null);
    assert.equal(minimal.requiresPython, null);
    assert.deepEqual(minimal.dependencies, []);
  });

  it('accepts a version listed as dynamic', () => {
    const pyproject = parse('[project]\nname = "x"\ndynamic = ["version", "dependencies"]\n');
    assert.equal(pyproject.version, null);
    assert.deepEqual(pyproject.dynamic, ['version', 'dependencies']);
  });

  it('requires a valid name in [project]', () => {
    assertError(() => parse('[project]\nversion = "1"\n'), InputFileError, 'pyproject.toml (project.name)', 'missing');
    assertError(() => parse('[project]\nname = "-bad-"\n'), InputFileError, 'pyproject.toml (project.name)', '"-bad-"');
    assertError(() => parse('[project]\nname = 3\n'), InputFileError, '(project.name)', 'must be a string', 'not 3');
  });

  it('refuses fields both static and dynamic, and a dynamic name', () => {
    assertError(
      () => parse('[project]\nname = "x"\nversion = "1"\ndynamic = ["readme", "version"]\n'),
      InputFileError,
      'pyproject.toml (project.dynamic[1])',
      'version',
      'dynamic',
    );
    assertError(() => parse('[project]\nname = "x"\ndynamic = ["name"]\n'), InputFileError, '(project.dynamic[0])', 'name cannot be dynamic');
  });

  it('reports an invalid version, requires-python or requirement at its key', () => {
    assertError(() => parse('[project]\nname = "x"\nversion = "one"\n'), InvalidVersion, 'pyproject.toml (project.version)', '"one"');
    assertError(() => parse('[project]\nname = "x"\nrequires-python = "=>3.8"\n'), InvalidSpecifier, 'pyproject.toml (project.requires-python)', '=>3.8');
    assertError(
      () => parse('[project]\nname = "x"\ndependencies = ["ok", "fine>=1", "bad name here"]\n'),
      InvalidRequirement,
      'pyproject.toml (project.dependencies[2])',
      '"bad name here"',
    );
    assertError(
      () => parse('[project]\nname = "x"\n[project.optional-dependencies]\n"odd.extra" = ["ok", "no good"]\n'),
      InvalidRequirement,
      'pyproject.toml (project.optional-dependencies."odd.extra"[1])',
      'no good',
    );
  });

  it('refuses conda-style requirements (PEP 508 only)', () => {
    assertError(() => parse('[project]\nname = "x"\ndependencies = ["requests 2.24.0"]\n'), InvalidRequirement, '(project.dependencies[0])', 'requests 2.24.0');
  });

  it('reports wrong types with the key and the value found', () => {
    assertError(() => parse('project = 3\n'), InputFileError, 'pyproject.toml (project)', 'must be a table', 'not 3');
    assertError(() => parse('[[project]]\nname = "x"\n'), InputFileError, 'pyproject.toml (project)', 'must be a table', 'not an array');
    assertError(() => parse('build-system = ["setuptools"]\n'), InputFileError, '(build-system)', 'must be a table', 'not an array');
    assertError(() => parse('[project]\nname = "x"\ndependencies = "flask"\n'), InputFileError, '(project.dependencies)', 'must be an array', '"flask"');
    assertError(() => parse('[project]\nname = "x"\ndependencies = ["flask", 3]\n'), InputFileError, '(project.dependencies[1])', 'requirement string', 'not 3');
    assertError(() => parse('[project]\nname = "x"\ndynamic = [true]\n'), InputFileError, '(project.dynamic[0])', 'not true');
    assertError(() => parse('[project]\nname = "x"\noptional-dependencies = ["a"]\n'), InputFileError, '(project.optional-dependencies)', 'not an array');
    assertError(
      () => parse('[project]\nname = "x"\n[project.optional-dependencies]\ntest = { a = 1 }\n'),
      InputFileError,
      '(project.optional-dependencies.test)',
      'not a table',
    );
    assertError(() => parse('[project]\nname = "x"\nversion = 1979-05-27\n'), InputFileError, '(project.version)', 'date');
  });

  it('refuses extras with invalid or colliding names', () => {
    assertError(
      () => parse('[project]\nname = "x"\n[project.optional-dependencies]\nTest = []\n"test" = []\n'),
      InputFileError,
      '(project.optional-dependencies.test)',
      '"Test"',
    );
    assertError(
      () => parse('[project]\nname = "x"\n[project.optional-dependencies]\nA_b = []\n"a.B" = []\n'),
      InputFileError,
      'same normalised name',
      'a-b',
    );
    assertError(() => parse('[project]\nname = "x"\n[project.optional-dependencies]\n"no good" = []\n'), InputFileError, 'invalid extra name "no good"');
  });
});

describe('[build-system] (PEP 518)', () => {
  it('reads requires, build-backend and backend-path', () => {
    const { buildSystem } = parse('[build-system]\nrequires = ["setuptools>=61", "wheel"]\nbuild-backend = "backend"\nbackend-path = ["_build"]\n');
    assert.ok(buildSystem);
    assert.deepEqual(texts(buildSystem.requires), ['setuptools>=61', 'wheel']);
    assert.equal(buildSystem.buildBackend, 'backend');
    assert.deepEqual(buildSystem.backendPath, ['_build']);
  });

  it('defaults build-backend and backend-path', () => {
    const { buildSystem } = parse('[build-system]\nrequires = []\n');
    assert.deepEqual(buildSystem && { ...buildSystem, requires: texts(buildSystem.requires) }, { requires: [], buildBackend: null, backendPath: [] });
  });

  it('requires `requires` and checks types and requirements', () => {
    assertError(() => parse('[build-system]\nbuild-backend = "x"\n'), InputFileError, 'pyproject.toml (build-system.requires)', 'missing');
    assertError(() => parse('[build-system]\nrequires = []\nbuild-backend = 1\n'), InputFileError, '(build-system.build-backend)', 'not 1');
    assertError(() => parse('[build-system]\nrequires = []\nbackend-path = "x"\n'), InputFileError, '(build-system.backend-path)', '"x"');
    assertError(() => parse('[build-system]\nrequires = ["setuptools >= x"]\n'), InvalidRequirement, '(build-system.requires[0])', 'setuptools >= x');
  });
});

describe('[dependency-groups] (PEP 735)', () => {
  it('expands include-group in place, comparing names normalised', () => {
    const { dependencyGroups } = parse(`
[dependency-groups]
Test = ["pytest", { include-group = "typing_Extra" }, "coverage"]
typing-extra = ["mypy", { include-group = "base" }]
base = ["attrs"]
all = [{ include-group = "test" }, { include-group = "Base" }]
`);
    assert.deepEqual(textsOf(dependencyGroups), {
      test: ['pytest', 'mypy', 'attrs', 'coverage'],
      'typing-extra': ['mypy', 'attrs'],
      base: ['attrs'],
      all: ['pytest', 'mypy', 'attrs', 'coverage', 'attrs'],
    });
  });

  it('refuses include cycles, naming the chain', () => {
    assertError(
      () => parse('[dependency-groups]\na = [{ include-group = "b" }]\nb = ["x", { include-group = "c" }]\nc = [{ include-group = "A" }]\n'),
      InputFileError,
      'pyproject.toml (dependency-groups.c[0])',
      'a -> b -> c -> a',
    );
    assertError(() => parse('[dependency-groups]\nself = [{ include-group = "self" }]\n'), InputFileError, '(dependency-groups.self[0])', 'self -> self');
  });

  it('refuses unknown groups, colliding names and invalid names', () => {
    assertError(() => parse('[dependency-groups]\na = ["x", { include-group = "nope" }]\n'), InputFileError, '(dependency-groups.a[1])', '"nope"');
    assertError(() => parse('[dependency-groups]\nTest = []\ntest = []\n'), InputFileError, '(dependency-groups.test)', '"Test"', 'same normalised name');
    assertError(() => parse('[dependency-groups]\n"bad name" = []\n'), InputFileError, '(dependency-groups."bad name")', 'invalid dependency group name');
  });

  it('refuses entries that are neither requirement strings nor include tables', () => {
    assertError(() => parse('[dependency-groups]\ntest = ["ok", 3]\n'), InputFileError, '(dependency-groups.test[1])', 'include-group', 'not 3');
    assertError(() => parse('[dependency-groups]\ntest = [{ include-group = "a", extra = 1 }]\na = []\n'), InputFileError, '(dependency-groups.test[0])', 'not a table');
    assertError(() => parse('[dependency-groups]\ntest = [{ include = "a" }]\n'), InputFileError, '(dependency-groups.test[0])');
    assertError(() => parse('[dependency-groups]\ntest = "pytest"\n'), InputFileError, '(dependency-groups.test)', 'must be an array');
    assertError(() => parse('dependency-groups = 1\n'), InputFileError, '(dependency-groups)', 'must be a table');
  });

  it('reports an invalid requirement in a group at its key', () => {
    assertError(() => parse('[dependency-groups]\ntest = ["pytest >= 8 9"]\n'), InvalidRequirement, 'pyproject.toml (dependency-groups.test[0])', 'pytest >= 8 9');
  });
});

describe('TOML syntax', () => {
  it('reports errors as file:line in one line', () => {
    assertError(() => parse('[project]\nname = "x"\ndependencies = ["a",\n  oops\n]\n'), InputFileError, 'pyproject.toml:4', 'invalid TOML');
    assertError(() => parse('[project]\nname = "x"\nname = "y"\n'), InputFileError, 'pyproject.toml:3', 'invalid TOML');
  });
});

describe('readPyproject', () => {
  it('reads a file', () => {
    const file = join(fixtures, 'pyproject.toml');
    const pyproject = readPyproject(file);
    assert.equal(pyproject.name, 'web-app');
    assert.equal(pyproject.version, '0.3.1');
    assert.equal(String(pyproject.requiresPython), '>=3.10');
    assert.deepEqual(texts(pyproject.dependencies), ['flask>=3.0', 'requests[socks]>=2.31; python_version >= "3.10"']);
    assert.deepEqual(textsOf(pyproject.optionalDependencies), { postgres: ['psycopg[binary]>=3.1'] });
    assert.deepEqual(textsOf(pyproject.dependencyGroups), { test: ['pytest>=8', 'mypy>=1.8'], typing: ['mypy>=1.8'] });
    assert.deepEqual(pyproject.buildSystem && texts(pyproject.buildSystem.requires), ['hatchling>=1.18']);
    assert.equal(pyproject.buildSystem?.buildBackend, 'hatchling.build');
  });

  it('reports a missing file', () => {
    const file = join(fixtures, 'absent.toml');
    assertError(() => readPyproject(file), InputFileError, file, 'no such file');
  });

  it('names the file in errors', () => {
    assertError(() => parsePyproject('[project]\nname = 1\n', 'sub/pyproject.toml'), InputFileError, 'sub/pyproject.toml (project.name)');
  });
});
