/**
 * The parts of `Observatory.status()`: the machine, readiness and each
 * component's state, read from the components at call time.
 *
 * @module
 */

import type { ResourceMonitor } from "../monitor/resource-monitor.ts";
import { detectRuntime } from "../runtime/detect.ts";
import type { ComponentEntry } from "./entries.ts";
import type { ComponentStatus, MachineStatus, Readiness } from "./types.ts";

/** The machine as `monitor` last sampled it. */
export function machineStatus(monitor: ResourceMonitor): MachineStatus {
  const s = monitor.latest;
  if (s === undefined) {
    return {
      runtime: detectRuntime(),
      cpu: undefined,
      memory: undefined,
      degraded: ["monitor: no sample yet (call monitor.start() or monitor.sample())"],
    };
  }
  return {
    runtime: detectRuntime(),
    cpu: {
      effective: s.cpus,
      quota: s.cpuQuota,
      percent: s.cpuPercent,
      percentSmoothed: s.cpuPercentSmoothed,
      loadAverage: s.loadAverage,
      throttling: s.throttling,
    },
    memory: {
      bytes: s.memoryBytes,
      source: s.memorySource,
      limit: s.memoryLimit,
      limitSource: s.memoryLimitSource,
      percent: s.memoryPercent,
      percentSmoothed: s.memoryPercentSmoothed,
    },
    degraded: s.degraded,
  };
}

/** One component's state as plain data. */
export function componentStatus(entry: ComponentEntry): ComponentStatus {
  const { kind, name } = entry;
  switch (entry.kind) {
    case "pool":
      return { kind, name, state: entry.component.stats() };
    case "limiter": {
      const l = entry.component;
      return { kind, name, state: { ...l.stats(), mode: l.mode, partitions: l.partitions } };
    }
    case "batchSizer": {
      const b = entry.component;
      const statistics = b.statistics();
      const details = Object.fromEntries(statistics.operations.map((op) => [op, b.stats(op)]));
      return { kind, name, state: { ...statistics, details } };
    }
    case "brake": {
      const { engaged, consecutive, engagements } = entry.component;
      return { kind, name, state: { engaged, consecutive, engagements } };
    }
    case "breaker":
      return {
        kind,
        name,
        state: { ...entry.component.stats(), remainingMs: entry.component.remainingMs },
      };
  }
}

/**
 * Not ok while a brake is engaged, a breaker is open or the monitor's level
 * is `critical`; each reason names the component or the signals.
 */
export function readiness(
  entries: readonly ComponentEntry[],
  monitor: ResourceMonitor | undefined,
): Readiness {
  const reasons: string[] = [];
  for (const entry of entries) {
    if (entry.kind === "brake" && entry.component.engaged) {
      const n = entry.component.consecutive;
      // A calm signal during the pause resets the count; the brake holds until minPauseMs passes.
      const why = n === 0
        ? "calm again, holding for its minimum pause"
        : `${n} throttle signal${n === 1 ? "" : "s"} in a row`;
      reasons.push(`brake "${entry.name}" is engaged (${why})`);
    } else if (entry.kind === "breaker" && entry.component.state === "open") {
      const ms = Math.ceil(entry.component.remainingMs);
      reasons.push(`breaker "${entry.name}" is open (half-opens in ${ms} ms)`);
    }
  }
  if (monitor !== undefined && monitor.level === "critical") {
    const why = monitor.latest?.reasons ?? [];
    reasons.push(`pressure is critical${why.length > 0 ? ` (${why.join("; ")})` : ""}`);
  }
  return { ok: reasons.length === 0, reasons };
}
