/**
 * {@link createLinuxReader}: cgroup v1/v2/hybrid and `/proc` figures through
 * an injected file reader, with the layout resolved once and limits cached.
 *
 * @module
 */

import type { PressureInfo, Sources, ThrottlingInfo } from "../types.ts";
import { readCpuset, readOnline, readQuota, readThrottling } from "./cpu.ts";
import { failedCpu, failedLayout, failedMemory, failedPressure } from "./fallback.ts";
import type { Figure } from "./hierarchy.ts";
import { cgroupSource, resolveLayout } from "./layout.ts";
import { readMeminfo, readMemoryLimits, readMemoryUsage } from "./memory.ts";
import { createPressureReader } from "./pressure.ts";
import { fileReading, parseCpuacctUsage, parseLoadavg, parseUsageUsec } from "./proc.ts";
import { describeError, rootPrefix } from "./read.ts";
import type {
  CgroupLayout,
  LinuxCpu,
  LinuxMemory,
  LinuxReader,
  LinuxReaderOptions,
} from "./types.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Cached<T> {
  readonly at: number;
  readonly value: T;
}

interface CpuLimits {
  readonly quota: Figure;
  readonly cpuset: Figure;
  readonly online: Figure;
}

/** Host figures from `/proc/meminfo` and the cgroup limits, refreshed together. */
interface MemoryLimits {
  readonly total: Figure;
  readonly available: Figure;
  readonly limit: Figure;
  readonly high: Figure;
}

/** Records a figure's source or its degraded entry. */
function note<T>(
  sources: Mutable<Sources<T>>,
  key: keyof T,
  figure: Figure,
  degraded: string[],
): void {
  if (figure.source !== undefined) sources[key] = figure.source;
  if (figure.degraded !== undefined) degraded.push(figure.degraded);
}

/** Runs `fn`; an unexpected exception becomes `fallback(reason)` instead of escaping. */
function guard<T>(fn: () => T, fallback: (reason: string) => T): T {
  try {
    return fn();
  } catch (error) {
    return fallback(`internal error: ${describeError(error)}`);
  }
}

/**
 * Creates a reader of this process's cgroup limits, usage, CPU time, load and
 * pressure. It does no I/O of its own: every file goes through `options.read`,
 * so it runs the same on Node, Deno and Bun, and tests point it at fixture
 * trees with `root`. The cgroup layout is resolved on first use (and again,
 * every `limitRefreshMs`, while it could not be); limits
 * are re-read at most every `limitRefreshMs`; usage, CPU time, load and PSI on
 * every call, one file each. Nothing it returns throws: unreadable figures
 * are `undefined` and named in `degraded`.
 *
 * @example Read a fixture tree
 * ```ts
 * import { createLinuxReader } from "@headroom/headroom/runtime";
 * import assert from "node:assert/strict";
 *
 * const files: Record<string, string> = {
 *   "/fx/proc/self/cgroup": "0::/app\n",
 *   "/fx/proc/self/mountinfo": "30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
 *   "/fx/sys/fs/cgroup/app/cpu.max": "150000 100000\n",
 * };
 * const reader = createLinuxReader({
 *   root: "/fx",
 *   read: (path) => {
 *     const text = files[path];
 *     if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
 *     return text;
 *   },
 * });
 * assert.equal(reader.cpu().quota, 1.5);
 * assert.equal(reader.cpu().sources.quota, "cgroup2 /app/cpu.max");
 * assert.match(reader.memory().degraded.join("\n"), /memory.limit: cannot read \/fx\/sys\/fs\/cgroup\/app\/memory.max/);
 * ```
 */
