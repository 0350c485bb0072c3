/**
 * The bounded caches (memos of parsed versions, specifiers, requirements, wheel file names, conda
 * patterns; BucketSource's bucket files): an lru-cache of at most `entries` entries, made when
 * the first entry is stored.
 *
 * Two costs of lru-cache are kept off the start of every command, most of which parse nothing
 * (`--version`, `--help`): with its `max` option it allocates the storage of `max` entries when a
 * cache is made (its README, "Storage Bounds Safety") — the module-level caches of 50,000 to
 * 200,000 entries took about 35 ms and 17 MiB before any was used; and loading it loads
 * node:perf_hooks and node:diagnostics_channel (about 3 ms). So the cache is bounded by `maxSize`
 * with every entry of size 1, the same bound grown on demand, and lru-cache is loaded
 * (`on-demand.ts`) by the first `set`.
 */
import type { LRUCache } from 'lru-cache';
import { lruCache } from './on-demand.js';

export class BoundedCache<K extends {}, V extends {}> {
  private cache: LRUCache<K, V> | null = null;

  constructor(private readonly entries: number) {}

  get(key: K): V | undefined {
    return this.cache?.get(key);
  }

  /** The entry, without counting as a use. */
  peek(key: K): V | undefined {
    return this.cache?.peek(key);
  }

  set(key: K, value: V): void {
    this.cache ??= new (lruCache().LRUCache)<K, V>({ maxSize: this.entries, sizeCalculation: () => 1 });
    this.cache.set(key, value);
  }
}
