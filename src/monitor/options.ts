import * as v from "valibot";
import { custom, hasMethods } from "../config/custom.ts";
import { parseOptions } from "../config/parse.ts";
import { createRuntimeAdapter } from "../runtime/detect.ts";
import type { RuntimeAdapter } from "../runtime/types.ts";
import type { Scheduler } from "./scheduler.ts";
import { timerScheduler } from "./scheduler.ts";
import { objectOr, pressureThresholdsSchema } from "./thresholds.ts";
import type { PressureThresholds, PressureThresholdsOptions } from "./thresholds.ts";

/** Options of a {@link ResourceMonitor}. */
export interface ResourceMonitorOptions {
  /**
   * What to sample: the runtime adapter of this process, or
   * `createFakeAdapter()` in tests. @default {createRuntimeAdapter()}
   */
  readonly adapter?: RuntimeAdapter;
  /** Milliseconds from any origin; sample times and rates use it. @default {() => performance.now()} */
  readonly clock?: () => number;
  /** Milliseconds between samples once `start()` is called. @default {1000} */
  readonly intervalMs?: number;
  /**
   * Half-life, in ms, of the moving averages behind `cpuPercentSmoothed` and
   * `memoryPercentSmoothed`; 0 turns smoothing off. @default {5000}
   */
  readonly halfLifeMs?: number;
  /**
   * Least time, in ms, between two `cpu()` reads. CPU quota, cpuset and
   * throttling counters come from files a real adapter reads each time, and
   * they rarely change, so `cpu()` is read on the first sample and then at
   * most this often; 0 reads it on every sample. `memory()`, `cpuTime()`,
   * `pressure()` and `loadAverage()` are read on every sample because usage
   * changes. @default {5000}
   */
  readonly limitRefreshMs?: number;
  /** Overrides of the pressure thresholds; fields left out keep their defaults. @default {DEFAULT_THRESHOLDS} */
  readonly thresholds?: PressureThresholdsOptions;
  /**
   * The event-loop delay sampler, or `false` to turn it off. `resolutionMs`
   * is how often its probe timer is due. @default {{ resolutionMs: 20 }}
   */
  readonly loopDelay?: { readonly resolutionMs?: number } | false;
  /** Where timers come from; tests pass a manual one. @default {timerScheduler} */
  readonly scheduler?: Scheduler;
}

/** {@link ResourceMonitorOptions} with every default filled in. */
export interface ResolvedMonitorOptions {
  readonly adapter: RuntimeAdapter;
  readonly clock: () => number;
  readonly intervalMs: number;
  readonly halfLifeMs: number;
  readonly limitRefreshMs: number;
  readonly thresholds: PressureThresholds;
  readonly loopDelay: { readonly resolutionMs: number } | false;
  readonly scheduler: Scheduler;
}

// A RuntimeAdapter is known by these methods.
const ADAPTER_METHODS = ["cpu", "memory", "cpuTime", "cpuTimeSource", "loadAverage", "pressure"];
const ADAPTER_EXPECTS =
  "a RuntimeAdapter (cpu, memory, cpuTime, cpuTimeSource, loadAverage and pressure methods)";

const adapterSchema = custom<RuntimeAdapter>(
  (input) => hasMethods(input, ADAPTER_METHODS),
  ADAPTER_EXPECTS,
);

const clockSchema = custom<() => number>(
  (input) => typeof input === "function",
  "a function returning milliseconds",
);

const schedulerSchema = custom<Scheduler>(
  (input) => hasMethods(input, ["set", "clear"]),
  "a Scheduler (set and clear methods)",
);

const positiveMs = v.pipe(v.number(), v.finite(), v.gtValue(0));
const nonNegativeMs = v.pipe(v.number(), v.finite(), v.minValue(0));

/** Schema of the `intervalMs` option, also used by `start(intervalMs)`. */
export const intervalSchema: v.GenericSchema<unknown, number> = positiveMs;

const optionsSchema = v.strictObject({
  adapter: v.optional(adapterSchema, () => createRuntimeAdapter()),
  clock: v.optional(clockSchema, () => () => performance.now()),
  intervalMs: v.optional(positiveMs, 1000),
  halfLifeMs: v.optional(nonNegativeMs, 5000),
  limitRefreshMs: v.optional(nonNegativeMs, 5000),
  thresholds: pressureThresholdsSchema,
  loopDelay: v.optional(
    objectOr(v.literal(false), v.strictObject({ resolutionMs: v.optional(positiveMs, 20) })),
    {},
  ),
  scheduler: v.optional(schedulerSchema, () => timerScheduler),
});

/**
 * Checks `input` against the {@link ResourceMonitorOptions} schema and fills
 * in the defaults; throws a `ConfigError` naming each bad field.
 */
export function resolveMonitorOptions(input: unknown = {}): ResolvedMonitorOptions {
  return parseOptions(optionsSchema, input, "ResourceMonitor options");
}
