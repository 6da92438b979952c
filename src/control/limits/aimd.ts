/**
 * Additive increase, multiplicative decrease, one step per finished call.
 *
 * @module
 */

import * as v from "valibot";
import { parseOptions } from "../../config/parse.ts";
import { formatMs } from "../../internal/format-ms.ts";
import type { DecisionOptions, LimitSample, ReportingLimit } from "../types.ts";
import {
  checkRange,
  clamp,
  decisionEntries,
  decisionLog,
  positiveSchema,
  wholeSchema,
} from "./common.ts";

/** Options of {@link aimd}. */
export interface AimdOptions extends DecisionOptions {
  /** The limit before any call finishes. @default {20} */
  readonly initial?: number;
  /** The limit never goes below this. @default {1} */
  readonly min?: number;
  /** The limit never goes above this. @default {200} */
  readonly max?: number;
  /** On a drop the limit becomes `floor(limit * backoff)`; in [0.5, 1). @default {0.9} */
  readonly backoff?: number;
  /** A call slower than this counts as a drop, in ms. @default {5000} */
  readonly timeoutMs?: number;
}

const schema = v.strictObject({
  initial: v.optional(wholeSchema, 20),
  min: v.optional(wholeSchema, 1),
  max: v.optional(wholeSchema, 200),
  backoff: v.optional(v.pipe(v.number(), v.minValue(0.5), v.ltValue(1)), 0.9),
  timeoutMs: v.optional(positiveSchema, 5000),
  ...decisionEntries,
});

/**
 * AIMD limit. Each finished call that started while at least half the limit
 * was in use adds 1; a drop, or a call slower than `timeoutMs`, multiplies the
 * limit by `backoff` (rounded down). Calls that started while the limit was
 * less than half used change nothing: the limit was not what held them back.
 *
 * @example Back off after a dropped request
 * ```ts
 * import { aimd } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const limit = aimd({ initial: 30, backoff: 0.9 });
 * assert.equal(limit.update({ now: 0, rttMs: 5, inflight: 30, dropped: true }), 27);
 * assert.equal(limit.lastDecision?.reason, "drop: x0.9");
 * ```
 */
export function aimd(options: AimdOptions = {}): ReportingLimit {
  const o = parseOptions(schema, options, "aimd() options");
  const initial = checkRange("aimd() options", o, options);
  const log = decisionLog(o.name ?? "aimd", o.onDecision);
  let limit = initial;
  return {
    get limit(): number {
      return limit;
    },
    get lastDecision() {
      return log.last;
    },
    update(sample: LimitSample): number {
      const before = limit;
      let reason = "";
      if (sample.dropped || sample.rttMs > o.timeoutMs) {
        // The epsilon keeps 90 x 0.7 (62.99999... in floating point) at 63.
        limit = clamp(Math.floor(limit * o.backoff + 1e-9), o.min, o.max);
        reason = sample.dropped
          ? `drop: x${o.backoff}`
          : `rtt ${formatMs(sample.rttMs)}ms > timeout: x${o.backoff}`;
      } else if (sample.inflight * 2 >= limit) {
        limit = clamp(limit + 1, o.min, o.max);
        reason = `success at inflight ${sample.inflight}: +1`;
      }
      log.record(before, limit, reason, sample.now);
      return limit;
    },
  };
}
