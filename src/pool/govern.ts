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
  /** Workers the pool keeps however the limit moves. @default {1} */
  readonly minWorkers?: number;
  /** Called with each resize and why. */
  readonly onDecision?: (decision: Decision) => void;
  /** Names the pool in decisions. @default {"pool"} */
  readonly name?: string;
}

/**
 * Lets a resource-aware limit size a {@link WorkerPool}: on every monitor
 * sample the limit reads the machine (effective CPUs, memory headroom,
 * pressure) and the pool's `maxWorkers` follows it through `resize()`, which
 * never loses or repeats a task. A sample for which the limit is not a
 * finite number (NaN, Infinity) leaves the pool as it is and reports no
 * decision. Returns a function that stops governing.
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
  const min = options.minWorkers ?? 1;
  if (!Number.isInteger(min) || min < 0) {
    throw new RangeError(`governPool(): minWorkers must be a whole number >= 0, received ${min}`);
  }
  const source = `pool:${options.name ?? "pool"}`;
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
    const last = (limit as { lastDecision?: Decision }).lastDecision;
    options.onDecision?.({
      source,
      from: before,
      to: max,
      reason: last?.reason ?? `limit ${max} from the ${sample.level} pressure sample`,
      time: sample.time,
    });
  });
}
