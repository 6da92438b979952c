/**
 * A Vegas-style limit: estimates how many calls are queued from the ratio of
 * the no-load RTT to the current RTT and keeps that queue small.
 *
 * @module
 */

import * as v from "valibot";
import { parseOptions } from "../../config/parse.ts";
import { type Random, seededRandom } from "../../internal/random.ts";
import type { DecisionOptions, LimitSample, ReportingLimit } from "../types.ts";
import {
  checkRange,
  clamp,
  decisionEntries,
  decisionLog,
  positiveSchema,
  randomSchema,
  wholeSchema,
} from "./common.ts";

/** Options of {@link vegas}. */
export interface VegasOptions extends DecisionOptions {
  /** The limit before any call finishes. @default {20} */
  readonly initial?: number;
  /** The limit never goes below this. @default {1} */
  readonly min?: number;
  /** The limit never goes above this. @default {1000} */
  readonly max?: number;
  /** Weight of each new limit against the previous one, in (0, 1]. @default {1} */
  readonly smoothing?: number;
  /**
   * The no-load RTT is re-taken after about `probeMultiplier * limit`
   * samples (times a random factor in [0.5, 1)). @default {30}
   */
  readonly probeMultiplier?: number;
  /** Source of the probe jitter. @default {seededRandom(0x5e9a5)} */
  readonly random?: Random;
}

const schema = v.strictObject({
  initial: v.optional(wholeSchema, 20),
  min: v.optional(wholeSchema, 1),
  max: v.optional(wholeSchema, 1000),
  smoothing: v.optional(v.pipe(v.number(), v.gtValue(0), v.maxValue(1)), 1),
  probeMultiplier: v.optional(positiveSchema, 30),
  random: v.optional(randomSchema),
  ...decisionEntries,
});

/** `max(1, floor(log10(x)))`: the step size of the Vegas rules. */
function lg(x: number): number {
  return Math.max(1, Math.floor(Math.log10(Math.max(1, x))));
}

/**
 * Vegas-style limit, one step per finished call. With
 * `queue = ceil(limit * (1 - noLoadRtt / rtt))` and `l = max(1, floor(log10 limit))`:
 * a queue of at most `l` adds `6l`, under `3l` adds `l`, over `6l` removes
 * `l`, anything between holds. A drop removes `l`. The no-load RTT is the
 * lowest RTT seen, replaced by the current RTT every so often (a probe).
 * Calls that started at under half the limit change nothing.
 *
 * @example Grow while nothing queues
 * ```ts
 * import { vegas } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const limit = vegas({ initial: 10 });
 * limit.update({ now: 0, rttMs: 10, inflight: 10, dropped: false });
 * assert.equal(limit.update({ now: 1, rttMs: 10, inflight: 10, dropped: false }), 16);
 * ```
 */
export function vegas(options: VegasOptions = {}): ReportingLimit {
  const o = parseOptions(schema, options, "vegas() options");
  const initial = checkRange("vegas() options", o, options);
  const random = o.random ?? seededRandom(0x5e9a5);
  const log = decisionLog(o.name ?? "vegas", o.onDecision);
  let estimate = initial;
  let limit = initial;
  let noLoad = 0;
  let sinceProbe = 0;
  let jitter = 0.5 + random() * 0.5;
  return {
    get limit(): number {
      return limit;
    },
    get lastDecision() {
      return log.last;
    },
    update(sample: LimitSample): number {
      // A drop removes `l` whatever its RTT, and never sets the no-load RTT: fast rejections
      // would make every healthy call after them look queued.
      if (sample.dropped) {
        const step = lg(estimate);
        return move(estimate - step, `drop: -${step}`, sample.now);
      }
      const rtt = sample.rttMs;
      if (!(rtt > 0 && rtt < Infinity)) return limit; // NaN or Infinity would stick in the averages
      sinceProbe++;
      if (sinceProbe >= jitter * o.probeMultiplier * estimate) {
        sinceProbe = 0;
        jitter = 0.5 + random() * 0.5;
        noLoad = rtt;
        return limit;
      }
      if (noLoad === 0 || rtt < noLoad) {
        noLoad = rtt;
        return limit;
      }
      if (sample.inflight * 2 < estimate) return limit;
      const step = lg(estimate);
      const queue = Math.ceil(estimate * (1 - noLoad / rtt));
      if (queue <= step) {
        return move(estimate + 6 * step, `queue ${queue} <= ${step}: +${6 * step}`, sample.now);
      }
      if (queue < 3 * step) {
        return move(estimate + step, `queue ${queue} < ${3 * step}: +${step}`, sample.now);
      }
      if (queue > 6 * step) {
        return move(estimate - step, `queue ${queue} > ${6 * step}: -${step}`, sample.now);
      }
      return limit;
    },
  };

  function move(target: number, reason: string, now: number): number {
    estimate = clamp(
      estimate * (1 - o.smoothing) + clamp(target, o.min, o.max) * o.smoothing,
      o.min,
      o.max,
    );
    const before = limit;
    limit = Math.max(o.min, Math.floor(estimate));
    log.record(before, limit, reason, now);
    return limit;
  }
}
