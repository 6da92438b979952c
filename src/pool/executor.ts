import { type Clock, systemClock } from "../internal/clock.ts";
import { lowerThreadPriority } from "../runtime/priority.ts";
import {
  CLAIM_DONE,
  CLAIM_STARTED,
  OP_CANCEL,
  OP_INIT,
  OP_READY,
  OP_RESULTS,
  OP_RUN,
  serializeError,
  STATUS_ERROR,
  STATUS_OK,
} from "./protocol.ts";
import type { Transferable } from "../runtime/types.ts";

/** What a handler gets besides its payload. */
export interface TaskContext {
  /** Aborted when the caller cancels the task or its `timeoutMs` passes. */
  readonly signal: AbortSignal;
  /** The task's name. */
  readonly task: string;
}

/** A task handler: takes the payload, returns the result or a promise of it. */
// deno-lint-ignore no-explicit-any
export type TaskHandler = (payload: any, context: TaskContext) => unknown;

/** The handlers a worker file defines, by task name. */
export type TaskHandlers = Readonly<Record<string, TaskHandler>>;

/** A result that moves its buffers to the caller instead of copying them. */
export class Transfer<T = unknown> {
  /** The result to send to the caller. */
  readonly value: T;
  /** Objects moved to the caller rather than copied, such as the `ArrayBuffer`s inside `value`. */
  readonly transfer: readonly Transferable[];
  /** Pairs `value` with the objects to transfer; `transfer()` does the same. */
  constructor(value: T, transfer: readonly Transferable[]) {
    this.value = value;
    this.transfer = transfer;
  }
}

/**
 * Wraps a handler's result so its buffers are transferred, not copied.
 *
 * @example Return a buffer without copying it
 * ```ts
 * import { defineWorker, transfer } from "@headroom/headroom/worker";
 *
 * defineWorker({
 *   fill: (size: number) => {
 *     const bytes = new Uint8Array(size).fill(7);
 *     return transfer(bytes, [bytes.buffer]);
 *   },
 * });
 * ```
 */
export function transfer<T>(value: T, list: readonly Transferable[]): Transfer<T> {
  return new Transfer(value, list);
}

function cancelled(): DOMException {
  return new DOMException("The task was cancelled", "AbortError");
}

