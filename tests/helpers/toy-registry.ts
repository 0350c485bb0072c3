/**
 * A minimal in-memory package index for testing the solver alone: package → version →
 * dependencies written as PEP 508 strings (name and specifier only). Candidates are the
 * versions, newest first.
 */
import { CandidateSet } from '../../src/resolver/candidate-set.js';
import type { Describer } from '../../src/resolver/report.js';
import type { CandidateDependencies, SolverDependency, SolverProvider, SolverStatistics } from '../../src/resolver/solver.js';
import { Solver } from '../../src/resolver/solver.js';
import { Version } from '../../src/pep440.js';
import { parseRequirement } from '../../src/pep508.js';

export type Registry = Record<string, Record<string, string[]>>;

export class ToyProvider implements SolverProvider, Describer {
  /** The statistics of the last `solve`, also when it failed. */
  lastStatistics: SolverStatistics | null = null;

  constructor(readonly registry: Registry) {}

  versions(pkg: string): string[] {
    return Object.keys(this.registry[pkg] ?? {}).sort((a, b) => Version.parse(b).compare(Version.parse(a)));
  }

  candidateCount(pkg: string): number {
    return this.versions(pkg).length;
  }

  dependency(text: string): SolverDependency {
    const requirement = parseRequirement(text);
    const versions = this.versions(requirement.name);
    const allowed = requirement.specifier.filter(versions.map((_, i) => i), (i) => versions[i]!);
    return { pkg: requirement.name, allowed: CandidateSet.of(versions.length, allowed), text };
  }

  dependencies(pkg: string, candidate: number): CandidateDependencies {
    const version = this.versions(pkg)[candidate]!;
    return { dependencies: this.registry[pkg]![version]!.map((text) => this.dependency(text)) };
  }

  explainNoCandidates(dependency: SolverDependency): string {
    const versions = this.versions(dependency.pkg);
    return versions.length === 0 ? `${dependency.pkg} does not exist` : `no version of ${dependency.pkg} matches it`;
  }

  describe(pkg: string, set: CandidateSet): string {
    if (set.isFull) return pkg;
    const versions = this.versions(pkg);
    return `${pkg} ${[...set].map((i) => versions[i]).reverse().join(' | ')}`;
  }

  /** Solves and returns package → version; `constraints` apply only to packages selected anyway. */
  solve(requirements: string[], constraints: string[] = []): Record<string, string> {
    const roots = [
      ...requirements.map((text) => this.dependency(text)),
      ...constraints.map((text) => ({ ...this.dependency(text), kind: 'constrains' as const })),
    ];
    const solver = new Solver(this, roots);
    this.lastStatistics = solver.statistics;
    const solution = solver.solve();
    return Object.fromEntries([...solution].map(([pkg, i]) => [pkg, this.versions(pkg)[i]!]).sort());
  }
}
