/**
 * The bridge between the asynchronous index client and the synchronous resolver: an
 * `IndexSnapshot` answers `project(name)` and `metadata(file)` synchronously from what has been
 * fetched, and for anything not yet fetched records the demand and throws `IndexDataPending`.
 * `solveWithIndex` runs the solver, fetches what it asked for (plus a speculative closure), and
 * runs it again, until a run completes without a miss.
 *
 * Why re-running is sound: the solver is deterministic and reads the index only through the
 * snapshot, whose answers never change once given (the data only grows). The run that completes
 * therefore computes the same result as a solver that had every page and metadata file from the
 * start: the result depends on the index's data, never on fetch order or timing.
 *
 * Why it is cheap: `prefetchClosure` walks the likely closure (the candidate the caller would
 * choose first for each project, its dependencies, theirs, …) with every fetch in flight at once,
 * before the first run; later runs only fill in what backtracking reached. A solver run over a
 * ~50-package closure takes milliseconds; fetching is what costs, and it is done concurrently.
 */
import { canonicalizeName } from '../pep503.js';
import type { IndexClient, ProjectListing } from './client.js';
import type { CoreMetadata } from './core-metadata.js';
import type { IndexFile } from './project-files.js';

/** Thrown by the snapshot for data not fetched yet; `solveWithIndex` catches it. Never a user error. */
export class IndexDataPending extends Error {
  constructor(readonly what: string) {
    super(`index data not fetched yet: ${what} (IndexDataPending must be caught by solveWithIndex)`);
  }
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** A project to visit, with the extras asked of it (they add dependencies) and the versions asked for. */
export interface ProjectRequest {
  readonly name: string;
  readonly extras?: readonly string[];
  /** PEP 440 specifiers of the requirement (`>=2,<3`); absent or empty: any version. */
  readonly specifier?: string;
}

/** How the speculative prefetch chooses, mirroring what the resolver's provider will likely pick. */
export interface PrefetchPlan {
  /** The file whose metadata the resolver will most likely want first for this request (null: none usable). */
  choose(listing: ProjectListing, request: ProjectRequest): IndexFile | null;
  /** The projects the metadata makes the resolver visit next, for these extras (markers applied). */
  dependencies(metadata: CoreMetadata, file: IndexFile, extras: readonly string[]): Iterable<ProjectRequest>;
}

export class IndexSnapshot {
  private readonly projects = new Map<string, Settled<ProjectListing>>();
  private readonly metadataByUrl = new Map<string, Settled<CoreMetadata>>();
  private readonly pendingProjects = new Set<string>();
  private readonly pendingMetadata = new Map<string, IndexFile>();
  private readonly hashesByUrl = new Map<string, Settled<string>>();
  private readonly pendingHashes = new Map<string, IndexFile>();

  constructor(readonly client: IndexClient) {}

