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

const real = (value: number | undefined): boolean => value !== undefined && Number.isFinite(value);

/** The figures `sample` has as real numbers: CPU % and memory %, smoothed or not. */
export function loadFigures(sample: ResourceSample): LoadFigure[] {
  const figures: LoadFigure[] = [];
  if (real(sample.cpuPercentSmoothed) || real(sample.cpuPercent)) figures.push("cpu");
  if (real(sample.memoryPercentSmoothed) || real(sample.memoryPercent)) figures.push("memory");
  return figures;
}

/** Whether `now` has a figure `then` lacked: a decision made on `then` did not see it. */
export function gainsFigure(then: readonly LoadFigure[], now: readonly LoadFigure[]): boolean {
  return now.some((figure) => !then.includes(figure));
}
