import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../src/config/config-error.ts";
import { policyLimit } from "../../../src/control/policies/policy-limit.ts";
import { baseThreads, seedThrottling } from "../../../src/control/policies/seed-throttling.ts";
import { thresholdRule } from "../../../src/control/policies/threshold-rule.ts";
import type { ResourceSample } from "../../../src/monitor/sample.ts";

const at = (time: number, cpus: number, cpuPercent: number | undefined, memoryPercent: number) =>
  ({ time, cpus, cpuPercent, memoryPercent }) as unknown as ResourceSample;

describe("seedThrottling()", () => {
  it("clamps the CPU count per operation, as the seed's switch does", () => {
    assert.deepEqual(
      ["export", "import", "bulkUpdate", "indexRebuild", "other"].map((op) =>
        [2, 16].map((n) => baseThreads(op as never, n))
      ),
      [[4, 8], [2, 6], [3, 6], [1, 4], [2, 4]],
    );
  });
  it("multiplies by 0.7 under pressure (CPU > 90 or memory > 80) and truncates", () => {
    const policy = seedThrottling();
    assert.equal(policy.optimalThreadCount(at(0, 8, 50, 50)), 8);
    assert.equal(policy.optimalThreadCount(at(0, 8, 91, 50)), 5);
    assert.equal(policy.optimalThreadCount(at(0, 8, 50, 81)), 5);
    assert.equal(policy.isUnderPressure(at(0, 8, 90, 80)), false);
  });
  it("uses a configured value > 0 as is, and <= 0 as adaptive", () => {
    const fixed = seedThrottling({ maxConcurrentOperations: 3 });
    assert.equal(fixed.adaptive, false);
    assert.equal(fixed.maxConcurrentOperations(at(0, 16, 99, 99)), 3);
    const adaptive = seedThrottling({ maxConcurrentOperations: -1 });
    assert.equal(adaptive.adaptive, true);
    assert.equal(adaptive.ceiling(at(0, 16, 10, 10), 1), 8);
  });
  it("has sufficient resources only within the maximum and without memory pressure", () => {
    const policy = seedThrottling();
    assert.equal(policy.hasSufficientResources(at(0, 8, 10, 10), 8), true);
    assert.equal(policy.hasSufficientResources(at(0, 8, 10, 10), 9), false);
    assert.equal(policy.hasSufficientResources(at(0, 8, 10, 85), 1), false);
  });
  it("names a bad operation", () => {
    assert.throws(() => seedThrottling({ operation: "reindex" as never }), ConfigError);
  });
});

