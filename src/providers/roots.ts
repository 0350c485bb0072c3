/**
 * What the user asked for, as the providers take it: the requirement lines that hold on the target
 * (markers evaluated for it), as dependencies; the constraints; the files of `name @ url`
 * requirements with the hash each is pinned by; the `--hash` values each project is pinned by;
 * and the local paths, which are not resolved here.
 */
import { MarkerEvaluationError, UsageError, formatLocation } from '../errors.js';
import type { LocalSource } from '../generated/resolution.js';
import type { RequirementLine } from '../requirements-txt.js';
import type { Target } from '../target.js';
import { type Dependency, dependencyOf } from './dependencies.js';

/** A `name @ url` requirement's file, with the SRI hash it is pinned by, if any. */
export interface DirectUrl {
  readonly url: string;
  readonly hash: string | null;
}

/** The `--hash` values of the requirement lines on one project, and where they were written. */
export interface PinnedHashes {
  /** As written: `sha256:<hex>`, `sha384:…`, `sha512:…`. */
  readonly hashes: readonly string[];
  /** `file:line` of each line that gave some. */
  readonly places: readonly string[];
}

export interface Roots {
  readonly requirements: readonly Dependency[];
  readonly constraints: readonly Dependency[];
  readonly urls: ReadonlyMap<string, DirectUrl>;
  /** Per project key: the hashes every line on it allows (lower case), intersected over the lines (pip's rule). */
  readonly hashes: ReadonlyMap<string, PinnedHashes>;
  /** Where each root project was asked for (the first line naming it). */
  readonly places: ReadonlyMap<string, string>;
  readonly localSources: readonly LocalSource[];
}

export function rootsOf(requirements: readonly RequirementLine[], constraints: readonly RequirementLine[], target: Target): Roots {
  const roots: Dependency[] = [];
  const localSources: LocalSource[] = [];
  const urls = new Map<string, DirectUrl>();
  const hashes = new Map<string, PinnedHashes>();
  const places = new Map<string, string>();
  for (const line of requirements) {
    if (line.kind === 'editable' || line.kind === 'path') {
      localSources.push({ kind: line.kind, target: line.target, extras: [...line.extras], from: formatLocation(line.source) });
      continue;
    }
    const dependency = dependencyOf(line);
    if (!holds(dependency, target, line)) continue;
    if (!places.has(dependency.key)) places.set(dependency.key, formatLocation(line.source));
    if (dependency.url !== null) addUrl(urls, dependency, line);
    addHashes(hashes, dependency.key, line);
    roots.push(dependency);
  }
  const constraintDependencies: Dependency[] = [];
  for (const line of constraints) {
    if (line.kind !== 'requirement' && line.kind !== 'conda') continue;
    const dependency = dependencyOf(line);
    if (!holds(dependency, target, line)) continue;
    addHashes(hashes, dependency.key, line);
    constraintDependencies.push(dependency);
  }
  return { requirements: roots, constraints: constraintDependencies, urls, hashes, places, localSources };
}

/** pip's rule: a file must match a hash of every line that names the project with hashes. */
function addHashes(hashes: Map<string, PinnedHashes>, key: string, line: { hashes: readonly string[]; source: RequirementLine['source'] }): void {
  if (line.hashes.length === 0) return;
  const written = line.hashes.map((hash) => hash.toLowerCase());
  const earlier = hashes.get(key);
  const allowed = earlier === undefined ? written : earlier.hashes.filter((hash) => written.includes(hash));
  hashes.set(key, { hashes: allowed, places: [...(earlier?.places ?? []), formatLocation(line.source)] });
}

function holds(dependency: Dependency, target: Target, line: RequirementLine): boolean {
  if (dependency.marker === null) return true;
  try {
    return dependency.marker.evaluate(target.markers);
  } catch (error) {
    if (error instanceof MarkerEvaluationError) throw new UsageError(`${formatLocation(line.source)}: ${error.message}`);
    throw error;
  }
}

function addUrl(urls: Map<string, DirectUrl>, dependency: Dependency, line: RequirementLine & { hashes: readonly string[] }): void {
  const url = dependency.url!;
  const other = urls.get(dependency.key);
  if (other !== undefined && other.url !== url) {
    throw new UsageError(`${formatLocation(line.source)}: ${dependency.key} is required from two URLs: ${other.url} and ${url}`);
  }
  const hash = directUrlHash(url, line.hashes, line);
  if (other !== undefined && other.hash !== null && hash !== null && other.hash !== hash) {
    throw new UsageError(`${formatLocation(line.source)}: ${url} is pinned by two different hashes`);
  }
  urls.set(dependency.key, { url, hash: hash ?? other?.hash ?? null });
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
