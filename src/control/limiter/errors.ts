/**
 * The errors an {@link AdaptiveLimiter} rejects with. Each carries the facts
 * in fields and says in its message what to change.
 *
 * @module
 */

import { formatMs } from "../../internal/format-ms.ts";

/**
 * A waiter gave up: no permit came within `maxWaitMs`.
 *
 * @example Catch a wait that ran out
 * ```ts
 * import { AdaptiveLimiter, LimiterTimeoutError } from "@headroom/headroom";
 *
 * const limiter = new AdaptiveLimiter({ limit: 1, maxWaitMs: 50 });
 * const held = await limiter.acquire();
 * try {
 *   await limiter.acquire();
 * } catch (error) {
 *   if (error instanceof LimiterTimeoutError) console.log(error.waitedMs, error.limit);
 * }
 * held.release();
 * ```
 */
export class LimiterTimeoutError extends Error {
  /** The limiter's `name`. */
  readonly limiter: string;
  /** The partition the call asked for; `undefined` for an unpartitioned call. */
  readonly partition: string | undefined;
  /** How long the call waited, in ms. */
  readonly waitedMs: number;
  /** The wait allowed, in ms. */
  readonly maxWaitMs: number;
  /** The limit when the wait ran out. */
  readonly limit: number;
  /** Calls holding a permit when the wait ran out. */
  readonly inflight: number;
  /** Builds the message from the figures; each is also kept in its field. */
  constructor(
    limiter: string,
    partition: string | undefined,
    waitedMs: number,
    maxWaitMs: number,
    limit: number,
    inflight: number,
  ) {
    const where = partition === undefined ? "" : ` (partition "${partition}")`;
    super(
      `Cannot acquire a permit from limiter "${limiter}"${where}: waited ${
        formatMs(waitedMs)
      } ms ` +
        `(maxWaitMs ${formatMs(maxWaitMs)}) while ${inflight} calls held the ${limit} permits; ` +
        `raise maxWaitMs, or shed load earlier with tryAcquire()`,
    );
    this.name = "LimiterTimeoutError";
    this.limiter = limiter;
    this.partition = partition;
    this.waitedMs = waitedMs;
    this.maxWaitMs = maxWaitMs;
    this.limit = limit;
    this.inflight = inflight;
  }
}

/**
 * A call was refused at once: `maxQueue` calls already wait for a permit.
 *
 * @example Refuse work when the line is long
 * ```ts
 * import { AdaptiveLimiter, LimiterQueueFullError } from "@headroom/headroom";
 *
 * const limiter = new AdaptiveLimiter({ limit: 1, maxQueue: 0 });
 * const held = await limiter.acquire();
 * await limiter.acquire().catch((error) => {
 *   if (error instanceof LimiterQueueFullError) console.log(error.waiting, error.maxQueue);
 * });
 * held.release();
 * ```
 */
export class LimiterQueueFullError extends Error {
  /** The limiter's `name`. */
  readonly limiter: string;
  /** The partition the call asked for; `undefined` for an unpartitioned call. */
  readonly partition: string | undefined;
  /** Calls waiting when this one arrived. */
  readonly waiting: number;
  /** The most calls allowed to wait. */
  readonly maxQueue: number;
  /** The limit when the call was refused. */
  readonly limit: number;
  /** Builds the message from the figures; each is also kept in its field. */
  constructor(
    limiter: string,
    partition: string | undefined,
    waiting: number,
    maxQueue: number,
    limit: number,
  ) {
    const where = partition === undefined ? "" : ` (partition "${partition}")`;
    super(
      `Cannot queue a call on limiter "${limiter}"${where}: ${waiting} calls already wait ` +
        `(maxQueue ${maxQueue}) for ${limit} permits; raise maxQueue or slow the producer`,
    );
    this.name = "LimiterQueueFullError";
    this.limiter = limiter;
    this.partition = partition;
    this.waiting = waiting;
    this.maxQueue = maxQueue;
    this.limit = limit;
  }
}

/**
 * A call run through {@link AdaptiveLimiter.run} took longer than its
 * `timeoutMs`. The call's signal is aborted with this error, and the call
 * counts as dropped.
 *
 * @example Bound a slow call
 * ```ts
 * import { AdaptiveLimiter, CallTimeoutError } from "@headroom/headroom";
 *
 * const limiter = new AdaptiveLimiter({ limit: 4 });
 * const slow = (signal: AbortSignal) =>
 *   new Promise((resolve, reject) => {
 *     const timer = setTimeout(resolve, 10_000);
 *     signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)));
 *   });
 * await limiter.run(slow, { timeoutMs: 10 }).catch((error) => {
 *   if (error instanceof CallTimeoutError) console.log(error.timeoutMs);
 * });
 * ```
 */
export class CallTimeoutError extends Error {
  /** The limiter's `name`. */
  readonly limiter: string;
  /** The time allowed, in ms. */
  readonly timeoutMs: number;
  /** Builds the message from the limiter's name and the time allowed, in ms. */
  constructor(limiter: string, timeoutMs: number) {
    super(
      `Cannot finish a call on limiter "${limiter}": it ran past timeoutMs ${
        formatMs(timeoutMs)
      }; ` +
        `it was counted as dropped and its signal aborted`,
    );
    this.name = "CallTimeoutError";
    this.limiter = limiter;
    this.timeoutMs = timeoutMs;
  }
}
