/**
 * WorkerPool: runs a worker module's tasks on Node `worker_threads` or Web
 * Workers, with backpressure, work stealing, cancellation and live resizing.
 *
 * @module
 */
export {
  PoolClosedError,
  QueueFullError,
  TaskError,
  WorkerCrashedError,
  WorkersUnavailableError,
} from "./errors.ts";
export type { TaskContext, TaskHandler, TaskHandlers } from "./executor.ts";
export { governPool, type GovernPoolOptions, type SampleFeed } from "./govern.ts";
export type { WorkerPoolOptions } from "./options.ts";
export { type RunOptions, WorkerPool, type WorkerPoolEventMap } from "./pool.ts";
export type { PoolStats } from "./stats.ts";
export { workerUrl } from "./worker-url.ts";
