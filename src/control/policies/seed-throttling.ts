/**
 * The per-operation thread formula of the .NET throttling service headroom
 * grew from, kept faithfully so users can migrate from it and so the
 * simulator can score it.
 *
 * @module
 */

import * as v from "valibot";
import { parseOptions } from "../../config/parse.ts";
import type { ResourceSample } from "../../monitor/sample.ts";
import type { ResourcePolicy } from "../types.ts";

/** The kinds of operation the formula knows, each with its own thread range. */
export type OperationType = "export" | "import" | "bulkUpdate" | "indexRebuild" | "other";

/** Options of {@link seedThrottling}. */
export interface SeedThrottlingOptions {
  /** Which row of the formula to use. @default {"export"} */
  readonly operation?: OperationType;
  /**
   * A fixed number of concurrent operations; `0` or less means adaptive (the
   * formula). @default {0}
   */
  readonly maxConcurrentOperations?: number;
  /** Memory use above this % counts as pressure. @default {80} */
  readonly memoryPressurePercent?: number;
  /** CPU use above this % counts as pressure. @default {90} */
  readonly cpuPressurePercent?: number;
  /** Threads are multiplied by this under pressure (then truncated). @default {0.7} */
  readonly pressureMultiplier?: number;
}

/** The seed's throttling service as a {@link ResourcePolicy}. */
export interface SeedThrottlingPolicy extends ResourcePolicy {
  /** `true` when `maxConcurrentOperations` was 0 or less. */
  readonly adaptive: boolean;
  /** Memory above its threshold or CPU above its threshold. */
  isUnderPressure(sample: ResourceSample): boolean;
  /** The formula: the operation's clamp of the CPU count, times the pressure multiplier. */
  optimalThreadCount(sample: ResourceSample): number;
  /** The configured value when static, else {@link optimalThreadCount}. */
  maxConcurrentOperations(sample: ResourceSample): number;
  /** Whether `requested` concurrent operations fit: within the maximum and no memory pressure. */
  hasSufficientResources(sample: ResourceSample, requested: number): boolean;
}

const percent = v.pipe(v.number(), v.minValue(0), v.maxValue(100));
const schema = v.strictObject({
  operation: v.optional(
    v.picklist(["export", "import", "bulkUpdate", "indexRebuild", "other"]),
    "export",
  ),
  maxConcurrentOperations: v.optional(v.pipe(v.number(), v.integer()), 0),
  memoryPressurePercent: v.optional(percent, 80),
  cpuPressurePercent: v.optional(percent, 90),
  pressureMultiplier: v.optional(v.pipe(v.number(), v.gtValue(0), v.maxValue(1)), 0.7),
});

/**
 * The seed's base thread count for an operation on `processors` CPUs, before
 * pressure: export `clamp(n, 4, 8)`, import `clamp(n/2, 2, 6)`, bulk update
 * `clamp(n, 3, 6)`, index rebuild `clamp(n/3, 1, 4)`, other `min(n, 4)`
 * (integer division, as in the seed).
 *
 * @example
 * ```ts
 * import { baseThreads } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * assert.equal(baseThreads("export", 2), 4);
 * assert.equal(baseThreads("import", 16), 6);
 * ```
 */
export function baseThreads(operation: OperationType, processors: number): number {
  const n = Math.trunc(processors);
  const div = (d: number): number => Math.trunc(n / d);
  switch (operation) {
    case "export":
      return Math.min(Math.max(n, 4), 8);
    case "import":
      return Math.min(Math.max(div(2), 2), 6);
    case "bulkUpdate":
      return Math.min(Math.max(n, 3), 6);
    case "indexRebuild":
      return Math.min(Math.max(div(3), 1), 4);
    default:
      return Math.min(n, 4);
  }
}

/**
 * The seed's throttling service: per-operation thread formula, a 0.7
 * multiplier when memory > 80 % or CPU > 90 %, and the static-vs-adaptive
 * switch (a configured `maxConcurrentOperations` <= 0 means adaptive). The
 * seed names `GetMaxConcurrentOperations` and `HasSufficientResources`
 * without giving their bodies; here the first is the thread formula and the
 * second checks the request against it and against memory pressure.
 *
 * @example Two CPUs at 95 % CPU
 * ```ts
 * import { seedThrottling } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const policy = seedThrottling({ operation: "export" });
 * const sample = { cpus: 2, cpuPercent: 95, memoryPercent: 40 } as never;
 * assert.equal(policy.optimalThreadCount(sample), 2); // trunc(4 * 0.7)
 * ```
 */
export function seedThrottling(options: SeedThrottlingOptions = {}): SeedThrottlingPolicy {
  const o = parseOptions(schema, options, "seedThrottling() options");
  const adaptive = o.maxConcurrentOperations <= 0;
  const isUnderPressure = (sample: ResourceSample): boolean =>
    (sample.memoryPercent ?? 0) > o.memoryPressurePercent ||
    (sample.cpuPercent ?? 0) > o.cpuPressurePercent;
  const optimalThreadCount = (sample: ResourceSample): number => {
    const multiplier = isUnderPressure(sample) ? o.pressureMultiplier : 1;
    return Math.max(1, Math.trunc(baseThreads(o.operation, sample.cpus) * multiplier));
  };
  const maxConcurrentOperations = (sample: ResourceSample): number =>
    adaptive ? optimalThreadCount(sample) : o.maxConcurrentOperations;
  return {
    adaptive,
    isUnderPressure,
    optimalThreadCount,
    maxConcurrentOperations,
    hasSufficientResources(sample: ResourceSample, requested: number): boolean {
      const memoryPressed = (sample.memoryPercent ?? 0) > o.memoryPressurePercent;
      return !memoryPressed && requested <= maxConcurrentOperations(sample);
    },
    ceiling(sample: ResourceSample, _current: number): number {
      return maxConcurrentOperations(sample);
    },
  };
}
