/**
 * Python packages for the solver: what the candidates of a package are (`candidates.ts`), what
 * each depends on for the target, which candidates a requirement admits, and how to explain it
 * when nothing does.
 *
 * Package identities the solver sees:
 * - `name` — a project, by PEP 503 name;
 * - `name[extra]` — the extra of a project, a virtual package with the project's candidates,
 *   whose candidate i requires candidate i of `name` plus the extra's dependencies. Requesting
 *   several extras thus unions their dependencies on one version of `name` (mach-nix's rule);
 * - `__glibc`, `__cuda`, `__unix`, `__linux`, `__osx` — conda's virtual packages, with one
 *   candidate each from the explicit target (never from the machine running the resolver).
 */
import { type SpecifierSet, Version } from '../pep440.js';
import { CandidateSet } from '../resolver/candidate-set.js';
import type { Describer } from '../resolver/report.js';
import type { CandidateDependencies as SolverCandidateDependencies, SolverDependency, SolverProvider } from '../resolver/solver.js';
import { type DependencySource, type DistributionFile, parsePythonKey } from '../db/source.js';
import { compareCodePoints } from '../code-points.js';
import { canonicalizeName } from '../pep503.js';
import { didYouMean, suggestions, typoBound } from '../suggest.js';
import {
  type Candidate,
  type CandidateContext,
  type Rejection,
  condaCandidates,
  matchesBuild,
  nixpkgsCandidates,
  sdistCandidates,
  wheelCandidates,
} from './candidates.js';
import { type CandidateDependencies, type Dependency, InvalidMetadata, UNKNOWN_DEPENDENCIES } from './dependencies.js';
import type { ProviderName, ProviderSettings } from './settings.js';
import type { DirectUrl, PinnedHashes, Roots } from './roots.js';
import type { PackageWhy, Source } from '../generated/resolution.js';

type RequiredBy = PackageWhy['requiredBy'][number];
import type { Target } from '../target.js';

export interface PythonProviderOptions {
  readonly source: DependencySource;
  readonly settings: ProviderSettings;
  readonly target: Target;
  /** Projects required as `name @ url`: that URL is their only candidate. */
  readonly urls?: ReadonlyMap<string, DirectUrl>;
  /** pip's `--pre`: prereleases are as good as final releases. */
  readonly prereleases?: boolean;
  /**
   * Projects whose every requirement admits the prereleases it matches, because some requirement
   * on them names a prerelease (pip judges prereleases by all requirements on a project together).
   */
  readonly prereleasesFor?: ReadonlySet<string>;
  /** The CUDA version conda's `__cuda` stands for; none when absent. */
  readonly cudaVersion?: string | null;
  /** Projects pinned by `--hash`: only a candidate whose file has one of the hashes is admitted. */
  readonly hashes?: ReadonlyMap<string, PinnedHashes>;
}

interface PackageCandidates {
  readonly candidates: readonly Candidate[];
  readonly rejected: readonly Rejection[];
  /** The data's keys of the project (empty: no data knows it). */
  readonly dataKeys: readonly string[];
}

/** A package of a solution, as the resolution document describes it. */
export interface SelectedPackage {
  /** PEP 503 name. */
  readonly key: string;
  readonly candidate: Candidate;
  readonly source: Source;
  /** Extras selected, unioned over every requirement, sorted. */
  readonly extras: readonly string[];
  /** Null when nobody knows the dependencies (a nixpkgs package without data, a direct URL). */
  readonly runtime: readonly string[] | null;
  /** Needed only to build it, apart from the runtime ones; null when unknown. */
  readonly build: readonly string[] | null;
}

/** `name[extra]` → [name, extra]; a plain name → [name, null]. */
function splitPackage(pkg: string): [string, string | null] {
  const open = pkg.indexOf('[');
  return open === -1 ? [pkg, null] : [pkg.slice(0, open), pkg.slice(open + 1, -1)];
}

const MAX_LISTED = 6;

function listVersions(versions: readonly string[]): string {
  return versions.length <= MAX_LISTED ? versions.join(', ') : `${versions.slice(0, MAX_LISTED).join(', ')}, … (${versions.length} in all)`;
}

