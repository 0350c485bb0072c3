/**
 * PubGrub's partial solution: the ordered list of assignments made so far. An assignment is a
 * *decision* (a package pinned to one candidate, opening a new decision level) or a
 * *derivation* (a term forced by an incompatibility, its cause). Per package the solution keeps
 * the intersection of all its assignments, which answers "is this term satisfied?" in O(1), and a
 * priority queue of the packages still to decide, which answers "which next?" in O(log n).
 */
import { CandidateSet } from './candidate-set.js';
import { Heap } from './heap.js';
import { type Incompatibility, Term } from './incompatibility.js';

export interface Assignment {
  readonly term: Term;
  readonly level: number;
  /** The incompatibility that forced a derivation; null for decisions. */
  readonly cause: Incompatibility | null;
  /** Position in the solution: satisfiers are compared by it. */
  readonly index: number;
}

export type Relation = 'satisfied' | 'contradicted' | 'inconclusive';

/**
 * The solver's class of a package with `count` allowed candidates: lower classes are decided
 * first; within a class, fewer allowed candidates first, then the package the solution mentioned
 * first.
 */
export type PriorityClass = (pkg: string, count: number) => number;

/** A package in the queue as it was when queued; `stamp` tells whether it still is. */
interface QueuedPackage {
  readonly pkg: string;
  readonly priorityClass: number;
  readonly count: number;
  readonly order: number;
  readonly stamp: number;
}

export class PartialSolution {
  private readonly assignments: Assignment[] = [];
  /** Intersection of each package's assignments. */
  private readonly accumulated = new Map<string, Term>();
  /** Each package's assignments, in order. */
  private readonly byPackage = new Map<string, Assignment[]>();
  private readonly decisions = new Map<string, number>();
  /** When each package entered `accumulated` (again, after a backtrack removed it): the tie-breaker. */
  private readonly order = new Map<string, number>();
  private nextOrder = 0;
  /** Bumped whenever a package's term or class changes: queued entries with an older stamp are stale. */
  private readonly stamps = new Map<string, number>();
  private readonly queue = new Heap<QueuedPackage>((a, b) =>
    a.priorityClass !== b.priorityClass ? a.priorityClass < b.priorityClass : a.count !== b.count ? a.count < b.count : a.order < b.order,
  );

  constructor(private readonly priorityClass: PriorityClass) {}

  get decisionLevel(): number {
    return this.decisions.size;
  }

  /** The decided candidate of each package, in decision order. */
  get decided(): ReadonlyMap<string, number> {
    return this.decisions;
  }

  decide(pkg: string, candidate: number, size: number): void {
    this.decisions.set(pkg, candidate);
    this.assign(new Term(pkg, CandidateSet.of(size, [candidate]), true), null);
  }

  derive(term: Term, cause: Incompatibility): void {
    this.assign(term, cause);
  }

  private assign(term: Term, cause: Incompatibility | null): void {
    const assignment: Assignment = { term, level: this.decisionLevel, cause, index: this.assignments.length };
    this.assignments.push(assignment);
    const list = this.byPackage.get(term.pkg);
    if (list) list.push(assignment);
    else this.byPackage.set(term.pkg, [assignment]);
    const previous = this.accumulated.get(term.pkg);
    if (!previous) this.order.set(term.pkg, this.nextOrder++);
    this.accumulated.set(term.pkg, previous ? previous.intersect(term) : term);
    this.requeue(term.pkg);
  }

  /** Queues a package as it is now, if it is to be decided; older queue entries become stale. */
  private requeue(pkg: string): void {
    const stamp = (this.stamps.get(pkg) ?? 0) + 1;
    this.stamps.set(pkg, stamp);
    const term = this.accumulated.get(pkg);
    if (!term?.positive || this.decisions.has(pkg)) return;
    const count = term.set.count;
    this.queue.push({ pkg, priorityClass: this.priorityClass(pkg, count), count, order: this.order.get(pkg)!, stamp });
  }

  /** A package's class changed (the solver's conflict counts): queue it anew. */
  reprioritize(pkg: string): void {
    this.requeue(pkg);
  }

  /** What the solution says about a package: the intersection of its assignments. */
  termOf(pkg: string): Term | undefined {
    return this.accumulated.get(pkg);
  }

  /**
   * The term of the package to decide next: of the packages that must be selected (a positive
   * term) but have no decision yet, the first by class, allowed candidates and order. Null when
   * every such package is decided.
   */
  nextUndecided(): Term | null {
    for (let top = this.queue.peek(); top !== undefined; top = this.queue.peek()) {
      if (this.stamps.get(top.pkg) === top.stamp && !this.decisions.has(top.pkg)) return this.accumulated.get(top.pkg)!;
      this.queue.pop();
    }
    return null;
  }

  /** Every package with an assignment. */
  assignedPackages(): IterableIterator<string> {
    return this.byPackage.keys();
  }

  /** The decision level at which a package was decided, if it is. */
  decisionLevelOf(pkg: string): number | undefined {
    if (!this.decisions.has(pkg)) return undefined;
    return this.byPackage.get(pkg)!.find((assignment) => assignment.cause === null)!.level;
  }

  relation(term: Term): Relation {
    // A negative term excluding nothing holds whatever happens.
    if (!term.positive && term.set.isEmpty) return 'satisfied';
    const known = this.accumulated.get(term.pkg);
    if (!known) return 'inconclusive';
    if (known.satisfies(term)) return 'satisfied';
    if (known.contradicts(term)) return 'contradicted';
    return 'inconclusive';
  }

  satisfies(term: Term): boolean {
    return this.relation(term) === 'satisfied';
  }

  /** The earliest assignment after which the solution satisfies `term`. */
  satisfier(term: Term): Assignment {
    let accumulated: Term | undefined;
    for (const assignment of this.byPackage.get(term.pkg) ?? []) {
      accumulated = accumulated ? accumulated.intersect(assignment.term) : assignment.term;
      if (accumulated.satisfies(term)) return assignment;
    }
    throw new Error(`internal: no satisfier for a term on ${term.pkg}`);
  }

  /** Removes every assignment made above decision level `level`. */
  backtrack(level: number): void {
    const touched = new Set<string>();
    while (this.assignments.length > 0 && this.assignments[this.assignments.length - 1]!.level > level) {
      const removed = this.assignments.pop()!;
      touched.add(removed.term.pkg);
      if (removed.cause === null) this.decisions.delete(removed.term.pkg);
    }
    for (const pkg of touched) {
      const remaining = this.byPackage.get(pkg)!.filter((a) => a.level <= level);
      if (remaining.length === 0) {
        this.byPackage.delete(pkg);
        this.accumulated.delete(pkg);
      } else {
        this.byPackage.set(pkg, remaining);
        this.accumulated.set(pkg, remaining.map((a) => a.term).reduce((a, b) => a.intersect(b)));
      }
      this.requeue(pkg);
    }
  }
}
