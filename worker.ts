/**
 * The worker side of headroom's WorkerPool: import this in a worker module
 * and declare its tasks with `defineWorker()`. It pulls in nothing else of
 * headroom, so workers start fast.
 *
 * @example A worker file
 * ```ts
 * import { defineWorker } from "@headroom/headroom/worker";
 *
 * defineWorker({ inc: (x: number) => x + 1 });
 * ```
 *
 * @module
 */
export { defineWorker } from "./src/pool/define-worker.ts";
export { Transfer, transfer } from "./src/pool/executor.ts";
export type { TaskContext, TaskHandler, TaskHandlers } from "./src/pool/executor.ts";
export type { Transferable } from "./src/runtime/types.ts";
