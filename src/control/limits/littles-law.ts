/**
 * A Little's-law limit that probes for the no-load RTT: the limit is the
 * peak throughput times a latency budget, and the no-load RTT is re-measured
 * every so often by pinning the limit low for a few dozen calls.
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
  fractionSchema,
  nonNegativeSchema,
  positiveSchema,
  randomSchema,
  wholeSchema,
} from "./common.ts";

/** Options of {@link littlesLaw}. */
export interface LittlesLawOptions extends DecisionOptions {
  /** The limit restored after the first probe. @default {20} */
  readonly initial?: number;
  /** The limit never goes below this. @default {1} */
  readonly min?: number;
  /** The limit never goes above this. @default {1000} */
  readonly max?: number;
  /** The limit is pinned here while the no-load RTT is measured. @default {3} */
  readonly probeConcurrency?: number;
  /** Calls measured per probe; the no-load RTT is their median. @default {50} */
  readonly probeSamples?: number;
  /** Time between probes, in ms. @default {60000} */
  readonly probeIntervalMs?: number;
  /** Up to this fraction of the interval is added at random to each gap. @default {0.15} */
  readonly probeJitter?: number;
  /** Length of a measurement window, in ms. @default {1000} */
  readonly windowMs?: number;
  /** Fewest calls, failed ones included, in a window before it counts. @default {20} */
  readonly windowSamples?: number;
  /** Latency allowance: the limit is zero at `(2 + alpha) * noLoadRtt`. @default {0.3} */
  readonly alpha?: number;
  /** How fast the peak throughput decays toward a lower window, per window. @default {0.1} */
  readonly peakDecay?: number;
  /** Source of the probe jitter. @default {seededRandom(0x1177e)} */
  readonly random?: Random;
}

const schema = v.strictObject({
  initial: v.optional(wholeSchema, 20),
  min: v.optional(wholeSchema, 1),
  max: v.optional(wholeSchema, 1000),
  probeConcurrency: v.optional(wholeSchema, 3),
  probeSamples: v.optional(wholeSchema, 50),
  probeIntervalMs: v.optional(positiveSchema, 60000),
  probeJitter: v.optional(nonNegativeSchema, 0.15),
  windowMs: v.optional(positiveSchema, 1000),
  windowSamples: v.optional(wholeSchema, 20),
  alpha: v.optional(nonNegativeSchema, 0.3),
  peakDecay: v.optional(fractionSchema, 0.1),
  random: v.optional(randomSchema),
  ...decisionEntries,
});

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? 0;
}

/**
 * Little's-law limit: every window, `limit = peakQps * ((2 + alpha) *
 * noLoadRtt - meanRtt)`, where `peakQps` jumps up to any higher window and
 * decays slowly toward lower ones. The no-load RTT is the median of
 * `probeSamples` calls made with the limit pinned at `probeConcurrency`, at
 * start and then every `probeIntervalMs` plus jitter (and at once after five
 * windows at `min`); between probes a lower window mean replaces it. A
 * window closes after `windowMs` and `windowSamples` calls, failed ones
 * included: drops count as missing throughput, and a window in which every
 * call failed halves the limit (nothing else would move it in an outage).
 *
 * @example Probe first, then size from throughput and latency
 * ```ts
 * import { littlesLaw } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const limit = littlesLaw({ probeSamples: 5, windowSamples: 5, windowMs: 100 });
 * assert.equal(limit.limit, 3); // pinned while probing
 * ```
 */
export function littlesLaw(options: LittlesLawOptions = {}): ReportingLimit {
  const o = parseOptions(schema, options, "littlesLaw() options");
  const initial = checkRange("littlesLaw() options", o, options);
  const random = o.random ?? seededRandom(0x1177e);
  const log = decisionLog(o.name ?? "littlesLaw", o.onDecision);
  const pinned = clamp(o.probeConcurrency, o.min, o.max);
  let limit = pinned;
  let restore = initial;
  let probing = true;
  let probeStart = -Infinity;
  let probeRtts: number[] = [];
  let noLoad = 0;
  let peakQps = 0;
  let nextProbe = 0;
  let windowStart = NaN;
  let successes = 0;
  let drops = 0;
  let rttSum = 0;
  let windowsAtMin = 0;

  const move = (to: number, reason: string, now: number): void => {
    const before = limit;
    limit = clamp(Math.round(to), o.min, o.max);
    log.record(before, limit, reason, now);
  };
  const startProbe = (now: number, why: string): void => {
    probing = true;
    probeStart = now;
    probeRtts = [];
    restore = limit;
    move(pinned, `${why}: pin to ${pinned} to re-measure no-load rtt`, now);
  };

  return {
    get limit(): number {
      return limit;
    },
    get lastDecision() {
      return log.last;
    },
    update(sample: LimitSample): number {
      const { now, rttMs, dropped } = sample;
      if (!Number.isFinite(now)) return limit;
      if (!dropped && !(rttMs >= 0 && rttMs < Infinity)) return limit; // would stick in the window
      if (probing) {
        if (probeStart === -Infinity) probeStart = now - rttMs;
        if (dropped || now - rttMs < probeStart) return limit;
        probeRtts.push(rttMs);
        if (probeRtts.length < o.probeSamples) return limit;
        noLoad = median(probeRtts);
        probing = false;
        nextProbe = now + o.probeIntervalMs * (1 + o.probeJitter * random());
        windowStart = now;
        successes = 0;
        drops = 0;
        rttSum = 0;
        windowsAtMin = 0;
        move(restore, `no-load rtt ${noLoad.toFixed(1)}ms measured: restore`, now);
        return limit;
      }
      if (dropped) drops++;
      else {
        successes++;
        rttSum += rttMs;
      }
      const elapsed = now - windowStart;
      if (elapsed < o.windowMs || successes + drops < o.windowSamples) return limit;
      if (successes === 0) {
        // No throughput and no latency to size from: back off as brpc does when every call fails.
        peakQps *= 1 - o.peakDecay;
        move(limit / 2, `${drops} calls in a window, all dropped: halve`, now);
      } else {
        const qps = (successes * 1000) / elapsed;
        const mean = rttSum / successes;
        peakQps = qps > peakQps ? qps : peakQps * (1 - o.peakDecay) + qps * o.peakDecay;
        if (mean < noLoad) noLoad = mean;
        const target = (peakQps * ((2 + o.alpha) * noLoad - mean)) / 1000;
        move(
          target,
          `peak ${peakQps.toFixed(0)}/s x (${(2 + o.alpha).toFixed(1)} x ${noLoad.toFixed(1)}ms - ${
            mean.toFixed(1)
          }ms)`,
          now,
        );
      }
      windowStart = now;
      successes = 0;
      drops = 0;
      rttSum = 0;
      windowsAtMin = limit <= o.min ? windowsAtMin + 1 : 0;
      if (now >= nextProbe) startProbe(now, "probe interval elapsed");
      else if (windowsAtMin >= 5) startProbe(now, "five windows at min");
      return limit;
    },
  };
}
