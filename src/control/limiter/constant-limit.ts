import type { Limit, LimitSample } from "../types.ts";

/**
 * The limit an {@link AdaptiveLimiter} uses when its `limit` option is a
 * number: it never moves. Internal; the public `fixed()` factory lives with
 * the other limit algorithms.
 */
export function constantLimit(value: number): Limit {
  return {
    limit: value,
    update(_sample: LimitSample): number {
      return value;
    },
  };
}
