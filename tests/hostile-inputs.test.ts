/**
 * Inputs that used to crash or hang the parsers (issue 12): names that are Object.prototype's
 * keys, deep nesting, long runs of the characters a regular expression repeats, include chains
 * and cycles, big files. Each must end in one typed, one-line error or the right answer, in
 * bounded work: the timeouts only guard against a hang and are far above the time taken.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAX_ALIAS_EXPANSION, MAX_YAML_NESTING, parseEnvironmentYml } from '../src/conda-env.js';
import { InputFileError, InvalidMarker, InvalidRequirement, InvalidSpecifier, InvalidVersion, MachNixError } from '../src/errors.js';
import { readInputs } from '../src/inputs.js';
import { SpecifierSet, Version } from '../src/pep440.js';
import { MAX_MARKER_NESTING, parseMarker, parseRequirement } from '../src/pep508.js';
import { MAX_GROUP_INCLUDE_DEPTH, parsePyproject } from '../src/pyproject.js';
import { MAX_INCLUDE_DEPTH, parseRequirementsFile, parseRequirementsText } from '../src/requirements-txt.js';
import { bounded } from './helpers/bounded.js';
import { assertError } from './helpers/errors.js';

/** Guards against a hang only: a regression fails the test instead of blocking the run. */
const GUARD = { timeout: 60_000 };
const guarded = (test: () => void) => () => bounded(test);
const LONG = 400_000;

const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mach-nix-hostile-'));
  made.push(dir);
  return dir;
}

function nestedMarker(depth: number): string {
  return `${'('.repeat(depth)}python_version > "3"${')'.repeat(depth)}`;
}

describe('names that are keys of Object.prototype', () => {
  const dir = temporaryDir();
  const pyproject = join(dir, 'pyproject.toml');
  writeFileSync(pyproject, '[project]\nname = "x"\nversion = "1"\n[project.optional-dependencies]\na = ["flask"]\n[dependency-groups]\ng = ["flask"]\n');

  for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`--extra ${name} and --group ${name} are unknown names, not a crash`, () => {
      assertError(() => readInputs({ files: [pyproject], extras: [name] }), InputFileError, `extra ${JSON.stringify(name)} not defined`);
      assertError(() => readInputs({ files: [pyproject], groups: [name] }), InputFileError, `dependency group ${JSON.stringify(name)} not defined`);
    });
  }

  it('an extra or group named __proto__ in pyproject.toml is refused by name', () => {
    assertError(
      () => parsePyproject('[project]\nname = "x"\nversion = "1"\n[project.optional-dependencies]\n__proto__ = ["flask"]\n', 'pyproject.toml'),
      InputFileError,
      'invalid extra name "__proto__"',
    );
  });
});

