import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Histogram } from "../../src/metrics/histogram.ts";
import { seededRandom } from "../../src/internal/random.ts";

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe("Histogram", () => {
  it("answers quantiles within 6% over nine orders of magnitude", () => {
    const random = seededRandom(3);
    const values: number[] = [];
    const h = new Histogram();
    for (let i = 0; i < 20_000; i++) {
      const ms = 10 ** (random() * 9 - 3); // 1 µs .. 1000 s
      values.push(ms);
      h.record(ms);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = exactQuantile(values, q);
      const got = h.quantile(q);
      assert.ok(Math.abs(got - exact) / exact <= 0.065, `q${q}: ${got} vs ${exact}`);
    }
  });

  it("keeps count, mean, min and max exact", () => {
    const h = new Histogram();
    for (const ms of [4, 1, 7, 0.5]) h.record(ms);
    h.record(-1);
    h.record(Number.NaN);
    const s = h.snapshot();
    assert.equal(s.count, 4);
    assert.equal(s.mean, 12.5 / 4);
    assert.equal(s.min, 0.5);
    assert.equal(s.max, 7);
    assert.equal(h.quantile(1), 7);
  });

  it("merges into the histogram of both inputs and resets to empty", () => {
    const a = new Histogram();
    const b = new Histogram();
    const both = new Histogram();
    for (let i = 1; i <= 100; i++) {
      (i % 2 ? a : b).record(i);
      both.record(i);
    }
    a.merge(b);
    assert.deepEqual(a.snapshot(), both.snapshot());
    a.reset();
    assert.deepEqual(a.snapshot(), {
      count: 0,
      sum: 0,
      mean: 0,
      min: 0,
      max: 0,
      p50: 0,
      p95: 0,
      p99: 0,
    });
  });

  it("snapshots the exact sum, which 0 ms values never make go down", () => {
    const random = seededRandom(2);
    const h = new Histogram();
    let exact = 0;
    let previous = 0;
    for (let i = 0; i < 2000; i++) {
      const ms = random() < 0.5 ? 0 : random() * 5;
      h.record(ms);
      exact += ms;
      const { sum } = h.snapshot();
      assert.ok(sum >= previous, `record ${i}: sum went down from ${previous} to ${sum}`);
      assert.equal(sum, exact);
      previous = sum;
    }
  });

  it("puts values at powers of two in their own bucket", () => {
    for (const ms of [0.016, 0.032, 1.024, 65.536]) {
      const h = new Histogram();
      h.record(ms);
      h.record(ms * 0.999);
      assert.ok(Math.abs(h.quantile(1) - ms) / ms < 0.07, `${ms} -> ${h.quantile(1)}`);
    }
  });
});
