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
   * A request whose client went away is always `ignore` (unless an outer
   * `timeout()` answered it: Deno aborts the request's signal once any
   * response is sent). A `classify` that throws, or returns anything but
   * `"ok"`, `"dropped"` or `"ignore"`, counts the request as `ignore`; the
   * handler's response goes out as it was.
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

function isOutcome(value: unknown): value is Outcome {
  return value === "ok" || value === "dropped" || value === "ignore";
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
 * Put Hono's `timeout()` before it (`app.use(timeout(5000))`, then
 * `app.use(adaptiveLimit(limiter))`): a handler keeps running after a timeout
 * answers for it, and only a permit held around the whole handler bounds how
 * many run at once. A `timeout()` inside this middleware returns the permit
 * at its 504 while the handler goes on. A request that an outer `timeout()`
 * answered while it waited for a permit does not run once it gets one.
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
      // An outer timeout() has answered while the request waited: running it now would only
      // spend a permit on a response nobody reads. It never ran, so it says nothing of the limit.
      if (c.finalized) {
        permit.release("ignore");
        return;
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
      // A thrown HTTPException (an outer timeout()'s 504) counts by its status even with the
      // signal aborted, as Deno aborts it once the response has gone out.
      const gone = signal.aborted && !(error instanceof HTTPException);
      let outcome: unknown;
      try {
        outcome = gone ? "ignore" : classify(c, error);
      } catch {
        outcome = "ignore";
      }
      // A typo ("drop") must not turn the handler's response into a 500 from this finally.
      permit.release(isOutcome(outcome) ? outcome : "ignore");
    }
  };
}