export class PythonProvider implements SolverProvider, Describer {
  private readonly context: CandidateContext;
  private readonly packages = new Map<string, PackageCandidates>();
  private readonly allowedSets = new Map<string, CandidateSet>();
  /** Projects some requirement met so far names a prerelease of. */
  readonly namingPrereleases = new Set<string>();
  /** The dependencies behind solver dependencies (package and text), for explanations. */
  private readonly written = new Map<string, Dependency>();
  /** Texts of the dependencies that produced each candidate set, to describe sets by them. */
  private readonly setTexts = new Map<string, Map<string, string>>();

  constructor(private readonly options: PythonProviderOptions) {
    this.context = { source: options.source, target: options.target };
  }

  /** The candidates of a project (or of the project of an extra), most preferred first. */
  candidates(pkg: string): readonly Candidate[] {
    return this.packageCandidates(splitPackage(pkg)[0]).candidates;
  }

  private packageCandidates(key: string): PackageCandidates {
    let entry = this.packages.get(key);
    if (entry) return entry;
    const direct = this.options.urls?.get(key);
    if (direct !== undefined) {
      entry = { candidates: [urlCandidate(key, direct)], rejected: [], dataKeys: [] };
    } else if (key.startsWith('__')) {
      entry = { candidates: this.virtualCandidates(key), rejected: [], dataKeys: [] };
    } else {
      const dataKeys = this.options.source.keys(key);
      const candidates: Candidate[] = [];
      const rejected: Rejection[] = [];
      for (const provider of this.options.settings.forPackage(key)) {
        const list =
          provider === 'wheel' ? wheelCandidates(key, dataKeys, this.context)
          : provider === 'sdist' ? sdistCandidates(key, dataKeys, this.context)
          : provider === 'nixpkgs' ? nixpkgsCandidates(key, dataKeys, this.context)
          : condaCandidates(key, dataKeys, provider.slice('conda/'.length), this.context);
        // one by one: push(...list) overflows the stack for a project with ~100,000 candidates
        for (const item of list.candidates) candidates.push(item);
        for (const item of list.rejected) rejected.push(item);
      }
      entry = { candidates, rejected, dataKeys };
    }
    this.packages.set(key, entry);
    return entry;
  }

  /** conda's virtual packages, described by the target (mach-nix read some from the build machine). */
  private virtualCandidates(key: string): Candidate[] {
    const { os, spec } = this.options.target;
    const versions = new Map<string, string | null | undefined>([
      ['__unix', '0'],
      ['__linux', os === 'linux' ? '0' : null],
      ['__glibc', os === 'linux' ? spec.glibc : null],
      ['__osx', os === 'darwin' ? spec.macos ?? '11.0' : null],
      ['__cuda', this.options.cudaVersion],
    ]);
    const version = versions.get(key);
    if (version === null || version === undefined) return [];
    return [{
      key, version: Version.parse(version), versionText: version, provider: 'target',
      source: { kind: 'virtual', description: `conda virtual package of the target` }, notes: [],
      dependencies: () => UNKNOWN_DEPENDENCIES,
    }];
  }

  /** The solver's root dependencies: the requirements, then the constraints. */
  rootDependencies(roots: Pick<Roots, 'requirements' | 'constraints'>): SolverDependency[] {
    return [
      ...roots.requirements.flatMap((dependency) => this.solverDependencies(dependency)),
      ...roots.constraints.flatMap((dependency) => this.solverDependencies(dependency, 'constrains')),
    ];
  }

  /**
   * The projects of a solution (`Solver.solve()`'s package → candidate index), by name, with their
   * dependencies among the selected packages; extras and conda's virtual packages are folded in.
   */
  selectedPackages(selected: ReadonlyMap<string, number>): SelectedPackage[] {
    const extras = new Map<string, string[]>();
    for (const pkg of selected.keys()) {
      const [key, extra] = splitPackage(pkg);
      if (extra !== null) extras.set(key, [...(extras.get(key) ?? []), extra].sort());
    }
    const keys = [...selected.keys()].filter((pkg) => !pkg.includes('[') && !pkg.startsWith('__')).sort();
    return keys.map((key) => {
      const index = selected.get(key)!;
      const candidate = this.candidates(key)[index]!;
      // A selected candidate's dependencies were read while solving, so they are known to be usable.
      const metadata = candidate.dependencies();
      const names = (dependencies: readonly Dependency[]) =>
        [...new Set(dependencies.map((d) => d.key))].filter((d) => d !== key && !d.startsWith('__') && selected.has(d)).sort();
      const own = extras.get(key) ?? [];
      const runtime = names([...metadata.runtime, ...own.flatMap((extra) => metadata.extra(extra))]);
      const build = names(metadata.build).filter((d) => !runtime.includes(d));
      const unknown = (candidate.source.kind === 'nixpkgs' && !candidate.source.dependenciesKnown) || candidate.source.kind === 'url';
      return { key, candidate, source: sourceOf(candidate), extras: own, runtime: unknown ? null : runtime, build: unknown ? null : build };
    });
  }

