/**
 * How a fractional CPU quota becomes whole CPUs: `floor` (as Node, Rust, Bun
 * and automaxprocs do; never oversubscribes) or `ceil` (as the JDK, .NET and
 * Go do; never leaves a fraction idle).
 */
export type CpuRounding = "floor" | "ceil";

/**
 * Whole CPUs to plan for: max(1, min(affinity, cpuset, rounded quota)), each
 * term skipped when unknown. With nothing known the answer is 1.
 *
 * @example
 * ```ts
 * import { effectiveCpus } from "@headroom/headroom/runtime";
 * import assert from "node:assert/strict";
 *
 * assert.equal(effectiveCpus({ affinity: 8, cpuset: undefined, quota: 1.5 }), 1);
 * assert.equal(effectiveCpus({ affinity: 8, cpuset: undefined, quota: 1.5 }, "ceil"), 2);
 * ```
 */
export function effectiveCpus(
  figures: {
    readonly affinity: number | undefined;
    readonly cpuset: number | undefined;
    readonly quota: number | undefined;
  },
  rounding: CpuRounding = "floor",
): number {
  let best = Number.POSITIVE_INFINITY;
  if (figures.affinity !== undefined && figures.affinity > 0) best = figures.affinity;
  if (figures.cpuset !== undefined && figures.cpuset > 0) best = Math.min(best, figures.cpuset);
  if (figures.quota !== undefined && figures.quota > 0) {
    best = Math.min(
      best,
      rounding === "ceil" ? Math.ceil(figures.quota) : Math.floor(figures.quota),
    );
  }
  return Number.isFinite(best) ? Math.max(1, best) : 1;
}
