/**
 * The messages between a pool and its workers. Messages are flat arrays, not
 * objects: structured clone is cheaper for them, and one message carries many
 * tasks when the queue is deep.
 *
 * Claims: when `SharedArrayBuffer` exists, each worker shares an `Int32Array`
 * with the pool. A posted task owns one slot holding its id; the worker swaps
 * the id for {@link CLAIM_STARTED} before running it, and the pool swaps it
 * for {@link CLAIM_TAKEN} to take back a task the worker has not started
 * (stealing, cancelling, rescuing it from a crashed worker). Whoever swaps
 * first wins, so a task never runs twice and never gets lost. Once the
 * handler returns, the worker stores {@link CLAIM_DONE}.
 *
 * @module
 */

/**
 * Every operation code is this plus a small number, so that a message a
 * worker module posts to its parent itself (a `[5, 10]` progress tuple, say)
 * is not taken for the pool's, as it was while the codes were 0–6.
 */
const OP_BASE = 0x2d720000; // under 2^30: a small integer to V8

/**
 * pool → worker: `[INIT, claims: Int32Array | undefined, niceIncrement: number]`,
 * in answer to the worker's HELLO.
 */
export const OP_INIT: number = OP_BASE + 0;
/**
 * pool → worker: `[RUN, holdMs, id, slot, name, payload, id, slot, name, payload, …]`.
 * Once the message has run `holdMs` since its last results went back, the
 * results so far go back before its next task starts.
 */
export const OP_RUN: number = OP_BASE + 1;
/** pool → worker: `[CANCEL, id]`: abort the running task's signal. */
export const OP_CANCEL: number = OP_BASE + 2;
/** worker → pool: `[READY, names: string[], lowered: boolean]` after INIT; `lowered`: its thread priority went down. */
export const OP_READY: number = OP_BASE + 3;
/** worker → pool: `[RESULTS, acks, id, status, value, runMs, …]`; `acks` = RUN messages done since the last. */
export const OP_RESULTS: number = OP_BASE + 4;

/** worker → pool: `[EXITING, code]`: the worker is closing itself. */
export const OP_EXITING: number = OP_BASE + 5;
/**
 * worker → pool: `[HELLO]`: `defineWorker()` ran and the worker listens. A
 * message posted to a module Web Worker before its module has run (one with
 * a top-level `await` before `defineWorker()`) reaches no listener and is
 * lost on Deno and Bun, so the worker speaks first.
 */
export const OP_HELLO: number = OP_BASE + 6;

/** How long a worker holds results back while the backlog is shallow. */
export const FLUSH_MS = 2;

/** Result status: the handler returned `value`. */
export const STATUS_OK = 0;
/** Result status: the handler threw; `value` is a {@link SerializedError}. */
export const STATUS_ERROR = 1;
/** Result status: the pool took the task back before it started; no value. */
export const STATUS_SKIPPED = 2;

/** Claim value of a task the worker has started. */
export const CLAIM_STARTED = -1;
/** Claim value of a task the pool took back. */
export const CLAIM_TAKEN = -2;
/**
 * Claim value of a task whose handler has returned: its result is on its
 * way, or held back until its message's results go. The pool does not
 * replace a worker for a cancelled task that has finished.
 */
export const CLAIM_DONE = -3;
/** Slots per worker in the claims array; also the most tasks posted to one worker. */
export const CLAIM_SLOTS = 4096;

/** An error as it crosses from a worker: the name, message and stack kept. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** Own enumerable data fields of the error (a `code`, for example), when cloneable. */
  readonly data: Record<string, unknown> | undefined;
}

/** The own enumerable fields of `source` that clone as they are (a `code`, say), but `skip`. */
function plainFields(source: object, skip: readonly string[]): Record<string, unknown> | undefined {
  let data: Record<string, unknown> | undefined;
  for (const key of Object.keys(source)) {
    if (skip.includes(key)) continue;
    const value = (source as Record<string, unknown>)[key];
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
      (data ??= {})[key] = value;
    }
  }
  return data;
}

/**
 * Turns anything thrown into a {@link SerializedError}. A thrown object that
 * is not an `Error` (`throw { code, message }`) keeps its `name`, `message`
 * and plain fields; anything else becomes its string.
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      data: plainFields(error, []),
    };
  }
  if (typeof error === "object" && error !== null) {
    const { name, message, stack } = error as Record<string, unknown>;
    let text = typeof message === "string" ? message : undefined;
    // Its own string where it has one (a toString(), a URL), else its fields as JSON.
    let own = "[object Object]";
    try {
      own = String(error);
    } catch {
      // No prototype, or a toString() that throws.
    }
    if (text === undefined && own !== "[object Object]") text = own;
    if (text === undefined) {
      try {
        text = JSON.stringify(error);
      } catch {
        // A cycle, or a BigInt: the generic string is all there is.
      }
    }
    return {
      name: typeof name === "string" ? name : "Error",
      message: text ?? own,
      stack: typeof stack === "string" ? stack : undefined,
      data: plainFields(error, ["name", "message", "stack"]),
    };
  }
  return { name: "Error", message: String(error), stack: undefined, data: undefined };
}
