import type { SerializedError } from "./protocol.ts";

/** `run()` was called while `maxQueue` tasks already wait. */
export class QueueFullError extends Error {
  /** Tasks waiting when this one was refused. */
  readonly queued: number;
  /** The pool's `maxQueue`. */
  readonly maxQueue: number;
  /** (running + queued) / capacity at the time. */
  readonly loadFactor: number;
  /** Builds the message from the queue's figures at the time; each is also kept in its field. */
  constructor(queued: number, maxQueue: number, loadFactor: number) {
    super(
      `Cannot queue task: ${queued} tasks already wait (maxQueue ${maxQueue}, load factor ` +
        `${loadFactor.toFixed(2)}); await pool.ready() before submitting more, or raise maxQueue`,
    );
    this.name = "QueueFullError";
    this.queued = queued;
    this.maxQueue = maxQueue;
    this.loadFactor = loadFactor;
  }
}

/** The task's handler threw; `name`, `message` and `stack` are the worker's. */
export class TaskError extends Error {
  /** The task's name, as passed to `run()`. */
  readonly task: string;
  /** The name of the error the handler threw (`TypeError`, `RangeError`, …). */
  readonly errorName: string;
  /** Own data fields of the thrown error (such as `code`), when it had any. */
  readonly data: Record<string, unknown> | undefined;
  /**
   * Rebuilds the handler's error from what the worker sent: message, stack, data, and name as
   * `errorName`.
   */
  constructor(task: string, error: SerializedError) {
    super(error.message);
    this.name = "TaskError";
    this.task = task;
    this.errorName = error.name;
    this.data = error.data;
    if (error.stack !== undefined) this.stack = error.stack;
  }
}

/** The worker running the task crashed, exited or was terminated, or no worker could start. */
export class WorkerCrashedError extends Error {
  /** The task's name. */
  readonly task: string;
  /** Exit code where the runtime reports one. */
  readonly exitCode: number | undefined;
  /** `detail` says what happened to the worker; `cause`, when given, is the underlying error. */
  constructor(task: string, detail: string, exitCode: number | undefined, cause?: unknown) {
    super(
      `Task "${task}" was lost: ${detail}. It is safe to retry if it is idempotent`,
      cause === undefined ? undefined : { cause },
    );
    this.name = "WorkerCrashedError";
    this.task = task;
    this.exitCode = exitCode;
  }
}

/** `run()` after `close()`, or a queued task that `close({ force: true })` dropped. */
export class PoolClosedError extends Error {
  /** `detail` says why the task cannot run. */
  constructor(detail = "the pool is closed") {
    super(`Cannot run task: ${detail}; create a new WorkerPool`);
    this.name = "PoolClosedError";
  }
}

/** This runtime cannot start workers (edge runtimes such as workerd). */
export class WorkersUnavailableError extends Error {
  /** The runtime the adapter detected. */
  readonly runtime: string;
  /** `runtime` names the runtime the adapter detected. */
  constructor(runtime: string) {
    super(
      `Cannot start workers: the ${runtime} runtime has no Worker, or may not start one here ` +
        `(Node's --permission without --allow-worker). Pass \`inline: true\` to run tasks on ` +
        `this thread behind the same API`,
    );
    this.name = "WorkersUnavailableError";
    this.runtime = runtime;
  }
}
