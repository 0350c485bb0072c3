/**
 * The bounded caches (memos of parsed versions, specifiers, requirements, wheel file names, conda
 * patterns; BucketSource's bucket files): quick-lru, which keeps the most recently used entries —
 * at least `entries` and at most twice as many (two Maps; when the newer one is full, the older
 * one is dropped whole).
 *
 * Not lru-cache, which the module-level caches used first: with its `max` option it allocates the
 * storage of `max` entries when a cache is made (its README, "Storage Bounds Safety"), 35 ms and
 * 17 MiB at every start of the CLI for caches of 50,000 to 200,000 entries; and loading it loads
 * node:perf_hooks and node:diagnostics_channel. Bounded by `maxSize` instead and loaded on first
 * use, it still made `mach-nix resolve chalice` 144 ms against 132 with the Map-based caches
 * before it (medians of 41 alternating runs; bench/resolver/RESULTS.md, "After the merge").
 */
import QuickLRU from 'quick-lru';

export function boundedCache<K, V>(entries: number): QuickLRU<K, V> {
  return new QuickLRU<K, V>({ maxSize: entries });
}
