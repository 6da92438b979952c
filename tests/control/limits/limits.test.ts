import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../src/config/config-error.ts";
import { aimd } from "../../../src/control/limits/aimd.ts";
import { fixed } from "../../../src/control/limits/fixed.ts";
import { gradient2 } from "../../../src/control/limits/gradient2.ts";
import { littlesLaw } from "../../../src/control/limits/littles-law.ts";
import { vegas } from "../../../src/control/limits/vegas.ts";
import type { Decision } from "../../../src/control/types.ts";

const ok = (now: number, rttMs: number, inflight: number) => ({
  now,
  rttMs,
  inflight,
  dropped: false,
});

describe("fixed()", () => {
  it("never moves", () => {
    const limit = fixed({ limit: 7 });
    assert.equal(limit.update({ now: 1, rttMs: 1e6, inflight: 7, dropped: true }), 7);
    assert.equal(limit.lastDecision, undefined);
  });
  it("rejects a limit of 0 with a ConfigError", () => {
    assert.throws(() => fixed({ limit: 0 }), ConfigError);
  });
});

describe("aimd()", () => {
  it("backs off to floor(limit * 0.9) on a drop and reports why", () => {
    const seen: Decision[] = [];
    const limit = aimd({ initial: 30, onDecision: (d) => seen.push(d) });
    assert.equal(limit.update({ now: 5, rttMs: 1, inflight: 30, dropped: true }), 27);
    assert.deepEqual(
      { from: seen[0]?.from, to: seen[0]?.to, time: seen[0]?.time, source: seen[0]?.source },
      { from: 30, to: 27, time: 5, source: "aimd" },
    );
    assert.equal(limit.lastDecision, seen[0]);
  });
  it("backs off to floor(limit * backoff) exactly, even where floating point falls short", () => {
    // 90 x 0.7 is 62.99999999999999 in floating point.
    const cases: [number, number, number][] = [[90, 0.7, 63], [170, 0.7, 119], [100, 0.57, 57]];
    for (const [initial, backoff, after] of cases) {
      const limit = aimd({ initial, backoff });
      assert.equal(limit.update({ now: 0, rttMs: 1, inflight: initial, dropped: true }), after);
    }
  });
  it("adds 1 only when at least half the limit was in use", () => {
    const limit = aimd({ initial: 10 });
    assert.equal(limit.update(ok(0, 1, 4)), 10);
    assert.equal(limit.update(ok(1, 1, 5)), 11);
  });
  it("treats an RTT over the timeout as a drop", () => {
    const limit = aimd({ initial: 10, timeoutMs: 100 });
    assert.equal(limit.update(ok(0, 101, 10)), 9);
  });
  it("rounds the RTT its decision reason prints", () => {
    const limit = aimd({ initial: 10, timeoutMs: 100 });
    limit.update(ok(0, 100.75790999999998, 10));
    assert.equal(limit.lastDecision?.reason, "rtt 101ms > timeout: x0.9");
  });
  it("rejects unknown options and initial outside [min, max]", () => {
    assert.throws(
      () => aimd({ inital: 3 } as never),
      (e: unknown) => e instanceof ConfigError && e.issues[0]?.path === "inital",
    );
    assert.throws(
      () => aimd({ initial: 5, min: 10 }),
      (e: unknown) => e instanceof ConfigError && e.issues[0]?.path === "initial",
    );
  });

  it("moves a default initial limit into [min, max] instead of refusing it", () => {
    assert.equal(aimd({ max: 10 }).limit, 10);
    assert.equal(vegas({ min: 50 }).limit, 50);
    assert.equal(gradient2({ max: 8 }).limit, 8);
  });
});

describe("a latency that is not a number", () => {
  it("is ignored: NaN or Infinity never sticks in a limit", () => {
    const makers = { vegas, gradient2, littlesLaw };
    for (const [name, make] of Object.entries(makers)) {
      const clean = make({ initial: 10 });
      const dirty = make({ initial: 10 });
      let now = 0;
      for (let i = 0; i < 300; i++) {
        now += 10;
        const rttMs = 10 + (i % 3);
        if (i === 3) {
          dirty.update({ now, rttMs: NaN, inflight: 10, dropped: false });
          dirty.update({ now, rttMs: Infinity, inflight: 10, dropped: false });
        }
        clean.update({ now, rttMs, inflight: clean.limit, dropped: false });
        dirty.update({ now, rttMs, inflight: dirty.limit, dropped: false });
      }
      assert.ok(Number.isInteger(dirty.limit), `${name}: ${dirty.limit}`);
      assert.equal(dirty.limit, clean.limit, name);
    }
  });
});

