import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareCodePoints } from '../src/code-points.js';

/** The reference: code point order is the order of the UTF-8 bytes. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

describe('code point order', () => {
  it('orders by code point where UTF-16 units disagree', () => {
    assert.ok(compareCodePoints('a', 'b') < 0);
    assert.ok(compareCodePoints('ab', 'a') > 0);
    assert.equal(compareCodePoints('same', 'same'), 0);
    // U+FFFF < U+10000, though the surrogate 0xD800 is below 0xFFFF as a UTF-16 unit
    assert.ok('\uffff' > '\u{10000}');
    assert.ok(compareCodePoints('\uffff', '\u{10000}') < 0);
    assert.ok(compareCodePoints('\ue000', '\u{1f600}') < 0);
    assert.ok(compareCodePoints('\ud7ff', '\u{10000}') < 0);
  });

  it('agrees with UTF-8 byte order on every pair of a varied sample', () => {
    const samples = ['', 'a', 'A', 'a-b', 'a.b', 'a_b', 'é', 'ÿ', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff',
      '\u{10000}', '\u{1f600}', '\u{10ffff}', 'z\u{10000}', 'z\uffff', 'zz'];
    for (const a of samples) {
      for (const b of samples) {
        assert.equal(Math.sign(compareCodePoints(a, b)), Math.sign(compareUtf8(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
  });
});
