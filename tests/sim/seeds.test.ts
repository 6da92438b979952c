import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fixed } from "../../src/control/limits/fixed.ts";
import { simulate } from "../../src/sim/engine.ts";
import { sweepOracle } from "../../src/sim/oracle.ts";
import type { Contender } from "../../src/sim/roster.ts";
import type { Scenario } from "../../src/sim/scenario.ts";
import { SCENARIOS } from "../../src/sim/scenarios.ts";
import { score } from "../../src/sim/score.ts";
import { formatSeedSweep, reseed, runSeedSweep } from "../../src/sim/seeds.ts";
import { drawWorkload } from "../../src/sim/workload.ts";

const base: Scenario = { ...SCENARIOS.find((s) => s.name === "cpu-saturation")!, durationMs: 5000 };
const contenders: Contender[] = [
  { name: "fixed 4", create: () => fixed({ limit: 4 }) },
  { name: "fixed 40", create: () => fixed({ limit: 40 }) },
];

describe("runSeedSweep()", () => {
  it("redraws the work from another seed and keeps the rest of the scenario", () => {
    assert.equal(reseed(base, 0), base);
    const other = reseed(base, 2);
    assert.notEqual(other.seed, base.seed);
    assert.deepEqual({ ...other, seed: base.seed }, base);
    assert.notDeepEqual(drawWorkload(other).times, drawWorkload(base).times);
  });

  it("scores every contender on every draw against that draw's oracle", () => {
    const rows = runSeedSweep([base], 3, contenders);
    assert.deepEqual(rows.map((r) => [r.scenario, r.contender, r.runs]), [
      ["cpu-saturation", "fixed 4", 3],
      ["cpu-saturation", "fixed 40", 3],
    ]);
    const goodputs = [0, 1, 2].map((k) => {
      const scenario = reseed(base, k);
      return score(scenario, simulate(scenario, fixed({ limit: 40 })), sweepOracle(scenario))
        .goodput;
    });
    const wide = rows[1]!;
    assert.ok(
      Math.abs(wide.meanGoodput - (goodputs[0]! + goodputs[1]! + goodputs[2]!) / 3) < 1e-12,
    );
    assert.equal(wide.worstGoodput, Math.min(...goodputs));
    // 40 on 4 thrashing cores loses goodput on every draw; 4 is the oracle on each.
    assert.equal(wide.passed, 0);
    assert.equal(wide.failures.goodput, 3);
    assert.equal(rows[0]!.passed, 3);
    assert.equal(rows[0]!.worstReconvergeSeconds, undefined);
    const table = formatSeedSweep(rows);
    assert.match(table, /\| cpu-saturation \| fixed 4 \| 3\/3 \|/);
    assert.match(table, /fixed 40: 0\/3 runs pass/);
  });

  it("refuses a seed count that is not a whole number >= 1", () => {
    assert.throws(
      () => runSeedSweep([base], 0, contenders),
      /seeds must be a whole number >= 1, got 0/,
    );
  });
});
