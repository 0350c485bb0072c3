/**
 * A package index as the resolver's `DependencySource` (`../db/source.ts`): the same interface the
 * providers read for the pinned data, answered from an `IndexSnapshot`. Everything a provider
 * needs to list candidates comes from the project pages (files, versions, the page's
 * Requires-Python, yanked state, hashes); a file's core metadata is fetched only when a candidate
 * is tried — its `requiresDist`, `providesExtras` and `metadataRequiresPython` are getters reading
 * `snapshot.metadata(file)` — and a file's sha256 only when a page gave none.
 *
 * The snapshot's getters throw `IndexDataPending` for what is not fetched yet; so do these, and the
 * caller (`solveWithIndex`) fetches and runs the resolver again. Metadata that cannot be used for
 * one file (an sdist whose dependencies are dynamic, metadata that contradicts its file) becomes
 * `InvalidMetadata`: that candidate is unusable and the solver goes on without it. A failing
 * request is thrown as it is: a resolution never silently depends on what could not be fetched.
 *
 * Names: the index's keys are PEP 503 names (`zope-interface`), which the interface's legacy keys
 * match by their PEP 503 form. Nothing of nixpkgs or conda is on an index: `extendSource` adds those.
 */
import { compareCodePoints } from '../code-points.js';
import { DataError, InvalidMetadata } from '../errors.js';
import { canonicalizeName } from '../pep503.js';
import type {
  Availability,
  CondaRecord,
  DataInfo,
  DependencySource,
  DistributionFile,
  IndexLocations,
  NixpkgsAttribute,
  PythonTarget,
  SdistRelease,
  WheelRelease,
} from '../db/source.js';
import type { CoreMetadata } from './core-metadata.js';
import { DynamicSdistMetadata } from './errors.js';
import { type IndexFile, sdistSuffix } from './project-files.js';
import type { IndexSnapshot } from './snapshot.js';

/** nix-pypi-fetcher-2 keeps one sdist per release, by this preference of archive kinds; so do we. */
const SDIST_PREFERENCE = ['.tar.gz', '.tgz', '.zip', '.tar'];

interface ProjectFiles {
  /** Whether any location has a page for the project, usable files or not. */
  readonly found: boolean;
  readonly wheels: readonly WheelRelease[];
  readonly sdists: readonly SdistRelease[];
  /** version → its files as downloads: every wheel and the one sdist of `sdists`, by file name. */
  readonly downloads: ReadonlyMap<string, readonly DistributionFile[]>;
  readonly availability: Availability;
}

/** The wheel's python tag (`py3`, `cp311`, `py2.py3`): PyPI's `python_version` of the file. */
function wheelPythonTag(filename: string): string {
  return filename.slice(0, -'.whl'.length).split('-').at(-3)!;
}

function sri(sha256Hex: string): string {
  return `sha256-${Buffer.from(sha256Hex, 'hex').toString('base64')}`;
}

export class IndexSource implements DependencySource {
  private readonly projects = new Map<string, ProjectFiles>();

  constructor(
    private readonly snapshot: IndexSnapshot,
    /** The locations the snapshot's client reads, credential-free: what the resolution records. */
    private readonly locations: IndexLocations,
  ) {}

  info(): DataInfo {
    return { depsTimestamp: null, fetcherCommit: null, fetcherSha256: null, pythonKeys: [], condaChannels: [], index: this.locations };
  }

  /** The core metadata of a file, or why it cannot be used for this candidate. */
  private metadata(file: IndexFile): CoreMetadata {
    try {
      return this.snapshot.metadata(file);
    } catch (error) {
      if (error instanceof DynamicSdistMetadata) {
        throw new InvalidMetadata(
          `cannot be used: it has only an sdist (${file.filename}) and ${error.reason}; pin a version of ${file.project} that has a wheel, ` +
            `or take ${file.project} from nixpkgs (providers.${file.project} = "nixpkgs")`,
        );
      }
      if (error instanceof DataError) throw new InvalidMetadata(`has unusable metadata: ${error.message}`);
      throw error;
    }
  }

