/**
 * Every name a resolution could touch, whatever the solver decides: the closure of the roots over
 * the dependencies of every candidate any provider could offer — every sdist release (its
 * `setup_requires` too), every wheel file and every conda record of the given channels, of every
 * version, usable on the target or not. Providers cannot prune it: a nixpkgs candidate takes its
 * dependencies from the sdist or wheel data of its version (`nixpkgsCandidates`), so the data of
 * a name is walked whichever providers it has.
 *
 * Markers are evaluated for the target as the candidates do (`dependencies.ts`); the extras asked
 * of a name are followed, each once, when first asked for. Metadata the candidates would refuse
 * (an unparseable requirement, a marker that cannot be evaluated) makes that candidate unusable
 * there; here it gives every name its lines state, so the result stays a superset.
 *
 * The Nix library asks this before it reads the nixpkgs python set, to read only the attributes
 * of these names (nix/nixpkgs-index.nix).
 */
import { InvalidMetadata, InvalidRequirement } from '../errors.js';
import type { DependencySource } from '../db/source.js';
import type { Target } from '../target.js';
import { type CandidateDependencies, type Dependency, condaDependency, parseDependency, requiresDistDependencies, sdistDependencies } from './dependencies.js';

export interface ReachOptions {
  readonly source: DependencySource;
  readonly target: Target;
  /** The conda channels whose records are walked (the channels of the request's providers). */
  readonly condaChannels: readonly string[];
  /** What the walk starts from: the requirements, the constraints, and any further names. */
  readonly roots: readonly Dependency[];
}

/** Every name reached (PEP 503, conda's `__` virtual packages included), with the extras asked of it. */
export type Reached = ReadonlyMap<string, ReadonlySet<string>>;

export function reachableNames(options: ReachOptions): Reached {
  const reached = new Map<string, Set<string>>();
  const metadata = new Map<string, readonly CandidateDependencies[]>();
  // (name, extra) pairs still to walk; '' is the name itself
  const pending: [string, string][] = [];
  const ask = (dependency: Dependency) => {
    let extras = reached.get(dependency.key);
    if (extras === undefined) {
      extras = new Set();
      reached.set(dependency.key, extras);
      pending.push([dependency.key, '']);
    }
    for (const extra of dependency.extras) {
      if (extras.has(extra)) continue;
      extras.add(extra);
      pending.push([dependency.key, extra]);
    }
  };
  for (const root of options.roots) ask(root);
  while (pending.length > 0) {
    const [key, extra] = pending.pop()!;
    if (key.startsWith('__')) continue; // conda's virtual packages: described by the target, no data
    let all = metadata.get(key);
    if (all === undefined) {
      all = candidateMetadata(key, options);
      metadata.set(key, all);
    }
    for (const dependencies of all) {
      const found = extra === '' ? [...dependencies.runtime, ...dependencies.build] : dependencies.extra(extra);
      for (const dependency of found) ask(dependency);
    }
  }
  return reached;
}

/** The dependencies of every release, file and record of a name, identical metadata once. */
function candidateMetadata(key: string, options: ReachOptions): CandidateDependencies[] {
  const { source, target } = options;
  const seen = new Set<string>();
  const all: CandidateDependencies[] = [];
  const add = (identity: string, compute: () => CandidateDependencies, texts: () => readonly string[]) => {
    if (seen.has(identity)) return;
    seen.add(identity);
    all.push(orEveryName(compute, texts));
  };
  for (const dataKey of source.keys(key)) {
    for (const release of source.sdistReleases(dataKey, target.python)) {
      const texts = () => [...release.installRequires, ...release.setupRequires, ...Object.values(release.extrasRequire).flat(), ...(release.requiresDist ?? [])];
      const compute = () => (release.requiresDist === undefined ? sdistDependencies(release, target.markers) : requiresDistDependencies(release.requiresDist, target.markers));
      add(`sdist ${JSON.stringify([release.installRequires, release.setupRequires, release.extrasRequire, release.requiresDist ?? null])}`, compute, texts);
    }
    for (const wheel of source.wheelReleases(dataKey)) {
      add(`wheel ${JSON.stringify(wheel.requiresDist)}`, () => requiresDistDependencies(wheel.requiresDist, target.markers), () => wheel.requiresDist);
    }
    for (const channel of options.condaChannels) {
      for (const record of source.condaRecords(channel, dataKey)) {
        if (seen.has(`conda ${JSON.stringify(record.depends)}`)) continue;
        seen.add(`conda ${JSON.stringify(record.depends)}`);
        // as condaCandidates: `python` is the target's, not a package
        all.push({ runtime: record.depends.flatMap(condaOrNothing).filter((d) => d.key !== 'python'), build: [], extra: () => [] });
      }
    }
  }
  return all;
}

/**
 * The metadata as the candidates read it; where they could not (also for one extra, whose
 * markers are evaluated when it is asked for), every name its lines state.
 */
function orEveryName(compute: () => CandidateDependencies, texts: () => readonly string[]): CandidateDependencies {
  const everyName = () => texts().flatMap(dependencyOrNothing);
  let dependencies: CandidateDependencies;
  try {
    dependencies = compute();
  } catch (error) {
    if (!(error instanceof InvalidMetadata)) throw error;
    return { runtime: everyName(), build: [], extra: () => [] };
  }
  return {
    runtime: dependencies.runtime,
    build: dependencies.build,
    extra: (name) => {
      try {
        return dependencies.extra(name);
      } catch (error) {
        if (!(error instanceof InvalidMetadata)) throw error;
        return everyName();
      }
    },
  };
}

/** The dependency a line states, as `parse` reads it; none where it cannot be read (it names nothing to reach). */
function parsedOrNothing(parse: (text: string) => Dependency): (text: string) => Dependency[] {
  return (text) => {
    try {
      return [parse(text)];
    } catch (error) {
      if (error instanceof InvalidRequirement) return [];
      throw error;
    }
  };
}

const dependencyOrNothing = parsedOrNothing(parseDependency);
const condaOrNothing = parsedOrNothing(condaDependency);