  /**
   * What the solver knew about each selected project (`mach-nix why`): the requirements on it in
   * the solution, its providers with their candidates, and why each candidate preferred to the
   * chosen one was not taken — a requirement that excludes it, unusable metadata, or else a
   * conflict the solver backtracked from.
   */
  whyOf(selected: ReadonlyMap<string, number>, roots: Pick<Roots, 'requirements' | 'constraints'>): Map<string, PackageWhy> {
    const on = new Map<string, { entry: RequiredBy; dependency: Dependency }[]>();
    const add = (dependency: Dependency, entry: RequiredBy) => {
      const list = on.get(dependency.key) ?? [];
      if (!list.some((known) => known.entry.package === entry.package && known.entry.requirement === entry.requirement && known.entry.kind === entry.kind)) {
        list.push({ entry, dependency });
      }
      on.set(dependency.key, list);
    };
    for (const dependency of roots.requirements) {
      add(dependency, { package: null, version: null, requirement: dependency.text, kind: 'runtime' });
    }
    for (const dependency of roots.constraints) add(dependency, { package: null, version: null, requirement: dependency.text, kind: 'constraint' });
    const extras = new Map<string, string[]>();
    for (const pkg of selected.keys()) {
      const [key, extra] = splitPackage(pkg);
      if (extra !== null) extras.set(key, [...(extras.get(key) ?? []), extra]);
    }
    const keys = [...selected.keys()].filter((pkg) => !pkg.includes('[') && !pkg.startsWith('__')).sort();
    for (const key of keys) {
      const candidate = this.candidates(key)[selected.get(key)!]!;
      const metadata = candidate.dependencies();
      const by = (dependency: Dependency, kind: RequiredBy['kind']): RequiredBy =>
        ({ package: key, version: candidate.versionText, requirement: dependency.text, kind });
      for (const dependency of [...metadata.runtime, ...(extras.get(key) ?? []).flatMap((extra) => metadata.extra(extra))]) {
        if (dependency.key !== key) add(dependency, by(dependency, 'runtime'));
      }
      for (const dependency of metadata.build) if (dependency.key !== key) add(dependency, by(dependency, 'build'));
    }

    const result = new Map<string, PackageWhy>();
    for (const key of keys) {
      const requirements = (on.get(key) ?? []).sort((a, b) => compareCodePoints(a.entry.package ?? '', b.entry.package ?? '') || compareCodePoints(a.entry.requirement, b.entry.requirement));
      const entry = this.packageCandidates(key);
      const chosen = selected.get(key)!;
      const providers = [...new Set([...this.options.settings.forPackage(key), ...entry.candidates.map((c) => c.provider)])].map((provider) => {
        const rejected = entry.rejected.filter((r) => r.provider === provider);
        return { provider, candidates: entry.candidates.filter((c) => c.provider === provider).length, rejected: rejected.length > 0 ? summarizeRejections(rejected) : null };
      });
      const skipped: PackageWhy['skipped'] = [];
      entry.candidates.slice(0, chosen).forEach((candidate, index) => {
        const excluding = requirements.find(({ dependency }) => !this.allowed(dependency).has(index));
        const metadata = excluding === undefined ? this.candidateDependencies(key, index) : null;
        const reason =
          excluding !== undefined ? `excluded by ${excluding.entry.requirement} (${excluding.entry.package === null ? (excluding.entry.kind === 'constraint' ? 'your constraints' : 'your requirements') : `${excluding.entry.package} ${excluding.entry.version}`})`
          : metadata !== null && 'unavailable' in metadata ? `unusable: ${metadata.unavailable}`
          : 'in conflict with the rest of the resolution (the solver backtracked from it)';
        const last = skipped.at(-1);
        if (last !== undefined && last.provider === candidate.provider && last.reason === reason) {
          last.count++;
          if (last.versions.length < 5) last.versions.push(candidate.versionText);
        } else {
          skipped.push({ provider: candidate.provider, versions: [candidate.versionText], count: 1, reason });
        }
      });
      result.set(key, { requiredBy: requirements.map(({ entry: e }) => e), providers, skipped });
    }
    return result;
  }

