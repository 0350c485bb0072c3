/**
 * The Nix text the CLI writes means what it should: the escaping rules checked directly, and — where
 * `nix-instantiate` is on PATH — random strings, attribute names and values written, evaluated by
 * Nix and compared with the input.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
