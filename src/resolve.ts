/**
 * From what the user asked for to the resolution document (`schemas/resolution.schema.json`):
 * the provider settings, the root requirements for the target, the solver, and the dependency
 * graph the Nix library builds (cycles broken, build and runtime dependencies apart).
 */
import { InputFileError, MachNixError, UsageError, formatLocation } from './errors.js';
import type { DependencySource } from './db/source.js';
import { type Inputs, requirementLineText } from './inputs.js';
import type { RequirementLine, RequirementsOptions } from './requirements-txt.js';
import { PythonProvider, type SelectedPackage } from './providers/python-provider.js';
import { type Roots, rootsOf } from './providers/roots.js';
import { type ProviderName, ProviderSettings, type ProvidersInput } from './providers/settings.js';
import { explainFailure } from './resolver/report.js';
import { SolveFailure, Solver, type SolverStatistics } from './resolver/solver.js';
import type { Resolution } from './generated/resolution.js';
import type { Target } from './target.js';
import { didYouMean, suggestions } from './suggest.js';
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
  /** Resolve pyproject.toml's `[build-system].requires` with the requirements, as buildPythonPackage does. */
  readonly buildSystem?: boolean;
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
  const { target, inputs } = options;
  const info = options.source.info();
  if (info.index === undefined) refuseIndexOptions(inputs.options);
  for (const { specifier, source } of inputs.requiresPython) {
    if (!specifier.contains(target.python.full, { prereleases: true })) {
      throw new InputFileError(source, `requires-python ${JSON.stringify(specifier.toString())} excludes the target Python ${target.python.full}: resolve for a Python it allows (--python)`);
    }
  }
  const settings = ProviderSettings.create(options.providers ?? {}, options.providerDefaults ?? null, [
    ...inputs.condaChannels,
    ...(options.condaChannels ?? []),
  ]).withFormats(inputs.options);
  checkCondaChannels(settings, options.source);
  const notes: string[] = [];
  if (options.inputs.python !== null && options.inputs.python !== `${target.python.major}.${target.python.minor}`) {
    notes.push(`the environment.yml asks for Python ${options.inputs.python}; resolved for Python ${target.spec.python}`);
  }

  const requirements = options.buildSystem ? [...inputs.requirements, ...inputs.buildRequirements] : inputs.requirements;
  const roots = rootsOf(requirements, inputs.constraints, target);
  const hashMode = hashCheckingMode(inputs.options, roots);
  if (hashMode !== null) checkPinned(roots, requirements, hashMode);
  if (roots.localSources.length > 0) {
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
      urls: roots.urls,
      hashes: roots.hashes,
      prereleases: options.inputs.options.pre,
      prereleasesFor,
      cudaVersion: options.cudaVersion ?? null,
    });
    const solver = new Solver(provider, provider.rootDependencies(roots));
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

  const resolution: Resolution = {
    lockVersion: 1,
    generator: `mach-nix ${toolVersion()}`,
    inputHash: options.inputHash ?? null,
    target: { python: target.spec.python, platform: target.platform, glibc: target.spec.glibc, macos: target.spec.macos },
    data: {
      depsTimestamp: info.depsTimestamp,
      fetcherCommit: info.fetcherCommit,
      ...(info.index === undefined ? {} : { index: { indexUrls: [...info.index.indexUrls], findLinks: [...info.index.findLinks] } }),
    },
    providers: settings.toJSON(),
    roots: [...new Set(roots.requirements.map((dependency) => dependency.key))].sort(),
    packages: {},
    localSources: [...roots.localSources],
    notes,
  };
  const packages = provider.selectedPackages(selected);
  if (hashMode !== null) checkHashed(packages, roots, hashMode);
  buildGraph(resolution, packages, notes);
  for (const [key, why] of provider.whyOf(selected, roots)) resolution.packages[key]!.why = why;
  const fellBack = binaryFallbacks(resolution, options.source);
  if (fellBack.length > 0) {
    const python = target.spec.python.split('.').slice(0, 2).join('.');
    notes.push(`no binary wheel of the data fits the target (Python ${python}, ${target.platform}): built from sdists instead (C compilers and build tools needed): ${fellBack.join(', ')}`);
  }
  return { resolution, statistics };
}

/**
 * The packages taken from sdists although the data has binary wheels of that version, for other
 * Pythons or platforms: the pinned data (May 2023) has none for Python 3.12 and later.
 */
function binaryFallbacks(resolution: Resolution, source: DependencySource): string[] {
  return Object.values(resolution.packages)
    .filter((p) => p!.provider === 'sdist')
    .filter((p) => source.keys(p!.name).some((key) =>
      source.wheelReleases(key).some((wheel) => wheel.version === p!.version && !wheel.filename.endsWith('-any.whl'))))
    .map((p) => p!.name)
    .sort();
}

/**
 * The pinned data is a copy of PyPI: a requirements file naming PyPI as its index asks for
 * nothing else, and `--trusted-host` only relaxes checks of hosts never contacted. Any other
 * index option names another source of packages, which the pinned data cannot honour: resolving
 * without it would silently take PyPI's packages instead (the CLI reads those lines when it
 * resolves against the index, `../index/locations.ts`).
 */
function refuseIndexOptions(options: RequirementsOptions): void {
  const line = options.given.find(
    (given) =>
      ['--extra-index-url', '--no-index', '--find-links'].includes(given.option) ||
      (given.option === '--index-url' && !isPypiSimple(given.value ?? '')),
  );
  if (line === undefined) return;
  throw new InputFileError(
    line.source,
    `${line.option} names a package source, but this resolution reads the pinned dependency data (pypi-deps-db), a copy of PyPI: ` +
      'lock against the index instead — `mach-nix lock -r <file>` without --deps-db reads these lines — and give mkPython the lock (lockFile)',
  );
}