  candidateCount(pkg: string): number {
    return this.candidates(pkg).length;
  }

  /** What a candidate's metadata says, or why it cannot be used. */
  candidateDependencies(pkg: string, index: number): CandidateDependencies | { unavailable: string } {
    const candidate = this.candidates(pkg)[index]!;
    try {
      return candidate.dependencies();
    } catch (error) {
      if (error instanceof InvalidMetadata) return { unavailable: error.message };
      throw error;
    }
  }

  dependencies(pkg: string, index: number): SolverCandidateDependencies {
    const [key, extra] = splitPackage(pkg);
    const metadata = this.candidateDependencies(pkg, index);
    if ('unavailable' in metadata) return metadata;
    if (extra === null) {
      return { dependencies: [...metadata.runtime, ...metadata.build].flatMap((d) => this.solverDependencies(d)) };
    }
    const candidate = this.candidates(key)[index]!;
    const self: SolverDependency = {
      pkg: key,
      allowed: CandidateSet.of(this.candidateCount(key), [index]),
      text: `${key}==${candidate.versionText}`,
    };
    return { dependencies: [self, ...metadata.extra(extra).flatMap((d) => this.solverDependencies(d))] };
  }

  /**
   * A dependency as the solver sees it: on the project, and on each requested extra, both
   * restricted to the candidates the dependency admits.
   */
  solverDependencies(dependency: Dependency, kind: 'requires' | 'constrains' = 'requires'): SolverDependency[] {
    const allowed = this.allowed(dependency);
    const base: SolverDependency = { pkg: dependency.key, allowed, text: dependency.text, kind };
    const all = [base, ...dependency.extras.map((extra) => ({ ...base, pkg: `${dependency.key}[${extra}]` }))];
    for (const d of all) this.written.set(`${d.pkg}\0${d.text}`, dependency);
    return all;
  }

  /**
   * The candidates a dependency admits, by pip's prerelease rule: a prerelease only when the
   * specifier names one, or when no final release matches (or with `--pre`); and by PEP 592's
   * as pip applies it: a yanked release only when the dependency pins a version (`==` without a
   * wildcard, or `===`) and nothing but yanked releases matches it.
   */
  allowed(dependency: Dependency): CandidateSet {
    const key = `${dependency.key}\0${dependency.url ?? ''}\0${dependency.build ?? ''}\0${dependency.anyOf.join('|')}`;
    let set = this.allowedSets.get(key);
    if (!set) {
      const candidates = this.candidates(dependency.key);
      const pinned = this.options.hashes?.get(dependency.key);
      const eligible = candidates
        .map((candidate, index) => ({ candidate, index }))
        .filter(({ candidate }) => matchesBuild(candidate, dependency.build) && (dependency.url === null || candidate.source.kind === 'url'))
        .filter(({ candidate }) => pinned === undefined || fileOf(candidate).hashes.some((hash) => pinned.hashes.includes(hash)));
      const admitted = new Set<number>();
      const prereleases = this.options.prereleases || this.options.prereleasesFor?.has(dependency.key) ? true : undefined;
      if (dependency.anyOf.some((specifier) => specifier.impliesPrereleases)) this.namingPrereleases.add(dependency.key);
      for (const specifier of dependency.anyOf) {
        const urlCandidate = eligible.length === 1 && eligible[0]!.candidate.source.kind === 'url';
        // A direct URL is what was asked for, whatever version it turns out to be.
        const matching = urlCandidate ? eligible : specifier.filter(eligible, ({ candidate }) => candidate.version, { prereleases });
        const current = matching.filter(({ candidate }) => candidate.yanked === undefined);
        for (const { index } of current.length > 0 || !pinsVersion(specifier) ? current : matching) admitted.add(index);
      }
      set = CandidateSet.of(candidates.length, admitted);
      this.allowedSets.set(key, set);
    }
    this.rememberText(dependency.key, set, dependency.text);
    for (const extra of dependency.extras) this.rememberText(`${dependency.key}[${extra}]`, set, dependency.text);
    return set;
  }