describe('nesting limits', () => {
  it(`a marker with ${MAX_MARKER_NESTING} nested parentheses parses; one more is a typed error`, () => {
    assert.equal(parseMarker(nestedMarker(MAX_MARKER_NESTING)).toString(), 'python_version > "3"');
    assertError(() => parseMarker(nestedMarker(MAX_MARKER_NESTING + 1)), InvalidMarker, `deeper than ${MAX_MARKER_NESTING} levels, the limit`);
  });

  it('1,900 nested parentheses in a requirement file line name the file and line', GUARD, guarded(() => {
    assertError(
      () => parseRequirementsText(`# deep\nflask; ${nestedMarker(1900)}\n`, { name: 'requirements.txt' }),
      InvalidRequirement,
      'requirements.txt:2: invalid requirement',
      'the limit',
      '(3827 characters)',
    );
    assertError(() => parseRequirement(`flask; ${nestedMarker(100_000)}`), InvalidRequirement, 'the limit');
  }));

  it(`a -r chain deeper than ${MAX_INCLUDE_DEPTH} files ends at the limit, naming the chain (1,400 files deep)`, GUARD, guarded(() => {
    const dir = temporaryDir();
    for (let i = 0; i < 1400; i++) writeFileSync(join(dir, `r${i}.txt`), `-r r${i + 1}.txt\n`);
    writeFileSync(join(dir, 'r1400.txt'), 'flask\n');
    assertError(() => parseRequirementsFile(join(dir, 'r0.txt')), InputFileError, `r${MAX_INCLUDE_DEPTH - 1}.txt:1:`, `deeper than ${MAX_INCLUDE_DEPTH} files, the limit`, 'r0.txt -> … ->');
    // Up to the limit the chain is read.
    writeFileSync(join(dir, `r${MAX_INCLUDE_DEPTH - 1}.txt`), 'flask\n');
    const read = parseRequirementsFile(join(dir, 'r0.txt'));
    assert.equal(read.files.length, MAX_INCLUDE_DEPTH);
    assert.deepEqual(read.requirements.map((line) => line.kind === 'requirement' && line.requirement.name), ['flask']);
  }));

  it('a file that includes itself through a symbolic link is an include cycle', () => {
    const dir = temporaryDir();
    writeFileSync(join(dir, 'requirements.txt'), 'flask\n-r link.txt\n');
    symlinkSync('requirements.txt', join(dir, 'link.txt'));
    assertError(() => parseRequirementsFile(join(dir, 'requirements.txt')), InputFileError, 'requirements.txt:2: include cycle:', 'link.txt');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.txt'), '-r ../alias/a.txt\n');
    symlinkSync('sub', join(dir, 'alias'));
    assertError(() => parseRequirementsFile(join(dir, 'sub', 'a.txt')), InputFileError, 'include cycle:');
  });

  it(`include-group chains deeper than ${MAX_GROUP_INCLUDE_DEPTH} groups end at the limit (5,000 deep)`, GUARD, guarded(() => {
    const groups = Array.from({ length: 5000 }, (_, i) => `g${i} = [{include-group = "g${i + 1}"}]\n`).join('');
    assertError(
      () => parsePyproject(`[project]\nname = "x"\nversion = "1"\n[dependency-groups]\n${groups}g5000 = ["flask"]\n`, 'pyproject.toml'),
      InputFileError,
      `more than ${MAX_GROUP_INCLUDE_DEPTH} groups deep, the limit`,
    );
  }));

  for (const [shape, text] of [
    ['flow lists', `dependencies:\n  - pip: ${'['.repeat(5000)}${']'.repeat(5000)}\n`],
    ['flow mappings', `name: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\ndependencies: []\n`],
    ['block lists', `dependencies:\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 1)}-\n`).join('')}`],
    ['block mappings', `dependencies:\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 1)}a:\n`).join('')}`],
  ] as const) {
    it(`a deeply nested environment.yml (${shape}) is refused at the limit, naming the line`, GUARD, guarded(() => {
      assertError(() => parseEnvironmentYml(text, 'environment.yml'), InputFileError, 'environment.yml:', `nest deeper than ${MAX_YAML_NESTING} levels, the limit`);
    }));
  }

  it('an environment.yml nested up to the limit is read', () => {
    const value = `${'['.repeat(MAX_YAML_NESTING - 3)}x${']'.repeat(MAX_YAML_NESTING - 3)}`;
    assert.deepEqual(parseEnvironmentYml(`extra: ${value}\ndependencies: [numpy]\n`, 'environment.yml').dependencies.map((d) => d.name), ['numpy']);
  });
});

