import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  batchDuration,
  runBatchScenario,
  staticDriver,
  sweepSizes,
} from "../../../src/sim/batch/run.ts";
import { HELD_OUT_BATCH_SCENARIOS, SCENARIO_6 } from "../../../src/sim/batch/scenario.ts";
import type { BatchScenario } from "../../../src/sim/batch/scenario.ts";
import {
  BATCH_TARGET,
  batchScoreboard,
  scoreBatchScenario,
} from "../../../src/sim/batch/scoreboard.ts";
import { seededRandom } from "../../../src/internal/random.ts";

function assertDefaultHolds(scenario: BatchScenario): void {
  const table = scoreBatchScenario(scenario);
  const row = table.rows.find((r) => r.contender.startsWith("headroom model"));
  assert.ok(row !== undefined);
  row.phases.forEach((phase, i) => {
    const where = `${scenario.name}, phase ${i + 1}`;
    assert.ok(
      phase.ratio >= BATCH_TARGET.throughput,
      `${where}: ${phase.ratio.toFixed(3)} of the best static throughput`,
    );
    assert.ok(
      phase.result.overRate <= BATCH_TARGET.overRate,
      `${where}: ${(phase.result.overRate * 100).toFixed(2)}% over budget`,
    );
  });
}

describe("batch simulator", () => {
  it("charges overhead plus per-item cost, without noise when noise is 0", () => {
    const phase = { durationMs: 1, overheadMs: 20, perItemMs: 0.5, noise: 0, loadPercent: 0 };
    assert.equal(batchDuration(phase, 100, seededRandom(1)), 70);
  });

  it("counts batches per phase and those over budget", () => {
    const results = runBatchScenario(SCENARIO_6, staticDriver(100));
    assert.equal(results.length, 3);
    // Phase 2 costs 20 + 1.2 × 100 = 140 ms a batch: every batch is over 100 ms.
    assert.equal(results[1]?.overRate, 1);
    assert.equal(results[0]?.overBudget, 0);
    const first = results[0];
    assert.ok(first !== undefined);
    assert.ok(Math.abs(first.throughput - 100 / 0.07) < 20, `${first.throughput}`);
  });

  it("is deterministic for a seed", () => {
    const a = runBatchScenario(SCENARIO_6, staticDriver(120));
    const b = runBatchScenario(SCENARIO_6, staticDriver(120));
    assert.deepEqual(a, b);
  });

  it("sweeps sizes at most 0.5% apart", () => {
    const sizes = sweepSizes(1000);
    assert.equal(sizes[0], 1);
    assert.equal(sizes.at(-1), 1000);
    for (let i = 1; i < sizes.length; i++) {
      const step = (sizes[i] ?? 0) / (sizes[i - 1] ?? 1);
      assert.ok(step <= 1.005 || (sizes[i] ?? 0) - (sizes[i - 1] ?? 0) === 1);
    }
  });
});

describe("scenario 6 and held-out scenarios: the default sizer", () => {
  it(`holds >= ${BATCH_TARGET.throughput} of the best static size, <= 1% over, on scenario 6`, () => {
    assertDefaultHolds(SCENARIO_6);
  });

  for (const scenario of HELD_OUT_BATCH_SCENARIOS) {
    it(`holds the same bar on ${scenario.name}`, () => {
      assertDefaultHolds(scenario);
    });
  }

  it("prints a scoreboard naming every contender and both tables", () => {
    const text = batchScoreboard();
    for (
      const name of [
        "headroom model (default)",
        "load thresholds (seed 002)",
        "hill climb (seed 003)",
        "best static size",
        "held-out",
        SCENARIO_6.name,
      ]
    ) {
      assert.ok(text.includes(name), name);
    }
  });
});
