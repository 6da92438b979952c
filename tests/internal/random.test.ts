import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomExponential, randomInt, seededRandom } from "../../src/internal/random.ts";

describe("seededRandom()", () => {
  it("repeats its sequence from the same seed and differs for another", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 5 }, a);
    assert.deepEqual(first, Array.from({ length: 5 }, b));
    assert.notDeepEqual(first, Array.from({ length: 5 }, c));
  });

  it("stays in [0, 1) and spreads evenly", () => {
    const random = seededRandom(7);
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const x = random();
      assert.ok(x >= 0 && x < 1);
      buckets[Math.floor(x * 4)]!++;
    }
    for (const count of buckets) assert.ok(Math.abs(count - 10_000) < 500, `bucket ${count}`);
  });

  it("draws whole numbers inclusive of both ends and exponentials with the asked mean", () => {
    const random = seededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(randomInt(random, 2, 4));
    assert.deepEqual([...seen].sort(), [2, 3, 4]);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += randomExponential(random, 5);
    assert.ok(Math.abs(sum / 20_000 - 5) < 0.2, `mean ${sum / 20_000}`);
  });
});
