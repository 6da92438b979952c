import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../src/config/config-error.ts";
import { headroomLimit } from "../../../src/control/limits/headroom.ts";
import type { ResourceSample } from "../../../src/monitor/sample.ts";
import { sampleAt } from "../limiter/helpers.ts";

const MB = 1024 * 1024;

/** A calm 4-CPU sample with `fields` set. */
function sample(fields: Partial<ResourceSample>): ResourceSample {
  return { ...sampleAt("none"), cpus: 4, ...fields };
}

/** Feeds `count` calls of `rttMs` that each started with `inflight` out, 1 ms apart. */
function feed(
  limit: ReturnType<typeof headroomLimit>,
  from: number,
  count: number,
  rttMs: number,
  inflight: number | "full",
): number {
  let now = from;
  for (let i = 0; i < count; i++) {
    now += 1;
    const out = inflight === "full" ? limit.limit : inflight;
    limit.update({ now: now + rttMs, rttMs, inflight: out, dropped: false });
  }
  return now + rttMs;
}

describe("headroomLimit()", () => {
  it("doubles while latency is flat and the limit is full", () => {
    const limit = headroomLimit({ initial: 4 });
    feed(limit, 0, 200, 10, "full");
    assert.ok(limit.limit >= 8, `grew to ${limit.limit}`);
    assert.match(limit.lastDecision?.reason ?? "", /grow/);
  });

  it("does not grow during a lull (the limit never fills)", () => {
    const limit = headroomLimit({ initial: 4 });
    feed(limit, 0, 400, 10, 1);
    assert.equal(limit.limit, 4);
  });

  it("multiplies by backoff on a drop and holds that level", () => {
    const limit = headroomLimit({ initial: 20 });
    const now = feed(limit, 0, 100, 10, "full");
    limit.update({ now: now + 1, rttMs: 2, inflight: 20, dropped: true });
    assert.equal(limit.limit, 18);
    assert.match(limit.lastDecision?.reason ?? "", /dropped/);
  });

  it("shrinks when latency doubles at the same limit", () => {
    const limit = headroomLimit({ initial: 8, max: 8 });
    let now = feed(limit, 0, 200, 10, "full");
    now = feed(limit, now, 600, 30, "full");
    assert.ok(limit.limit < 8, `shrank to ${limit.limit}`);
  });

  it("shrinks on a modest latency rise only once it is measured twice on many calls", () => {
    const limit = headroomLimit({ initial: 8, max: 8, probeIntervalMs: 6000, probeJitter: 0 });
    // A drop ends slow start; the first probe (at 2 s) then makes the no-load latency sure.
    limit.update({ now: 5, rttMs: 2, inflight: 8, dropped: true });
    let now = feed(limit, 10, 3000, 10, "full");
    assert.equal(limit.limit, 7);
    assert.match(limit.lastDecision?.reason ?? "", /no-load latency 10\.0ms re-measured/);
    // 1.4x no-load: below shrinkAbove (2), so only the many-call rule can see it.
    now = feed(limit, now, 300, 14, "full");
    assert.equal(limit.limit, 7, "one round is not enough");
    feed(limit, now, 700, 14, "full");
    assert.equal(limit.limit, 6);
    assert.match(limit.lastDecision?.reason ?? "", /1\.40x no-load over \d+ calls: shrink, hold/);
  });

  it("caps a CPU-bound pool at the CPU count", () => {
    const limit = headroomLimit({ initial: 8, cpuBound: true });
    limit.observe(sample({ time: 0, cpus: 4, cpuPercent: 100 }));
    assert.equal(limit.limit, 4);
    assert.match(limit.lastDecision?.reason ?? "", /cpu ceiling 4/);
  });

  it("caps memory-bound work at the headroom over the per-task footprint", () => {
    const limit = headroomLimit({ initial: 16, perTaskMemoryBytes: 100 * MB, memoryReserve: 0 });
    feed(limit, 0, 10, 10, 16);
    // 16 in flight hold 1600 of 2000 MB: 400 MB is the rest, so 8 tasks fit in 1200 MB.
    limit.observe(sample({ memoryBytes: 2000 * MB, memoryLimit: 1200 * MB }));
    assert.equal(limit.limit, 8);
    assert.match(limit.lastDecision?.reason ?? "", /memory ceiling 8/);
    const other = headroomLimit({ initial: 16, perTaskMemoryBytes: 100 * MB, memoryReserve: 0 });
    feed(other, 0, 10, 10, 16);
    other.observe(sample({ memoryBytes: 2000 * MB, memoryLimit: 2800 * MB }));
    assert.equal(other.limit, 16);
  });

  it("draws probe jitter only from the injected random source", () => {
    const draws: number[] = [];
    const limit = headroomLimit({ random: () => (draws.push(1), 0.5) });
    feed(limit, 0, 200, 10, "full");
    assert.ok(draws.length >= 1);
  });

  it("rejects unknown options and shrinkAbove <= growBelow", () => {
    assert.throws(() => headroomLimit({ cpubound: true } as never), ConfigError);
    assert.throws(() => headroomLimit({ growBelow: 2, shrinkAbove: 1.5 }), RangeError);
  });
});
