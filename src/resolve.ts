/**
 * From what the user asked for to the resolution document (`schemas/resolution.schema.json`):
 * the provider settings, the root requirements for the target, the solver, and the dependency
 * graph the Nix library builds (cycles broken, build and runtime dependencies apart).
 */
import { MachNixError, MarkerEvaluationError, UsageError, formatLocation } from './errors.js';
import type { DependencySource } from './db/source.js';
import type { Inputs } from './inputs.js';
import type { CandidateDependencies, Dependency } from './providers/dependencies.js';
import { dependencyOf } from './providers/dependencies.js';
import { type DirectUrl, PythonProvider, splitPackage } from './providers/python-provider.js';
import { type ProviderName, ProviderSettings, type ProvidersInput } from './providers/settings.js';
import type { Candidate } from './providers/candidates.js';
import { explainFailure } from './resolver/report.js';
import { SolveFailure, Solver, type SolverDependency, type SolverStatistics } from './resolver/solver.js';
import type { LocalSource, Package, Resolution, Source } from './generated/resolution.js';
import type { RequirementLine } from './requirements-txt.js';
import type { Target } from './target.js';
import type { MarkerEnvironment } from './pep508.js';
import { toolVersion } from './version.js';

export interface ResolveOptions {
  readonly source: DependencySource;
  readonly inputs: Inputs;
  /** Parsed at the boundary (`parseTarget`). */
  readonly target: Target;
  readonly providers?: ProvidersInput;
  /** mach-nix's `_providerDefaults`: null (the default) for the built-in table, `{}` for none. */
  readonly providerDefaults?: ProvidersInput | null;
  /** Conda channels made available besides the data's (`condaChannelsExtra`). */
  readonly condaChannels?: readonly string[];
  readonly cudaVersion?: string | null;
  /** The hash of the resolve request answered (Nix and `mach-nix lock`). */
  readonly inputHash?: string | null;
}

/** No set of packages satisfies the requirements; `details` explains why, line by line. */
export class ResolutionImpossible extends MachNixError {
  constructor(readonly explanation: string) {
    super('the requirements cannot be resolved:', explanation);
  }
}

export interface ResolveOutcome {
  readonly resolution: Resolution;
  readonly statistics: SolverStatistics;
}

