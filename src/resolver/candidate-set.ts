/**
 * A set of candidates of one package, as a bit set over the package's candidate list.
 *
 * The solver never reasons about version *ranges*: every package has a finite list of
 * candidates (a version from one provider), known once the package is first mentioned, so a
 * version constraint is exactly the subset of that list it admits. Set algebra on bit sets is
 * exact and cheap, whatever PEP 440 subtleties (prereleases, local labels, `===`) decided
 * membership. Sets are immutable.
 */
export class CandidateSet {
  private constructor(
    /** Number of candidates of the package: the universe of this set. */
    readonly size: number,
    private readonly words: Uint32Array,
  ) {}

  static empty(size: number): CandidateSet {
    return new CandidateSet(size, new Uint32Array(wordCount(size)));
  }

  static full(size: number): CandidateSet {
    const words = new Uint32Array(wordCount(size)).fill(0xffffffff);
    return new CandidateSet(size, clearTail(size, words));
  }

  static of(size: number, indices: Iterable<number>): CandidateSet {
    const words = new Uint32Array(wordCount(size));
    for (const index of indices) {
      if (index < 0 || index >= size) throw new RangeError(`candidate ${index} outside 0..${size - 1}`);
      words[index >>> 5]! |= 1 << (index & 31);
    }
    return new CandidateSet(size, words);
  }

  /** The candidates for which `test` holds. */
  static where(size: number, test: (index: number) => boolean): CandidateSet {
    const words = new Uint32Array(wordCount(size));
    for (let index = 0; index < size; index++) if (test(index)) words[index >>> 5]! |= 1 << (index & 31);
    return new CandidateSet(size, words);
  }

  has(index: number): boolean {
    return index >= 0 && index < this.size && (this.words[index >>> 5]! & (1 << (index & 31))) !== 0;
  }

  get isEmpty(): boolean {
    return this.words.every((word) => word === 0);
  }

  get isFull(): boolean {
    return this.equals(CandidateSet.full(this.size));
  }

  get count(): number {
    let count = 0;
    for (const word of this.words) count += popcount(word);
    return count;
  }

  /** The first (most preferred) candidate in the set, or -1. */
  first(): number {
    for (let w = 0; w < this.words.length; w++) {
      const word = this.words[w]!;
      if (word !== 0) return w * 32 + (31 - Math.clz32(word & -word));
    }
    return -1;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let w = 0; w < this.words.length; w++) {
      let word = this.words[w]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        yield w * 32 + bit;
        word &= word - 1;
      }
    }
  }

  and(other: CandidateSet): CandidateSet {
    return this.combine(other, (a, b) => a & b);
  }

  or(other: CandidateSet): CandidateSet {
    return this.combine(other, (a, b) => a | b);
  }

  minus(other: CandidateSet): CandidateSet {
    return this.combine(other, (a, b) => a & ~b);
  }

  complement(): CandidateSet {
    return new CandidateSet(this.size, clearTail(this.size, this.words.map((word) => ~word)));
  }

  isSubsetOf(other: CandidateSet): boolean {
    this.checkUniverse(other);
    return this.words.every((word, i) => (word & ~other.words[i]!) === 0);
  }

  isDisjointFrom(other: CandidateSet): boolean {
    this.checkUniverse(other);
    return this.words.every((word, i) => (word & other.words[i]!) === 0);
  }

  equals(other: CandidateSet): boolean {
    return this.size === other.size && this.words.every((word, i) => word === other.words[i]);
  }

  private combine(other: CandidateSet, op: (a: number, b: number) => number): CandidateSet {
    this.checkUniverse(other);
    const words = new Uint32Array(this.words.length);
    for (let i = 0; i < words.length; i++) words[i] = op(this.words[i]!, other.words[i]!);
    return new CandidateSet(this.size, words);
  }

  private checkUniverse(other: CandidateSet): void {
    if (other.size !== this.size) throw new RangeError(`candidate sets of different packages (${this.size} vs ${other.size})`);
  }
}

function wordCount(size: number): number {
  return Math.ceil(size / 32);
}

/** Zeroes the bits beyond `size` in the last word, so that equality and emptiness stay exact. */
function clearTail(size: number, words: Uint32Array): Uint32Array {
  const rest = size & 31;
  if (rest !== 0) words[words.length - 1]! &= (1 << rest) - 1;
  return words;
}

function popcount(word: number): number {
  let n = word - ((word >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