  /** The project's listing; throws `IndexDataPending` when not fetched, or the fetch's own error. */
  project(name: string): ProjectListing {
    const key = canonicalizeName(name);
    const settled = this.projects.get(key);
    if (!settled) {
      this.pendingProjects.add(key);
      throw new IndexDataPending(`index page of ${key}`);
    }
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

  /** The file's core metadata; throws `IndexDataPending` when not fetched, or the fetch's own error. */
  metadata(file: IndexFile): CoreMetadata {
    const settled = this.metadataByUrl.get(file.url);
    if (!settled) {
      this.pendingMetadata.set(file.url, file);
      throw new IndexDataPending(`core metadata of ${file.filename}`);
    }
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

  /**
   * The file's sha256 (hex): the index's, else computed from the file (find-links directories and
   * some pages give none; `IndexClient.fileSha256` downloads it once). Throws `IndexDataPending`
   * when not computed yet, or the download's own error.
   */
  fileSha256(file: IndexFile): string {
    if (file.sha256) return file.sha256;
    const settled = this.hashesByUrl.get(file.url);
    if (!settled) {
      this.pendingHashes.set(file.url, file);
      throw new IndexDataPending(`sha256 of ${file.filename}`);
    }
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

  /** The names of the projects whose pages were fetched without an error, sorted. */
  fetchedProjects(): string[] {
    return [...this.projects].filter(([, settled]) => settled.ok).map(([key]) => key).sort();
  }

  /** Whether anything was asked for that is not fetched. */
  get hasPending(): boolean {
    return this.pendingProjects.size > 0 || this.pendingMetadata.size > 0 || this.pendingHashes.size > 0;
  }

  /** Fetches a project page into the snapshot (an error is kept and rethrown when it is read). */
  async loadProject(name: string): Promise<ProjectListing | null> {
    const key = canonicalizeName(name);
    const known = this.projects.get(key);
    if (known) return known.ok ? known.value : null;
    const settled = await settle(this.client.project(key));
    this.projects.set(key, settled);
    this.pendingProjects.delete(key);
    return settled.ok ? settled.value : null;
  }

  /** Fetches a file's metadata into the snapshot (an error is kept and rethrown when it is read). */
  async loadMetadata(file: IndexFile): Promise<CoreMetadata | null> {
    const known = this.metadataByUrl.get(file.url);
    if (known) return known.ok ? known.value : null;
    const settled = await settle(this.client.metadata(file));
    this.metadataByUrl.set(file.url, settled);
    this.pendingMetadata.delete(file.url);
    return settled.ok ? settled.value : null;
  }

  /** Computes a file's sha256 into the snapshot (an error is kept and rethrown when it is read). */
  async loadFileSha256(file: IndexFile): Promise<void> {
    if (file.sha256 || this.hashesByUrl.has(file.url)) return;
    const settled = await settle(this.client.fileSha256(file));
    this.hashesByUrl.set(file.url, settled);
    this.pendingHashes.delete(file.url);
  }

  /**
   * Fetches the closure the plan predicts from `roots`, every fetch concurrently (the client bounds
   * the requests in flight). Failures are kept for the solver to meet, not thrown here: a
   * speculative fetch may touch a release the resolver never picks.
   */
  async prefetchClosure(roots: Iterable<string | ProjectRequest>, plan: PrefetchPlan): Promise<void> {
    const visited = new Set<string>();
    const visit = async (given: string | ProjectRequest): Promise<void> => {
      const request: ProjectRequest = typeof given === 'string' ? { name: given } : given;
      const { name, extras = [], specifier = '' } = request;
      const key = canonicalizeName(name);
      const visitKey = `${[key, ...[...extras].map(canonicalizeName).sort()].join('[')}\0${specifier}`;
      if (visited.has(visitKey)) return;
      visited.add(visitKey);
      const listing = await this.loadProject(key);
      const file = listing ? plan.choose(listing, request) : null;
      if (!file) return;
      const metadata = await this.loadMetadata(file);
      if (!metadata) return;
      await Promise.all([...plan.dependencies(metadata, file, extras)].map(visit));
    };
    await Promise.all([...roots].map(visit));
  }

  /** Fetches everything asked for since the last call, and the plan's closure from new projects. */
  async fetchPending(plan?: PrefetchPlan): Promise<void> {
    const projects = [...this.pendingProjects];
    const files = [...this.pendingMetadata.values()];
    const hashes = [...this.pendingHashes.values()];
    await Promise.all([
      plan ? this.prefetchClosure(projects, plan) : Promise.all(projects.map((name) => this.loadProject(name))),
      ...files.map(async (file) => {
        const metadata = await this.loadMetadata(file);
        if (metadata && plan) await this.prefetchClosure(plan.dependencies(metadata, file, []), plan);
      }),
      ...hashes.map((file) => this.loadFileSha256(file)),
    ]);
  }
}

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

export interface SolveStats {
  /** Solver runs, the last one the one that completed. */
  runs: number;
}

/**
 * Runs `solve` until it completes without asking for unfetched data. `roots` and `plan` seed a
 * speculative prefetch before the first run and after every miss. The solver must read the index
 * only through `snapshot`, and must let `IndexDataPending` propagate (not catch it).
 */
export async function solveWithIndex<T>(
  snapshot: IndexSnapshot,
  solve: () => T,
  options: { roots?: Iterable<string | ProjectRequest>; plan?: PrefetchPlan; stats?: SolveStats } = {},
): Promise<T> {
  if (options.roots && options.plan) await snapshot.prefetchClosure(options.roots, options.plan);
  for (;;) {
    if (options.stats) options.stats.runs++;
    try {
      return solve();
    } catch (error) {
      if (!(error instanceof IndexDataPending) || !snapshot.hasPending) throw error;
    }
    await snapshot.fetchPending(options.plan);
  }
}
