/**
 * The candidates of one package, in mach-nix's preference order: provider by provider as the
 * settings list them, each provider's candidates newest version first. The solver always tries
 * the first allowed candidate, so the newest version of the first provider with a usable
 * candidate wins, and later providers are reached only by backtracking (mach-nix §4.3).
 *
 * - wheel: one candidate per version, the best installable file for the target (wheel-tags
 *   preference order) among those whose Requires-Python admits the target Python — a yanked file
 *   (PEP 592, package indexes only) only when no other file of the version is usable;
 * - sdist: one per version with dependency data for the target Python (or the nearest older
 *   Python, noted on the candidate); from a package index, the sdist's static PKG-INFO;
 * - nixpkgs: one per version the nixpkgs python set has;
 * - conda/<channel>: one per record (builds differ), newest version and build number first.
 *
 * Versions that cannot be used are not candidates; why each was left out is kept, so that a
 * "no candidate" explanation can say it.
 *
 * Which versions are candidates is decided for all of them when a package is first mentioned (the
 * solver counts them and sets requirements over them); a wheel or sdist candidate's file, download,
 * notes and dependencies only when something asks, because the solver reaches a few of the newest
 * versions of a project with hundreds (`WheelCandidate`).
 */
import { fnmatch } from './fnmatch.js';
import { type Version, SpecifierSet, tryParseVersion } from '../pep440.js';
import { type CondaRecord, type DependencySource, type DistributionFile, type SdistRelease, type WheelRelease, isYanked } from '../db/source.js';
import type { Target } from '../target.js';
import { selectWheel, wheelRank } from '../wheel-tags.js';
import {
  type CandidateDependencies,
  type Dependency,
  InvalidMetadata,
  UNKNOWN_DEPENDENCIES,
  condaDependency,
  requirementsTextDependencies,
  requiresDistDependencies,
  sdistDependencies,
} from './dependencies.js';
import type { ProviderName } from './settings.js';

export type CandidateSource =
  | { readonly kind: 'wheel'; readonly file: WheelRelease; readonly download: DistributionFile | null }
  | { readonly kind: 'sdist'; readonly release: SdistRelease; readonly download: DistributionFile | null }
  | { readonly kind: 'nixpkgs'; readonly attribute: string; readonly dependenciesKnown: boolean }
  | { readonly kind: 'conda'; readonly record: CondaRecord }
  | { readonly kind: 'url'; readonly url: string; /** SRI hash the requirement pins the file by. */ readonly hash: string | null }
  | { readonly kind: 'virtual'; readonly description: string };

export interface Candidate {
  /** PEP 503 name. */
  readonly key: string;
  readonly version: Version;
  /** The version as the data spells it (what file names and URLs use). */
  readonly versionText: string;
  readonly provider: ProviderName | 'url' | 'target';
  readonly source: CandidateSource;
  /** Facts worth telling the user about this choice (e.g. which Python's metadata was used). */
  readonly notes: readonly string[];
  /**
   * PEP 592: the file is yanked from its index, and why (`''`: no reason given). Only a requirement
   * pinning the version with `==` or `===` admits it, and only when nothing else matches.
   */
  readonly yanked?: string;
  /** What it depends on for the target; throws `InvalidMetadata` for broken metadata. */
  dependencies(): CandidateDependencies;
}

export interface CandidateContext {
  readonly source: DependencySource;
  readonly target: Target;
}

/** Why a version of a package is not a candidate. */
export interface Rejection {
  readonly provider: ProviderName;
  readonly version: string;
  readonly reason: string;
}

export interface CandidateList {
  readonly candidates: readonly Candidate[];
  readonly rejected: readonly Rejection[];
}

function byVersionDescending(a: Candidate, b: Candidate): number {
  return b.version.compare(a.version) || (a.versionText < b.versionText ? -1 : a.versionText > b.versionText ? 1 : 0);
}

