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
 * The loop: propagate what the incompatibilities force, then decide the next package (see
 * `priorityClass`: normally the one with the fewest allowed candidates). A conflict is analysed
 * into a new incompatibility (its root cause), the solver backjumps to where that incompatibility
 * forces something new, and goes on. There is no round limit: every conflict teaches an
 * incompatibility that excludes at least one combination, so the search ends, with a solution or
 * with a proof that none exists.
 *
 * Which package is decided first decides which solution is found when several exist. Deciding a
 * package early fixes its newest candidate and lets the others adapt; deciding it late makes it
 * adapt to them. Like uv, the solver learns the order from conflicts: when the candidates of one
 * package (the *affected* one) keep being rejected because of another package's decision (the
 * *culprit*), the first is moved ahead of the second and the second's decision is undone, so that
 * the resolution keeps a recent version of the affected package and moves the culprit instead
 * of walking the affected package back to an ancient release that lacks the constraint.
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

/**
 * How many conflicts make a package affected or a culprit (uv's threshold): a few conflicts are
 * normal backtracking; many mean the decision order is working against the user.
 */
const CONFLICT_THRESHOLD = 5;

/**
 * Decision order classes, lower first: a package with one candidate left (nothing to choose), an
 * affected package, every other package, and culprits last — after everything that has a choice
 * to make, so that they adapt to the others, also when the rejections they caused reached the
 * affected package only through a dependency (`a` depends on `a-core==N`, and `a-core` on the
 * culprit). uv orders culprits before ordinary packages; with this solver's fewest-candidates
 * order that decided the culprit first again.
 */
const SINGLE_CANDIDATE = 0;
const AFFECTED = 1;
const ORDINARY = 2;
const CULPRIT = 3;

export class Solver {
  private readonly solution = new PartialSolution((pkg, count) => this.priorityClass(pkg, count));
  /** Incompatibilities mentioning each package, in the order they were learned. */
  private readonly incompatibilities = new Map<string, Incompatibility[]>();
  /** Dependency incompatibilities by (depender, dependency, allowed set): merged across candidates. */
  private readonly dependencyIncompatibilities = new Map<string, Incompatibility>();
  private readonly sizes = new Map<string, number>();
  /** Conflicts per package as the one whose candidates were rejected, and as the cause. */
  private readonly affectedCounts = new Map<string, number>();
  private readonly culpritCounts = new Map<string, number>();
  /** Packages moved by their conflict counts (once each, so the order cannot see-saw). */
  private readonly affected = new Set<string>();
  private readonly culprits = new Set<string>();
  /** Packages whose count reached the threshold since the last decision. */
  private readonly newlyAffected: string[] = [];
  private readonly newCulprits: string[] = [];
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
      this.propagate([next]);
      this.reorderAfterConflicts();
      next = this.decideNext();
    }
    const result = new Map(this.solution.decided);
    result.delete(ROOT);
    return result;
  }

  private priorityClass(pkg: string, count: number): number {
    if (count === 1) return SINGLE_CANDIDATE;
    if (this.affected.has(pkg)) return AFFECTED;
    if (this.culprits.has(pkg)) return CULPRIT;
    return ORDINARY;
  }

  /**
   * Counts a conflict: `incompatibility` rejected candidates of `affected` (the package being
   * decided, or the one a learned root cause derives against after the backjump); the other
   * packages in it are its culprits.
   */
  private recordConflict(affected: string, incompatibility: Incompatibility): void {
    let culprit = false;
    for (const term of incompatibility.terms) {
      if (term.pkg === affected || term.pkg === ROOT) continue;
      culprit = true;
      const count = (this.culpritCounts.get(term.pkg) ?? 0) + 1;
      this.culpritCounts.set(term.pkg, count);
      if (count === CONFLICT_THRESHOLD) this.newCulprits.push(term.pkg);
    }
    if (!culprit || affected === ROOT) return;
    const count = (this.affectedCounts.get(affected) ?? 0) + 1;
    this.affectedCounts.set(affected, count);
    if (count === CONFLICT_THRESHOLD) this.newlyAffected.push(affected);
  }

  /**
   * Moves the packages whose conflict counts reached the threshold: affected ones ahead of every
   * ordinary package, culprits after all of them, and undoes a culprit's decision (and all made
   * after it) so that the packages it held back are decided first. Each package moves once.
   */
  private reorderAfterConflicts(): void {
    for (const pkg of this.newlyAffected.splice(0)) {
      if (this.affected.has(pkg)) continue;
      this.affected.add(pkg);
      this.culprits.delete(pkg);
      this.solution.reprioritize(pkg);
    }
    let backtrackTo = Infinity;
    for (const pkg of this.newCulprits.splice(0)) {
      if (this.affected.has(pkg) || this.culprits.has(pkg)) continue;
      this.culprits.add(pkg);
      this.solution.reprioritize(pkg);
      const level = this.solution.decisionLevelOf(pkg);
      if (level !== undefined) backtrackTo = Math.min(backtrackTo, level - 1);
    }
    if (backtrackTo === Infinity) return;
    this.solution.backtrack(backtrackTo);
    // Incompatibilities learned since may force assignments at the level returned to.
    this.propagate(this.solution.assignedPackages());
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

  /**
   * Unit propagation from the packages whose terms changed: derive every term the
   * incompatibilities force, resolving conflicts.
   */
  private propagate(start: Iterable<string>): void {
    const changed = new Set(start);
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
          // The root cause now rejects candidates of `derived` because of the other packages in it.
          this.recordConflict(derived, rootCause);
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
    const best = this.solution.nextUndecided();
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
      if (incompatibility.terms.every((t) => t.pkg === pkg || this.solution.satisfies(t))) {
        conflict = true;
        this.recordConflict(pkg, incompatibility);
      }
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
