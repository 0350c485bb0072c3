/**
 * The fuzzer's source of randomness: a small seeded generator (mulberry32), so that a case is
 * reproduced from its seed alone, and the string mutations every input kind shares.
 */

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Up to `max` items made by `make`. */
  some<T>(max: number, make: () => T): T[] {
    return Array.from({ length: this.int(max + 1) }, make);
  }
}

/** The seed of case `index` of a run with `seed`: every case can be replayed alone. */
export function caseSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
}

/** Characters that matter to the parsers: quotes, brackets, operators, white space of every kind, escapes. */
const SPECIAL = [
  ' ', '  ', '\t', '\n', '\r\n', '\r', '\v', '\f', '\u00a0', '\u2028', '\u3000', '\ufeff', '\0', '\x1c',
  '"', "'", '\\', '#', ';', ',', '|', '(', ')', '[', ']', '{', '}', '<', '>', '=', '!', '~', '*', '.', '-', '_', '+', '@', '$', '${A}', ':', '/',
  '==', '>=', '~=', '===', '!=', ' and ', ' or ', ' not in ', ' in ', 'extra', 'python_version', '-r ', '-c ', '--hash=sha256:', '-e ',
  '&a ', '*a', '<<', '- ', ': ', '---', 'é', '😀', 'constructor', '__proto__', 'toString', 'prototype', '\u202e',
];

/** A run of one character long enough to make quadratic backtracking take seconds (a few ms when linear). */
export function longRun(random: Random): string {
  const unit = random.pick([' ', '\t', '\\', '[', '(', '-', '.', '0', 'a', '#', '$', ',', '\u3000', '=', '<', '"', "'", ' x']);
  return unit.repeat(20_000 + random.int(40_000));
}

/** A text changed a few times: characters inserted, deleted, duplicated, swapped or repeated. */
export function mutate(random: Random, text: string): string {
  let out = text;
  for (let n = 1 + random.int(4); n > 0; n--) {
    const at = random.int(out.length + 1);
    const length = random.int(Math.min(16, out.length - at) + 1);
    switch (random.int(7)) {
      case 0:
        out = out.slice(0, at) + random.pick(SPECIAL) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + Math.max(1, length));
        break;
      case 2:
        out = out.slice(0, at) + out.slice(at, at + length).repeat(2 + random.int(3)) + out.slice(at);
        break;
      case 3:
        out = out.slice(0, at) + String.fromCodePoint(random.int(0x800)) + out.slice(at);
        break;
      case 4: {
        const other = random.int(out.length + 1);
        out = out.slice(0, Math.min(at, other)) + out.slice(Math.max(at, other));
        break;
      }
      case 5:
        if (random.chance(0.1)) out = out.slice(0, at) + longRun(random) + out.slice(at);
        break;
      default:
        out = out.slice(0, at) + random.pick(SPECIAL).repeat(1 + random.int(8)) + out.slice(at);
    }
  }
  return out;
}

/** `open` repeated `depth` times around `inner`, closed by `close`: nesting a recursive parser may not survive. */
export function nested(open: string, inner: string, close: string, depth: number): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/**
 * Byte sequences at UTF-8's edges: the first and last characters of each length (well-formed),
 * and what a strict decoder must refuse — overlong forms, surrogates, code points above
 * U+10FFFF, bytes that never occur (0xc0, 0xc1, 0xf5–0xff), sequences cut short, continuation
 * bytes alone.
 */
const UTF8_EDGES: readonly number[][] = [
  [0x7f], [0xc2, 0x80], [0xdf, 0xbf], [0xe0, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xee, 0x80, 0x80], [0xef, 0xbf, 0xbd], [0xef, 0xbf, 0xbf],
  [0xf0, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [0xc3, 0xa9], [0xf0, 0x9f, 0x98, 0x80],
  [0xc0, 0xaf], [0xc1, 0xbf], [0xe0, 0x80, 0xaf], [0xe0, 0x9f, 0xbf], [0xf0, 0x80, 0x80, 0xaf], [0xf0, 0x8f, 0xbf, 0xbf],
  [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfe], [0xff], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc3], [0x80], [0xbf], [0xe9], [0x0a],
];

/**
 * `bytes` changed a few times at the byte level, as a file saved in another encoding, cut, or
 * damaged would be: an edge sequence or a random byte of 0x80 and above inserted, a byte
 * deleted (which can cut a character), a byte's high bit set, or the end cut off. Never a NUL
 * (a Nix string cannot hold one, and the fuzzed texts are read by Nix too).
 */
export function mutateBytes(random: Random, bytes: Uint8Array): Uint8Array {
  let out = Array.from(bytes);
  for (let n = 1 + random.int(3); n > 0; n--) {
    const at = random.int(out.length + 1);
    switch (random.int(5)) {
      case 0:
        out.splice(at, 0, ...random.pick(UTF8_EDGES));
        break;
      case 1:
        out.splice(at, 0, 0x80 + random.int(0x80));
        break;
      case 2:
        out.splice(at, 1);
        break;
      case 3:
        if (at < out.length && out[at] !== 0) out[at] = out[at]! | 0x80;
        break;
      default:
        out = out.slice(0, at);
    }
  }
  return Uint8Array.from(out);
}
