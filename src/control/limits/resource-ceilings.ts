/**
 * The resource side of headroom's default limit: how many tasks the CPUs and
 * the memory can hold, learned from monitor samples.
 *
 * - CPU: each task in flight keeps `share` of a core busy; the CPUs hold
 *   `cpus / share` tasks. A sample with idle CPU measures `share`; a
 *   saturated one only shows it is at least `busy / inflight`.
 * - Memory: memory in use is fitted against tasks in flight (a decayed least
 *   squares line); the slope is the footprint per task, the intercept the
 *   rest. The ceiling is how many tasks fit under the limit minus a reserve;
 *   it falls at once when that estimate drops, unless by less than a quarter
 *   of a task that half the reserve covers (noise around a whole number).
 *   Until a footprint is known the ceiling is twice the most tasks seen in
 *   flight at a sample, so the cliff cannot be reached blind.
 *
 * @module
 */

import type { ResourceSample } from "../../monitor/sample.ts";

/** How the ceilings are learned. */
export interface CeilingSettings {
  /** `true`: every task uses a whole core; `false`: no CPU ceiling; `"auto"`: measure. */
  readonly cpuBound: boolean | "auto";
  /** Footprint of one task in bytes; `undefined` measures it. */
  readonly perTaskMemoryBytes: number | undefined;
  /** Fraction of the memory limit kept free. */
  readonly memoryReserve: number;
  /** The memory ceiling while the footprint is unknown is at least this. */
  readonly initial: number;
}

/** Learned ceilings; `Infinity` while a resource gives no bound. */
export interface ResourceCeilings {
  /** The lower of the CPU and memory ceilings. */
  readonly ceiling: number;
  /** Tasks the CPUs hold: `cpus / share`, at least 1. */
  readonly cpu: number;
  /**
   * Tasks that fit under the memory limit less the reserve; twice the most seen in flight (at least
   * `initial`) while the footprint is unknown.
   */
  readonly memory: number;
  /** Feed the average tasks in flight since the previous sample, and the sample. */
  observe(sample: ResourceSample, inflight: number): void;
}

const DECAY = 0.9;
const DIP_TASKS = 0.25; // the most a ceiling estimate may dip, in tasks, before it falls

/** Creates the ceiling estimator. */
export function resourceCeilings(settings: CeilingSettings): ResourceCeilings {
  let share = settings.cpuBound === true ? 1 : 0;
  let cpu = Infinity;
  let memory = Infinity;
  // Decayed sums for memory = intercept + slope * inflight.
  let w = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  let slope = settings.perTaskMemoryBytes ?? 0;
  let fitted = false;
  let mostSeen = 0;

  const observeCpu = (sample: ResourceSample, inflight: number): void => {
    if (settings.cpuBound === false) return;
    if (settings.cpuBound === "auto" && sample.cpuPercent !== undefined && inflight >= 0.5) {
      const busy = (sample.cpuPercent / 100) * sample.cpus;
      const measured = busy / inflight;
      if (busy < 0.85 * sample.cpus) share = share === 0 ? measured : share * 0.5 + measured * 0.5;
      else share = Math.max(share, measured);
    }
    if (share > 0) cpu = Math.max(1, Math.round(sample.cpus / Math.min(1, share)));
  };

  const observeMemory = (sample: ResourceSample, inflight: number): void => {
    const used = sample.memoryBytes;
    const limit = sample.memoryLimit;
    if (used === undefined || limit === undefined) return;
    w = w * DECAY + 1;
    sx = sx * DECAY + inflight;
    sy = sy * DECAY + used;
    sxx = sxx * DECAY + inflight * inflight;
    sxy = sxy * DECAY + inflight * used;
    mostSeen = Math.max(mostSeen, inflight);
    const mx = sx / w;
    const my = sy / w;
    const variance = sxx / w - mx * mx;
    if (settings.perTaskMemoryBytes === undefined && variance >= 1) {
      fitted = true;
      slope = Math.max(0, (sxy / w - mx * my) / variance);
    }
    if (slope <= 0) {
      // Unknown footprint: at most double what was seen; none measurable: no bound.
      memory = fitted ? Infinity : Math.max(settings.initial, 2 * Math.ceil(mostSeen));
      return;
    }
    const rest = my - slope * mx;
    const raw = (limit * (1 - settings.memoryReserve) - rest) / slope;
    // Hysteresis, so noise does not flap it: rise by a clear margin; fall at
    // once, unless the dip is under a quarter of a task and half the reserve.
    const dip = Math.min(DIP_TASKS, (limit * settings.memoryReserve) / 2 / slope);
    if (raw < memory - dip || raw >= memory + 1) memory = Math.max(1, Math.floor(raw));
  };

  return {
    get ceiling(): number {
      return Math.min(cpu, memory);
    },
    get cpu(): number {
      return cpu;
    },
    get memory(): number {
      return memory;
    },
    observe(sample: ResourceSample, inflight: number): void {
      observeCpu(sample, inflight);
      observeMemory(sample, inflight);
    },
  };
}
