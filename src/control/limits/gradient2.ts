/**
 * A Gradient2-style limit: compares a short-term RTT with a long-term
 * average and nudges the limit by their ratio plus a fixed queue allowance.
 *
 * @module
 */

import * as v from "valibot";
import { parseOptions } from "../../config/parse.ts";
import type { DecisionOptions, LimitSample, ReportingLimit } from "../types.ts";
import {
  checkRange,
  clamp,
  decisionEntries,
  decisionLog,
  nonNegativeSchema,
  positiveSchema,
  wholeSchema,
} from "./common.ts";

/** Options of {@link gradient2}. */
export interface Gradient2Options extends DecisionOptions {
  /** The limit before any call finishes. @default {20} */
  readonly initial?: number;
  /** The limit never goes below this. @default {1} */
  readonly min?: number;
  /** The limit never goes above this. @default {200} */
  readonly max?: number;
  /** Weight of each new limit against the previous one, in (0, 1]. @default {0.2} */
  readonly smoothing?: number;
  /** Calls allowed to queue on top of the gradient's estimate. @default {4} */
  readonly queueSize?: number;
  /** Samples in the long-term RTT average. @default {600} */
  readonly longWindow?: number;
  /** How much slower than the long-term RTT a call may be before the limit shrinks. @default {1.5} */
  readonly rttTolerance?: number;
}

const schema = v.strictObject({
  initial: v.optional(wholeSchema, 20),
  min: v.optional(wholeSchema, 1),
  max: v.optional(wholeSchema, 200),
  smoothing: v.optional(v.pipe(v.number(), v.gtValue(0), v.maxValue(1)), 0.2),
  queueSize: v.optional(nonNegativeSchema, 4),
  longWindow: v.optional(wholeSchema, 600),
  rttTolerance: v.optional(v.pipe(positiveSchema, v.minValue(1)), 1.5),
  ...decisionEntries,
});

/**
 * Gradient2-style limit, one step per finished call:
 * `gradient = clamp(rttTolerance * longRtt / rtt, 0.5, 1)`, then
 * `limit = limit * gradient + queueSize`, smoothed. `longRtt` is an
 * exponential average over `longWindow` samples (a plain mean for the first
 * 10) that decays faster when it is more than twice the current RTT. Calls
 * that started at under half the limit change nothing. Like the design it
 * follows, it ignores drops: a rejecting downstream looks fast to it.
 *
 * @example Shrink when calls slow down
 * ```ts
 * import { gradient2 } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const limit = gradient2({ initial: 50 });
 * for (let i = 0; i < 20; i++) limit.update({ now: i, rttMs: 10, inflight: 50, dropped: false });
 * for (let i = 0; i < 20; i++) limit.update({ now: 20 + i, rttMs: 40, inflight: 50, dropped: false });
 * assert.ok(limit.limit < 50);
 * ```
 */
export function gradient2(options: Gradient2Options = {}): ReportingLimit {
  const o = parseOptions(schema, options, "gradient2() options");
  const initial = checkRange("gradient2() options", o, options);
  const log = decisionLog(o.name ?? "gradient2", o.onDecision);
  const warmup = 10;
  const factor = 2 / (o.longWindow + 1);
  let estimate = initial;
  let limit = initial;
  let longRtt = 0;
  let count = 0;
  return {
    get limit(): number {
      return limit;
    },
    get lastDecision() {
      return log.last;
    },
    update(sample: LimitSample): number {
      const rtt = sample.rttMs;
      if (!(rtt > 0 && rtt < Infinity)) return limit; // NaN or Infinity would stick in the averages
      if (count < warmup) {
        count++;
        longRtt += (rtt - longRtt) / count;
      } else {
        longRtt = longRtt * (1 - factor) + rtt * factor;
      }
      if (longRtt / rtt > 2) longRtt *= 0.95;
      if (sample.inflight < estimate / 2) return limit;
      const gradient = clamp((o.rttTolerance * longRtt) / rtt, 0.5, 1);
      const target = estimate * gradient + o.queueSize;
      estimate = clamp(estimate * (1 - o.smoothing) + target * o.smoothing, o.min, o.max);
      const before = limit;
      limit = Math.max(o.min, Math.floor(estimate));
      log.record(
        before,
        limit,
        `gradient ${gradient.toFixed(2)} (long ${longRtt.toFixed(1)}ms / rtt ${rtt.toFixed(1)}ms)`,
        sample.now,
      );
      return limit;
    },
  };
}
