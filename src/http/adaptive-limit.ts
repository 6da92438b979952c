/**
 * `adaptiveLimit()`: Hono middleware that runs a route under an
 * {@link AdaptiveLimiter}.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { custom, hasMethods } from "../config/custom.ts";
import { parseOptions } from "../config/parse.ts";
import type { AdaptiveLimiter } from "../control/limiter/adaptive-limiter.ts";
import { LimiterQueueFullError, LimiterTimeoutError } from "../control/limiter/errors.ts";
import type { Outcome, Permit } from "../control/limiter/permit.ts";

/** Options of {@link adaptiveLimit}. */
export interface AdaptiveLimitOptions {
  /**
   * Whether a request waits for a permit when none is free: `false` sheds it
   * at once, `true` waits as long as the limiter's own `maxWaitMs` (and
   * `maxQueue`) allow, `{ maxWaitMs }` waits at most that long.
   * @default {{ maxWaitMs: 1000 }}
   */
  readonly queue?: boolean | { readonly maxWaitMs: number };
  /** Seconds (0 to 86,400) sent in the `Retry-After` header of a shed request. @default {1} */
  readonly retryAfter?: number;
  /**
   * How a finished request counts for the limit. The default: a thrown
   * error (other than an `HTTPException`, which counts by its status, as
   * Hono's `timeout()` throws a 504) or a 500, 501, 502 or other 5xx that is not about capacity is
   * `ignore` (a bug or a bad dependency says nothing about how many requests
   * this route can take); 503, 504 and 429 are `dropped` (something
   * downstream is overloaded or timed out: a congestion signal); anything
   * else is `ok`, 4xx included, as the request was served in its real time.
   * A request whose client went away is always `ignore`.
   */
  readonly classify?: (c: Context, error: unknown) => Outcome;
}

const DEFAULT_MAX_WAIT_MS = 1000;

const schema = v.strictObject({
  queue: v.optional(
    v.union([
      v.boolean(),
      v.strictObject({ maxWaitMs: v.pipe(v.number(), v.minValue(0)) }),
    ]),
    { maxWaitMs: DEFAULT_MAX_WAIT_MS },
  ),
  // At most a day: larger values are no advice, and from 1e21 on they print in exponent
  // notation, which is not the digits the header allows.
  retryAfter: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(86_400)), 1),
  classify: v.optional(
    custom<(c: Context, error: unknown) => Outcome>(
      (input) => typeof input === "function",
      'a function (c, error) => "ok" | "dropped" | "ignore"',
    ),
  ),
});

/** The default {@link AdaptiveLimitOptions.classify}. */
export function classifyResponse(c: Context, error: unknown): Outcome {
  const exception = error instanceof HTTPException;
  if (error !== undefined && !exception) return "ignore";
  const status = exception ? error.status : c.res.status;
  if (status === 503 || status === 504 || status === 429) return "dropped";
  if (status >= 500) return "ignore";
  return "ok";
}

function isAdaptiveLimiter(input: unknown): input is AdaptiveLimiter {
  return hasMethods(input, ["acquire", "tryAcquire"]);
}

/**
 * Middleware that admits requests within `limiter`'s limit, lets the next
 * ones queue briefly, and sheds the rest with `503 Service Unavailable` and
 * `Retry-After`. Each admitted request holds one permit until its handler
 * returns (a streamed body is not held), and the permit is released exactly
 * once whatever happens: the handler returns, throws, or the client goes away.
 * The request's outcome feeds the limit; see {@link AdaptiveLimitOptions.classify}.
 *
 * @example Limit a slow route
 * ```ts
 * import { Hono } from "hono";
 * import { AdaptiveLimiter, gradient2 } from "@headroom/headroom";
 * import { adaptiveLimit } from "@headroom/headroom/http";
 *
 * const limiter = new AdaptiveLimiter({ name: "search", limit: gradient2({ initial: 20 }) });
 * const app = new Hono();
 * app.use("/search/*", adaptiveLimit(limiter, { queue: { maxWaitMs: 250 }, retryAfter: 2 }));
 * app.get("/search/:q", async (c) => c.json({ q: c.req.param("q") }));
 * const response = await app.request("/search/cats");
 * console.log(response.status, limiter.stats().ok); // 200 1
 * ```
 */
export function adaptiveLimit(
  limiter: AdaptiveLimiter,
  options: AdaptiveLimitOptions = {},
): MiddlewareHandler {
  if (!isAdaptiveLimiter(limiter)) {
    throw new TypeError(
      `Cannot create adaptiveLimit(): limiter received ${
        String(limiter)
      }, expected an AdaptiveLimiter`,
    );
  }
  const o = parseOptions(schema, options, "adaptiveLimit() options");
  const classify = o.classify ?? classifyResponse;
  const retryAfter = String(Math.ceil(o.retryAfter));

  const shed = (c: Context, why: string): Response => {
    c.header("Retry-After", retryAfter);
    return c.json({
      error: `Cannot serve ${c.req.method} ${c.req.path} now: ${why}; retry in ${retryAfter} s`,
    }, 503);
  };

  return async (c, next) => {
    const signal = c.req.raw.signal;
    let permit: Permit | undefined;
    if (o.queue === false) {
      permit = limiter.tryAcquire();
      if (permit === undefined) {
        return shed(c, `all ${limiter.limit} permits of limiter "${limiter.name}" are taken`);
      }
    } else {
      try {
        permit = await limiter.acquire(
          o.queue === true ? { signal } : { signal, maxWaitMs: o.queue.maxWaitMs },
        );
      } catch (error) {
        if (error instanceof LimiterTimeoutError) {
          return shed(
            c,
            `no permit of limiter "${limiter.name}" came free within ${error.maxWaitMs} ms`,
          );
        }
        if (error instanceof LimiterQueueFullError) {
          return shed(c, `the queue of limiter "${limiter.name}" is full`);
        }
        if (signal.aborted) return shed(c, "the client went away while the request waited");
        throw error;
      }
    }
    let thrown: unknown;
    try {
      await next();
    } catch (error) {
      thrown = error ?? new Error("undefined was thrown");
      throw error;
    } finally {
      // Hono catches a handler's error and turns it into a response, leaving it in c.error.
      const error = thrown ?? c.error;
      let outcome: Outcome;
      try {
        outcome = signal.aborted ? "ignore" : classify(c, error);
      } catch {
        outcome = "ignore";
      }
      permit.release(outcome);
    }
  };
}
