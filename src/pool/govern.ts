import * as v from "valibot";
import { fieldError } from "../config/config-error.ts";
import { custom, hasMethods } from "../config/custom.ts";
import { parseOptions } from "../config/parse.ts";
import type { Decision, ResourceAwareLimit } from "../control/types.ts";
import type { ResourceSample } from "../monitor/sample.ts";
import type { WorkerPool } from "./pool.ts";

/** Where {@link governPool} hears about the machine: a `ResourceMonitor`. */
export interface SampleFeed {
  /** Subscribes to `sample` events; returns the function that unsubscribes. */
  on(type: "sample", listener: (sample: ResourceSample) => void): () => void;
}

/** Options of {@link governPool}. */
export interface GovernPoolOptions {
  /**
   * Workers the pool keeps however the limit moves.
   * @default {the pool's own `minWorkers` when governing starts}
   */
  readonly minWorkers?: number;
  /** Called with each resize and why. */
  readonly onDecision?: (decision: Decision) => void;
  /** Names the pool in decisions. @default {"pool"} */
  readonly name?: string;
}

const optionsSchema = v.strictObject({
  minWorkers: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  onDecision: v.optional(custom<(decision: Decision) => void>(
    (input) => typeof input === "function",
    "a function (decision) => void",
  )),
  name: v.optional(v.string(), "pool"),
});

/**
 * Lets a resource-aware limit size a {@link WorkerPool}: on every monitor
 * sample the limit reads the machine (effective CPUs, memory headroom,
 * pressure) and the pool's `maxWorkers` follows it through `resize()`, which
 * never loses or repeats a task. A sample for which the limit is not a
 * finite number (NaN, Infinity) leaves the pool as it is and reports no
 * decision. Returns a function that stops governing. The pool, the limit
 * (it needs `observe()`: wrap a seed policy in `policyLimit()`), the monitor
 * and the options are checked at once: a bad one is a `ConfigError` here, not
 * a throw from the monitor's sample listener at the first resize.
 *
 * @example Size a pool from the machine
 * ```ts
 * import { governPool, headroomLimit, ResourceMonitor, WorkerPool } from "@headroom/headroom";
 *
 * const monitor = new ResourceMonitor();
 * const pool = new WorkerPool({ worker: new URL("./worker.ts", import.meta.url) });
 * const stop = governPool(pool, headroomLimit({ cpuBound: true }), monitor);
 * monitor.start();
 * // … later
 * stop();
 * ```
 */
export function governPool(
  pool: WorkerPool,
  limit: ResourceAwareLimit,
  monitor: SampleFeed,
  options: GovernPoolOptions = {},
): () => void {
  const where = "governPool()";
  if (!hasMethods(pool, ["resize", "stats"])) {
    throw fieldError(where, "pool", pool, "a WorkerPool");
  }
  if (!hasMethods(limit, ["observe"])) {
    throw fieldError(
      where,
      "limit",
      limit,
      "a resource-aware limit with observe(sample), such as headroomLimit() or policyLimit(policy)",
    );
  }
  if (!hasMethods(monitor, ["on"])) {
    throw fieldError(where, "monitor", monitor, "a ResourceMonitor");
  }
  const o = parseOptions(optionsSchema, options, "governPool() options");
  const min = o.minWorkers ?? pool.stats().workers.min;
  const source = `pool:${o.name}`;
  return monitor.on("sample", (sample) => {
    if (pool.closed) return;
    const raw = limit.observe(sample);
    // NaN or ±Infinity says nothing a pool size can follow: keep the pool as it is.
    if (!Number.isFinite(raw)) return;
    const { min: beforeMin, max: before } = pool.stats().workers;
    const max = Math.max(1, min, Math.floor(raw));
    // The pool's own minimum may differ from ours even while the limit stays put.
    if (max === before && Math.min(min, max) === beforeMin) return;
    pool.resize(Math.min(min, max), max);
    if (max === before) return; // the limit did not move: no decision to report
    // The limit's own reason, when it decided on this very sample (not one it gave earlier).
    const last = (limit as { lastDecision?: Decision }).lastDecision;
    const reason = last !== undefined && last.time === sample.time
      ? last.reason
      : `limit ${max} from the ${sample.level} pressure sample`;
    o.onDecision?.({ source, from: before, to: max, reason, time: sample.time });
  });
}
