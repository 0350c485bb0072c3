/**
 * PubGrub's vocabulary.
 *
 * - A *term* states something about one package: positive `a ∈ S` ("a is selected, with a
 *   candidate in S") or negative `a ∉ S` ("a is not selected with a candidate in S"; also true
 *   when a is not selected at all).
 * - An *incompatibility* is a set of terms that must not all be true at once. Dependencies,
 *   missing candidates and user requirements are all expressed as incompatibilities, and every
 *   conflict the solver meets is learned as a new, *derived* incompatibility whose two causes
 *   are kept: that derivation tree is what the conflict explanation is written from.
 */
import { CandidateSet } from './candidate-set.js';

export class Term {
  constructor(
    readonly pkg: string,
    readonly set: CandidateSet,
    readonly positive: boolean,
  ) {}

  negate(): Term {
    return new Term(this.pkg, this.set, !this.positive);
  }

  /** The candidates this term allows, if the package is selected. */
  get allowed(): CandidateSet {
    return this.positive ? this.set : this.set.complement();
  }

  /** The term that is true exactly when both are (same package). */
  intersect(other: Term): Term {
    if (this.positive && other.positive) return new Term(this.pkg, this.set.and(other.set), true);
    if (this.positive) return new Term(this.pkg, this.set.minus(other.set), true);
    if (other.positive) return new Term(this.pkg, other.set.minus(this.set), true);
    return new Term(this.pkg, this.set.or(other.set), false);
  }

  /** `this` minus `other`: true when this is and other is not. */
  difference(other: Term): Term {
    return this.intersect(other.negate());
  }

  /** Whether this term can never be true (a positive term with no candidate left). */
  get isEmpty(): boolean {
    return this.positive && this.set.isEmpty;
  }

  /** Whenever `this` is true, `other` is true. */
  satisfies(other: Term): boolean {
    if (other.positive) return this.positive && this.set.isSubsetOf(other.set);
    return this.positive ? this.set.isDisjointFrom(other.set) : other.set.isSubsetOf(this.set);
  }

  /** `this` and `other` cannot both be true. */
  contradicts(other: Term): boolean {
    return this.intersect(other).isEmpty;
  }
}

/** Why an incompatibility holds. `derived` ones were learned from two others. */
export type Cause =
  | { readonly kind: 'root' }
  | { readonly kind: 'dependency'; readonly text: string }
  /** "If the other package is selected, only as `text`": pip's constraints, conda's `constrains`. */
  | { readonly kind: 'constraint'; readonly text: string }
  /** Dependencies that no candidate satisfies, as written, each with the reason. */
  | { readonly kind: 'noCandidates'; readonly missing: readonly { readonly dependency: string; readonly reason: string }[] }
  /** `reason` completes "<package> <version> …", e.g. "requires Python >=3.12". */
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'derived'; readonly conflict: Incompatibility; readonly other: Incompatibility };

let nextId = 0;

export class Incompatibility {
  /** Creation order, for stable iteration and for numbering in explanations. */
  readonly id = nextId++;
  readonly terms: readonly Term[];

  constructor(
    terms: readonly Term[],
    readonly cause: Cause,
  ) {
    this.terms = mergeTerms(terms);
  }

  get isDerived(): boolean {
    return this.cause.kind === 'derived';
  }

  term(pkg: string): Term | undefined {
    return this.terms.find((t) => t.pkg === pkg);
  }
}

/**
 * One term per package: terms on the same package are intersected. A negative term that
 * excludes nothing (`a ∉ ∅`) is always true, and a term that is always true adds nothing to an
 * incompatibility, so it is dropped (unless it is the only one).
 */
function mergeTerms(terms: readonly Term[]): Term[] {
  const byPackage = new Map<string, Term>();
  for (const term of terms) {
    const existing = byPackage.get(term.pkg);
    byPackage.set(term.pkg, existing ? existing.intersect(term) : term);
  }
  const merged = [...byPackage.values()];
  const meaningful = merged.filter((t) => t.positive || !t.set.isEmpty);
  return meaningful.length > 0 ? meaningful : merged;
}
