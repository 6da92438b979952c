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

/**
 * Feeds `count` calls 1 ms apart whose latencies spread evenly on a log scale
 * over a factor of e^4 around `medianMs` (deterministic quantiles): an
 * interquartile range of 2.35 medians, noisier than exponential latencies.
 */
function feedSpread(
  limit: ReturnType<typeof headroomLimit>,
  from: number,
  count: number,
  medianMs: number,
  inflight: number | "full" = "full",
): number {
  let now = from;
  for (let i = 0; i < count; i++) {
    now += 1;
    const rttMs = medianMs * Math.exp(4 * (((i * 0.6180339887) % 1) - 0.5));
    const out = inflight === "full" ? limit.limit : inflight;
    limit.update({ now: now + rttMs, rttMs, inflight: out, dropped: false });
  }
  return now + medianMs * 10;
}

/**
 * Slow start to the maximum on flat 10 ms calls, then a driver: `until(rttMs)`
 * feeds calls of that latency with the limit full, one at a time (so no slow
 * call lands after a change), until the limit moves, and returns the new limit;
 * `calm()` feeds one flat call with one in flight, which never grows it.
 */
function driver(limit: ReturnType<typeof headroomLimit>): {
  until(rttMs: number): number;
  calm(): void;
} {
  let now = feed(limit, 0, 1000, 10, "full");
  return {
    until(rttMs) {
      const from = limit.limit;
      for (let i = 0; i < 2000 && limit.limit === from; i++) {
        now = feed(limit, now, 1, rttMs, "full");
      }
      return limit.limit;
    },
    calm() {
      now = feed(limit, now, 1, 10, 1);
    },
  };
}