function memo<T>(compute: () => T): () => T {
  let value: { v: T } | null = null;
  return () => (value ??= { v: compute() }).v;
}

/** Requires-Python admits the target; an unparseable value refuses it (mach-nix did the same). */
function admitsPython(requiresPython: string | null, context: CandidateContext): string | null {
  if (requiresPython === null || requiresPython.trim() === '') return null;
  let set: SpecifierSet;
  try {
    set = SpecifierSet.parse(requiresPython);
  } catch {
    return `has an invalid Requires-Python ${JSON.stringify(requiresPython)}`;
  }
  return set.contains(context.target.python.full) ? null : `requires Python ${requiresPython}`;
}

/** `admitsPython` remembered by text, for one project's files and releases: they repeat a few. */
function requiresPythonCheck(context: CandidateContext): (requiresPython: string | null) => string | null {
  const problems = new Map<string | null, string | null>();
  return (requiresPython) => {
    let problem = problems.get(requiresPython);
    if (problem === undefined) problems.set(requiresPython, (problem = admitsPython(requiresPython, context)));
    return problem;
  };
}

/**
 * A package index's page may not state a file's Requires-Python (the metadata is fetched only for
 * the candidate tried): the metadata's own is checked then, and a Python it excludes makes that
 * candidate unusable, as pip finds it when it reads the metadata.
 */
function checkMetadataPython(file: { readonly metadataRequiresPython?: string | null }, context: CandidateContext): void {
  if (file.metadataRequiresPython === undefined) return;
  const problem = admitsPython(file.metadataRequiresPython, context);
  if (problem !== null) throw new InvalidMetadata(`${problem} (its metadata says so)`);
}

/** A yanked file's reason as one line: it is the index's free text. */
function yankedReason(file: { readonly yanked?: string | null }): string | undefined {
  return isYanked(file) ? file.yanked!.replace(/\s+/g, ' ').trim() : undefined;
}

function yankedNote(reason: string): string {
  return `yanked from its index${reason === '' ? '' : ` (${reason})`}: taken only because a requirement pins this version with ==`;
}

/** What the wheel candidates of one project share: where their files and downloads come from. */
interface WheelProject {
  readonly dataKeys: readonly string[];
  readonly context: CandidateContext;
  readonly pythonProblem: (requiresPython: string | null) => string | null;
}

/**
 * A version of a project as a wheel candidate, built in two steps. Whether the version is a
 * candidate at all (some installable file whose Requires-Python admits the target) and whether it
 * is yanked are decided for every version when the project is first mentioned: the solver's
 * candidate count, and so its decision order, and every requirement's candidate set depend on
 * them. Which file it installs (ranking its usable files), the file's download, its notes and its
 * dependencies are worked out only when something asks: the solver reaches a handful of the newest
 * versions of a project with hundreds (chalice's resolution meets 1,356 versions and decides 13).
 */
class WheelCandidate implements Candidate {
  readonly provider = 'wheel';
  declare readonly yanked?: string;
  #file: WheelRelease | undefined;
  #source: CandidateSource | undefined;
  #download: { value: DistributionFile | null } | undefined;
  #notes: readonly string[] | undefined;
  #dependencies: CandidateDependencies | undefined;

  constructor(
    readonly key: string,
    readonly version: Version,
    readonly versionText: string,
    /** The version's files; at least one is usable. */
    private readonly files: readonly WheelRelease[],
    /** Some usable file is not yanked (PEP 592): a yanked one is taken only when none is. */
    hasCurrent: boolean,
    private readonly project: WheelProject,
  ) {
    if (!hasCurrent) this.yanked = yankedReason(this.file);
  }

  /**
   * The best installable file for the target among the usable ones (wheel-tags order), a yanked
   * one only when every usable file is.
   */
  private get file(): WheelRelease {
    if (this.#file === undefined) {
      const { context, pythonProblem } = this.project;
      const usable = this.files.filter((f) => wheelRank(f.filename, context.target) !== null && pythonProblem(f.requiresPython) === null);
      const current = usable.filter((f) => !isYanked(f));
      this.#file = selectWheel(current.length > 0 ? current : usable, (f) => f.filename, context.target)!;
    }
    return this.#file;
  }