export function resolve(options: ResolveOptions): ResolveOutcome {
  const { target } = options;
  const settings = ProviderSettings.create(options.providers ?? {}, options.providerDefaults ?? null, [
    ...options.inputs.condaChannels,
    ...(options.condaChannels ?? []),
  ]);
  checkCondaChannels(settings, options.source);
  const environment = target.markers;
  const notes: string[] = [];
  if (options.inputs.python !== null && options.inputs.python !== `${target.python.major}.${target.python.minor}`) {
    notes.push(`the environment.yml asks for Python ${options.inputs.python}; resolved for Python ${target.spec.python}`);
  }

  const roots: { dependency: Dependency; line: RequirementLine }[] = [];
  const constraints: Dependency[] = [];
  const localSources: LocalSource[] = [];
  const urls = new Map<string, DirectUrl>();
  for (const line of options.inputs.requirements) {
    if (line.kind === 'editable' || line.kind === 'path') {
      localSources.push({ kind: line.kind, target: line.target, extras: [...line.extras], from: formatLocation(line.source) });
      continue;
    }
    const dependency = dependencyOf(line);
    if (!applies(dependency, environment, line)) continue;
    if (dependency.url !== null) {
      const other = urls.get(dependency.key);
      if (other !== undefined && other.url !== dependency.url) {
        throw new UsageError(`${formatLocation(line.source)}: ${dependency.key} is required from two URLs: ${other.url} and ${dependency.url}`);
      }
      const hash = directUrlHash(dependency.url, line.hashes, line);
      if (other !== undefined && other.hash !== null && hash !== null && other.hash !== hash) {
        throw new UsageError(`${formatLocation(line.source)}: ${dependency.url} is pinned by two different hashes`);
      }
      urls.set(dependency.key, { url: dependency.url, hash: hash ?? other?.hash ?? null });
    }
    roots.push({ dependency, line });
  }
  for (const line of options.inputs.constraints) {
    if (line.kind !== 'requirement' && line.kind !== 'conda') continue;
    const dependency = dependencyOf(line);
    if (applies(dependency, environment, line)) constraints.push(dependency);
  }
  if (localSources.length > 0) {
    notes.push('local paths and editable installs are not resolved here (nor their dependencies): give them to mkPython with packagesExtra');
  }

  // pip's prerelease rule judges all requirements on a project together: a prerelease one of them
  // names is acceptable to the others too. The rule is applied per requirement first; when that
  // fails, again with prereleases admitted everywhere for the projects a requirement named one of.
  let prereleasesFor = new Set<string>();
  const statistics: SolverStatistics = { decisions: 0, conflicts: 0, incompatibilities: 0 };
  let solved: { provider: PythonProvider; selected: Map<string, number> } | null = null;
  while (solved === null) {
    const provider = new PythonProvider({
      source: options.source,
      settings,
      target,
      urls,
      prereleases: options.inputs.options.pre,
      prereleasesFor,
      cudaVersion: options.cudaVersion ?? null,
    });
    const rootDependencies: SolverDependency[] = [
      ...roots.flatMap(({ dependency }) => provider.solverDependencies(dependency)),
      ...constraints.flatMap((dependency) => provider.solverDependencies(dependency, 'constrains')),
    ];
    const solver = new Solver(provider, rootDependencies);
    try {
      solved = { provider, selected: solver.solve() };
    } catch (error) {
      if (!(error instanceof SolveFailure)) throw error;
      const widened = new Set([...prereleasesFor, ...provider.namingPrereleases]);
      if (widened.size === prereleasesFor.size) throw new ResolutionImpossible(explainFailure(error.incompatibility, provider));
      prereleasesFor = widened;
    } finally {
      for (const key of Object.keys(statistics) as (keyof SolverStatistics)[]) statistics[key] += solver.statistics[key];
    }
  }
  const { provider, selected } = solved;

  const info = options.source.info();
  const resolution: Resolution = {
    lockVersion: 1,
    generator: `mach-nix ${toolVersion()}`,
    inputHash: options.inputHash ?? null,
    target: { python: target.spec.python, platform: target.platform, glibc: target.spec.glibc, macos: target.spec.macos },
    data: { depsTimestamp: info.depsTimestamp, fetcherCommit: info.fetcherCommit },
    providers: settings.toJSON(),
    roots: [...new Set(roots.map(({ dependency }) => dependency.key))].sort(),
    packages: {},
    localSources,
    notes,
  };
  buildGraph(resolution, provider, selected, notes);
  return { resolution, statistics };
}

function applies(dependency: Dependency, environment: MarkerEnvironment, line: RequirementLine): boolean {
  if (dependency.marker === null) return true;
  try {
    return dependency.marker.evaluate(environment);
  } catch (error) {
    if (error instanceof MarkerEvaluationError) throw new UsageError(`${formatLocation(line.source)}: ${error.message}`);
    throw error;
  }
}

function checkCondaChannels(settings: ProviderSettings, source: DependencySource): void {
  const known = new Set(source.info().condaChannels);
  const unknown = settings.all.filter((p) => p.startsWith('conda/') && !known.has(p.slice('conda/'.length)));
  if (unknown.length > 0) {
    throw new UsageError(
      `conda channels ${unknown.map((p) => p.slice('conda/'.length)).join(', ')} are unknown: make them available with condaChannelsExtra (or --conda)`,
    );
  }
}

/** Hash algorithms pip accepts that Nix's fetchers accept too. */
const FETCHABLE_HASH = /^(?:(sha256)[:=]([0-9a-f]{64})|(sha512)[:=]([0-9a-f]{128}))$/i;

/**
 * The SRI hash a direct URL is pinned by — its `#sha256=…` fragment or its `--hash` — which lets
 * the Nix library fetch it in pure evaluation. A file has one digest per algorithm, so two
 * different ones are a mistake in the requirements, reported rather than guessed between.
 */
function directUrlHash(url: string, hashes: readonly string[], line: RequirementLine): string | null {
  const fragment = url.split('#')[1]?.split('&') ?? [];
  const digests = new Set<string>();
  for (const written of [...fragment, ...hashes]) {
    const match = FETCHABLE_HASH.exec(written);
    if (!match) continue;
    const [algorithm, hex] = match[1] === undefined ? [match[3]!, match[4]!] : [match[1], match[2]!];
    digests.add(`${algorithm.toLowerCase()}-${Buffer.from(hex, 'hex').toString('base64')}`);
  }
  if (digests.size > 1) {
    throw new UsageError(`${formatLocation(line.source)}: ${url} is pinned by ${digests.size} different hashes; a URL names one file`);
  }
  return digests.size === 1 ? [...digests][0]! : null;
}

