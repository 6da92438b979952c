import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deque } from "../../src/internal/deque.ts";
import { seededRandom } from "../../src/internal/random.ts";

describe("Deque", () => {
  it("behaves like an array under random pushes and shifts at both ends", () => {
    const random = seededRandom(11);
    const deque = new Deque<number>();
    const model: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const r = random();
      if (r < 0.3) {
        deque.push(i);
        model.push(i);
      } else if (r < 0.55) {
        deque.unshift(i);
        model.unshift(i);
      } else if (r < 0.8) assert.equal(deque.shift(), model.shift());
      else assert.equal(deque.pop(), model.pop());
      assert.equal(deque.length, model.length);
      assert.equal(deque.peek(), model[0]);
    }
    assert.deepEqual([...deque], model);
  });

  it("returns undefined when empty", () => {
    const deque = new Deque<string>();
    assert.equal(deque.shift(), undefined);
    assert.equal(deque.pop(), undefined);
    assert.equal(deque.peek(), undefined);
  });
});