class Context implements TaskContext {
  readonly task: string;
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;
  constructor(task: string) {
    this.task = task;
  }
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#aborted && !this.#controller.signal.aborted) this.#controller.abort(this.#reason);
    return this.#controller.signal;
  }
  abort(reason: unknown): void {
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

type Post = (message: unknown, transfer: readonly Transferable[]) => void;

/** Takes the pool's messages; `flush()` sends the results held back so far at once. */
export interface Executor {
  (data: unknown): void;
  flush(): void;
}

/**
 * The worker side of the protocol, shared by real workers and the inline
 * mode: runs the tasks of each message it is given, one at a time (an async
 * handler's promise settles before the next task starts), and posts their results,
 * those that finish together in one message; once a message has run for the
 * hold time it carries (2 ms unless the pool's backlog is deep), the results
 * so far go back before the rest of it runs, and so they do when a handler's
 * promise is still pending after the current turn. Run times come from `now`.
 * `flush()` is for a worker about to close itself: what finished goes back
 * before it does.
 */
export function createExecutor(
  handlers: TaskHandlers,
  post: Post,
  now: Clock = systemClock,
): Executor {
  let claims: Int32Array | undefined;
  let results: unknown[] = [];
  // Each result's own transfer list, by its index in `results`: those results go one per message.
  let owners: Map<number, readonly Transferable[]> | undefined;
  const running = new Map<number, Context>();

  // Every RUN message is acknowledged by the next RESULTS message, so the
  // pool knows how many messages a worker still has to get through.
  let acks = 0;
  const flush = (): void => {
    if (results.length === 2 && acks === 0) return;
    const message = results;
    message[1] = acks;
    const lists = owners;
    results = [OP_RESULTS, 0];
    owners = undefined;
    acks = 0;
    if (lists === undefined) {
      try {
        post(message, []);
      } catch {
        // A result that cannot be cloned must not take down the worker and the results beside it.
        postEach(message);
      }
      return;
    }
    // A runtime may detach what a failed post was to move before it finds what cannot
    // be cloned (Deno does), so results that move memory go one at a time: a bad
    // result beside them must not cost them their memory.
    const plain: unknown[] = [OP_RESULTS, message[1]];
    const moving: unknown[] = [OP_RESULTS, 0];
    for (let i = 2; i < message.length; i += 4) {
      (lists.has(i) ? moving : plain).push(
        message[i],
        message[i + 1],
        message[i + 2],
        message[i + 3],
      );
    }
    if (plain.length > 2 || plain[1] !== 0) {
      try {
        post(plain, []);
      } catch {
        postEach(plain);
      }
    }
    postEach(moving, [...lists.values()]);
  };

  /**
   * Posts the results of `message` one at a time, the n-th with `lists[n]`
   * moved; one that cannot be sent goes as an error.
   */
  const postEach = (message: unknown[], lists: readonly (readonly Transferable[])[] = []): void => {
    let acked = message[1];
    for (let i = 2, n = 0; i < message.length; i += 4, n++) {
      const one = [OP_RESULTS, acked, message[i], message[i + 1], message[i + 2], message[i + 3]];
      try {
        post(one, lists[n] ?? []);
      } catch (error) {
        const e = serializeError(error);
        one[3] = STATUS_ERROR;
        one[4] = {
          ...e,
          message: `The result could not be sent back from the worker: ${e.message}`,
        };
        post(one, []);
      }
      acked = 0; // the first message carries the acknowledgements
    }
  };
  results = [OP_RESULTS, 0];

  /** Adds a task's result to the next RESULTS message; `slot`: its claim, marked done. */
  const settle = (
    id: number,
    status: number,
    value: unknown,
    runMs: number,
    slot?: number,
  ): void => {
    if (claims !== undefined && slot !== undefined) Atomics.store(claims, slot, CLAIM_DONE);
    if (value instanceof Transfer) {
      (owners ??= new Map()).set(results.length, value.transfer);
      value = value.value;
    }
    results.push(id, status, value, runMs);
  };

  // RUN messages received and not yet run through, oldest first; `next` indexes
  // the first task of `inbox[0]` not yet started. A worker runs one task at a
  // time, async handlers included: `maxWorkers` bounds how much runs at once,
  // tasks not yet started can still be stolen, taken back or rescued, and a
  // handler that ignores its cancellation costs only its own task.
  const inbox: unknown[][] = [];
  let next = 2;
  let flushedAt = 0;
  let awaiting = false;
  /** A timer will send the results gathered so far if the awaited task is still running then. */
  let flushArmed = false;
  // Tasks cancelled before they started, where the pool cannot take them back (no claims).
  const dropped = new Set<number>();

  const later = (
    id: number,
    slot: number,
    promise: PromiseLike<unknown>,
    context: Context,
    t0: number,
  ) => {
    running.set(id, context);
    awaiting = true;
    // The thread may wait from here: results finished before this task must not wait with it.
    // A promise that settles at once (a handler that is async but quick) keeps them batched.
    if (results.length > 2 && !flushArmed) {
      flushArmed = true;
      setTimeout(() => {
        flushArmed = false;
        if (awaiting && results.length > 2) {
          flush();
          flushedAt = now();
        }
      }, 0);
    }
    // Promise.resolve: a hand-made thenable that calls back at once, or twice, resumes once, later.
    Promise.resolve(promise).then(
      (value) => {
        running.delete(id);
        settle(id, STATUS_OK, value, now() - t0, slot);
        awaiting = false;
        drain();
      },
      (error) => {
        running.delete(id);
        settle(id, STATUS_ERROR, serializeError(error), now() - t0, slot);
        awaiting = false;
        drain();
      },
    );
  };

  /** Runs the received tasks in order until one returns a promise or none are left. */
  const drain = (): void => {
    while (inbox.length > 0) {
      const data = inbox[0]!;
      const hold = data[1] as number;
      if (next === 2) flushedAt = now();
      while (next < data.length) {
        const i = next;
        next += 4;
        const id = data[i] as number;
        const slot = data[i + 1] as number;
        if (dropped.delete(id)) {
          settle(id, STATUS_ERROR, serializeError(cancelled()), 0);
          continue;
        }
        if (
          claims !== undefined && Atomics.compareExchange(claims, slot, id, CLAIM_STARTED) !== id
        ) {
          continue; // the pool took this task back before it started
        }
        const name = data[i + 2] as string;
        // Own handlers only: "toString" or "constructor" must not run Object.prototype's.
        const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
        const t0 = now();
        // A slow task must not hold back the results of the ones before it.
        if (t0 - flushedAt >= hold) {
          if (results.length > 2) flush();
          flushedAt = t0;
        }
        if (handler === undefined) {
          const known = Object.keys(handlers).join(", ");
          settle(
            id,
            STATUS_ERROR,
            {
              name: "TypeError",
              message:
                `Cannot run task "${name}": the worker defines no such handler (it has: ${known})`,
              stack: undefined,
              data: undefined,
            },
            0,
            slot,
          );
          continue;
        }
        const context = new Context(name);
        try {
          const value = handler(data[i + 3], context);
          if (value !== null && typeof (value as PromiseLike<unknown>)?.then === "function") {
            later(id, slot, value as PromiseLike<unknown>, context, t0);
            return;
          }
          settle(id, STATUS_OK, value, now() - t0, slot);
        } catch (error) {
          settle(id, STATUS_ERROR, serializeError(error), now() - t0, slot);
        }
      }
      inbox.shift();
      next = 2;
      acks++;
      flush();
    }
  };

  /** True when task `id` was received and has not started. */
  const waiting = (id: number): boolean => {
    for (let m = 0; m < inbox.length; m++) {
      const data = inbox[m]!;
      for (let i = m === 0 ? next : 2; i < data.length; i += 4) if (data[i] === id) return true;
    }
    return false;
  };

  const receive = (data: unknown): void => {
    const message = data as unknown[];
    switch (message[0]) {
      case OP_RUN:
        inbox.push(message);
        if (!awaiting) drain();
        break;
      case OP_CANCEL: {
        const id = message[1] as number;
        const context = running.get(id);
        if (context !== undefined) context.abort(cancelled());
        else if (waiting(id)) dropped.add(id);
        break;
      }
      case OP_INIT: {
        claims = message[1] as Int32Array | undefined;
        const nice = (message[2] as number | undefined) ?? 0;
        post([OP_READY, Object.keys(handlers), nice > 0 && lowerThreadPriority(nice)], []);
        break;
      }
    }
  };

  return Object.assign(receive, { flush });
}