  private project(key: string): ProjectFiles {
    const canonical = canonicalizeName(key);
    const known = this.projects.get(canonical);
    if (known) return known;
    const listing = this.snapshot.project(canonical);
    const snapshot = this.snapshot;
    const metadata = (file: IndexFile) => this.metadata(file);

    const download = (file: IndexFile): DistributionFile => ({
      filename: file.filename,
      kind: file.kind,
      url: file.url,
      get hash() {
        return sri(snapshot.fileSha256(file));
      },
      pythonTag: file.kind === 'wheel' ? wheelPythonTag(file.filename) : null,
      index: file.index,
    });

    const wheels = listing.files
      .filter((file) => file.kind === 'wheel')
      .map((file): WheelRelease => ({
        version: file.version,
        filename: file.filename,
        pythonTag: wheelPythonTag(file.filename),
        requiresPython: file.requiresPython,
        get requiresDist() {
          return metadata(file).requiresDist;
        },
        get providesExtras() {
          return metadata(file).providesExtra;
        },
        get metadataRequiresPython() {
          return metadata(file).requiresPython;
        },
        yanked: file.yanked,
      }))
      .sort((a, b) => compareCodePoints(a.version, b.version) || compareCodePoints(a.filename, b.filename) || compareCodePoints(a.pythonTag, b.pythonTag));

    const sdistFiles = new Map<string, IndexFile>();
    const rank = (file: IndexFile) => [file.yanked === null ? 0 : 1, SDIST_PREFERENCE.indexOf(sdistSuffix(file.filename)!)] as const;
    for (const file of listing.files) {
      if (file.kind !== 'sdist') continue;
      const current = sdistFiles.get(file.version);
      const [yanked, suffix] = rank(file);
      const [currentYanked, currentSuffix] = current ? rank(current) : [2, 0];
      if (!current || yanked < currentYanked || (yanked === currentYanked && (suffix < currentSuffix || (suffix === currentSuffix && compareCodePoints(file.filename, current.filename) < 0)))) {
        sdistFiles.set(file.version, file);
      }
    }
    const sdists = [...sdistFiles.values()]
      .map((file): SdistRelease => ({
        version: file.version,
        pythonKey: null,
        exactPythonKey: true,
        installRequires: [],
        setupRequires: [],
        testsRequire: [],
        extrasRequire: {},
        requiresPython: file.requiresPython,
        get requiresDist() {
          return metadata(file).requiresDist;
        },
        get metadataRequiresPython() {
          return metadata(file).requiresPython;
        },
        yanked: file.yanked,
      }))
      .sort((a, b) => compareCodePoints(a.version, b.version));

    const downloads = new Map<string, DistributionFile[]>();
    for (const file of [...listing.files.filter((f) => f.kind === 'wheel'), ...sdistFiles.values()]) {
      downloads.set(file.version, [...(downloads.get(file.version) ?? []), download(file)]);
    }
    for (const list of downloads.values()) list.sort((a, b) => compareCodePoints(a.filename, b.filename));

    const entry: ProjectFiles = {
      // Sources are the indexes first, then the find-links locations, which list every project.
      found: listing.sources.slice(0, this.locations.indexUrls.length).some((source) => source.found) || listing.files.length > 0,
      wheels,
      sdists,
      downloads,
      availability: { sdist: sdists.length > 0, wheel: wheels.length > 0, files: listing.files.length > 0, nixpkgs: false, conda: [] },
    };
    this.projects.set(canonical, entry);
    return entry;
  }

  sdistReleases(key: string, _python: PythonTarget): SdistRelease[] {
    return [...this.project(key).sdists];
  }

  wheelReleases(key: string): WheelRelease[] {
    return [...this.project(key).wheels];
  }

  files(key: string, version: string): DistributionFile[] {
    return [...(this.project(key).downloads.get(version) ?? [])];
  }

  condaRecords(_channel: string, _key: string): CondaRecord[] {
    return [];
  }

  nixpkgsAttributes(_key: string): NixpkgsAttribute[] {
    return [];
  }

  has(key: string): Availability {
    return this.project(key).availability;
  }

  /** The project's key when an index knows it (a page with no usable file is explained as such, not as a missing project). */
  keys(name: string): string[] {
    const canonical = canonicalizeName(name);
    return this.project(canonical).found ? [canonical] : [];
  }

  /**
   * An index cannot list its projects without its root page (PyPI's has hundreds of thousands of
   * names, far too much to fetch for a suggestion): the names a misspelling is compared with are
   * those of the pages this resolution fetched and found.
   */
  keysOfLength(min: number, max: number): string[] {
    return this.snapshot.fetchedProjects().filter((key) => key.length >= min && key.length <= max && this.project(key).found);
  }

  close(): void {}
}
