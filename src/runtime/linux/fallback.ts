/**
 * What the reader returns when something unexpected throws inside it, so
 * that reading never throws.
 *
 * @module
 */

import type { PressureInfo } from "../types.ts";
import type { CgroupLayout, LinuxCpu, LinuxMemory } from "./types.ts";

/** A layout with no controllers, naming `why`. */
export function failedLayout(why: string): CgroupLayout {
  return {
    mode: "none",
    cpu: undefined,
    cpuacct: undefined,
    cpuset: undefined,
    memory: undefined,
    unified: undefined,
    missing: { cpu: why, cpuacct: why, cpuset: why, memory: why },
    degraded: [`cgroup: ${why}`],
  };
}

/** CPU figures, all unknown because of `why`. */
export function failedCpu(why: string): LinuxCpu {
  return {
    quota: undefined,
    cpuset: undefined,
    online: undefined,
    throttling: undefined,
    sources: {},
    degraded: ["quota", "cpuset", "online", "throttling"].map((f) => `cpu.${f}: ${why}`),
  };
}

/** Memory figures, all unknown because of `why`. */
export function failedMemory(why: string): LinuxMemory {
  return {
    total: undefined,
    available: undefined,
    limit: undefined,
    high: undefined,
    usage: undefined,
    workingSet: undefined,
    sources: {},
    degraded: ["total", "available", "limit", "high", "usage", "workingSet"].map((f) =>
      `memory.${f}: ${why}`
    ),
  };
}

/** PSI, all unknown because of `why`. */
export function failedPressure(why: string): PressureInfo {
  return {
    cpu: undefined,
    memory: undefined,
    io: undefined,
    sources: {},
    degraded: [`pressure: ${why}`],
  };
}
