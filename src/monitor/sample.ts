import type { PressureLevel } from "./thresholds.ts";

/** CPU throttling of the process's cgroup between two `cpu()` reads. */
export interface ThrottlingSample {
  /** Enforcement periods that elapsed. */
  readonly periods: number;
  /** Periods in which the cgroup was throttled. */
  readonly throttled: number;
  /** Time spent throttled, in microseconds. */
  readonly throttledUsec: number;
  /** `throttled / periods`, 0 when no period elapsed. */
  readonly ratio: number;
  /** Milliseconds between the two reads the deltas cover. */
  readonly windowMs: number;
}

/** Linux PSI `some avg10` per resource: % of the last 10 s some task stalled. */
export interface PsiSample {
  /** CPU: % of time some task stalled; `undefined` where PSI could not be read. */
  readonly cpu: number | undefined;
  /** Memory: % of time some task stalled; `undefined` where PSI could not be read. */
  readonly memory: number | undefined;
  /** I/O: % of time some task stalled; `undefined` where PSI could not be read. */
  readonly io: number | undefined;
}

/** Event-loop delay over the sample window, in ms. */
export interface LoopDelaySample {
  /** Longest delay, in ms; 0 when nothing was late. */
  readonly max: number;
  /** Mean delay over the window's observations, in ms. */
  readonly mean: number;
}

/**
 * One reading of a {@link ResourceMonitor}. A figure that could not be
 * measured is `undefined` and `degraded` says why.
 */
export interface ResourceSample {
  /** When the sample was taken, in the monitor clock's milliseconds. */
  readonly time: number;
  /** Whole CPUs to plan for (the adapter's `cpu().effective`; 1 if never read). */
  readonly cpus: number;
  /** Fractional cgroup CPU quota; `undefined` = no quota. */
  readonly cpuQuota: number | undefined;
  /**
   * CPU use since the previous sample (0–100), as % of the CPUs the process
   * may use, unrounded: the least of affinity, cpuset and `cpuQuota` (a
   * 0.5-CPU quota used in full is 100). `undefined` on the first sample.
   */
  readonly cpuPercent: number | undefined;
  /** `cpuPercent` smoothed over the monitor's half-life. */
  readonly cpuPercentSmoothed: number | undefined;
  /** Memory in use, in bytes: the cgroup working set, else the process RSS. */
  readonly memoryBytes: number | undefined;
  /** Which figure `memoryBytes` is. */
  readonly memorySource: "workingSet" | "rss" | undefined;
  /** Memory available, in bytes: the container limit (`memory.high` when lower), else host RAM. */
  readonly memoryLimit: number | undefined;
  /** Which figure `memoryLimit` is. */
  readonly memoryLimitSource: "container" | "host" | undefined;
  /** `memoryBytes` as % of `memoryLimit`. */
  readonly memoryPercent: number | undefined;
  /** `memoryPercent` smoothed over the monitor's half-life. */
  readonly memoryPercentSmoothed: number | undefined;
  /** 1, 5 and 15 minute load averages. */
  readonly loadAverage: readonly [number, number, number] | undefined;
  /** Linux PSI `some avg10` for cpu, memory and io. */
  readonly psi: PsiSample;
  /** Event-loop delay since the previous sample; `undefined` while the sampler is off or has no data. */
  readonly loopDelayMs: LoopDelaySample | undefined;
  /** CPU throttling deltas, where the cgroup reports them. */
  readonly throttling: ThrottlingSample | undefined;
  /** Pressure level after this sample. */
  readonly level: PressureLevel;
  /**
   * The level of the signals read in this sample alone: `level` can be
   * higher while a signal that missed its reading holds its level (for up to
   * three samples). Absent in a hand-made sample, which counts as `level`.
   */
  readonly measuredLevel?: PressureLevel;
  /** Which signal(s) set `level`, for example `memory 91% >= 85% (high)`. */
  readonly reasons: readonly string[];
  /** Each figure that could not be read, as `field: reason`. */
  readonly degraded: readonly string[];
}

/** Detail of a `pressure` event: the level changed. */
export interface PressureChange {
  /** The level before the change. */
  readonly from: PressureLevel;
  /** The level after the change. */
  readonly to: PressureLevel;
  /** Which signal(s) set the new level; empty when it fell to `none`. */
  readonly reasons: readonly string[];
  /** The sample that changed the level. */
  readonly sample: ResourceSample;
}

/** What each event of a {@link ResourceMonitor} carries in `CustomEvent.detail`. */
export interface ResourceMonitorEventMap {
  /** Every sample, whether taken by a tick or by calling `sample()`. */
  readonly sample: ResourceSample;
  /** The pressure level changed. */
  readonly pressure: PressureChange;
}