  /**
   * Looked up on first use: only the chosen candidates' downloads are ever read, and a query per
   * version was a third of a resolution for projects with hundreds of releases.
   */
  private get download(): DistributionFile | null {
    if (this.#download === undefined) {
      const { dataKeys, context } = this.project;
      const { filename } = this.file;
      this.#download = { value: dataKeys.flatMap((k) => context.source.files(k, this.versionText)).find((f) => f.filename === filename) ?? null };
    }
    return this.#download.value;
  }

  get source(): CandidateSource {
    if (this.#source === undefined) {
      const candidate = this;
      this.#source = { kind: 'wheel', file: this.file, get download() { return candidate.download; } };
    }
    return this.#source;
  }

  get notes(): readonly string[] {
    return (this.#notes ??= [
      ...(this.yanked === undefined ? [] : [yankedNote(this.yanked)]),
      ...(this.download === null ? ['no download URL and hash are known for this wheel'] : []),
    ]);
  }

  dependencies(): CandidateDependencies {
    if (this.#dependencies === undefined) {
      checkMetadataPython(this.file, this.project.context);
      this.#dependencies = requiresDistDependencies(this.file.requiresDist, this.project.context.target.markers);
    }
    return this.#dependencies;
  }
}

export function wheelCandidates(key: string, dataKeys: readonly string[], context: CandidateContext): CandidateList {
  const byVersion = new Map<string, WheelRelease[]>();
  for (const dataKey of dataKeys) {
    for (const file of context.source.wheelReleases(dataKey)) {
      const list = byVersion.get(file.version);
      if (list) list.push(file);
      else byVersion.set(file.version, [file]);
    }
  }
  const project: WheelProject = { dataKeys, context, pythonProblem: requiresPythonCheck(context) };
  const candidates: Candidate[] = [];
  const rejected: Rejection[] = [];
  for (const [versionText, files] of byVersion) {
    const version = tryParseVersion(versionText);
    if (version === null) {
      rejected.push({ provider: 'wheel', version: versionText, reason: 'is not a PEP 440 version' });
      continue;
    }
    let installable = false;
    let firstProblem: string | null = null;
    let usable = false;
    let hasCurrent = false;
    for (const file of files) {
      if (wheelRank(file.filename, context.target) === null) continue;
      installable = true;
      const problem = project.pythonProblem(file.requiresPython);
      if (problem !== null) {
        firstProblem ??= problem;
        continue;
      }
      usable = true;
      if (!isYanked(file)) {
        // A usable file that is not yanked settles it: the version is a candidate, not yanked.
        hasCurrent = true;
        break;
      }
    }
    if (!installable) {
      const tags = [...new Set(files.map((f) => f.filename.split('-').slice(-3).join('-').replace(/\.whl$/, '')))].sort();
      rejected.push({ provider: 'wheel', version: versionText, reason: `has no wheel for this target (only ${tags.join(', ')})` });
      continue;
    }
    if (!usable) {
      rejected.push({ provider: 'wheel', version: versionText, reason: firstProblem! });
      continue;
    }
    candidates.push(new WheelCandidate(key, version, versionText, files, hasCurrent, project));
  }
  return { candidates: candidates.sort(byVersionDescending), rejected };
}

/**
 * A release as an sdist candidate: like a wheel candidate, its download, notes and dependencies
 * are made only when asked (see `WheelCandidate`).
 */
class SdistCandidate implements Candidate {
  readonly provider = 'sdist';
  declare readonly yanked?: string;
  #source: CandidateSource | undefined;
  #download: { value: DistributionFile | null } | undefined;
  #notes: readonly string[] | undefined;
  #dependencies: CandidateDependencies | undefined;

