/**
 * Which load figures a resource sample carries. A monitor's first sample has
 * no CPU % (it takes two readings), so a decision made on it saw memory
 * alone; the first sample with CPU % must not wait out an interval or a
 * cooldown that decision started.
 *
 * @module
 */

import type { ResourceSample } from "../monitor/sample.ts";

/** A figure a load decision can rest on. */
export type LoadFigure = "cpu" | "memory";

/** Every figure: what a decision made without saying is taken to have seen. */
export const ALL_LOAD_FIGURES: readonly LoadFigure[] = Object.freeze(["cpu", "memory"]);

/** `value` when it is a real figure; NaN or Infinity from a hand-made sample is no figure. */
function figure(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** CPU % and memory % of `sample`, smoothed where it has them, each `undefined` when not real. */
export function loadReadings(
  sample: ResourceSample,
): { readonly cpu: number | undefined; readonly memory: number | undefined } {
  return {
    cpu: figure(sample.cpuPercentSmoothed) ?? figure(sample.cpuPercent),
    memory: figure(sample.memoryPercentSmoothed) ?? figure(sample.memoryPercent),
  };
}

/** The figures `sample` has as real numbers: CPU % and memory %, smoothed or not. */
export function loadFigures(sample: ResourceSample): LoadFigure[] {
  const { cpu, memory } = loadReadings(sample);
  const figures: LoadFigure[] = [];
  if (cpu !== undefined) figures.push("cpu");
  if (memory !== undefined) figures.push("memory");
  return figures;
}

/** Whether `now` has a figure `then` lacked: a decision made on `then` did not see it. */
export function gainsFigure(then: readonly LoadFigure[], now: readonly LoadFigure[]): boolean {
  return now.some((figure) => !then.includes(figure));
}
