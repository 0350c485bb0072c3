import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedCache } from '../src/bounded-cache.js';

describe('boundedCache', () => {
  it('keeps the most recently used entries, at least its number and at most twice as many', () => {
    const cache = boundedCache<string, number>(100);
    for (let i = 0; i < 1000; i++) {
      cache.set(`k${i}`, i);
      if (i % 10 === 0) assert.equal(cache.get('k0'), 0); // used again and again: kept
    }
    for (let i = 920; i < 1000; i++) assert.equal(cache.peek(`k${i}`), i); // the last 80 stored
    assert.ok([...cache.keys()].length <= 200);
    assert.equal(cache.get('k500'), undefined);
  });

  it('allocates nothing for entries it does not hold yet', () => {
    // lru-cache's `max` allocated two arrays of 10 million slots (160 MB) per cache, at once.
    const before = process.memoryUsage().heapUsed;
    const caches = Array.from({ length: 4 }, () => boundedCache<string, number>(10_000_000));
    caches.forEach((cache, i) => cache.set('x', i));
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < 16 * 2 ** 20, `four caches of one entry took ${(grown / 2 ** 20).toFixed(1)} MiB`);
  });
});
