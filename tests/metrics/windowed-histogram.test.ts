import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WindowedHistogram } from "../../src/metrics/windowed-histogram.ts";

describe("WindowedHistogram", () => {
  it("answers quantiles over the last window while count and sum cover every value", () => {
    const h = new WindowedHistogram(60_000, 6);
    for (let i = 0; i < 1000; i++) h.record(100, i * 10); // the first 10 s: 100 ms each
    let s = h.snapshot(10_000);
    assert.equal(s.windowCount, 1000);
    assert.ok(Math.abs(s.p99 - 100) / 100 < 0.06, `p99 ${s.p99}`);

    for (let i = 0; i < 100; i++) h.record(5, 65_000 + i); // a minute on, 5 ms each
    s = h.snapshot(65_100);
    assert.equal(s.count, 1100, "count covers every value");
    assert.equal(s.sum, 1000 * 100 + 100 * 5, "sum covers every value");
    assert.equal(s.mean, s.sum / 1100);
    assert.equal(s.windowCount, 100, "the first 10 s have left the window");
    assert.ok(Math.abs(s.p99 - 5) / 5 < 0.06, `p99 ${s.p99} is the recent 5 ms, not 100`);
    assert.equal(s.max, 5);
    assert.equal(s.min, 5);
    assert.equal(s.windowMs, 60_000);
  });

  it("drops a slice whole once it is older than the window, and reports an empty window as 0", () => {
    const h = new WindowedHistogram(60_000, 6);
    h.record(40, 5_000); // slice 0: 0–10 s
    h.record(80, 15_000); // slice 1: 10–20 s
    assert.equal(h.snapshot(59_999).windowCount, 2);
    assert.equal(h.snapshot(60_000).windowCount, 1, "at 60 s slice 0 (0–10 s) is gone");
    assert.equal(h.snapshot(60_000).max, 80);
    const idle = h.snapshot(70_000);
    assert.equal(idle.windowCount, 0);
    assert.deepEqual([idle.p50, idle.p99, idle.min, idle.max], [0, 0, 0, 0]);
    assert.equal(idle.count, 2);
    assert.equal(idle.sum, 120);
  });

  it("reuses a slice's histogram for a later slice without the old values", () => {
    const h = new WindowedHistogram(1000, 2); // two slices of 500 ms
    h.record(1, 100); // slice number 0
    h.record(2, 1_100); // slice number 2 shares histogram 0
    const s = h.snapshot(1_100);
    assert.equal(s.windowCount, 1);
    assert.equal(s.min, 2);
    assert.equal(s.count, 2);
  });

  it("ignores negative and non-finite values, as Histogram does", () => {
    const h = new WindowedHistogram();
    for (const ms of [-1, Number.NaN, Infinity]) h.record(ms, 0);
    h.record(3, 0);
    const s = h.snapshot(0);
    assert.deepEqual([s.count, s.windowCount, s.sum], [1, 1, 3]);
  });

  it("refuses a window or slice count that cannot work", () => {
    assert.throws(() => new WindowedHistogram(0), RangeError);
    assert.throws(() => new WindowedHistogram(1000, 0), RangeError);
    assert.throws(() => new WindowedHistogram(1000, 1.5), RangeError);
  });
});
