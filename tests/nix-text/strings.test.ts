/**
 * The Nix text the CLI writes means what it should: the escaping rules checked directly, and — where
 * `nix-instantiate` is on PATH — random strings, attribute names and values written, evaluated by
 * Nix and compared with the input.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MachNixError } from '../../src/errors.js';
import { nixAttrName, nixString, nixValue } from '../../src/nix/strings.js';

const hasNix = spawnSync('nix-instantiate', ['--version'], { encoding: 'utf8' }).status === 0;

/** Evaluates an expression with Nix and returns its JSON value. */
function evalNix(expression: string): unknown {
  const run = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', expression], {
    encoding: 'utf8',
    env: { ...process.env, NIX_CONFIG: 'substituters =\nexperimental-features = nix-command' },
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

/** Strings with everything that matters to Nix's lexer, and any other code point (NUL excepted). */
const nastyString = fc.array(
  fc.oneof(fc.constantFrom('"', '\\', '$', '${', '$${', '\n', '\r', '\t', "''", '#', '/*', '}', '{', 'é', '😀'), fc.string({ unit: 'grapheme' })),
  { maxLength: 8 },
).map((parts) => parts.join('').replace(/\0/g, ''));

describe('nixString', () => {
  it('escapes quotes, backslashes, every $, and newlines, returns and tabs', () => {
    assert.equal(nixString('plain'), '"plain"');
    assert.equal(nixString('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(nixString('${x} $y $${z}'), '"\\${x} \\$y \\$\\${z}"');
    assert.equal(nixString('a\nb\rc\td'), '"a\\nb\\rc\\td"');
    assert.equal(nixString("''"), '"\'\'"');
  });

  it('refuses NUL, which Nix strings cannot hold', () => {
    assert.throws(() => nixString('a\0b'), MachNixError);
  });

  it('is read back by Nix as the same string', { skip: !hasNix && 'nix-instantiate is not on PATH' }, () => {
    const samples = fc.sample(nastyString, { numRuns: 300, seed: 20260801 });
    assert.deepEqual(evalNix(`[ ${samples.map((s) => nixString(s)).join(' ')} ]`), samples);
  });
});

describe('nixAttrName', () => {
  it('writes identifiers bare and everything else, keywords included, as strings', () => {
    assert.equal(nixAttrName('requests'), 'requests');
    assert.equal(nixAttrName('zope-interface'), 'zope-interface');
    assert.equal(nixAttrName("a'"), "a'");
    assert.equal(nixAttrName('_private'), '_private');
    for (const name of ['1password', 'or', 'if', 'inherit', 'a.b', 'a b', '', '${x}', 'é']) assert.equal(nixAttrName(name), nixString(name), name);
  });

  it('is read back by Nix as the same names', { skip: !hasNix && 'nix-instantiate is not on PATH' }, () => {
    const names = [...new Set(fc.sample(fc.oneof(nastyString, fc.constantFrom('or', 'rec', 'a-b', "x'", '_', 'zope-interface')), { numRuns: 200, seed: 7 }))];
    const attrs = evalNix(`{ ${names.map((name, i) => `${nixAttrName(name)} = ${i};`).join(' ')} }`) as Record<string, number>;
    assert.deepEqual(Object.keys(attrs).sort(), [...names].sort());
    for (const [i, name] of names.entries()) assert.equal(attrs[name], i);
  });
});

describe('nixValue', () => {
  it('writes null, booleans, integers, lists and attribute sets', () => {
    assert.equal(nixValue({ a: [1, -2, true, null], 'b c': { d: 'e' }, empty: [], none: {} }), '{\n  a = [\n    1\n    (-2)\n    true\n    null\n  ];\n  "b c" = {\n    d = "e";\n  };\n  empty = [ ];\n  none = { };\n}');
    assert.throws(() => nixValue(1.5), MachNixError);
  });

  it('is read back by Nix as the same value', { skip: !hasNix && 'nix-instantiate is not on PATH' }, () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), nastyString, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(nastyString, tie('value'), { maxKeys: 3 })),
    })).value;
    const samples = fc.sample(json, { numRuns: 100, seed: 11 });
    assert.deepEqual(evalNix(nixValue(samples)), JSON.parse(JSON.stringify(samples)));
  });
});

/**
 * The vectors of issue 12, each of which would run code or change meaning if written unescaped:
 * even with `builtins.exec` enabled (allow-unsafe-native-code-during-evaluation), the text parses
 * and evaluates to exactly the strings, and the marker file the payloads would create is absent.
 */
describe('hostile vectors (issue 12)', () => {
  const marker = join(mkdtempSync(join(tmpdir(), 'mach-nix-strings-')), 'ran');
  // creates the marker and evaluates to "" (exec parses the program's output as Nix)
  const exec = `builtins.exec [ "sh" "-c" "touch ${marker} && echo '\\"\\"'" ]`;
  const vectors = [
    '"', "'", "''", "'''", "''$", "''\\", '\\', '\\\\', '\\"', '\n', '\r\n', '\t', '$', '$$', '${', '$${', '${x}',
    `\${${exec}}`,
    `"; x = ${exec}; y = "`,
    `'' + ${exec} + ''`,
    `\\\${${exec}}`,
    '/nix/store/00000000000000000000000000000000-x',
    '${/nix/store/00000000000000000000000000000000-x}',
    '<nixpkgs>', '# comment', '/* comment', '*/', 'a\u2028b', '\u{1F600}', 'é',
  ];
  const unsafe = { ...process.env, NIX_CONFIG: 'substituters =\nexperimental-features = nix-command\nallow-unsafe-native-code-during-evaluation = true' };
  const instantiate = (...args: string[]) => spawnSync('nix-instantiate', args, { encoding: 'utf8', env: unsafe });
  const skip = !hasNix && 'nix-instantiate is not on PATH';

  it('as strings, attribute names and values: parsed, evaluated to exactly the vectors, nothing run', { skip }, () => {
    const expression = `{ strings = [ ${vectors.map(nixString).join(' ')} ]; names = { ${vectors.map((v, i) => `${nixAttrName(v)} = ${i};`).join(' ')} }; value = ${nixValue({ list: vectors, set: Object.fromEntries(vectors.map((v) => [v, v])) })}; }`;
    const file = join(marker, '..', 'vectors.nix');
    writeFileSync(file, expression);
    const parsed = instantiate('--parse', file);
    assert.equal(parsed.status, 0, parsed.stderr);
    const evaluated = instantiate('--eval', '--strict', '--json', '-E', expression);
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const read = JSON.parse(evaluated.stdout) as { strings: string[]; names: Record<string, number>; value: unknown };
    assert.deepEqual(read.strings, vectors);
    assert.deepEqual(Object.keys(read.names).sort(), [...vectors].sort());
    for (const [i, v] of vectors.entries()) assert.equal(read.names[v], i);
    assert.deepEqual(read.value, { list: vectors, set: Object.fromEntries(vectors.map((v) => [v, v])) });
    assert.equal(existsSync(marker), false);
    // the payload does run when written unescaped: the test can tell
    const control = instantiate('--eval', '--strict', '-E', `"${vectors[17]}"`);
    assert.equal(control.status, 0, control.stderr);
    assert.equal(existsSync(marker), true);
  });
});