  private rememberText(pkg: string, set: CandidateSet, text: string): void {
    let texts = this.setTexts.get(pkg);
    if (!texts) this.setTexts.set(pkg, (texts = new Map()));
    const id = [...set].join(',');
    if (!texts.has(id)) texts.set(id, text);
  }

  // -------------------------------------------------------------------------------------------
  // Explanations
  // -------------------------------------------------------------------------------------------

  private dataDate(): string {
    const timestamp = this.options.source.info().depsTimestamp;
    return timestamp === null ? '' : ` (data of ${new Date(timestamp * 1000).toISOString().slice(0, 10)})`;
  }

  /** What the data is called in explanations: the dependency data and its date, or the package indexes read. */
  private dataName(): string {
    const index = this.options.source.info().index;
    if (index === undefined) return `dependency data${this.dataDate()}`;
    const locations = [...index.indexUrls, ...index.findLinks];
    return `package ${locations.length === 1 ? 'index' : 'indexes'} (${locations.join(', ') || 'none: --no-index'})`;
  }

  explainNoCandidates(dependency: SolverDependency): string {
    const [key] = splitPackage(dependency.pkg);
    const entry = this.packageCandidates(key);
    const selected = this.options.settings.forPackage(key);
    if (key.startsWith('__')) return `the target does not provide the conda virtual package ${key}`;
    const emptied = this.options.settings.emptiedBy(key);
    if (selected.length === 0 && emptied !== null) return emptied;
    if (entry.candidates.length > 0) {
      const versions = [...new Set(entry.candidates.map((c) => c.versionText))];
      const written = this.written.get(`${dependency.pkg}\0${dependency.text}`);
      const rejectedMatching = entry.rejected.filter((r) => {
        const version = tryVersion(r.version);
        return version !== null && written !== undefined && written.anyOf.some((set) => set.contains(version));
      });
      const yanked = entry.candidates.filter((c) => c.yanked !== undefined && written !== undefined && written.anyOf.some((set) => set.contains(c.version, { prereleases: true })));
      const why =
        (rejectedMatching.length > 0 ? `; ${summarizeRejections(rejectedMatching)}` : '') +
        (yanked.length > 0 ? `; ${summarizeYanked(yanked)}` : '');
      const pinned = this.options.hashes?.get(key);
      if (pinned !== undefined && written !== undefined) {
        const files = entry.candidates
          .filter((c) => written.anyOf.some((set) => set.contains(c.version, { prereleases: true })))
          .map((c) => fileOf(c))
          .map(({ name, hashes }) => `${name} (${hashes.length === 0 ? 'no hash known' : hashes.join(', ')})`);
        if (files.length > 0) {
          return `no file of ${key} that matches it has a hash among the --hash values of ${pinned.places.join(', ')}: ${[...new Set(files)].join('; ')}${why}`;
        }
      }
      return `no candidate of ${key} matches it; ${key} has ${listVersions(versions)}${why}`;
    }
    if (entry.rejected.length > 0) return `no version of ${key} can be used here: ${summarizeRejections(entry.rejected)}`;
    if (entry.dataKeys.length === 0) {
      const near = this.similarNames(key);
      const missing = this.options.source.info().index !== undefined
        ? `${key} is not on the ${this.dataName()}`
        : `${key} is not in the dependency data${this.dataDate()}`;
      if (near.length > 0) return `${missing}: ${didYouMean(near)}`;
      return this.options.source.info().index !== undefined
        ? `${missing}: it may be misspelled, or not published there`
        : `${missing}: it may be newer than the data, or misspelled`;
    }
    const pythonGap = this.sdistPythonGap(key, entry.dataKeys, selected);
    if (pythonGap !== null) return pythonGap;
    const others = this.providersWith(key, entry.dataKeys).filter((p) => !selected.includes(p));
    const from = `${selected.length === 1 ? 'provider' : 'providers'} ${selected.join(', ')}`;
    if (others.length === 0) return `the ${this.dataName()} has nothing of ${key} for the ${from}`;
    const of = this.options.source.info().index === undefined ? this.dataDate() : ` (${this.dataName()})`;
    return `${key} is not available from the ${from}${of}, but from ${others.join(', ')}: add ${others.length === 1 ? 'it' : 'them'} to providers.${key} to use ${others.length === 1 ? 'it' : 'them'}`;
  }

