/**
 * A PubGrub solver (Natalie Weizenbaum's algorithm, as in Dart's pub, pubgrub-rs and uv) over
 * finite candidate lists. It knows nothing about Python packaging: a `SolverProvider` tells it
 * how many candidates a package has (most preferred first) and what each candidate depends on.
 *
 * Terminology:
 * - *package*: anything with candidates; besides real projects the provider may invent
 *   virtual packages (an extra `foo[bar]`, whose candidate i requires candidate i of `foo`).
 * - *candidate*: an index into a package's list; the solver always tries the first allowed
 *   one, so the provider's order is the preference order.
 * - *decision*, *derivation*, *incompatibility*, *term*: see `partial-solution.ts` and
 *   `incompatibility.ts`.
 *
 * The loop: propagate what the incompatibilities force, then decide the package with the
 * fewest allowed candidates. A conflict is analysed into a new incompatibility (its root
 * cause), the solver backjumps to where that incompatibility forces something new, and goes on.
 * There is no round limit: every conflict teaches an incompatibility that excludes at least
 * one combination, so the search ends, with a solution or with a proof that none exists.
 */
import { CandidateSet } from './candidate-set.js';
import { Incompatibility, Term } from './incompatibility.js';
import { PartialSolution } from './partial-solution.js';

/** The virtual package whose only candidate depends on what the user asked for. */
export const ROOT = '(root)';

export interface SolverDependency {
  readonly pkg: string;
  /** The candidates of `pkg` this dependency admits. */
  readonly allowed: CandidateSet;
  /** How the dependency was written, for explanations (`b>=2`). */
  readonly text: string;
  /**
   * `requires` (the default): `pkg` must be selected, with an allowed candidate. `constrains`:
   * `pkg` need not be selected, but if it is, only with an allowed candidate (pip's `-c`).
   */
  readonly kind?: 'requires' | 'constrains';
}

export type CandidateDependencies =
  | { readonly dependencies: readonly SolverDependency[] }
  | { readonly unavailable: string };

export interface SolverProvider {
  /** Size of a package's candidate list. Called when the package is first mentioned. */
  candidateCount(pkg: string): number;
  dependencies(pkg: string, candidate: number): CandidateDependencies;
  /** Why a dependency admits no candidate at all (unknown package, wrong providers, no match…). */
  explainNoCandidates(dependency: SolverDependency): string;
}

/** Resolution is impossible; `incompatibility` is the proof, a tree of causes down to facts. */
export class SolveFailure extends Error {
  constructor(readonly incompatibility: Incompatibility) {
    super('version solving failed');
  }
}

export interface SolverStatistics {
  decisions: number;
  conflicts: number;
  incompatibilities: number;
}

export class Solver {
  private readonly solution = new PartialSolution();
  /** Incompatibilities mentioning each package, in the order they were learned. */
  private readonly incompatibilities = new Map<string, Incompatibility[]>();
  /** Dependency incompatibilities by (depender, dependency, allowed set): merged across candidates. */
  private readonly dependencyIncompatibilities = new Map<string, Incompatibility>();
  private readonly sizes = new Map<string, number>();
  readonly statistics: SolverStatistics = { decisions: 0, conflicts: 0, incompatibilities: 0 };

  constructor(
    private readonly provider: SolverProvider,
    private readonly rootDependencies: readonly SolverDependency[],
  ) {
    this.sizes.set(ROOT, 1);
  }

  /** The chosen candidate of every selected package (the root excluded); throws `SolveFailure`. */
  solve(): Map<string, number> {
    this.addIncompatibility(new Incompatibility([new Term(ROOT, CandidateSet.full(1), false)], { kind: 'root' }));
    let next: string | null = ROOT;
    while (next !== null) {
      this.propagate(next);
      next = this.decideNext();
    }
    const result = new Map(this.solution.decided);
    result.delete(ROOT);
    return result;
  }

  private size(pkg: string): number {
    let size = this.sizes.get(pkg);
    if (size === undefined) {
      size = this.provider.candidateCount(pkg);
      this.sizes.set(pkg, size);
    }
    return size;
  }

  private addIncompatibility(incompatibility: Incompatibility): void {
    this.statistics.incompatibilities++;
    for (const term of incompatibility.terms) {
      const list = this.incompatibilities.get(term.pkg);
      if (list) list.push(incompatibility);
      else this.incompatibilities.set(term.pkg, [incompatibility]);
    }
  }

  private removeIncompatibility(incompatibility: Incompatibility): void {
    for (const term of incompatibility.terms) {
      const list = this.incompatibilities.get(term.pkg)!;
      list.splice(list.indexOf(incompatibility), 1);
    }
  }

