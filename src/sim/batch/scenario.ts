/**
 * Batch-job scenarios for the simulator: a fixed per-batch overhead and a
 * per-item cost, each phase with its own figures, under a time budget.
 *
 * @module
 */

/** One stretch of a batch job with constant cost figures. */
export interface BatchPhase {
  /** Virtual time the phase lasts, in ms. */
  readonly durationMs: number;
  /** Fixed cost of every batch, in ms. */
  readonly overheadMs: number;
  /** Cost of one item, in ms. */
  readonly perItemMs: number;
  /** Relative spread (standard deviation) of the per-item cost from batch to batch. */
  readonly noise: number;
  /** Machine load (%) a monitor would report during the phase; `load` mode follows it. */
  readonly loadPercent: number;
}

/** A batch job: phases in order, one time budget per batch. */
export interface BatchScenario {
  readonly name: string;
  /** What the scenario checks, one line. */
  readonly description: string;
  /** Longest a batch should take, in ms. */
  readonly budgetMs: number;
  /** Largest batch any sizer may pick (and the top of the static sweep). */
  readonly maxSize: number;
  readonly phases: readonly BatchPhase[];
  /** Seed of the noise. */
  readonly seed: number;
}

/**
 * Scenario 6: 20 ms per batch plus 0.5 ms per item, then the per-item cost
 * rises to 1.2 ms mid-run (and falls back to 0.3 ms later), under a 100 ms
 * budget per batch, with 2% noise.
 *
 * @example Read the phases
 * ```ts
 * import { SCENARIO_6 } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SCENARIO_6.phases.length, 3);
 * ```
 */
export const SCENARIO_6: BatchScenario = {
  name: "6: per-item cost changes",
  description: "20 ms/batch + 0.5 ms/item, then 1.2 ms/item, then 0.3 ms/item; 100 ms budget",
  budgetMs: 100,
  maxSize: 1000,
  seed: 6,
  phases: [
    { durationMs: 60_000, overheadMs: 20, perItemMs: 0.5, noise: 0.02, loadPercent: 55 },
    { durationMs: 60_000, overheadMs: 20, perItemMs: 1.2, noise: 0.02, loadPercent: 75 },
    { durationMs: 60_000, overheadMs: 20, perItemMs: 0.3, noise: 0.02, loadPercent: 40 },
  ],
};

/**
 * Held-out scenarios: the default sizer was not tuned on them. One has a
 * noisy per-item cost, one changes its overhead instead of its per-item
 * cost, one spends most of its budget on overhead.
 *
 * @example Count them
 * ```ts
 * import { HELD_OUT_BATCH_SCENARIOS } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(HELD_OUT_BATCH_SCENARIOS.length, 3);
 * ```
 */
export const HELD_OUT_BATCH_SCENARIOS: readonly BatchScenario[] = [
  {
    name: "H1: noisy per-item cost",
    description: "5 ms/batch + 2 ms/item with 10% noise, then 3 ms/item; 250 ms budget",
    budgetMs: 250,
    maxSize: 500,
    seed: 101,
    phases: [
      { durationMs: 90_000, overheadMs: 5, perItemMs: 2, noise: 0.1, loadPercent: 60 },
      { durationMs: 90_000, overheadMs: 5, perItemMs: 3, noise: 0.1, loadPercent: 70 },
    ],
  },
  {
    name: "H2: overhead changes",
    description: "10 ms/batch + 0.05 ms/item, then 45 ms/batch, then 5 ms; 60 ms budget",
    budgetMs: 60,
    maxSize: 2000,
    seed: 102,
    phases: [
      { durationMs: 45_000, overheadMs: 10, perItemMs: 0.05, noise: 0.03, loadPercent: 45 },
      { durationMs: 45_000, overheadMs: 45, perItemMs: 0.05, noise: 0.03, loadPercent: 85 },
      { durationMs: 45_000, overheadMs: 5, perItemMs: 0.05, noise: 0.03, loadPercent: 30 },
    ],
  },
  {
    name: "H3: large overhead, small budget",
    description: "150 ms/batch + 0.02 ms/item, then 0.04 ms/item; 400 ms budget, 5% noise",
    budgetMs: 400,
    maxSize: 20_000,
    seed: 103,
    phases: [
      { durationMs: 120_000, overheadMs: 150, perItemMs: 0.02, noise: 0.05, loadPercent: 50 },
      { durationMs: 120_000, overheadMs: 150, perItemMs: 0.04, noise: 0.05, loadPercent: 65 },
    ],
  },
];
