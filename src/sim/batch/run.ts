/**
 * Runs a batch sizer through a {@link BatchScenario} on a virtual clock.
 *
 * @module
 */

import { seededRandom } from "../../internal/random.ts";
import type { Random } from "../../internal/random.ts";
import type { BatchPhase, BatchScenario } from "./scenario.ts";

/** What the simulator drives: anything that picks a size and learns from the result. */
export interface BatchDriver {
  /** Items in the next batch. */
  size(): number;
  /** One batch finished at virtual time `now`. */
  record(items: number, durationMs: number, now: number): void;
  /** The monitor's load reading, once per virtual second. */
  load(percent: number, now: number): void;
}

/** How one sizer did during one phase. */
export interface PhaseResult {
  /** Batches started in the phase. */
  readonly batches: number;
  readonly items: number;
  /** Time those batches took, in ms. */
  readonly busyMs: number;
  /** Batches longer than the budget. */
  readonly overBudget: number;
  /** Items per second over the phase's batches. */
  readonly throughput: number;
  /** `overBudget / batches`, 0–1. */
  readonly overRate: number;
}

/** Seconds between load readings, as a monitor on its default interval would give them. */
const LOAD_INTERVAL_MS = 1000;

function normal(random: Random): number {
  const u = 1 - random();
  const w = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
}

/** Duration of a batch of `items` in `phase`, with the phase's noise on the per-item cost. */
export function batchDuration(phase: BatchPhase, items: number, random: Random): number {
  const factor = Math.max(0.1, 1 + phase.noise * normal(random));
  return phase.overheadMs + phase.perItemMs * items * factor;
}

/**
 * Runs `driver` through `scenario`: each batch takes its phase's overhead
 * plus per-item cost (with noise from the scenario's seed), the virtual clock
 * moves by its duration, and the batch counts toward the phase it started in.
 *
 * @example Drive a fixed size
 * ```ts
 * import { runBatchScenario, SCENARIO_6 } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const results = runBatchScenario(SCENARIO_6, {
 *   size: () => 100,
 *   record: () => {},
 *   load: () => {},
 * });
 * assert.equal(results.length, 3);
 * assert.equal(results[0]?.overBudget, 0); // 20 + 0.5 × 100 = 70 ms
 * ```
 */
export function runBatchScenario(scenario: BatchScenario, driver: BatchDriver): PhaseResult[] {
  const random = seededRandom(scenario.seed);
  const totals = scenario.phases.map(() => ({ batches: 0, items: 0, busyMs: 0, overBudget: 0 }));
  let now = 0;
  let nextLoad = 0;
  let end = 0;
  for (const [index, phase] of scenario.phases.entries()) {
    end += phase.durationMs;
    const tally = totals[index];
    if (tally === undefined) continue;
    while (now < end) {
      if (now >= nextLoad) {
        driver.load(phase.loadPercent, now);
        nextLoad = now + LOAD_INTERVAL_MS;
      }
      const items = Math.max(1, Math.min(scenario.maxSize, Math.floor(driver.size())));
      const durationMs = batchDuration(phase, items, random);
      now += durationMs;
      tally.batches++;
      tally.items += items;
      tally.busyMs += durationMs;
      if (durationMs > scenario.budgetMs) tally.overBudget++;
      driver.record(items, durationMs, now);
    }
  }
  return totals.map((t) => ({
    ...t,
    throughput: t.busyMs > 0 ? (t.items * 1000) / t.busyMs : 0,
    overRate: t.batches > 0 ? t.overBudget / t.batches : 0,
  }));
}

/** A driver that always asks for `size` items. */
export function staticDriver(size: number): BatchDriver {
  return { size: () => size, record: () => {}, load: () => {} };
}

/** Sizes from 1 to `max`, each at most 0.5% above the one before, for the static sweep. */
export function sweepSizes(max: number): number[] {
  const sizes: number[] = [];
  for (let n = 1; n <= max; n = Math.max(n + 1, Math.floor(n * 1.005))) sizes.push(n);
  if (sizes.at(-1) !== max) sizes.push(max);
  return sizes;
}

/** The best static size of one phase: highest throughput with at most `maxOverRate` over budget. */
export interface BestStatic {
  readonly size: number;
  readonly result: PhaseResult;
}

/**
 * Runs every size of {@link sweepSizes} through `scenario` and keeps, for
 * each phase, the size with the highest throughput among those with at most
 * `maxOverRate` of their batches over budget.
 */
export function bestStaticPerPhase(scenario: BatchScenario, maxOverRate = 0.01): BestStatic[] {
  const best: (BestStatic | undefined)[] = scenario.phases.map(() => undefined);
  for (const size of sweepSizes(scenario.maxSize)) {
    const results = runBatchScenario(scenario, staticDriver(size));
    results.forEach((result, index) => {
      if (result.overRate > maxOverRate) return;
      const held = best[index];
      if (held === undefined || result.throughput > held.result.throughput) {
        best[index] = { size, result };
      }
    });
  }
  return best.map((entry) =>
    entry ?? {
      size: 1,
      result: { batches: 0, items: 0, busyMs: 0, overBudget: 0, throughput: 0, overRate: 0 },
    }
  );
}
