import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Heap } from '../../src/resolver/heap.js';

describe('Heap', () => {
  it('gives the items in order, whatever the pushes and pops in between (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constant('pop' as const))), (operations) => {
        const heap = new Heap<number>((a, b) => a < b);
        const model: number[] = [];
        for (const operation of operations) {
          if (operation === 'pop') {
            model.sort((a, b) => a - b);
            assert.equal(heap.peek(), model[0]);
            assert.equal(heap.pop(), model.shift());
          } else {
            heap.push(operation);
            model.push(operation);
          }
          assert.equal(heap.size, model.length);
        }
      }),
    );
  });
});