describe("vegas()", () => {
  it("grows by 6 * log10 when no queue builds", () => {
    const limit = vegas({ initial: 10 });
    limit.update(ok(0, 10, 10));
    assert.equal(limit.update(ok(1, 10, 10)), 16);
  });
  it("shrinks when the queue estimate is large", () => {
    const limit = vegas({ initial: 20 });
    limit.update(ok(0, 10, 20));
    assert.equal(limit.update(ok(1, 100, 20)), 19);
  });
  it("gives back log10(limit) on a drop", () => {
    const limit = vegas({ initial: 20 });
    limit.update(ok(0, 10, 20));
    assert.equal(limit.update({ now: 1, rttMs: 10, inflight: 20, dropped: true }), 19);
  });
  it("counts a fast or timeless drop, and never learns its RTT as the no-load RTT", () => {
    const limit = vegas({ initial: 20 });
    limit.update(ok(0, 10, 20));
    assert.equal(limit.update({ now: 1, rttMs: 5, inflight: 20, dropped: true }), 19);
    assert.equal(limit.update({ now: 2, rttMs: 0, inflight: 20, dropped: true }), 18);
    const before = limit.limit;
    for (let i = 0; i < 5; i++) limit.update(ok(3 + i, 10, limit.limit));
    assert.ok(limit.limit > before, `healthy 10-ms calls still grow it: ${limit.limit}`);
  });
});

describe("gradient2()", () => {
  it("shrinks when calls slow down against the long-term average", () => {
    const limit = gradient2({ initial: 50 });
    for (let i = 0; i < 20; i++) limit.update(ok(i, 10, 50));
    const before = limit.limit;
    for (let i = 0; i < 20; i++) limit.update(ok(20 + i, 40, 50));
    assert.ok(limit.limit < before, `${limit.limit} < ${before}`);
  });
  it("ignores drops, as the design it follows does", () => {
    const limit = gradient2({ initial: 20 });
    for (let i = 0; i < 10; i++) limit.update(ok(i, 10, 20));
    const before = limit.limit;
    limit.update({ now: 11, rttMs: 10, inflight: 20, dropped: true });
    assert.ok(limit.limit >= before);
  });
});

describe("littlesLaw()", () => {
  it("pins the limit while probing, then sizes from throughput x latency", () => {
    const limit = littlesLaw({ probeSamples: 5, windowSamples: 5, windowMs: 100, initial: 10 });
    assert.equal(limit.limit, 3);
    for (let i = 1; i <= 5; i++) limit.update(ok(i * 10, 10, 3));
    assert.equal(limit.limit, 10);
    // 100 calls a second at no-load latency: 100/s x (2.3 x 10 ms - 10 ms) = 1.3.
    for (let i = 1; i <= 20; i++) limit.update(ok(50 + i * 10, 10, 10));
    assert.equal(limit.limit, 1);
  });
  it("halves the limit for a window in which every call failed", () => {
    const limit = littlesLaw({ probeSamples: 5, windowSamples: 5, windowMs: 100, initial: 10 });
    for (let i = 1; i <= 5; i++) limit.update(ok(i, 10, 3));
    // 1000 calls a second at 10 ms: 1000/s x (2.3 x 10 ms - 10 ms) = 13.
    for (let i = 1; i <= 100; i++) limit.update(ok(5 + i, 10, 10));
    assert.equal(limit.limit, 13);
    const failed = (now: number) => ({ now, rttMs: 1, inflight: 13, dropped: true });
    for (let i = 1; i <= 100; i++) limit.update(failed(105 + i));
    assert.equal(limit.limit, 7, "an outage halves it");
    assert.match(limit.lastDecision!.reason, /100 calls in a window, all dropped: halve/);
    for (let i = 1; i <= 100; i++) limit.update(failed(205 + i));
    assert.equal(limit.limit, 4, "and again");
  });
});