describe("headroomLimit()", () => {
  it("doubles while latency is flat and the limit is full", () => {
    const limit = headroomLimit({ initial: 4 });
    feed(limit, 0, 200, 10, "full");
    assert.ok(limit.limit >= 8, `grew to ${limit.limit}`);
    assert.match(limit.lastDecision?.reason ?? "", /grow/);
  });

  it("after a shrink, grows back toward the highest level that was flat in jumps, not by 1", () => {
    const limit = headroomLimit({ initial: 4, max: 32, probeIntervalMs: 1e9 });
    let now = feed(limit, 0, 1000, 10, "full");
    assert.equal(limit.limit, 32, "slow start to the maximum on flat latency");
    // One call at a time, so no slow call lands after the shrink.
    for (let i = 0; i < 2000 && limit.limit === 32; i++) now = feed(limit, now, 1, 25, "full");
    const shrunk = limit.limit;
    assert.ok(shrunk <= 16, `latency 2.5x no-load shrank 32 to ${shrunk}`);
    for (let i = 0; i < 2000 && limit.limit === shrunk; i++) now = feed(limit, now, 1, 10, "full");
    // Slow start is over, so plain growth is +1; the memory of 32 makes it half the way there.
    assert.equal(limit.limit, shrunk + Math.ceil((32 - shrunk) / 2));
    assert.match(limit.lastDecision?.reason ?? "", /grow/);
  });

  it("a jump that finds queueing lowers the level it jumps toward", () => {
    const limit = headroomLimit({ initial: 4, max: 32, probeIntervalMs: 1e9 });
    const { until } = driver(limit);
    const shrunk = until(25);
    const jumped = until(10);
    assert.equal(jumped, shrunk + Math.ceil((32 - shrunk) / 2), "first jump, toward 32");
    const again = until(25);
    assert.ok(again < jumped, `the jump queued: ${jumped} -> ${again}`);
    // 32 is no longer the memory: the next jump aims at one below the level that queued.
    assert.equal(until(10), again + Math.ceil((jumped - 1 - again) / 2));
  });

  it("a probe of the no-load latency keeps what it knew about the level it returns to", () => {
    const limit = headroomLimit({ initial: 4, max: 32, probeIntervalMs: 120_000, probeJitter: 0 });
    const { until, calm } = driver(limit);
    const shrunk = until(25);
    const jumped = until(10);
    assert.equal(jumped, shrunk + Math.ceil((32 - shrunk) / 2), "first jump, toward 32");
    // Calm, with the limit not full, until the first probe has been and gone.
    for (let i = 0; i < 10_000 && !/re-measured/.test(limit.lastDecision?.reason ?? ""); i++) {
      calm();
    }
    assert.match(limit.lastDecision?.reason ?? "", new RegExp(`back to ${jumped}$`));
    const again = until(25);
    assert.ok(again < jumped, `the jump queued after the probe: ${jumped} -> ${again}`);
    // The level was still reached by a jump, so the memory of 32 is gone.
    assert.equal(until(10), again + Math.ceil((jumped - 1 - again) / 2));
  });

  // After `idle` calls with room to spare, `burst` calls that find the limit full are not
  // enough to grow it; `more` of them are, since the share of full calls fades over ~1,024.
  for (
    const [title, options, idle, inflight, burst, more] of [
      ["does not grow on a burst that fills the limit for one round", {}, 300, 2, 40, 400],
      [
        "after a long lull, grows once most of the last thousand calls found the limit full",
        {
          probeIntervalMs: 1e9,
        },
        5000,
        1,
        400,
        1100,
      ],
    ] as const
  ) {
    it(title, () => {
      const limit = headroomLimit({ initial: 4, ...options });
      let now = feed(limit, 0, idle, 10, inflight);
      now = feed(limit, now, burst, 10, "full");
      assert.equal(limit.limit, 4, `${burst} full calls after ${idle} with room to spare`);
      feed(limit, now, more, 10, "full");
      assert.ok(limit.limit > 4, `${more} more full calls grow it, to ${limit.limit}`);
    });
  }

  it("keeps refining the first no-load estimate until the limit first moves", () => {
    const limit = headroomLimit({ initial: 4 });
    // The first estimate comes from the first of these calls, with the limit not yet full.
    let now = feedSpread(limit, 0, 100, 10, 2);
    // The same level on many more calls reads 12 ms: within the first estimate's error, so
    // these are more samples of the no-load latency, not 1.2x it (which would hold the limit).
    now = feedSpread(limit, now, 1000, 12, 2);
    feedSpread(limit, now, 600, 12);
    assert.ok(limit.limit > 4, `grew from the initial limit to ${limit.limit}`);
    assert.match(limit.lastDecision?.reason ?? "", /grow/);
  });

  it("before the first probe, slow start stops only on a rise past the first estimate's error", () => {
    const steady = headroomLimit({ initial: 4, probeIntervalMs: 1e9 });
    const noisy = headroomLimit({ initial: 4, probeIntervalMs: 1e9 });
    // Flat at 10 ms: slow start doubles both to 8 on the first estimate.
    let now = feed(steady, 0, 150, 10, "full");
    feedSpread(noisy, 0, 150, 10);
    assert.equal(steady.limit, 8);
    assert.equal(noisy.limit, 8);
    // 1.2x that, with latencies alike: sure enough to stop slow start.
    now = feed(steady, now, 300, 12, "full");
    assert.equal(steady.limit, 8);
    // 1.2x with latencies as spread as real ones: within the error of a first estimate
    // from about a hundred calls, so slow start goes on.
    feedSpread(noisy, 1000, 300, 12);
    assert.ok(noisy.limit > 8, `doubled on to ${noisy.limit}`);
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

  it("holds nothing after an outage that failed calls at every level, and climbs back", () => {
    const limit = headroomLimit({ initial: 4, max: 64, probeIntervalMs: 1e9 });
    let now = feed(limit, 0, 2000, 10, "full");
    assert.equal(limit.limit, 64);
    // One second in which every call fails at once, whatever is in flight.
    const end = now + 1000;
    while (now < end) {
      now += 1;
      limit.update({ now, rttMs: 1, inflight: limit.limit, dropped: true });
    }
    assert.equal(limit.limit, 1, "cut on each failure");
    assert.match(limit.lastDecision?.reason ?? "", /failing at every level, no hold/);
    // A hold at 1 kept it there for minutes (doubling to 8 x holdMs); slow start climbs back.
    now = feed(limit, now, 1000, 10, "full");
    assert.equal(limit.limit, 64);
  });

  it("holds on under a cap that the first cut did not reach, failing only above it", () => {
    const limit = headroomLimit({ initial: 25, max: 25, probeIntervalMs: 1e9 });
    let now = feed(limit, 0, 100, 10, "full");
    limit.update({ now: now + 1, rttMs: 2, inflight: 25, dropped: true });
    assert.equal(limit.limit, 22);
    // The cap is 20: a call admitted after the cut fails at 21, under the level held (24).
    now = feed(limit, now + 1, 10, 10, "full");
    limit.update({ now: now + 1, rttMs: 2, inflight: 21, dropped: true });
    assert.match(limit.lastDecision?.reason ?? "", /hold 20/, "a cap, not an outage");
  });

  it("keeps holding a level when only the one above it fails", () => {
    const limit = headroomLimit({ initial: 20, probeIntervalMs: 1e9 });
    let now = feed(limit, 0, 100, 10, "full");
    limit.update({ now: now + 1, rttMs: 2, inflight: 20, dropped: true });
    assert.equal(limit.limit, 18);
    assert.match(limit.lastDecision?.reason ?? "", /hold 19/);
    now = feed(limit, now + 1, 2000, 10, "full");
    assert.equal(limit.limit, 19, "grows back to the level held, no further");
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

  it("does not shrink on a modest rise that noisy latencies cannot tell from chance", () => {
    const make = (reasons: string[]) => {
      const limit = headroomLimit({
        initial: 8,
        max: 8,
        probeIntervalMs: 6000,
        probeJitter: 0,
        onDecision: (d) => reasons.push(`${d.from}->${d.to} ${d.reason}`),
      });
      // A drop ends slow start; the first probe (at 2 s) then measures the no-load latency.
      limit.update({ now: 5, rttMs: 2, inflight: 8, dropped: true });
      return limit;
    };
    // Twins see the same 1.4x rise in the median: one with every call alike, one widely spread.
    const steady: string[] = [];
    const steadyLimit = make(steady);
    const before = feed(steadyLimit, 10, 3000, 10, "full");
    const measured = steady.length;
    feed(steadyLimit, before, 2000, 14, "full");
    const noisy: string[] = [];
    const noisyLimit = make(noisy);
    const now = feedSpread(noisyLimit, 10, 3000, 10);
    assert.match(noisy.at(-1) ?? "", /re-measured: back to 7/);
    feedSpread(noisyLimit, now, 2000, 14);
    assert.match(
      steady[measured] ?? "",
      /^7->6 latency 1\.40x no-load over \d+ calls: shrink, hold/,
    );
    // A median of 1024 such calls and one of a 256-call probe are each uncertain
    // by a tenth or more: 1.4x is within two standard errors of 1.1x.
    assert.equal(noisyLimit.limit, 7, "spread calls: the rise is not sure");
  });

  it("a probe that reads slower than the level it left does not replace the estimate", () => {
    /** Re-measured no-load latencies, with calls of `probeMs` in probes and `heldMs` elsewhere. */
    const remeasured = (heldMs: number, probeMs: number): string[] => {
      const found: string[] = [];
      const limit = headroomLimit({
        initial: 8,
        max: 8,
        probeIntervalMs: 6000,
        probeJitter: 0,
        onDecision: (d) => {
          const read = /no-load latency ([\d.]+)ms re-measured/.exec(d.reason);
          if (read) found.push(read[1]!);
        },
      });
      // A drop ends slow start; probes then come at 2 s and every 6 s after.
      limit.update({ now: 5, rttMs: 2, inflight: 8, dropped: true });
      let now = feed(limit, 10, 1000, 10, "full");
      for (let i = 0; i < 20_000 && found.length < 3; i++) {
        const probing = /re-measure no-load latency at/.test(limit.lastDecision?.reason ?? "");
        now = feed(limit, now, 1, probing ? probeMs : heldMs, "full");
      }
      return found;
    };
    // Twice the estimate, but slower than the level the probe left, which read 10 ms:
    // latency does not fall as concurrency rises, so the probe caught slow calls by chance.
    assert.deepEqual(remeasured(10, 20), ["10.0", "10.0", "10.0"]);
    // Slower everywhere, the service itself slowed: the probe takes over the estimate.
    assert.ok(remeasured(20, 20).includes("20.0"), "a slower service is learned");
  });

  it("ends a probe at a low limit after two seconds instead of waiting for 256 calls", () => {
    const times: number[] = [];
    const limit = headroomLimit({
      initial: 4,
      probeIntervalMs: 3000,
      probeJitter: 0,
      onDecision: (d) => {
        if (/re-measure/.test(d.reason)) times.push(d.time);
      },
    });
    limit.update({ now: 1, rttMs: 1, inflight: 4, dropped: true });
    // One call every 30 ms: 256 calls at the probe's limit would take almost 8 s.
    let now = 0;
    for (let i = 0; i < 600 && times.length < 2; i++) {
      now += 30;
      limit.update({ now: now + 100, rttMs: 100, inflight: 1, dropped: false });
    }
    assert.equal(times.length, 2, "the probe started and ended");
    const took = times[1]! - times[0]!;
    assert.ok(took >= 2000 && took < 3000, `probe took ${took} ms`);
  });

  it("does not probe while a resource ceiling holds the limit", () => {
    const probes = (cpuBound: boolean): number => {
      let count = 0;
      const limit = headroomLimit({
        initial: 4,
        cpuBound,
        holdMs: 0,
        probeIntervalMs: 1000,
        probeJitter: 0,
        onDecision: (d) => {
          if (/re-measure no-load/.test(d.reason) && d.time > 2000) count++;
        },
      });
      limit.observe(sample({ time: 0, cpus: 4, cpuPercent: 100 }));
      limit.update({ now: 1, rttMs: 1, inflight: 4, dropped: true });
      feed(limit, 10, 8000, 10, "full");
      return count;
    };
    assert.equal(probes(true), 0, "at the CPU ceiling latency decides nothing");
    assert.ok(probes(false) >= 2, "without a ceiling it re-measures on schedule");
  });

  it("grows on fewer calls when latency is surely flat", () => {
    const grows: number[] = [];
    const limit = headroomLimit({
      initial: 8,
      holdMs: 0,
      probeIntervalMs: 1e6,
      onDecision: (d) => {
        if (/grow/.test(d.reason)) grows.push(d.to);
      },
    });
    limit.update({ now: 1, rttMs: 1, inflight: 8, dropped: true }); // ends slow start at 7
    feed(limit, 10, 300, 10, "full");
    // Alike calls leave no doubt after 64: two steps in 300 calls, not one per 256.
    assert.deepEqual(grows, [8, 9]);
  });

  it("re-measures the no-load latency even while slow start is held at a ceiling", () => {
    const limit = headroomLimit({ initial: 4, max: 4, probeIntervalMs: 3000, probeJitter: 0 });
    feed(limit, 0, 2000, 10, "full");
    assert.match(limit.lastDecision?.reason ?? "", /re-measure/);
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

  it("does not lower the memory ceiling for a dip of under a quarter of a task", () => {
    const limit = headroomLimit({ initial: 16, perTaskMemoryBytes: 100 * MB });
    feed(limit, 0, 10, 10, 16);
    // 16 in flight hold 1600 of 2000 MB, so 400 MB is the rest; with the 5 % reserve,
    // (memoryLimit x 0.95 - 400 MB) / 100 MB tasks fit. Pick the limit for `tasks`.
    const fitting = (tasks: number) =>
      sample({ memoryBytes: 2000 * MB, memoryLimit: ((tasks * 100 + 400) / 0.95) * MB });
    limit.observe(fitting(16.1));
    assert.equal(limit.limit, 16);
    limit.observe(fitting(15.9));
    assert.equal(limit.limit, 16, "0.1 task short of 16: noise around a whole number");
    limit.observe(fitting(15.7));
    assert.equal(limit.limit, 15, "0.3 task short: the ceiling falls");
    assert.match(limit.lastDecision?.reason ?? "", /memory ceiling 15/);
    // A reserve of 0.5 % is about 10 MB: half of it covers a twentieth of a task, not 0.1.
    const tight = headroomLimit({
      initial: 16,
      perTaskMemoryBytes: 100 * MB,
      memoryReserve: 0.005,
    });
    feed(tight, 0, 10, 10, 16);
    const tightly = (tasks: number) =>
      sample({ memoryBytes: 2000 * MB, memoryLimit: ((tasks * 100 + 400) / 0.995) * MB });
    tight.observe(tightly(16.1));
    tight.observe(tightly(15.9));
    assert.equal(tight.limit, 15);
  });

  it("draws probe jitter only from the injected random source", () => {
    const draws: number[] = [];
    const limit = headroomLimit({ random: () => (draws.push(1), 0.5) });
    feed(limit, 0, 200, 10, "full");
    assert.ok(draws.length >= 1);
  });

  it("rejects unknown options and shrinkAbove <= growBelow", () => {
    assert.throws(() => headroomLimit({ cpubound: true } as never), ConfigError);
    assert.throws(
      () => headroomLimit({ growBelow: 2, shrinkAbove: 1.5 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes("`shrinkAbove` received 1.5, expected more than growBelow (2)"),
    );
    assert.throws(
      () => headroomLimit({ growBelow: 3 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes(
          "`growBelow` received 3, expected less than shrinkAbove (2, its default)",
        ),
    );
  });
});