  constructor(
    readonly key: string,
    readonly version: Version,
    private readonly release: SdistRelease,
    /** The data's key the release was found under. */
    private readonly dataKey: string,
    private readonly context: CandidateContext,
  ) {
    const yanked = yankedReason(release);
    if (yanked !== undefined) this.yanked = yanked;
  }

  get versionText(): string {
    return this.release.version;
  }

  /** Looked up on first use, as for wheels. */
  private get download(): DistributionFile | null {
    this.#download ??= { value: this.context.source.files(this.dataKey, this.release.version).find((f) => f.kind === 'sdist') ?? null };
    return this.#download.value;
  }

  get source(): CandidateSource {
    if (this.#source === undefined) {
      const candidate = this;
      this.#source = { kind: 'sdist', release: this.release, get download() { return candidate.download; } };
    }
    return this.#source;
  }

  get notes(): readonly string[] {
    if (this.#notes === undefined) {
      const { release, context } = this;
      const found: string[] = [];
      if (!release.exactPythonKey && release.pythonKey !== null) {
        const older = `${release.pythonKey[0]}.${release.pythonKey.slice(1)}`;
        found.push(`sdist metadata of Python ${older} used: the data has none for Python ${context.target.python.major}.${context.target.python.minor}`);
      }
      if (this.yanked !== undefined) found.push(yankedNote(this.yanked));
      if (this.download === null) found.push('no download URL and hash are known for this sdist');
      this.#notes = found;
    }
    return this.#notes;
  }

  dependencies(): CandidateDependencies {
    if (this.#dependencies === undefined) {
      const { release, context } = this;
      if (release.requiresDist === undefined) {
        this.#dependencies = sdistDependencies(release, context.target.markers);
      } else {
        checkMetadataPython(release, context);
        this.#dependencies = requiresDistDependencies(release.requiresDist, context.target.markers);
      }
    }
    return this.#dependencies;
  }
}

