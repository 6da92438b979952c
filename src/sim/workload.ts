/**
 * Draws a scenario's arrivals and task sizes before a run, so every
 * controller gets exactly the same work.
 *
 * @module
 */

import { randomExponential, seededRandom } from "../internal/random.ts";
import type { ArrivalModel, Scenario, SizeModel } from "./scenario.ts";

/** Arrival times (ms) and sizes (ms of work at full speed), in arrival order. */
export interface Workload {
  readonly times: Float64Array;
  readonly sizes: Float64Array;
}

function rateAt(arrivals: ArrivalModel, time: number): number {
  if (arrivals.kind === "poisson") return arrivals.perSecond;
  const cycle = arrivals.onMs + arrivals.offMs;
  return time % cycle < arrivals.onMs ? arrivals.onPerSecond : arrivals.offPerSecond;
}

function drawSize(model: SizeModel, random: () => number): number {
  if (model.kind === "exponential") return Math.max(0.05, randomExponential(random, model.meanMs));
  // Pareto with the given mean: scale = mean * (shape - 1) / shape.
  const scale = (model.meanMs * (model.shape - 1)) / model.shape;
  return scale / Math.pow(1 - random(), 1 / model.shape);
}

/**
 * The work of `scenario`, drawn from its seed. Arrivals with a changing
 * rate are drawn by thinning against the highest rate.
 */
export function drawWorkload(scenario: Scenario): Workload {
  const random = seededRandom(scenario.seed);
  const sizeRandom = seededRandom(scenario.seed ^ 0x9e3779b9);
  const a = scenario.arrivals;
  const peak = a.kind === "poisson" ? a.perSecond : Math.max(a.onPerSecond, a.offPerSecond);
  const times: number[] = [];
  const sizes: number[] = [];
  let t = 0;
  for (;;) {
    t += randomExponential(random, 1000 / peak);
    if (t >= scenario.durationMs) break;
    if (random() * peak > rateAt(a, t)) continue;
    times.push(t);
    sizes.push(drawSize(scenario.sizes, sizeRandom));
  }
  return { times: Float64Array.from(times), sizes: Float64Array.from(sizes) };
}
