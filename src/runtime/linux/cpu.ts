/**
 * CPU limits (quota, cpuset, online CPUs) and throttling counters.
 *
 * @module
 */

import type { ThrottlingInfo } from "../types.ts";
import { type Figure, type LevelReading, minOverLevels, unknown, v2Absence } from "./hierarchy.ts";
import { cgroupLevels, cgroupSource, type Level } from "./layout.ts";
import { countCpuList, lineCount, parseCount, parseInteger } from "./parse.ts";
import { garbled, tryRead } from "./read.ts";
import type { CgroupController, CgroupLayout, ReadText } from "./types.ts";

/** cgroup v2 `cpu.max` of one level: `max 100000` or `150000 100000`. */
function quotaV2(read: ReadText, level: Level): LevelReading {
  const path = `${level.dir}/cpu.max`;
  const text = tryRead(read, path);
  if (typeof text !== "string") return { kind: "unread", failure: text };
  const s = text.trim();
  const space = s.indexOf(" ");
  const max = space < 0 ? s : s.slice(0, space);
  const period = space < 0 ? undefined : parseCount(s.slice(space + 1));
  if (max === "max" && (space < 0 || period !== undefined)) return { kind: "none", label: "max" };
  const quota = parseCount(max);
  if (quota === undefined || quota === 0 || period === undefined || period === 0) {
    return { kind: "garbled", reason: garbled(path, text) };
  }
  return { kind: "limit", value: quota / period, file: "cpu.max" };
}

/** cgroup v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us` of one level; a negative quota is none. */
function quotaV1(read: ReadText, level: Level): LevelReading {
  const quotaPath = `${level.dir}/cpu.cfs_quota_us`;
  const quotaText = tryRead(read, quotaPath);
  if (typeof quotaText !== "string") return { kind: "unread", failure: quotaText };
  const quota = parseInteger(quotaText);
  if (quota === undefined || quota === 0) {
    return { kind: "garbled", reason: garbled(quotaPath, quotaText) };
  }
  if (quota < 0) return { kind: "none", label: quotaText.trim() };
  const periodPath = `${level.dir}/cpu.cfs_period_us`;
  const periodText = tryRead(read, periodPath);
  if (typeof periodText !== "string") return { kind: "garbled", reason: periodText.reason };
  const period = parseCount(periodText);
  if (period === undefined || period === 0) {
    return { kind: "garbled", reason: garbled(periodPath, periodText) };
  }
  return { kind: "limit", value: quota / period, file: "cpu.cfs_quota_us" };
}

/** The fractional CPU quota: the minimum of quota/period over the cgroup and its ancestors. */
export function readQuota(read: ReadText, layout: CgroupLayout): Figure {
  const controller = layout.cpu;
  if (!controller) return unknown("cpu.quota", layout.missing.cpu ?? "no cpu cgroup");
  const spec = { field: "cpu.quota", what: "quota", file: "cpu.max", controller: "cpu" } as const;
  return minOverLevels(
    read,
    controller,
    spec,
    (level) => controller.version === 2 ? quotaV2(read, level) : quotaV1(read, level),
  );
}

/**
 * CPUs in the effective cpuset: the nearest level that has the file, own
 * cgroup first (`cpuset.cpus.effective` on v2; `cpuset.effective_cpus`, then
 * `cpuset.cpus` on v1).
 */
export function readCpuset(read: ReadText, layout: CgroupLayout): Figure {
  const controller = layout.cpuset;
  if (!controller) return unknown("cpu.cpuset", layout.missing.cpuset ?? "no cpuset cgroup");
  const files = controller.version === 2
    ? ["cpuset.cpus.effective"]
    : ["cpuset.effective_cpus", "cpuset.cpus"];
  let ownFailure: string | undefined;
  for (const level of cgroupLevels(controller)) {
    for (const file of files) {
      const path = `${level.dir}/${file}`;
      const text = tryRead(read, path);
      if (typeof text !== "string") {
        // There but unreadable: the nearest cpuset is unknown, not the next one up.
        if (!text.missing) return unknown("cpu.cpuset", text.reason);
        ownFailure ??= text.reason;
        continue;
      }
      const count = countCpuList(text);
      if (count === undefined) return unknown("cpu.cpuset", garbled(path, text));
      const source = cgroupSource(controller.version, level.cgroupPath, file);
      return { value: count, source, degraded: undefined };
    }
  }
  if (controller.version === 2) {
    const why = v2Absence(read, controller, "cpuset", files[0] as string);
    if (why !== undefined) {
      const source = `cgroup2 ${controller.cgroupPath}: no cpuset (${why})`;
      return { value: undefined, source, degraded: undefined };
    }
  }
  return unknown("cpu.cpuset", ownFailure ?? "no cpuset file read");
}

/** CPUs online on the host, from `/sys/devices/system/cpu/online`. */
export function readOnline(read: ReadText, prefix: string): Figure {
  const path = `${prefix}/sys/devices/system/cpu/online`;
  const text = tryRead(read, path);
  if (typeof text !== "string") return unknown("cpu.online", text.reason);
  const count = countCpuList(text);
  if (count === undefined) return unknown("cpu.online", garbled(path, text));
  return { value: count, source: "/sys/devices/system/cpu/online", degraded: undefined };
}

/** Throttling counters and where they came from, or why they are unknown. */
export interface ThrottlingReading {
  readonly value: ThrottlingInfo | undefined;
  readonly source: string | undefined;
  readonly degraded: string | undefined;
}

/**
 * Throttling counters from the CPU cgroup's `cpu.stat`: v2 `throttled_usec`,
 * v1 `throttled_time` (ns, converted to µs). A v2 `cpu.stat` without them
 * (cpu controller not enabled) is not an error.
 */
export function readThrottling(read: ReadText, controller: CgroupController): ThrottlingReading {
  const path = `${controller.dir}/cpu.stat`;
  const source = cgroupSource(controller.version, controller.cgroupPath, "cpu.stat");
  const text = tryRead(read, path);
  if (typeof text !== "string") {
    return { value: undefined, source: undefined, degraded: `cpu.throttling: ${text.reason}` };
  }
  const v2 = controller.version === 2;
  const periods = lineCount(text, "nr_periods ");
  const throttled = lineCount(text, "nr_throttled ");
  const time = lineCount(text, v2 ? "throttled_usec " : "throttled_time ");
  if (v2 && periods === undefined && throttled === undefined && time === undefined) {
    return {
      value: undefined,
      source: `${source}: no throttling counters (cpu controller not enabled)`,
      degraded: undefined,
    };
  }
  if (
    periods === undefined || throttled === undefined || time === undefined ||
    Number.isNaN(periods) ||
    Number.isNaN(throttled) || Number.isNaN(time)
  ) {
    return {
      value: undefined,
      source: undefined,
      degraded: `cpu.throttling: ${garbled(path, text)}`,
    };
  }
  const throttledUsec = v2 ? time : time / 1000;
  return { value: { periods, throttled, throttledUsec }, source, degraded: undefined };
}