export function sdistCandidates(key: string, dataKeys: readonly string[], context: CandidateContext): CandidateList {
  const candidates: Candidate[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  const pythonProblem = requiresPythonCheck(context);
  for (const dataKey of dataKeys) {
    for (const release of context.source.sdistReleases(dataKey, context.target.python)) {
      const version = tryParseVersion(release.version);
      if (version === null) {
        rejected.push({ provider: 'sdist', version: release.version, reason: 'is not a PEP 440 version' });
        continue;
      }
      if (seen.has(version.toString())) continue;
      const problem = pythonProblem(release.requiresPython);
      if (problem !== null) {
        rejected.push({ provider: 'sdist', version: release.version, reason: problem });
        continue;
      }
      seen.add(version.toString());
      candidates.push(new SdistCandidate(key, version, release, dataKey, context));
    }
  }
  return { candidates: candidates.sort(byVersionDescending), rejected };
}

/**
 * nixpkgs packages. Dependencies come, in this order, from the attribute's own `requirements`
 * (mach-nix-built packages), the sdist data of the same version, the wheel data of the same
 * version; otherwise they are unknown and the Nix side keeps nixpkgs' own inputs (mach-nix §4.5).
 */
export function nixpkgsCandidates(key: string, dataKeys: readonly string[], context: CandidateContext): CandidateList {
  const attributes = dataKeys.flatMap((k) => context.source.nixpkgsAttributes(k));
  const byVersion = new Map<string, typeof attributes>();
  const rejected: Rejection[] = [];
  for (const attribute of attributes) {
    const version = tryParseVersion(attribute.version);
    if (version === null) {
      rejected.push({ provider: 'nixpkgs', version: attribute.version, reason: `(attribute ${attribute.attribute}) is not a PEP 440 version` });
      continue;
    }
    const list = byVersion.get(version.toString());
    if (list) list.push(attribute);
    else byVersion.set(version.toString(), [attribute]);
  }
  const candidates: Candidate[] = [];
  for (const [, sameVersion] of byVersion) {
    // Among attributes of one version, mach-nix picked the name closest in length to the PyPI name.
    const attribute = [...sameVersion].sort(
      (a, b) => Math.abs(a.attribute.length - key.length) - Math.abs(b.attribute.length - key.length) || (a.attribute < b.attribute ? -1 : 1),
    )[0]!;
    const version = tryParseVersion(attribute.version)!;
    const fromData = () => {
      const sdist = dataKeys.flatMap((k) => context.source.sdistReleases(k, context.target.python)).find((r) => tryParseVersion(r.version)?.equals(version));
      if (sdist) return sdistDependencies(sdist, context.target.markers);
      const wheel = dataKeys.flatMap((k) => context.source.wheelReleases(k)).find((w) => tryParseVersion(w.version)?.equals(version));
      if (wheel) return requiresDistDependencies(wheel.requiresDist, context.target.markers);
      return null;
    };
    const dependencies = memo(() =>
      attribute.requirements !== null ? requirementsTextDependencies(attribute.requirements, context.target.markers) : fromData() ?? UNKNOWN_DEPENDENCIES,
    );
    const known = attribute.requirements !== null || fromData() !== null;
    candidates.push({
      key, version, versionText: attribute.version, provider: 'nixpkgs',
      source: { kind: 'nixpkgs', attribute: attribute.attribute, dependenciesKnown: known },
      notes: known ? [] : ['dependencies unknown to mach-nix: nixpkgs\' own inputs are kept'],
      dependencies,
    });
  }
  return { candidates: candidates.sort(byVersionDescending), rejected };
}

/** Conda records of a channel usable on the target (no PyPy builds, a matching `python` dependency). */
export function condaCandidates(key: string, dataKeys: readonly string[], channel: string, context: CandidateContext): CandidateList {
  const provider: ProviderName = `conda/${channel}`;
  const candidates: Candidate[] = [];
  const rejected: Rejection[] = [];
  const records = dataKeys.flatMap((k) => context.source.condaRecords(channel, k));
  for (const record of records) {
    const label = `${record.version} (build ${record.build})`;
    const version = tryParseVersion(record.version);
    if (version === null) {
      rejected.push({ provider, version: label, reason: 'is not a PEP 440 version' });
      continue;
    }
    let depends: Dependency[];
    try {
      depends = record.depends.map(condaDependency);
    } catch (error) {
      rejected.push({ provider, version: label, reason: `has an invalid dependency: ${(error as Error).message}` });
      continue;
    }
    if (depends.some((d) => d.key === 'pypy' || d.key === 'pypy3')) {
      rejected.push({ provider, version: label, reason: 'is built for PyPy' });
      continue;
    }
    const python = depends.find((d) => d.key === 'python');
    if (python && !python.anyOf.some((set) => set.contains(context.target.python.full))) {
      rejected.push({ provider, version: label, reason: `requires ${python.text}` });
      continue;
    }
    const runtime = depends.filter((d) => d.key !== 'python');
    candidates.push({
      key, version, versionText: record.version, provider,
      source: { kind: 'conda', record },
      notes: record.sha256 === null ? ['the channel data has no sha256 for this file'] : [],
      dependencies: () => ({ runtime, build: [], extra: () => [] }),
    });
  }
  candidates.sort(
    (a, b) =>
      b.version.compare(a.version) ||
      (b.source as { record: CondaRecord }).record.buildNumber - (a.source as { record: CondaRecord }).record.buildNumber ||
      ((a.source as { record: CondaRecord }).record.filename < (b.source as { record: CondaRecord }).record.filename ? -1 : 1),
  );
  return { candidates, rejected };
}

/** Whether a candidate satisfies a conda build-string pattern (non-conda candidates have no build). */
export function matchesBuild(candidate: Candidate, pattern: string | null): boolean {
  if (pattern === null) return true;
  return candidate.source.kind === 'conda' && fnmatch(candidate.source.record.build, pattern);
}

export { InvalidMetadata };
