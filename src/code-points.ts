/**
 * Code point order: Python's `str` comparison, and SQLite's BINARY collation of UTF-8 text.
 * JavaScript's `<` compares UTF-16 code units instead, which puts the characters above U+FFFF
 * (surrogate pairs, U+D800–DFFF) before U+E000–FFFF; deterministic output that Python tools and
 * our SQLite index agree with needs the real order.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrder(x) - codePointOrder(y);
  }
  return a.length - b.length;
}

/** Moves surrogates after U+E000–U+FFFF, keeping everything else in place. */
function codePointOrder(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}
