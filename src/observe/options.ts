import * as v from "valibot";
import { custom } from "../config/custom.ts";
import { parseOptions } from "../config/parse.ts";
import { DynamicBatchSizer } from "../control/batch/dynamic-batch-sizer.ts";
import { CircuitBreaker } from "../control/brake/circuit-breaker.ts";
import { EmergencyBrake } from "../control/brake/emergency-brake.ts";
import { AdaptiveLimiter } from "../control/limiter/adaptive-limiter.ts";
import type { Clock } from "../internal/clock.ts";
import { MetricsRegistry } from "../metrics/registry.ts";
import { ResourceMonitor } from "../monitor/resource-monitor.ts";
import { WorkerPool } from "../pool/pool.ts";
import type { Components, ObserveOptions } from "./types.ts";

/** Decisions an observatory keeps unless told otherwise. */
export const DEFAULT_KEEP_DECISIONS = 200;

/** {@link ObserveOptions} checked, with every default filled in. */
export interface ResolvedObserveOptions {
  readonly components: Components;
  readonly registry: MetricsRegistry;
  readonly keepDecisions: number;
  readonly clock: Clock;
}

/** What a field of components by name expects, as said in errors. */
const BY_NAME = "an object of components by name";

/**
 * Components of one kind by name; names are label values, so not empty.
 * An array is refused: its indexes would be published as names.
 */
function named<const S extends v.GenericSchema>(item: S) {
  const name = custom<string>((key) => typeof key === "string" && key !== "", "a non-empty name");
  return v.optional(v.pipe(
    custom<object>((input) => typeof input === "object" && input !== null, BY_NAME),
    custom<Record<string, unknown>>((input) => !Array.isArray(input), `${BY_NAME}, not an array`),
    v.record(name, item),
  ));
}

/** A frozen copy, so adding a component later cannot go unobserved. */
function copy<T>(record: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze({ ...record });
}

const schema = v.strictObject({
  monitor: v.optional(v.instance(ResourceMonitor)),
  pools: named(v.instance(WorkerPool)),
  limiters: named(v.instance(AdaptiveLimiter)),
  batchSizers: named(v.instance(DynamicBatchSizer)),
  brakes: named(
    custom<EmergencyBrake | CircuitBreaker>(
      (input) => input instanceof EmergencyBrake || input instanceof CircuitBreaker,
      "EmergencyBrake or CircuitBreaker",
    ),
  ),
  registry: v.optional(v.instance(MetricsRegistry)),
  keepDecisions: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0)),
    DEFAULT_KEEP_DECISIONS,
  ),
  clock: v.optional(
    custom<Clock>((input) => typeof input === "function", "a function returning epoch ms"),
  ),
});

/**
 * Checks `input` against {@link ObserveOptions}; throws a `ConfigError`
 * naming each bad field, the value received and what was expected (for
 * example `pools.main` that is not a `WorkerPool`).
 */
export function resolveObserveOptions(input: unknown): ResolvedObserveOptions {
  const o = parseOptions(schema, input, "observe() options");
  const given = input as ObserveOptions;
  const components: Components = {
    ...(given.monitor === undefined ? {} : { monitor: given.monitor }),
    ...(given.pools === undefined ? {} : { pools: copy(given.pools) }),
    ...(given.limiters === undefined ? {} : { limiters: copy(given.limiters) }),
    ...(given.batchSizers === undefined ? {} : { batchSizers: copy(given.batchSizers) }),
    ...(given.brakes === undefined ? {} : { brakes: copy(given.brakes) }),
  };
  return {
    components: Object.freeze(components),
    registry: given.registry ?? new MetricsRegistry(),
    keepDecisions: o.keepDecisions,
    clock: given.clock ?? Date.now,
  };
}