  /**
   * When the sdist provider has nothing because the data has no sdist metadata for the target's
   * Python (nor an older one of its major version): which Pythons it has metadata for.
   */
  private sdistPythonGap(key: string, dataKeys: readonly string[], selected: readonly ProviderName[]): string | null {
    if (!selected.includes('sdist') || !dataKeys.some((k) => this.options.source.has(k).sdist)) return null;
    const { python } = this.options.target;
    const { source } = this.options;
    if (dataKeys.some((k) => source.sdistReleases(k, python).length > 0)) return null;
    const served = source.info().pythonKeys.filter((pythonKey) => {
      const other = parsePythonKey(pythonKey);
      return other !== null && dataKeys.some((k) => source.sdistReleases(k, other).some((release) => release.pythonKey === pythonKey));
    });
    if (served.length === 0) return null;
    const versions = served.map((k) => `${k[0]}.${k.slice(1)}`);
    return `the dependency data${this.dataDate()} has sdist metadata of ${key} for Python ${versions.join(', ')} only, none for Python ${python.major}.${python.minor} or an older ${python.major}.x: resolve for one of those (--python) or take ${key} from another provider`;
  }

  /** Names of the data a misspelled `key` may have meant. */
  private similarNames(key: string): string[] {
    const bound = typoBound(key);
    return suggestions(key, this.options.source.keysOfLength(key.length - bound, key.length + bound).map(canonicalizeName));
  }

  /** Providers whose data knows a project at all. */
  private providersWith(key: string, dataKeys: readonly string[]): ProviderName[] {
    const found = new Set<ProviderName>();
    for (const dataKey of dataKeys) {
      const availability = this.options.source.has(dataKey);
      if (availability.wheel) found.add('wheel');
      if (availability.sdist) found.add('sdist');
      if (availability.nixpkgs) found.add('nixpkgs');
      for (const channel of availability.conda) found.add(`conda/${channel}`);
    }
    return [...found].sort(compareCodePoints) as ProviderName[];
  }

  describe(pkg: string, set: CandidateSet): string {
    const candidates = this.candidates(pkg);
    if (set.isFull) return pkg;
    const members = [...set];
    if (members.length === 1) {
      const candidate = candidates[members[0]!]!;
      const twins = candidates.filter((c) => c.version.equals(candidate.version)).length;
      return `${pkg} ${candidate.versionText}${twins > 1 ? ` (${candidate.provider})` : ''}`;
    }
    const known = this.setTexts.get(pkg)?.get(members.join(','));
    if (known !== undefined) return known;
    return `${pkg} ${versionRuns(candidates, set)}`;
  }
}

function tryVersion(text: string): Version | null {
  try {
    return Version.parse(text);
  } catch {
    return null;
  }
}

/** pip's `is_pinned`: an `===`, or an `==` without a wildcard, among the specifiers. */
function pinsVersion(specifier: SpecifierSet): boolean {
  return specifier.specifiers.some(({ operator, version }) => operator === '===' || (operator === '==' && !version.endsWith('.*')));
}

function summarizeYanked(candidates: readonly Candidate[]): string {
  const versions = [...new Set(candidates.map((c) => c.versionText))];
  const reasons = [...new Set(candidates.map((c) => c.yanked!).filter((reason) => reason !== ''))];
  return `${listVersions(versions)} ${versions.length === 1 ? 'is' : 'are'} yanked from the index${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}, which only a requirement pinning the version with == may take (PEP 592)`;
}

function summarizeRejections(rejections: readonly Rejection[]): string {
  const byReason = new Map<string, string[]>();
  for (const { provider, version, reason } of rejections) {
    const label = `${reason} [${provider}]`;
    byReason.set(label, [...(byReason.get(label) ?? []), version]);
  }
  return [...byReason].map(([reason, versions]) => `${listVersions(versions)} ${reason}`).join('; ');
}

