/**
 * The files of one project as the index pages list them (PEP 503 / 691 / 592 / 658 / 714), in
 * one shape whatever the page format: what a resolver can know about a file before fetching any
 * metadata, and in a canonical order so that the same index always gives the same listing.
 */
import { compareCodePoints } from '../code-points.js';
import { InvalidWheelFilename } from '../errors.js';
import { compareVersions, tryParseVersion } from '../pep440.js';
import { canonicalizeName } from '../pep503.js';
import { parseWheelFilename } from '../wheel-tags.js';

/** One link of a project page, before its file name is understood. */
export interface PageLink {
  readonly filename: string;
  /** Absolute, without credentials, without fragment. */
  readonly url: string;
  /** Algorithm → lower-case hex, sorted by algorithm. */
  readonly hashes: Readonly<Record<string, string>>;
  readonly requiresPython: string | null;
  /** PEP 592: null when not yanked, else the reason ('' when none was given). */
  readonly yanked: string | null;
  /**
   * PEP 658 / 714: whether `url + ".metadata"` serves the file's core metadata, and the hashes of
   * that metadata file when the index gives them (`{}` when it says only "true"); null when absent.
   */
  readonly coreMetadata: Readonly<Record<string, string>> | null;
  /** Size in bytes (PEP 700 JSON `size`), or null. */
  readonly size: number | null;
}

export type DistributionKind = 'wheel' | 'sdist';

export interface IndexFile extends PageLink {
  /** PEP 503 name of the project. */
  readonly project: string;
  /** The version as the file name spells it. */
  readonly version: string;
  readonly kind: DistributionKind;
  /** The sha256 hash if the index gave one (the lock needs it; see `IndexClient.fileSha256`). */
  readonly sha256: string | null;
  /** The index (or find-links location) the file was listed by, without credentials. */
  readonly index: string;
}

/** A link that is not a usable distribution of the project, and why (for explanations). */
export interface SkippedLink {
  readonly filename: string;
  readonly index: string;
  readonly reason: string;
}

/** Archive suffixes pip accepts for sdists and this client can open. */
const SDIST_SUFFIXES = ['.tar.gz', '.tgz', '.tar', '.zip'] as const;

export function sdistSuffix(filename: string): string | null {
  const lower = filename.toLowerCase();
  return SDIST_SUFFIXES.find((suffix) => lower.endsWith(suffix)) ?? null;
}

/**
 * What a file name says: kind and version of a distribution of `project`, or why it is none.
 * Sdist names are `{name}-{version}{suffix}` where the name may itself contain `-` (legacy
 * sdists) — so the version is what follows the longest prefix whose canonical form is the
 * project's name, as pip's `_find_name_version_sep` decides it.
 */
export function classifyFilename(
  filename: string,
  project: string,
): { kind: DistributionKind; version: string } | { reason: string; /** a distribution of another project */ foreign: boolean } {
  const canonical = canonicalizeName(project);
  if (filename.toLowerCase().endsWith('.whl')) {
    try {
      const wheel = parseWheelFilename(filename);
      if (wheel.name !== canonical) return { reason: `a wheel of ${wheel.name}, not of ${canonical}`, foreign: true };
      return { kind: 'wheel', version: filename.split('-')[1]! };
    } catch (error) {
      if (error instanceof InvalidWheelFilename) return { reason: error.reason, foreign: false };
      throw error;
    }
  }
  const suffix = sdistSuffix(filename);
  if (!suffix) {
    const foreign = !canonicalizeName(filename).startsWith(`${canonical}-`);
    return { reason: 'not a wheel or an sdist this client can read (.tar.gz, .tgz, .tar, .zip)', foreign };
  }
  const stem = filename.slice(0, -suffix.length);
  for (let dash = stem.indexOf('-'); dash !== -1; dash = stem.indexOf('-', dash + 1)) {
    if (canonicalizeName(stem.slice(0, dash)) === canonical) {
      const version = stem.slice(dash + 1);
      if (tryParseVersion(version) === null) return { reason: `version ${JSON.stringify(version)} is not PEP 440`, foreign: false };
      return { kind: 'sdist', version };
    }
  }
  return { reason: `not named ${canonical}-{version}`, foreign: true };
}

/**
 * The canonical order: newest version first (PEP 440), then file name in code point order. Stable
 * and total, so the listing of the same files is byte-identical whatever order pages gave them in.
 */
export function compareIndexFiles(a: IndexFile, b: IndexFile): number {
  const versionA = tryParseVersion(a.version)!;
  const versionB = tryParseVersion(b.version)!;
  return compareVersions(versionB, versionA) || compareCodePoints(a.filename, b.filename) || compareCodePoints(a.index, b.index);
}

/**
 * Turns the links of the project's pages (in index order: the main index first) into its files:
 * non-distributions are set aside with a reason, and a file name listed by several indexes is
 * kept once, from the first index that lists it — the one a user ranked highest. Find-links pages
 * list every project's files, so there the other projects' files are not worth a word.
 */
export function collectProjectFiles(
  project: string,
  pages: ReadonlyArray<{ readonly index: string; readonly links: readonly PageLink[]; /** a find-links list of many projects' files */ readonly mixed?: boolean }>,
): { files: IndexFile[]; skipped: SkippedLink[] } {
  const files = new Map<string, IndexFile>();
  const skipped: SkippedLink[] = [];
  for (const page of pages) {
    for (const link of page.links) {
      const classified = classifyFilename(link.filename, project);
      if ('reason' in classified) {
        if (page.mixed && classified.foreign) continue;
        skipped.push({ filename: link.filename, index: page.index, reason: classified.reason });
        continue;
      }
      if (files.has(link.filename)) continue;
      files.set(link.filename, {
        ...link,
        project: canonicalizeName(project),
        version: classified.version,
        kind: classified.kind,
        sha256: link.hashes.sha256 ?? null,
        index: page.index,
      });
    }
  }
  skipped.sort((a, b) => compareCodePoints(a.filename, b.filename) || compareCodePoints(a.index, b.index));
  return { files: [...files.values()].sort(compareIndexFiles), skipped };
}
