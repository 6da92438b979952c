/**
 * How a call ended, as the limit algorithm should count it:
 * - `ok`: it finished; its round-trip time is a sample;
 * - `dropped`: it was rejected or timed out downstream, a congestion signal;
 * - `ignore`: it says nothing about the downstream (cancelled by the caller,
 *   failed before sending); the permit returns, the limit is not fed.
 */
export type Outcome = "ok" | "dropped" | "ignore";

/**
 * The right to run one call, from {@link AdaptiveLimiter.acquire}. Give it
 * back with `release(outcome)` or let `using` dispose of it. Releasing twice
 * does nothing, so `permit.release("dropped")` inside a `using` block is safe.
 *
 * @example Hold a permit for one block
 * ```ts
 * import { AdaptiveLimiter } from "@headroom/headroom";
 *
 * const limiter = new AdaptiveLimiter({ limit: 8 });
 * {
 *   using permit = await limiter.acquire();
 *   await fetch("https://example.com/").catch(() => permit.release("dropped"));
 * } // released here as "ok" unless released before
 * ```
 */
export interface Permit {
  /** The partition the permit counts against; `undefined` for an unpartitioned call. */
  readonly partition: string | undefined;
  /** Whether the permit has been given back. */
  readonly released: boolean;
  /**
   * Gives the permit back and feeds the outcome to the limit; later calls do nothing. An outcome
   * other than `"ok"`, `"dropped"` or `"ignore"` still gives it back, feeds nothing, and throws a
   * `TypeError` naming it.
   */
  release(outcome?: Outcome): void;
  /** Same as `release("ok")`. */
  [Symbol.dispose](): void;
}