/** A set of candidates as version ranges: `>=1.0,<=1.4 | ==2.0`, by the versions it contains. */
function versionRuns(candidates: readonly Candidate[], set: CandidateSet): string {
  const inSet = new Map<string, { version: Version; included: boolean }>();
  candidates.forEach((candidate, index) => {
    const id = candidate.version.toString();
    const entry = inSet.get(id) ?? { version: candidate.version, included: false };
    entry.included ||= set.has(index);
    inSet.set(id, entry);
  });
  const sorted = [...inSet.values()].sort((a, b) => a.version.compare(b.version));
  const runs: string[] = [];
  let start = -1;
  for (let i = 0; i <= sorted.length; i++) {
    const included = i < sorted.length && sorted[i]!.included;
    if (included && start === -1) start = i;
    if (!included && start !== -1) {
      const lo = sorted[start]!.version.toString();
      const hi = sorted[i - 1]!.version.toString();
      if (start === i - 1) runs.push(`==${lo}`);
      else if (start === 0) runs.push(`<=${hi}`);
      else if (i === sorted.length) runs.push(`>=${lo}`);
      else runs.push(`>=${lo},<=${hi}`);
      start = -1;
    }
  }
  return runs.join(' | ');
}

function urlCandidate(key: string, { url, hash }: DirectUrl): Candidate {
  const fromFilename = /-(\d[^-]*?)(?:-[^-]+-[^-]+-[^-]+\.whl|\.tar\.gz|\.zip|\.tar\.bz2|\.tgz)$/.exec(url.split(/[?#]/)[0]!);
  const versionText = fromFilename?.[1] ?? '0';
  return {
    key, version: tryVersion(versionText) ?? Version.parse('0'), versionText, provider: 'url',
    source: { kind: 'url', url, hash },
    notes: ['a direct URL: its dependencies are not known to mach-nix and were not resolved'],
    dependencies: () => UNKNOWN_DEPENDENCIES,
  };
}

/** Where the resolution says a candidate comes from (`schemas/resolution.schema.json`'s source). */
function sourceOf(candidate: Candidate): Source {
  const origin = candidate.source;
  switch (origin.kind) {
    case 'wheel':
      return {
        type: 'wheel', filename: origin.file.filename, url: origin.download?.url ?? null, hash: origin.download?.hash ?? null,
        ...indexOf(origin.download),
      };
    case 'sdist':
      return {
        type: 'sdist', filename: origin.download?.filename ?? null, url: origin.download?.url ?? null,
        hash: origin.download?.hash ?? null, pythonKey: origin.release.pythonKey, ...indexOf(origin.download),
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

/** The lock's `index` of a file from a package index; nothing for the pinned data, whose locks stay as they were. */
function indexOf(download: DistributionFile | null): { index?: string } {
  return download?.index === undefined ? {} : { index: download.index };
}

/** The file a candidate installs and its digests as `--hash` writes them (`sha256:<hex>`). */
function fileOf(candidate: Candidate): { name: string; hashes: string[] } {
  const fromSri = (sri: string | null | undefined) => {
    const match = sri ? /^(sha256|sha384|sha512)-(.+)$/.exec(sri) : null;
    return match ? [`${match[1]}:${Buffer.from(match[2]!, 'base64').toString('hex')}`] : [];
  };
  const origin = candidate.source;
  switch (origin.kind) {
    case 'wheel':
      return { name: origin.file.filename, hashes: fromSri(origin.download?.hash) };
    case 'sdist':
      return { name: origin.download?.filename ?? `${candidate.key} ${candidate.versionText} (sdist)`, hashes: fromSri(origin.download?.hash) };
    case 'conda':
      return { name: origin.record.filename, hashes: origin.record.sha256 === null ? [] : [`sha256:${origin.record.sha256.toLowerCase()}`] };
    case 'url':
      return { name: origin.url, hashes: fromSri(origin.hash) };
    case 'nixpkgs':
      return { name: `nixpkgs attribute ${origin.attribute}`, hashes: [] };
    case 'virtual':
      return { name: candidate.key, hashes: [] };
  }
}