describe('YAML aliases', () => {
  it('a billion-laughs document is refused before it expands', GUARD, guarded(() => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    assertError(() => parseEnvironmentYml(`${lines.join('\n')}\ndependencies: *a8\n`, 'environment.yml'), InputFileError, 'environment.yml:', 'invalid YAML');
  }));

  it('few aliases of a big anchor (what maxAliasCount lets through) are refused by their expanded size', GUARD, guarded(() => {
    const big = Array.from({ length: 20_000 }, (_, i) => `  - p${i}`).join('\n');
    const text = `x: &big\n${big}\ndependencies:\n${Array.from({ length: 900 }, () => '  - {pip: *big}').join('\n')}\n`;
    assertError(() => parseEnvironmentYml(text, 'environment.yml'), InputFileError, `expand to more than ${MAX_ALIAS_EXPANSION} nodes, the limit`);
  }));

  it('an alias inside its own anchor is refused', () => {
    assertError(() => parseEnvironmentYml('dependencies: &d [numpy, *d]\n', 'environment.yml'), InputFileError, 'environment.yml:1', 'an alias refers to the node it is part of');
  });

  it('ordinary aliases still work', () => {
    const environment = parseEnvironmentYml('common: &c [numpy, scipy]\nextra: *c\ndependencies: *c\n', 'environment.yml');
    assert.deepEqual(environment.dependencies.map((d) => d.name), ['numpy', 'scipy']);
  });
});

describe('regular expressions that backtracked quadratically', () => {
  const typedOrNothing = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      assert.ok(error instanceof MachNixError, `typed error, got ${String(error)}`);
      assert.ok(!error.message.includes('\n'));
      assert.ok(error.message.length < 1000, `a long input is shortened in the message: ${error.message.slice(0, 300)}`);
    }
  };

  it('the comment strip on a long run of spaces (and other white space) keeps the requirement', GUARD, guarded(() => {
    for (const space of [' ', '\t', '\u3000']) {
      const read = parseRequirementsText(`flask${space.repeat(LONG)}# comment\nrequests${space.repeat(LONG)}\n`, { name: 'r.txt' });
      assert.deepEqual(read.requirements.map((line) => line.kind === 'requirement' && line.requirement.name), ['flask', 'requests']);
      typedOrNothing(() => parseRequirementsText(`flask${space.repeat(LONG)}x\n`, { name: 'r.txt' }));
    }
    const url = parseRequirementsText('pkg @ https://example.org/pkg-1.0-py3-none-any.whl#sha256=00 # c\n', { name: 'r.txt' }).requirements[0]!;
    assert.equal(url.kind === 'requirement' && url.requirement.url, 'https://example.org/pkg-1.0-py3-none-any.whl#sha256=00', 'a # inside a word is not a comment');
  }));

  it('the trailing-backslash strip on a long run of backslashes', GUARD, guarded(() => {
    const read = parseRequirementsText(`fla\\\\\nsk${'\\'.repeat(LONG)}\n==1.0\n`, { name: 'r.txt' });
    assert.equal(read.requirements.length, 1);
    typedOrNothing(() => parseRequirementsText(`flask${'\\'.repeat(LONG)}x\\\n`, { name: 'r.txt' }));
    typedOrNothing(() => parseRequirementsText(`${'\\'.repeat(LONG)}x\\\n`, { name: 'r.txt' }));
  }));

  it('the Python-style white-space trim of PEP 440 on a long run of white space', GUARD, guarded(() => {
    assert.equal(SpecifierSet.parse(`${' '.repeat(LONG)}>=1.0${' '.repeat(LONG)}`).toString(), '>=1.0');
    assertError(() => SpecifierSet.parse(`>=1${' '.repeat(LONG)}x`), InvalidSpecifier, 'not a PEP 440 version specifier');
    assertError(() => Version.parse(`1${'\u2003'.repeat(LONG)}x`), InvalidVersion, 'not a PEP 440 version');
    assert.equal(Version.parse(`\x1c${' '.repeat(LONG)}1.0${' '.repeat(LONG)}`).toString(), '1.0');
  }));

  it('other repeated characters in a requirement line: tabs, brackets, dollars', GUARD, guarded(() => {
    for (const text of [
      `flask${'\t'.repeat(LONG)}x`,
      `${'['.repeat(LONG)}x`,
      `a${'['.repeat(LONG)}x]`,
      `./${'['.repeat(LONG)}x]`,
      `./pkg${'['.repeat(LONG)}]`,
      '${A'.repeat(LONG / 3),
      `flask ${'-'.repeat(LONG)}`,
      `flask[${'a,'.repeat(LONG / 2)}`,
      `a${'.'.repeat(LONG)}-`,
    ]) {
      typedOrNothing(() => parseRequirementsText(`${text}\n`, { name: 'r.txt', baseDir: '/tmp' }));
    }
    const extras = parseRequirementsText('./pkg[a,b]\n', { name: 'r.txt', baseDir: '/tmp' }).requirements[0]!;
    assert.deepEqual(extras.kind === 'path' && [extras.target, extras.extras], ['/tmp/pkg', ['a', 'b']]);
  }));
});