  /** Unit propagation: derive every term the incompatibilities force, resolving conflicts. */
  private propagate(start: string): void {
    const changed = new Set([start]);
    while (changed.size > 0) {
      const pkg: string = changed.values().next().value!;
      changed.delete(pkg);
      // Newest first: learned incompatibilities are the most general ones.
      const list = this.incompatibilities.get(pkg) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        const incompatibility = list[i]!;
        const result = this.propagateIncompatibility(incompatibility);
        if (result === 'conflict') {
          const rootCause = this.resolveConflict(incompatibility);
          // Backjumping erased the assignments that `changed` referred to.
          changed.clear();
          const derived = this.propagateIncompatibility(rootCause);
          if (typeof derived !== 'string' || derived === 'conflict' || derived === 'none') {
            throw new Error('internal: a learned incompatibility did not force an assignment');
          }
          changed.add(derived);
          break;
        }
        if (result !== 'none') changed.add(result);
      }
    }
  }

  /** 'conflict' if all terms hold, the package of a derived term if all but one do, else 'none'. */
  private propagateIncompatibility(incompatibility: Incompatibility): string {
    let unsatisfied: Term | null = null;
    for (const term of incompatibility.terms) {
      const relation = this.solution.relation(term);
      if (relation === 'contradicted') return 'none';
      if (relation === 'inconclusive') {
        if (unsatisfied !== null) return 'none';
        unsatisfied = term;
      }
    }
    if (unsatisfied === null) return 'conflict';
    this.solution.derive(unsatisfied.negate(), incompatibility);
    return unsatisfied.pkg;
  }

  /**
   * Turns a satisfied incompatibility into its root cause, learning the intermediate ones,
   * and backjumps to the level where the root cause forces a new assignment.
   */
  private resolveConflict(conflict: Incompatibility): Incompatibility {
    this.statistics.conflicts++;
    let incompatibility = conflict;
    let learned = false;
    while (!isFailure(incompatibility)) {
      let mostRecentTerm: Term | null = null;
      let mostRecentSatisfier = null as ReturnType<PartialSolution['satisfier']> | null;
      let difference: Term | null = null;
      // Decision level 1 is where the root was decided. Going back further is safe, but stopping
      // there keeps the root's requirements close to the conclusion in explanations.
      let previousSatisfierLevel = 1;
      for (const term of incompatibility.terms) {
        const satisfier = this.solution.satisfier(term);
        if (mostRecentSatisfier === null) {
          mostRecentTerm = term;
          mostRecentSatisfier = satisfier;
        } else if (mostRecentSatisfier.index < satisfier.index) {
          previousSatisfierLevel = Math.max(previousSatisfierLevel, mostRecentSatisfier.level);
          mostRecentTerm = term;
          mostRecentSatisfier = satisfier;
          difference = null;
        } else {
          previousSatisfierLevel = Math.max(previousSatisfierLevel, satisfier.level);
        }
        if (mostRecentTerm === term) {
          // The satisfier may satisfy the term only together with earlier assignments.
          const rest = mostRecentSatisfier.term.difference(term);
          difference = rest.isEmpty ? null : rest;
          if (difference !== null) {
            previousSatisfierLevel = Math.max(previousSatisfierLevel, this.solution.satisfier(difference.negate()).level);
          }
        }
      }
      const satisfier = mostRecentSatisfier!;
      if (previousSatisfierLevel < satisfier.level || satisfier.cause === null) {
        this.solution.backtrack(previousSatisfierLevel);
        if (learned) this.addIncompatibility(incompatibility);
        return incompatibility;
      }
      // Resolve with the cause of the satisfier: what it forced can be replaced by why.
      const cause = satisfier.cause;
      const terms = [
        ...incompatibility.terms.filter((t) => t !== mostRecentTerm),
        ...cause.terms.filter((t) => t.pkg !== satisfier.term.pkg),
      ];
      if (difference !== null) terms.push(difference.negate());
      incompatibility = new Incompatibility(terms, { kind: 'derived', conflict: incompatibility, other: cause });
      learned = true;
    }
    throw new SolveFailure(incompatibility);
  }

  /** Decides the next package, or returns null when every required package is decided. */
  private decideNext(): string | null {
    let best: Term | null = null;
    let bestCount = Infinity;
    for (const term of this.solution.undecided()) {
      const count = term.set.count;
      if (count < bestCount) {
        best = term;
        bestCount = count;
      }
    }
    if (best === null) return null;
    const pkg = best.pkg;
    const candidate = best.set.first();
    const size = this.size(pkg);
    this.statistics.decisions++;

    const result = pkg === ROOT ? { dependencies: this.rootDependencies } : this.provider.dependencies(pkg, candidate);
    const self = CandidateSet.of(size, [candidate]);
    if ('unavailable' in result) {
      this.addIncompatibility(new Incompatibility([new Term(pkg, self, true)], { kind: 'unavailable', reason: result.unavailable }));
      return pkg;
    }
    // Dependencies nothing satisfies make the candidate unusable: say so once, naming all of them.
    const missing = new Map<string, SolverDependency>();
    for (const dependency of result.dependencies) {
      if (dependency.kind !== 'constrains' && dependency.pkg !== pkg && dependency.allowed.isEmpty) missing.set(dependency.text, dependency);
    }
    if (missing.size > 0) {
      this.addMergedIncompatibility(pkg, candidate, `missing\0${[...missing.keys()].join('\0')}`, (dependers) =>
        new Incompatibility([new Term(pkg, dependers, true)], {
          kind: 'noCandidates',
          missing: [...missing.values()].map((d) => ({ dependency: d.text, reason: this.provider.explainNoCandidates(d) })),
        }),
      );
      return pkg;
    }
    let conflict = false;
    for (const dependency of result.dependencies) {
      // A constraint that allows every candidate says nothing.
      if (dependency.kind === 'constrains' && dependency.allowed.isFull) continue;
      if (dependency.pkg === pkg) {
        // A package requiring itself: satisfied by its own candidate, or impossible.
        if (dependency.allowed.has(candidate)) continue;
        this.addIncompatibility(
          new Incompatibility([new Term(pkg, self, true)], { kind: 'unavailable', reason: `depends on itself as ${dependency.text}` }),
        );
        return pkg;
      }
      const incompatibility = this.dependencyIncompatibility(pkg, candidate, dependency);
      // If selecting the candidate would already violate it, do not decide: propagation will
      // exclude the candidate and the next round picks another.
      conflict ||= incompatibility.terms.every((t) => t.pkg === pkg || this.solution.satisfies(t));
    }
    if (!conflict) this.solution.decide(pkg, candidate, size);
    return pkg;
  }

  /**
   * The incompatibility "candidate of pkg depends on dependency", merged with the same
   * dependency of other candidates already tried (so explanations say "a >=1.0 depends on b"
   * rather than listing every version).
   */
  private dependencyIncompatibility(pkg: string, candidate: number, dependency: SolverDependency): Incompatibility {
    const depSize = this.size(dependency.pkg);
    if (dependency.allowed.size !== depSize) {
      throw new Error(`internal: dependency on ${dependency.pkg} has a set of ${dependency.allowed.size}, not ${depSize} candidates`);
    }
    const kind = dependency.kind ?? 'requires';
    return this.addMergedIncompatibility(pkg, candidate, `${kind}\0${dependency.pkg}\0${[...dependency.allowed].join(',')}`, (dependers) =>
      kind === 'constrains'
        ? // "pkg, and dependency.pkg outside the allowed set" cannot both hold.
          new Incompatibility([new Term(pkg, dependers, true), new Term(dependency.pkg, dependency.allowed.complement(), true)], {
            kind: 'constraint',
            text: dependency.text,
          })
        : new Incompatibility([new Term(pkg, dependers, true), new Term(dependency.pkg, dependency.allowed, false)], {
            kind: 'dependency',
            text: dependency.text,
          }),
    );
  }

  /**
   * Adds the incompatibility `make` builds for a set of candidates of `pkg`: the candidate, plus
   * those that earlier incompatibilities with the same key were made for (which it replaces).
   */
  private addMergedIncompatibility(
    pkg: string,
    candidate: number,
    key: string,
    make: (dependers: CandidateSet) => Incompatibility,
  ): Incompatibility {
    const fullKey = `${pkg}\0${key}`;
    const previous = this.dependencyIncompatibilities.get(fullKey);
    let dependers = CandidateSet.of(this.size(pkg), [candidate]);
    if (previous) {
      dependers = dependers.or(previous.term(pkg)!.set);
      this.removeIncompatibility(previous);
    }
    const incompatibility = make(dependers);
    this.dependencyIncompatibilities.set(fullKey, incompatibility);
    this.addIncompatibility(incompatibility);
    return incompatibility;
  }
}

function isFailure(incompatibility: Incompatibility): boolean {
  const terms = incompatibility.terms;
  return terms.length === 0 || (terms.length === 1 && terms[0]!.positive && terms[0]!.pkg === ROOT);
}
