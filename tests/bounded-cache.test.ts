import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedCache } from '../src/bounded-cache.js';

describe('BoundedCache', () => {
  it('keeps at most its number of entries, forgetting the least recently used', () => {
    const cache = new BoundedCache<string, number>(3);
    assert.equal(cache.get('a'), undefined);
    for (const [key, value] of [['a', 1], ['b', 2], ['c', 3]] as const) cache.set(key, value);
    assert.equal(cache.get('a'), 1); // now b is the least recently used
    assert.equal(cache.peek('b'), 2); // which a peek does not change
    cache.set('d', 4);
    assert.deepEqual(['a', 'b', 'c', 'd'].map((key) => cache.get(key)), [1, undefined, 3, 4]);
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, i);
    assert.deepEqual(['k96', 'k97', 'k98', 'k99', 'a', 'c', 'd'].map((key) => cache.get(key)), [undefined, 97, 98, 99, undefined, undefined, undefined]);
  });

  it('allocates nothing for entries it does not hold yet', () => {
    // lru-cache's `max` would allocate two arrays of 10 million slots (160 MB) per cache, at once.
    const before = process.memoryUsage().heapUsed;
    const caches = Array.from({ length: 4 }, () => new BoundedCache<string, number>(10_000_000));
    caches.forEach((cache, i) => cache.set('x', i));
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < 16 * 2 ** 20, `four caches of one entry took ${(grown / 2 ** 20).toFixed(1)} MiB`);
  });
});
