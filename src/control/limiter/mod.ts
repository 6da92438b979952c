/**
 * AdaptiveLimiter: a semaphore whose size a limit algorithm moves live, with
 * FIFO or LIFO waiting, a maximum wait, partitions and a static override.
 *
 * @module
 */

export { AdaptiveLimiter } from "./adaptive-limiter.ts";
export type {
  AcquireOptions,
  AdaptiveLimiterEventMap,
  LimiterRejection,
  LimiterRunOptions,
  LimiterStats,
} from "./adaptive-limiter.ts";
export { CallTimeoutError, LimiterQueueFullError, LimiterTimeoutError } from "./errors.ts";

export type { AdaptiveLimiterOptions, PartitionOptions, SampleEventSource } from "./options.ts";
export type { Outcome, Permit } from "./permit.ts";
