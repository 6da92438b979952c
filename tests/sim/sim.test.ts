import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aimd } from "../../src/control/limits/aimd.ts";
import { fixed } from "../../src/control/limits/fixed.ts";
import { headroomLimit } from "../../src/control/limits/headroom.ts";
import { simulate } from "../../src/sim/engine.ts";
import { sweepOracle } from "../../src/sim/oracle.ts";
import type { Scenario } from "../../src/sim/scenario.ts";
import { EXAM } from "../../src/sim/exam.ts";
import { SECOND_EXAM } from "../../src/sim/exam2.ts";
import { HELD_OUT, SCENARIOS } from "../../src/sim/scenarios.ts";
import { countReversals, score, settleSeconds } from "../../src/sim/score.ts";

function reduced(name: string, durationMs = 40_000): Scenario {
  const scenario = SCENARIOS.find((s) => s.name === name);
  assert.ok(scenario, name);
  const scale = durationMs / scenario.durationMs;
  return {
    ...scenario,
    durationMs,
    service: {
      ...scenario.service,
      phases: scenario.service.phases.map((p) => ({ ...p, atMs: p.atMs * scale })),
    },
  } as Scenario;
}

const SWEEP: readonly number[] = [1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 14, 16, 20, 32];

describe("simulate()", () => {
  it("is deterministic: the same scenario and controller give the same run", () => {
    const scenario = reduced("cpu-saturation", 10_000);
    const a = simulate(scenario, headroomLimit());
    const b = simulate(scenario, headroomLimit());
    assert.deepEqual(a, b);
    assert.ok(a.successes > 1000);
    assert.notDeepEqual(simulate(scenario, aimd({ initial: 5 })), a);
  });

  it("serves c tasks at full speed: limit 4 on 4 cores beats 1 and 32", () => {
    const scenario = reduced("cpu-saturation", 10_000);
    const [one, four, many] = [1, 4, 32].map((limit) => simulate(scenario, fixed({ limit })));
    assert.ok(four!.successes > 3.5 * one!.successes);
    assert.ok(four!.successes > many!.successes);
    assert.ok(many!.p99Ms > 4 * four!.p99Ms);
  });

  it("kills everything in flight past the memory limit", () => {
    const scenario = reduced("memory-cliff", 10_000);
    const over = simulate(scenario, fixed({ limit: 18 }));
    const under = simulate(scenario, fixed({ limit: 17 }));
    assert.ok(over.ooms > 0 && over.wasted >= 18);
    assert.equal(under.ooms, 0);
  });

  it("counts fast rejections above K as wasted attempts", () => {
    const scenario = reduced("rejects-above-k", 10_000);
    assert.equal(simulate(scenario, fixed({ limit: 12 })).wasted, 0);
    assert.ok(simulate(scenario, fixed({ limit: 16 })).wasted > 100);
  });
});

describe("scoring", () => {
  it("counts direction changes", () => {
    assert.equal(countReversals([1, 2, 3, 2, 2, 3, 1]), 3);
    assert.equal(countReversals([5, 4, 3]), 0);
  });
  it("settles once 90% of the remaining time is in the band", () => {
    const result = {
      durationMs: 100_000,
      successes: 0,
      wasted: 0,
      shed: 0,
      ooms: 0,
      p99Ms: 0,
      phaseSuccesses: [],
      traceTime: [0, 42_000, 50_000, 51_000],
      traceLimit: [4, 3, 1, 2],
    };
    assert.equal(settleSeconds(result, 40_000, 80_000, [2, 3]), 2);
    assert.equal(settleSeconds(result, 40_000, 80_000, [4, 6]), Infinity, "never in band");
    assert.equal(settleSeconds(result, 40_000, 45_000, [4, 6]), Infinity, "nor in a short phase");
  });
  it("fails p99 for a run with no successes, which has no p99", () => {
    const scenario = reduced("cpu-saturation", 10_000);
    const oracle = sweepOracle(scenario, [4]);
    const none = { ...simulate(scenario, fixed({ limit: 4 })), successes: 0, p99Ms: 0 };
    const s = score(scenario, none, oracle);
    assert.equal(s.p99, Infinity);
    assert.ok(s.failures.includes("p99"), s.failures.join(", "));
  });
});

describe("the scenario sets", () => {
  const all = [...SCENARIOS, ...HELD_OUT, ...EXAM, ...SECOND_EXAM];
  it("name and seed every scenario once, so --scenario and the oracles pick one", () => {
    assert.equal(new Set(all.map((s) => s.name)).size, all.length);
    assert.equal(new Set(all.map((s) => s.seed)).size, all.length);
  });
});

describe("headroom's default in the simulator (coarse oracle sweep)", () => {
  for (const name of ["cpu-saturation", "capacity-halves", "bursty", "rejects-above-k"]) {
    it(`meets every threshold on ${name}`, () => {
      const scenario = reduced(name, name === "capacity-halves" ? 120_000 : 60_000);
      const oracle = sweepOracle(scenario, SWEEP);
      const s = score(scenario, simulate(scenario, headroomLimit()), oracle);
      assert.deepEqual(s.failures, [], JSON.stringify(s));
    });
  }
});
