/** "Did you mean …?": bounded edit distance with swaps, and only the nearest words. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedDistance, didYouMean, suggestions } from '../src/suggest.js';

describe('suggestions', () => {
  it('measures insertions, deletions, substitutions and swapped neighbours, up to a bound', () => {
    assert.equal(boundedDistance('flaks', 'flask', 2), 1);
    assert.equal(boundedDistance('reqests', 'requests', 2), 1);
    assert.equal(boundedDistance('wheels', 'wheel', 2), 1);
    assert.equal(boundedDistance('numpy', 'nmupy', 2), 1);
    assert.equal(boundedDistance('abc', 'xyz', 2), 3, 'beyond the bound: bound + 1');
    assert.equal(boundedDistance('a', 'abcdef', 2), 3);
  });

  it('offers only the nearest words within the bound, sorted', () => {
    assert.deepEqual(suggestions('flaks', ['flask', 'flake8', 'flax', 'django']), ['flask']);
    assert.deepEqual(suggestions('flaskk', ['flask', 'flasks']), ['flask', 'flasks']);
    assert.deepEqual(suggestions('six', ['sax', 'mix', 'sixer']), ['mix', 'sax'], 'short words: one slip at most');
    assert.deepEqual(suggestions('requests', ['requests']), [], 'never the word itself');
    assert.deepEqual(suggestions('zzzz', ['flask']), []);
  });

  it('says it as a question', () => {
    assert.equal(didYouMean(['flask']), 'did you mean flask?');
    assert.equal(didYouMean(['a', 'b', 'c']), 'did you mean a, b or c?');
    assert.equal(didYouMean([]), '');
  });
});