describe('big inputs', () => {
  it('a 5,000-line requirements file is read, every line', GUARD, guarded(() => {
    const dir = temporaryDir();
    const file = join(dir, 'requirements.txt');
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `package-${i}>=1.${i} ; python_version >= "3.8"  # line ${i + 1}\n`).join(''));
    const read = parseRequirementsFile(file);
    assert.equal(read.requirements.length, 5000);
    assert.equal(read.requirements[4999]!.source.line, 5000);
  }));

  it('a 1 MB line is one typed error, quoted shortly', GUARD, guarded(() => {
    const line = `flask[${'a'.repeat(1 << 20)}`;
    assertError(() => parseRequirementsText(`${line}\n`, { name: 'r.txt' }), MachNixError, 'r.txt:1:', `(${line.length} characters)`);
    const pinned = parseRequirementsText(`flask==1.${'0'.repeat(1 << 20)}\n`, { name: 'r.txt' }).requirements[0]!;
    assert.ok(pinned.kind === 'requirement' && pinned.requirement.specifier.toString().length > 1 << 20);
  }));
});

describe('other regular expressions of src/ that repeated white space next to a quantifier', () => {
  it('conda-style lines with a long run of white space before a non-separator', GUARD, guarded(() => {
    for (const text of [`numpy 1.${' '.repeat(LONG)}x`, `numpy >=1${' '.repeat(LONG)}<2 build`, `numpy (>=1${' '.repeat(LONG)}x`]) {
      try {
        parseRequirementsText(`${text}\n`, { name: 'r.txt' });
      } catch (error) {
        assert.ok(error instanceof MachNixError, String(error));
      }
    }
    const spaced = parseRequirementsText('numpy >=1.0 , <2 | ==3.0\n', { name: 'r.txt' }).requirements[0]!;
    assert.equal(spaced.kind, 'conda');
    assert.deepEqual(spaced.kind === 'conda' && spaced.anyOf.map(String), ['<2,>=1.0', '==3.0']);
  }));

  it('the explanation of a refused requirement with a long run of white space before the closing parenthesis', GUARD, guarded(() => {
    assertError(() => parseRequirement(`flask (>=1${' '.repeat(LONG)}x`), InvalidRequirement, 'invalid requirement');
    assertError(() => parseRequirementsText(`flask (>=1 x${' '.repeat(LONG)}y)\n`, { name: 'r.txt' }), MachNixError, 'r.txt:1:');
  }));
});

describe('found by bench/fuzz', () => {
  it('an environment.yml with 100,000 syntax errors reports the first, without making the others', GUARD, guarded(() => {
    assertError(() => parseEnvironmentYml(`dependencies: [a, ${','.repeat(100_000)}]\n`, 'environment.yml'), InputFileError, 'environment.yml:1: invalid YAML');
    assertError(() => parseEnvironmentYml(`dependencies: [a, ${'"'.repeat(100_001)}]\n`, 'environment.yml'), InputFileError, 'environment.yml:1: invalid YAML');
    assertError(() => parseEnvironmentYml('dependencies: [a]\n---\ndependencies: [b]\n', 'environment.yml'), InputFileError, 'environment.yml:2: invalid YAML: Source contains multiple documents');
  }));
});
