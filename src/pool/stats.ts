import type { WindowedSnapshot } from "../metrics/windowed-histogram.ts";

/** A {@link WorkerPool}'s counts, queue, workers and timings at one moment. */
export interface PoolStats {
  /** Tasks that returned a result. */
  readonly completed: number;
  /** Tasks whose handler threw (`TaskError`) or whose payload could not be sent to a worker. */
  readonly failed: number;
  /** Tasks cancelled by their signal or `timeoutMs`. */
  readonly cancelled: number;
  /** Tasks lost with their worker (`WorkerCrashedError`) or because no worker could start. */
  readonly crashed: number;
  /** Tasks rejected with `PoolClosedError` by `close({ force: true })` before they finished. */
  readonly closed: number;
  /** Tasks a worker took from another worker's backlog before they started. */
  readonly stolen: number;
  /** Tasks submitted and not yet settled. */
  readonly pending: number;
  /** Tasks not started: waiting in the pool, or sent ahead to a worker. */
  readonly queued: number;
  /** Tasks a worker is running (including cancelled ones that have not stopped yet). */
  readonly running: number;
  /** Tasks waiting in the pool itself: what `maxQueue` bounds. */
  readonly queueDepth: number;
  /** Worker counts, and the bounds `min` and `max` (as constructed or last set by `resize()`). */
  readonly workers: {
    /** Workers that answered and take tasks. */
    readonly live: number;
    /** Workers started that have not answered yet. */
    readonly starting: number;
    /**
     * Workers above a `max` that `resize()` lowered, finishing the tasks they
     * started before they stop; they take no new tasks and are not `live`.
     */
    readonly retiring: number;
    /** Live workers whose thread priority was lowered by `niceIncrement`. */
    readonly lowPriority: number;
    readonly min: number;
    readonly max: number;
  };
  /**
   * Time in the handler, in ms, measured in the worker: `count`, `sum` and
   * `mean` over every task, `min`, `max` and the quantiles over the tasks
   * that finished in the last minute (`windowCount` of them; 0 if none).
   */
  readonly runTime: WindowedSnapshot;
  /**
   * From `run()` to the result, minus the run time, in ms: queueing and
   * transport. Covers what `runTime` covers.
   */
  readonly waitTime: WindowedSnapshot;
  /** (running + queued) / maxWorkers: 1 means every worker busy and nothing waiting. */
  readonly loadFactor: number;
  /** Share of live worker time spent in handlers, 0–1. */
  readonly utilisation: number;
}
