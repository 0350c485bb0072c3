/** Strict UTF-8 reading (src/utf8-text.ts): the first byte that starts no character, found as WHATWG's decoder finds it. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Random, mutateBytes } from '../bench/fuzz/random.js';
import { InputFileError, NotUtf8Error } from '../src/errors.js';
import { decodeUtf8, readUtf8File, utf8Problem } from '../src/utf8-text.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

/**
 * The reference: where WHATWG's replacing decoder puts its first U+FFFD is where the first bad
 * sequence starts (for bytes holding no real U+FFFD), as line and byte of the line.
 */
function reference(input: Uint8Array): { line: number; byte: number } | null {
  const decoded = new TextDecoder('utf-8', { ignoreBOM: true }).decode(input);
  const at = decoded.indexOf('\ufffd');
  if (at === -1) return null;
  const offset = Buffer.byteLength(decoded.slice(0, at), 'utf8');
  const before = Buffer.from(input).subarray(0, offset).toString('latin1').split('\n');
  return { line: before.length, byte: before.at(-1)!.length + 1 };
}

const withoutReplacementCharacter = (input: Uint8Array) => !Buffer.from(input).includes(Buffer.from([0xef, 0xbf, 0xbd]));

describe('utf8Problem', () => {
  it('takes every well-formed text, the edges of each sequence length included', () => {
    for (const text of ['', 'flask\n', '\u007f\u0080\u07ff\u0800\ud7ff\ue000\ufffd\uffff\u{10000}\u{10ffff}', '\ufeffsix', 'é😀\r\n']) {
      assert.equal(utf8Problem(Buffer.from(text, 'utf8')), null, JSON.stringify(text));
    }
  });

  it('finds a lone continuation byte, a cut sequence, an overlong form, a surrogate, 0xff and a code point above U+10FFFF', () => {
    for (const [name, bad, value] of [
      ['continuation byte', [0x80], '0x80'], ['cut sequence', [0xe2, 0x82], '0xe2'], ['overlong /', [0xc0, 0xaf], '0xc0'],
      ['overlong 3-byte', [0xe0, 0x80, 0xaf], '0xe0'], ['overlong 4-byte', [0xf0, 0x80, 0x80, 0xaf], '0xf0'],
      ['surrogate U+D800', [0xed, 0xa0, 0x80], '0xed'], ['0xff', [0xff], '0xff'], ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '0xf4'],
      ['Latin-1 é', [0xe9], '0xe9'],
    ] as const) {
      assert.deepEqual(utf8Problem(bytes('flask\nrequests  # é', [...bad], '\nsix\n')), { line: 2, byte: 15, value }, name);
    }
    // cut at the very end, and after a well-formed character on the same line
    assert.deepEqual(utf8Problem(bytes('six\n😀', [0xf0, 0x9f])), { line: 2, byte: 5, value: '0xf0' });
  });

  it('agrees with WHATWG\'s decoder on arbitrary bytes and on mutated texts', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (input) => {
      fc.pre(withoutReplacementCharacter(input));
      const problem = utf8Problem(input);
      assert.deepEqual(problem && { line: problem.line, byte: problem.byte }, reference(input));
    }), { numRuns: 3000, seed: 20261201 });
    const random = new Random(7);
    for (let i = 0; i < 2000; i++) {
      const input = mutateBytes(random, Buffer.from(random.pick(['flask\nrequests>=2\n', 'é😀\nx\u0800\n', '[project]\nname = "x"\n']), 'utf8'));
      if (!withoutReplacementCharacter(input)) continue;
      const problem = utf8Problem(input);
      assert.deepEqual(problem && { line: problem.line, byte: problem.byte }, reference(input), Buffer.from(input).toString('hex'));
    }
  });
});

describe('decodeUtf8 and readUtf8File', () => {
  it('give the text, a byte order mark kept (as Nix\'s readFile keeps it)', () => {
    assert.equal(decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'six\n'), 'x'), '\ufeffsix\n');
  });

  it('refuse text that is not UTF-8 naming the file, the line and the byte, with exit code 1', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mach-nix-utf8-')), 'requirements.txt');
    writeFileSync(file, bytes('flask\nsix # caf', [0xe9], '\n'));
    assert.throws(() => readUtf8File(file), (error: unknown) => {
      assert.ok(error instanceof NotUtf8Error && error instanceof InputFileError);
      assert.equal(error.exitCode, 1);
      assert.equal(error.message, `${file}:2: not UTF-8 text: byte 10 of the line (0xe9) starts no UTF-8 character; save it as UTF-8`);
      return true;
    });
  });
});
