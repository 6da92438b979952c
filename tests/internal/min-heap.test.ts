import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MinHeap } from "../../src/internal/min-heap.ts";
import { seededRandom } from "../../src/internal/random.ts";

describe("MinHeap", () => {
  it("pops in key order, whatever the order of pushes and pops", () => {
    const random = seededRandom(5);
    const heap = new MinHeap();
    const keys = new Map<number, number>(); // id → key of the entries in the heap
    for (let i = 0; i < 20_000; i++) {
      if (random() < 0.6) {
        const key = Math.floor(random() * 500) - 250;
        heap.push(key, i);
        keys.set(i, key);
      } else {
        const least = Math.min(...keys.values());
        assert.equal(heap.minKey, least);
        const id = heap.pop();
        if (keys.size === 0) assert.equal(id, -1);
        else {
          // Among equal keys any may come first; it must be one with the least key.
          assert.equal(keys.get(id), least, `popped ${id}`);
          keys.delete(id);
        }
      }
      assert.equal(heap.size, keys.size);
    }
  });

  it("is empty after clear()", () => {
    const heap = new MinHeap();
    for (const key of [3, 1, 2]) heap.push(key, key);
    assert.equal(heap.minId, 1);
    heap.clear();
    assert.equal(heap.size, 0);
    assert.equal(heap.minKey, Infinity);
    assert.equal(heap.pop(), -1);
  });
});