describe("thresholdRule()", () => {
  it("follows max(CPU %, memory %): low -> max, middle -> midpoint, high -> min", () => {
    const rule = thresholdRule({ maxConcurrency: 9 });
    assert.equal(rule.ceiling(at(0, 1, 40, 10), 1), 9);
    assert.equal(rule.ceiling(at(1, 1, 10, 60), 1), 5);
    assert.equal(rule.ceiling(at(2, 1, 76, 10), 1), 1);
  });
  it("brakes after more than 3 consecutive throttles and lets go after brakeMs", () => {
    const rule = thresholdRule({ brakeMs: 8000 });
    for (let t = 0; t < 3; t++) rule.ceiling(at(t * 1000, 1, 72, 0), 3);
    assert.equal(rule.state, "rule");
    assert.equal(rule.ceiling(at(3000, 1, 72, 0), 3), 1);
    assert.equal(rule.state, "braking");
    assert.equal(rule.ceiling(at(10_000, 1, 10, 0), 3), 1);
    assert.equal(rule.ceiling(at(11_000, 1, 10, 0), 3), 3);
    assert.equal(rule.state, "rule");
  });
  it("reads a missing or NaN figure as no reading, not as a NaN that hides the other", () => {
    const rule = thresholdRule({ maxConcurrency: 9 });
    assert.equal(rule.ceiling(at(0, 1, 95, Number.NaN), 9), 1, "CPU 95 % still reduces");
    assert.equal(rule.ceiling(at(1, 1, Number.NaN, 60), 9), 5);
    assert.equal(rule.ceiling(at(2, 1, Number.NaN, Number.NaN), 9), 9);
    const braking = thresholdRule();
    for (let t = 0; t < 4; t++) braking.ceiling(at(t * 1000, 1, 99, Number.NaN), 3);
    assert.equal(braking.state, "braking", "throttles counted through a NaN memory figure");
  });
  it("rejects minConcurrency above maxConcurrency instead of swapping them", () => {
    assert.throws(
      () => thresholdRule({ minConcurrency: 5, maxConcurrency: 2 }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /`minConcurrency` received 5, expected at most `maxConcurrency`/.test(error.message),
    );
    assert.throws(
      () => thresholdRule({ maxConcurrency: 0 }),
      (error: unknown) =>
        error instanceof ConfigError && error.issues.length === 1 &&
        error.issues[0]?.path === "maxConcurrency", // not minConcurrency, which was never set
    );
  });
  it("rejects increaseBelow above reduceAbove, naming both", () => {
    assert.throws(
      () => thresholdRule({ increaseBelow: 80, reduceAbove: 50 }),
      (error: unknown) =>
        error instanceof ConfigError && /increaseBelow/.test(error.message) &&
        /80/.test(error.message) && /reduceAbove/.test(error.message),
    );
    assert.equal(
      thresholdRule({ increaseBelow: 60, reduceAbove: 60 }).ceiling(at(0, 1, 59, 0), 1),
      3,
    );
  });
  it("opens the circuit after more than maxBrakes brakes", () => {
    const rule = thresholdRule({ emergencyBrakeThreshold: 0, brakeMs: 0, maxBrakes: 1 });
    rule.ceiling(at(0, 1, 90, 0), 3);
    rule.ceiling(at(1, 1, 90, 0), 3);
    assert.equal(rule.state, "open");
    assert.equal(rule.ceiling(at(29_000, 1, 0, 0), 3), 1);
    assert.equal(rule.ceiling(at(40_000, 1, 0, 0), 3), 3);
  });
});

describe("policyLimit()", () => {
  it("re-evaluates no more often than intervalMs and reports the change", () => {
    const limit = policyLimit({ policy: seedThrottling(), intervalMs: 30_000, name: "seed" });
    assert.equal(limit.observe(at(0, 8, 10, 10)), 8);
    assert.equal(limit.observe(at(10_000, 8, 95, 10)), 8);
    assert.equal(limit.observe(at(30_000, 8, 95, 10)), 5);
    assert.equal(limit.lastDecision?.source, "seed");
    assert.deepEqual([limit.lastDecision?.from, limit.lastDecision?.to], [8, 5]);
    assert.equal(limit.update({ now: 1, rttMs: 1, inflight: 5, dropped: true }), 5);
  });

  it("evaluates at once a sample with a figure the last evaluation lacked", () => {
    // A monitor's first sample has no CPU %: the seed read it as 0 and held 8 for 30 s.
    const limit = policyLimit({ policy: seedThrottling(), intervalMs: 30_000 });
    assert.equal(limit.observe(at(0, 8, undefined, 10)), 8);
    assert.equal(limit.observe(at(1000, 8, 95, 10)), 5);
    assert.equal(limit.observe(at(2000, 8, 10, 10)), 5, "then the interval holds");
    // Where there is never a CPU figure, the interval holds between memory-only samples.
    const blind = policyLimit({ policy: seedThrottling(), intervalMs: 30_000 });
    assert.equal(blind.observe(at(0, 8, undefined, 10)), 8);
    assert.equal(blind.observe(at(1000, 8, undefined, 95)), 8);
    assert.equal(blind.observe(at(30_000, 8, undefined, 95)), 5);
  });

  it("keeps its limit when the policy's ceiling is NaN, and reads Infinity as max", () => {
    let ceiling = 6;
    const policy = { ceiling: () => ceiling };
    const limit = policyLimit({ policy, intervalMs: 0, max: 20 });
    assert.equal(limit.observe(at(0, 8, 10, 10)), 6);
    ceiling = NaN;
    assert.equal(limit.observe(at(1, 8, 10, 10)), 6);
    ceiling = Infinity;
    assert.equal(limit.observe(at(2, 8, 10, 10)), 20);
  });

  it("ignores a ceiling that is not a number, and never rounds one up past it", () => {
    let ceiling: unknown = 4;
    const policy = { ceiling: () => ceiling as number };
    const limit = policyLimit({ policy, intervalMs: 0 });
    assert.equal(limit.observe(at(0, 8, 10, 10)), 4);
    ceiling = undefined;
    assert.equal(limit.observe(at(1, 8, 10, 10)), 4);
    ceiling = 5.6;
    assert.equal(limit.observe(at(2, 8, 10, 10)), 5, "5.6 calls allowed means 5");
  });

  it("says what a policy is when given something else", () => {
    assert.throws(
      () => policyLimit({ policy: { ceiling: 5 } as never }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /`policy` received \{"ceiling":5\}, expected a ResourcePolicy \(an object with a ceiling/
          .test(error.message),
    );
  });
});
