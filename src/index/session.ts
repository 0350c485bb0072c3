/**
 * One resolution against package indexes, put together: the client for the locations in effect
 * (`locations.ts`), its snapshot, the `DependencySource` the providers read (`source.ts`) and the
 * prefetch plan for the target (`plan.ts`); `solve` runs a synchronous resolver over it until it
 * completes (`solveWithIndex`). What `mach-nix lock`, `resolve` and `db update` share.
 */
import { performance } from 'node:perf_hooks';
import type { DependencySource, IndexLocations } from '../db/source.js';
import type { RequirementLine } from '../requirements-txt.js';
import type { Target } from '../target.js';
import { defaultCacheDir } from './cache.js';
import { IndexClient, type ClientStats } from './client.js';
import type { EffectiveLocations } from './locations.js';
import { loadNetrc } from './netrc.js';
import { targetPlan } from './plan.js';
import { type ProgressReporter, SILENT_PROGRESS } from './progress.js';
import { IndexSnapshot, type ProjectRequest, type SolveStats, solveWithIndex } from './snapshot.js';
import { IndexSource } from './source.js';

/** How long a cached index page is used without asking again, unless the server says otherwise (`--refresh` asks at once). */
export const PAGE_MAX_AGE_SECONDS = 600;

export interface IndexSessionOptions {
  readonly locations: EffectiveLocations;
  readonly target: Target;
  /** Relative local locations are resolved against it. */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The cache directory; `defaultCacheDir(env)` when absent, none when null. */
  readonly cacheDir?: string | null;
  readonly offline?: boolean;
  readonly refresh?: boolean;
  /** Milliseconds without progress before a request attempt fails, and attempts after the first. */
  readonly http?: { readonly timeoutMs?: number; readonly retries?: number };
  readonly progress?: ProgressReporter;
  readonly log?: (line: string) => void;
}

export class IndexSession {
  readonly client: IndexClient;
  readonly snapshot: IndexSnapshot;
  readonly source: DependencySource;
  readonly stats: SolveStats = { runs: 0 };
  /** `performance.now()` when the session was made: `--verbose` tells how long the index work took. */
  readonly startedAt = performance.now();
  private readonly plan;
  private readonly progress: ProgressReporter;

  constructor(options: IndexSessionOptions) {
    const env = options.env ?? process.env;
    this.progress = options.progress ?? SILENT_PROGRESS;
    this.client = new IndexClient({
      indexUrls: options.locations.indexUrls.map((entry) => entry.value),
      findLinks: options.locations.findLinks.map((entry) => entry.value),
      cwd: options.cwd,
      cacheDir: options.cacheDir === undefined ? defaultCacheDir(env) : options.cacheDir,
      offline: options.offline ?? false,
      refresh: options.refresh ?? false,
      pageMaxAge: PAGE_MAX_AGE_SECONDS,
      http: options.http,
      netrc: loadNetrc(env),
      progress: this.progress,
      log: options.log,
    });
    this.snapshot = new IndexSnapshot(this.client);
    this.source = new IndexSource(this.snapshot, this.locations);
    this.plan = targetPlan(options.target);
  }

  /** The locations read, credential-free (the request's and the resolution's `index`). */
  get locations(): IndexLocations {
    return this.client.indexLocations;
  }

  get clientStats(): ClientStats {
    return this.client.stats;
  }

  /**
   * Runs `resolve` (which must read the index only through `source`) until it completes, the
   * closure the plan predicts from `requirements` fetched before the first run.
   */
  async solve<T>(requirements: readonly RequirementLine[], resolve: () => T): Promise<T> {
    try {
      return await solveWithIndex(this.snapshot, resolve, { roots: projectRequests(requirements), plan: this.plan, stats: this.stats });
    } finally {
      this.progress.stop();
    }
  }
}

/** The projects the requirements name, as the prefetch plan takes them. */
export function projectRequests(requirements: readonly RequirementLine[]): ProjectRequest[] {
  return requirements.flatMap((line): ProjectRequest[] =>
    line.kind === 'requirement' && line.requirement.url === null
      ? [{ name: line.requirement.key, extras: line.requirement.extras, specifier: line.requirement.specifier.toString() }]
      : line.kind === 'conda'
        ? [{ name: line.key, extras: line.extras }]
        : [],
  );
}