function sourceOf(candidate: Candidate): Source {
  const origin = candidate.source;
  switch (origin.kind) {
    case 'wheel':
      return { type: 'wheel', filename: origin.file.filename, url: origin.download?.url ?? null, hash: origin.download?.hash ?? null };
    case 'sdist':
      return {
        type: 'sdist', filename: origin.download?.filename ?? null, url: origin.download?.url ?? null,
        hash: origin.download?.hash ?? null, pythonKey: origin.release.pythonKey,
      };
    case 'nixpkgs':
      return { type: 'nixpkgs', attribute: origin.attribute };
    case 'conda': {
      const { record } = origin;
      const hash = record.sha256 === null ? null : `sha256-${Buffer.from(record.sha256, 'hex').toString('base64')}`;
      return { type: 'conda', channel: record.channel, subdir: record.subdir, filename: record.filename, build: record.build, url: record.url, hash };
    }
    case 'url':
      return { type: 'url', url: origin.url, hash: origin.hash };
    case 'virtual':
      throw new Error('internal: a virtual package has no source');
  }
}

/**
 * The packages of the solution with their dependency lists. A cycle (a → b → a) cannot be built
 * as Nix derivations: the edge that closes it, met in a depth-first walk from the roots in name
 * order, is left out and recorded in the depending package's `cycleDependencies`.
 */
function buildGraph(resolution: Resolution, provider: PythonProvider, selected: Map<string, number>, notes: string[]): void {
  const extras = new Map<string, string[]>();
  for (const pkg of selected.keys()) {
    const [key, extra] = splitPackage(pkg);
    if (extra !== null) extras.set(key, [...(extras.get(key) ?? []), extra].sort());
  }
  const keys = [...selected.keys()].filter((pkg) => !pkg.includes('[') && !pkg.startsWith('__')).sort();
  const edges = new Map<string, { runtime: string[]; build: string[] }>();
  for (const key of keys) {
    const index = selected.get(key)!;
    const candidate = provider.candidates(key)[index]!;
    const metadata = provider.candidateDependencies(key, index) as CandidateDependencies;
    const names = (dependencies: readonly Dependency[]) =>
      [...new Set(dependencies.map((d) => d.key))].filter((d) => d !== key && !d.startsWith('__') && selected.has(d)).sort();
    const runtime = names([...metadata.runtime, ...(extras.get(key) ?? []).flatMap((e) => metadata.extra(e))]);
    const build = names(metadata.build).filter((d) => !runtime.includes(d));
    edges.set(key, { runtime, build });
    const unknown = (candidate.source.kind === 'nixpkgs' && !candidate.source.dependenciesKnown) || candidate.source.kind === 'url';
    const entry: Package = {
      name: key,
      version: candidate.versionText,
      provider: candidate.provider as ProviderName,
      source: sourceOf(candidate),
      dependencies: unknown ? null : runtime,
      buildDependencies: unknown ? null : build,
      extras: extras.get(key) ?? [],
      root: resolution.roots.includes(key),
      cycleDependencies: [],
      notes: [...candidate.notes],
    };
    resolution.packages[key] = entry;
  }

  const state = new Map<string, 'active' | 'done'>();
  const visit = (key: string) => {
    state.set(key, 'active');
    const edge = edges.get(key)!;
    for (const kind of ['runtime', 'build'] as const) {
      for (const dependency of [...edge[kind]]) {
        const status = state.get(dependency);
        if (status === 'active') {
          edge[kind] = edge[kind].filter((d) => d !== dependency);
          const entry = resolution.packages[key]!;
          entry.cycleDependencies.push(dependency);
          if (kind === 'runtime' && entry.dependencies) entry.dependencies = edge.runtime;
          if (kind === 'build' && entry.buildDependencies) entry.buildDependencies = edge.build;
          notes.push(`circular dependency removed: ${key} -> ${dependency}`);
        } else if (status === undefined) {
          visit(dependency);
        }
      }
    }
    state.set(key, 'done');
  };
  for (const key of [...resolution.roots, ...keys]) if (edges.has(key) && !state.has(key)) visit(key);
}