export function createLinuxReader(options: LinuxReaderOptions): LinuxReader {
  const read = options.read;
  if (typeof read !== "function") {
    throw new TypeError("Cannot create a Linux reader: options.read must be a function");
  }
  const refreshMs = options.limitRefreshMs ?? 5000;
  if (!(refreshMs >= 0)) {
    throw new RangeError(
      `Cannot create a Linux reader: limitRefreshMs must be >= 0, received ${refreshMs}`,
    );
  }
  const prefix = rootPrefix(options.root ?? "/");
  const now = options.now ?? ((): number => performance.now());

  let layoutCache: Cached<CgroupLayout> | undefined;
  let cpuLimits: Cached<CpuLimits> | undefined;
  let memoryLimits: Cached<MemoryLimits> | undefined;
  const due = (cached: Cached<unknown> | undefined, t: number): boolean =>
    cached === undefined || refreshMs === 0 || t - cached.at >= refreshMs || t < cached.at;
  // A resolved layout is kept; one that could not be resolved (a failed or garbled read of
  // /proc/self/cgroup or mountinfo) is tried again as limits are, so one bad read is not forever.
  const layout = (): CgroupLayout => {
    const t = now();
    const keep = layoutCache !== undefined &&
      (layoutCache.value.mode !== "none" || !due(layoutCache, t));
    if (!keep) layoutCache = { at: t, value: resolveLayout(read, prefix) };
    return layoutCache!.value;
  };

  const cpuTimeSource = (): string | undefined => {
    const c = layout().cpuacct;
    if (!c) return undefined;
    return c.version === 1
      ? cgroupSource(1, c.cgroupPath, "cpuacct.usage")
      : `${cgroupSource(2, c.cgroupPath, "cpu.stat")} usage_usec`;
  };
  const cpuTime = fileReading(read, "cpuTime", () => {
    const c = layout().cpuacct;
    if (!c) return layout().missing.cpuacct ?? "no cpuacct cgroup";
    return c.version === 1
      ? { path: `${c.dir}/cpuacct.usage`, parse: parseCpuacctUsage }
      : { path: `${c.dir}/cpu.stat`, parse: parseUsageUsec };
  });
  const loadAverage = fileReading(read, "loadAverage", () => ({
    path: `${prefix}/proc/loadavg`,
    parse: parseLoadavg,
  }));
  const pressure = createPressureReader(read, prefix, () => layout().unified);

  function cpu(): LinuxCpu {
    const l = layout();
    const t = now();
    if (due(cpuLimits, t)) {
      const value = {
        quota: readQuota(read, l),
        cpuset: readCpuset(read, l),
        online: readOnline(read, prefix),
      };
      cpuLimits = { at: t, value };
    }
    const limits = (cpuLimits as Cached<CpuLimits>).value;
    const sources: Mutable<LinuxCpu["sources"]> = {};
    const degraded: string[] = [];
    note(sources, "quota", limits.quota, degraded);
    note(sources, "cpuset", limits.cpuset, degraded);
    note(sources, "online", limits.online, degraded);
    let throttling: ThrottlingInfo | undefined;
    if (l.cpu) {
      const reading = readThrottling(read, l.cpu);
      throttling = reading.value;
      if (reading.source !== undefined) sources.throttling = reading.source;
      if (reading.degraded !== undefined) degraded.push(reading.degraded);
    } else {
      degraded.push(`cpu.throttling: ${l.missing.cpu ?? "no cpu cgroup"}`);
    }
    return {
      quota: limits.quota.value,
      cpuset: limits.cpuset.value,
      online: limits.online.value,
      throttling,
      sources,
      degraded,
    };
  }

  function memory(): LinuxMemory {
    const l = layout();
    const t = now();
    if (due(memoryLimits, t)) {
      const meminfo = readMeminfo(read, prefix);
      const value = {
        total: meminfo.total,
        available: meminfo.available,
        ...readMemoryLimits(read, l, meminfo.total.value),
      };
      memoryLimits = { at: t, value };
    }
    const limits = (memoryLimits as Cached<MemoryLimits>).value;
    const sources: Mutable<LinuxMemory["sources"]> = {};
    const degraded: string[] = [];
    note(sources, "total", limits.total, degraded);
    note(sources, "available", limits.available, degraded);
    note(sources, "limit", limits.limit, degraded);
    note(sources, "high", limits.high, degraded);
    let usage: number | undefined;
    let workingSet: number | undefined;
    if (l.memory) {
      const figures = readMemoryUsage(read, l.memory);
      usage = figures.usage.value;
      workingSet = figures.workingSet.value;
      note(sources, "usage", figures.usage, degraded);
      note(sources, "workingSet", figures.workingSet, degraded);
    } else {
      const why = l.missing.memory ?? "no memory cgroup";
      degraded.push(`memory.usage: ${why}`, `memory.workingSet: ${why}`);
    }
    return {
      total: limits.total.value,
      available: limits.available.value,
      limit: limits.limit.value,
      high: limits.high.value,
      usage,
      workingSet,
      sources,
      degraded,
    };
  }

  let cpuTimeProblem: string | undefined;
  let loadProblem: string | undefined;
  return {
    layout: (): CgroupLayout => guard(layout, failedLayout),
    cpu: (): LinuxCpu => guard(cpu, failedCpu),
    memory: (): LinuxMemory => guard(memory, failedMemory),
    cpuTime: (): number | undefined =>
      guard(() => {
        const value = cpuTime.read();
        cpuTimeProblem = cpuTime.problem();
        return value;
      }, (why) => {
        cpuTimeProblem = `cpuTime: ${why}`;
        return undefined;
      }),
    cpuTimeSource: (): string | undefined => guard(cpuTimeSource, () => undefined),
    cpuTimeDegraded: (): string | undefined => cpuTimeProblem,
    loadAverage: (): readonly [number, number, number] | undefined =>
      guard(() => {
        const value = loadAverage.read();
        loadProblem = loadAverage.problem();
        return value;
      }, (why) => {
        loadProblem = `loadAverage: ${why}`;
        return undefined;
      }),
    loadAverageDegraded: (): string | undefined => loadProblem,
    pressure: (): PressureInfo | undefined => guard(pressure, failedPressure),
  };
}