/** PyPI's simple index, as pip spells its default. */
function isPypiSimple(url: string): boolean {
  return /^https:\/\/pypi\.org\/simple\/?$/.test(url.trim());
}

/**
 * pip's hash-checking mode: on with `--require-hashes`, or as soon as any requirement has a
 * `--hash`. Null when off, else what turned it on (for messages).
 */
function hashCheckingMode(options: RequirementsOptions, roots: Roots): string | null {
  const required = options.given.find((given) => given.option === '--require-hashes');
  if (required !== undefined) return `--require-hashes (${formatLocation(required.source)})`;
  const first = [...roots.hashes.values()][0];
  return first === undefined ? null : `--hash on ${first.places[0]}`;
}

/** pip: in hash-checking mode every requirement is pinned to one version with `==` (or is a URL). */
function checkPinned(roots: Roots, lines: readonly RequirementLine[], mode: string): void {
  const loose = lines.filter((line) => {
    if (line.kind !== 'requirement') return line.kind === 'conda';
    const { requirement } = line;
    if (requirement.url !== null) return false;
    const { specifiers } = requirement.specifier;
    return !(specifiers.length === 1 && (specifiers[0]!.operator === '==' || specifiers[0]!.operator === '===') && !specifiers[0]!.version.includes('*'));
  });
  if (loose.length > 0 && roots.requirements.length > 0) {
    throw new UsageError(
      `hash-checking mode (${mode}): every requirement must be pinned with ==, as pip requires; not pinned: ` +
        loose.map((line) => `${requirementLineText(line)} (${formatLocation(line.source)})`).join(', '),
    );
  }
}

/**
 * pip: in hash-checking mode every package installed needs --hash values, dependencies too. What
 * only builds a package (setup_requires) is not installed, and pip does not hash-check its build
 * environment either, so only the runtime closure of the roots is checked.
 */
function checkHashed(packages: readonly SelectedPackage[], roots: Roots, mode: string): void {
  const byKey = new Map(packages.map((p) => [p.key, p]));
  const installed = new Set<string>();
  const visit = (key: string) => {
    if (installed.has(key) || !byKey.has(key)) return;
    installed.add(key);
    for (const dependency of byKey.get(key)!.runtime ?? []) visit(dependency);
  };
  for (const root of roots.requirements) visit(root.key);
  const missing = packages.filter((p) => installed.has(p.key) && !roots.hashes.has(p.key)).map((p) => `${p.key} ${p.candidate.versionText}`);
  if (missing.length > 0) {
    throw new UsageError(`hash-checking mode (${mode}): every package needs --hash values, as pip requires; missing for ${missing.join(', ')}`);
  }
}

/** The words of providers settings that are not conda channels. */
const PROVIDER_WORDS = ['wheel', 'sdist', 'nixpkgs', 'conda'];

function checkCondaChannels(settings: ProviderSettings, source: DependencySource): void {
  const known = new Set(source.info().condaChannels);
  const unknown = settings.all.filter((p) => p.startsWith('conda/') && !known.has(p.slice('conda/'.length)));
  // Any word that is not a provider names a conda channel: a misspelled provider ("wheels") is
  // one the user did not mean.
  for (const provider of unknown) {
    const word = provider.slice('conda/'.length);
    const near = suggestions(word, PROVIDER_WORDS);
    if (near.length > 0) {
      throw new UsageError(`providers: ${JSON.stringify(word)} is not a provider, and no conda channel of that name is known: ${didYouMean(near)} (the providers are ${PROVIDER_WORDS.join(', ')} and conda channels)`);
    }
  }
  if (unknown.length > 0) {
    const near = unknown.flatMap((p) => suggestions(p.slice('conda/'.length), known));
    if (near.length > 0) {
      throw new UsageError(
        `conda channels ${unknown.map((p) => p.slice('conda/'.length)).join(', ')} are unknown: ${didYouMean([...new Set(near)])} (or make them available with condaChannelsExtra, or --conda)`,
      );
    }
    throw new UsageError(
      `conda channels ${unknown.map((p) => p.slice('conda/'.length)).join(', ')} are unknown: make them available with condaChannelsExtra (or --conda)`,
    );
  }
}

/**
 * The packages of the solution with their dependency lists. A cycle (a → b → a) cannot be built
 * as Nix derivations: the edge that closes it, met in a depth-first walk from the roots in name
 * order, is left out and recorded in the depending package's `cycleDependencies`.
 */
function buildGraph(resolution: Resolution, packages: readonly SelectedPackage[], notes: string[]): void {
  const edges = new Map<string, { runtime: string[]; build: string[] }>();
  for (const { key, candidate, source, extras, runtime, build } of packages) {
    edges.set(key, { runtime: [...(runtime ?? [])], build: [...(build ?? [])] });
    resolution.packages[key] = {
      name: key,
      version: candidate.versionText,
      provider: candidate.provider as ProviderName,
      source,
      dependencies: runtime === null ? null : [...runtime],
      buildDependencies: build === null ? null : [...build],
      extras: [...extras],
      root: resolution.roots.includes(key),
      cycleDependencies: [],
      notes: [...candidate.notes],
    };
  }
  const keys = packages.map((p) => p.key);

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
