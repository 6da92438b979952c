/**
 * The oracle of a scenario: the best static limit, found by sweeping fixed
 * limits over the same work.
 *
 * @module
 */

import { fixed } from "../control/limits/fixed.ts";
import { type RunResult, simulate } from "./engine.ts";
import type { Scenario } from "./scenario.ts";
import { drawWorkload } from "./workload.ts";

/** The static limits the sweep tries. */
export const SWEEP: readonly number[] = Object.freeze([
  ...Array.from({ length: 24 }, (_, i) => i + 1),
  28,
  32,
  40,
  48,
  64,
  96,
  128,
]);

/** What the sweep found. */
export interface Oracle {
  /** The best static limit over the whole run. */
  readonly limit: number;
  readonly result: RunResult;
  /** Per capacity phase: the static limits whose goodput in that phase was >= 90 % of the best. */
  readonly phaseBands: readonly (readonly [number, number])[];
  /** Per capacity phase: the best static limit for that phase alone. */
  readonly phaseBest: readonly number[];
}

/**
 * Sweeps {@link SWEEP}. The best limit has the most successes; limits within
 * 1 % of it count as ties, broken by the lower p99. For each capacity phase
 * the band of good static limits runs from the least limit reaching 90 % of
 * that phase's best goodput to 1.5x the phase's best limit (the p99 rule).
 */
export function sweepOracle(scenario: Scenario, limits: readonly number[] = SWEEP): Oracle {
  const workload = drawWorkload(scenario);
  const runs = limits.map((limit) => ({
    limit,
    result: simulate(scenario, fixed({ limit }), workload),
  }));
  const most = Math.max(...runs.map((r) => r.result.successes));
  let best = runs[0]!;
  for (const run of runs) {
    if (run.result.successes < most * 0.99) continue;
    if (best.result.successes < most * 0.99 || run.result.p99Ms < best.result.p99Ms) best = run;
  }
  const phases = scenario.service.phases.length;
  const phaseBands: (readonly [number, number])[] = [];
  const phaseBest: number[] = [];
  for (let k = 0; k < phases; k++) {
    const goodput = runs.map((r) => r.result.phaseSuccesses[k] ?? 0);
    const top = Math.max(...goodput);
    const bestIndex = goodput.findIndex((g) => g >= top * 0.99);
    const bestLimit = runs[bestIndex]?.limit ?? 1;
    const lowIndex = goodput.findIndex((g) => g >= top * 0.9);
    phaseBest.push(bestLimit);
    phaseBands.push([
      runs[lowIndex]?.limit ?? 1,
      Math.max(bestLimit + 1, Math.ceil(bestLimit * 1.5)),
    ]);
  }
  return { limit: best.limit, result: best.result, phaseBands, phaseBest };
}
