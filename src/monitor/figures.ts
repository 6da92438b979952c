/**
 * Pure derivations of sample figures from adapter reads; the monitor owns the
 * state (previous reads) and passes it in.
 *
 * @module
 */
import type { CpuInfo, MemoryInfo, PressureInfo, ThrottlingInfo } from "../runtime/types.ts";
import type { PsiSample, ResourceSample, ThrottlingSample } from "./sample.ts";

/** A cumulative CPU-time read: `value` microseconds at clock time `time` (ms). */
export interface CpuTimeRead {
  readonly time: number;
  readonly value: number;
  /** Which counter answered (the cgroup's or the process's): two counters cannot be subtracted. */
  readonly source?: string | undefined;
}

/** A figure, or why there is none. */
export type Figure = { readonly value: number; readonly reason?: undefined } | {
  readonly value?: undefined;
  readonly reason: string;
};

/**
 * The CPUs a process may use, unrounded: the least of its affinity, the
 * cpuset and the CPU quota, so a container with half a CPU that uses it all
 * is at 100 %, not 50 %. It is never more than `effective` but for the
 * fraction of a quota that rounding took off: an adapter that plans for
 * fewer CPUs than it could use is measured against those.
 */
export function cpuCapacity(cpu: CpuInfo): number {
  let least = Infinity;
  for (const n of [cpu.affinity, cpu.cpuset, cpu.quota]) {
    if (n !== undefined && n > 0 && n < least) least = n;
  }
  return Math.min(least, Math.max(cpu.effective, cpu.quota ?? 0));
}

/**
 * CPU use between two CPU-time reads as % of `cpus` CPUs (fractional: see
 * {@link cpuCapacity}), capped at 100 (a CFS period can let a group run
 * past its quota). A read or a result that is not a finite number gives a
 * reason, not a value.
 */
export function cpuPercentBetween(before: CpuTimeRead, after: CpuTimeRead, cpus: number): Figure {
  if (!Number.isFinite(before.value) || !Number.isFinite(after.value)) {
    return {
      reason: `cpuPercent: cpu time is not a finite number (${before.value}, then ${after.value})`,
    };
  }
  const elapsedMs = after.time - before.time;
  const usedUs = after.value - before.value;
  if (!(elapsedMs > 0)) return { reason: "cpuPercent: no time elapsed since the previous read" };
  if (before.source !== after.source) {
    return {
      reason: `cpuPercent: cpu time came from ${
        after.source ?? "an unnamed counter"
      }, before from ${before.source ?? "an unnamed counter"}; needs a second sample`,
    };
  }
  if (usedUs < 0) return { reason: "cpuPercent: cpu time went backwards" };
  const value = Math.min(100, (usedUs / (elapsedMs * 1000 * cpus)) * 100);
  if (!Number.isFinite(value)) {
    return {
      reason: `cpuPercent: not a finite number (${usedUs} µs over ${elapsedMs} ms on ${cpus} CPUs)`,
    };
  }
  return { value };
}

/**
 * Throttling deltas between two reads of the cgroup counters taken
 * `windowMs` apart; `undefined` when a counter went backwards (a new cgroup).
 */
export function throttlingBetween(
  before: ThrottlingInfo,
  after: ThrottlingInfo,
  windowMs: number,
): ThrottlingSample | undefined {
  const periods = after.periods - before.periods;
  const throttled = after.throttled - before.throttled;
  const throttledUsec = after.throttledUsec - before.throttledUsec;
  if (periods < 0 || throttled < 0 || throttledUsec < 0) return undefined;
  return {
    periods,
    throttled,
    throttledUsec,
    ratio: periods === 0 ? 0 : throttled / periods,
    windowMs,
  };
}

/** The memory fields of a {@link ResourceSample}, before smoothing. */
export type MemoryFigures = Pick<
  ResourceSample,
  "memoryBytes" | "memorySource" | "memoryLimit" | "memoryLimitSource" | "memoryPercent"
>;

/**
 * Memory in use (working set, else RSS) against the limit: the container's, else host RAM. A
 * cgroup v2 `memory.high` below the hard limit is the container's limit: past it the kernel
 * throttles the whole group to reclaim memory, which is the slowdown a limit exists to avoid.
 * A figure that is not a finite number counts as unread, and `degraded` says which.
 */
export function memoryFigures(
  memory: MemoryInfo | undefined,
): MemoryFigures & { readonly degraded: readonly string[] } {
  const degraded: string[] = [];
  const finite = (field: "workingSet" | "rss" | "limit" | "high" | "total") => {
    const value = memory?.[field];
    if (value === undefined || Number.isFinite(value)) return value;
    degraded.push(`memory.${field}: not a finite number (${value})`);
    return undefined;
  };
  const workingSet = finite("workingSet");
  const rss = finite("rss");
  const hard = finite("limit");
  const high = finite("high");
  const limit = hard === undefined ? high : high === undefined ? hard : Math.min(hard, high);
  const total = finite("total");
  const memoryBytes = workingSet ?? rss;
  const memoryLimit = limit ?? total;
  return {
    memoryBytes,
    memorySource: workingSet !== undefined ? "workingSet" : rss !== undefined ? "rss" : undefined,
    memoryLimit,
    memoryLimitSource: limit !== undefined ? "container" : total !== undefined ? "host" : undefined,
    memoryPercent: memoryBytes !== undefined && memoryLimit !== undefined && memoryLimit > 0
      ? (memoryBytes / memoryLimit) * 100
      : undefined,
    degraded,
  };
}

/** PSI `some avg10` for each resource. */
export function psiFigures(pressure: PressureInfo | undefined): PsiSample {
  return {
    cpu: pressure?.cpu?.some.avg10,
    memory: pressure?.memory?.some.avg10,
    io: pressure?.io?.some.avg10,
  };
}
