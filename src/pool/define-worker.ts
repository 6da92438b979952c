import { connectParent } from "../runtime/parent.ts";
import { createExecutor, type TaskHandlers } from "./executor.ts";
import { OP_EXITING, OP_HELLO } from "./protocol.ts";
import { CALL_ONCE, registerInline } from "./inline.ts";

/** Whether `defineWorker()` has connected this worker thread to its pool. */
let connected = false;

/**
 * Declares the tasks a worker file can run. Call it once, at the top level
 * of the worker module; it may follow a top-level `await` (to load a model
 * or a configuration, say): the pool sends tasks once it has run. The same
 * file runs as a Node `worker_threads` worker and as a module Web Worker
 * (Deno, Bun, browsers); imported on the main thread (a pool with
 * `inline: true`) it hands its handlers to the pool.
 *
 * A handler gets the payload passed to `pool.run()` and a context whose
 * `signal` aborts when the caller cancels the task. Whatever it returns, or
 * the promise it returns resolves to, is the task's result; what it throws
 * rejects the caller's promise with a `TaskError`.
 *
 * @example A worker file
 * ```ts
 * import { defineWorker } from "@headroom/headroom/worker";
 *
 * defineWorker({
 *   inc: (x: number) => x + 1,
 *   async fetchText(url: string, { signal }) {
 *     return await (await fetch(url, { signal })).text();
 *   },
 * });
 * ```
 */
export function defineWorker(handlers: TaskHandlers): void {
  if (typeof handlers !== "object" || handlers === null) {
    throw new TypeError(`defineWorker() expects an object of functions, received ${handlers}`);
  }
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== "function") {
      throw new TypeError(
        `defineWorker(): handler "${name}" must be a function, received ${typeof handler}`,
      );
    }
  }
  const parent = connectParent();
  if (parent === undefined) {
    registerInline(handlers);
    return;
  }
  // A second executor on the same thread would run every task twice.
  if (connected) {
    throw new TypeError(`defineWorker() was already called in this worker: ${CALL_ONCE}`);
  }
  connected = true;
  const execute = createExecutor(handlers, (message, list) => parent.postMessage(message, list));
  // Results held back to go with later ones would die with the worker: they go first.
  parent.beforeClose((code) => {
    execute.flush();
    parent.postMessage([OP_EXITING, code]);
  });
  parent.onMessage(execute);
  parent.postMessage([OP_HELLO]);
}
