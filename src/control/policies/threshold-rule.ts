/**
 * The max(CPU %, memory %) threshold rule of the adaptive-parallelism
 * monitor headroom grew from, with its emergency brake and its terminate
 * step emulated as an open circuit, kept as a baseline.
 *
 * @module
 */

import * as v from "valibot";
import { requirement } from "../../config/custom.ts";
import { parseOptions } from "../../config/parse.ts";
import type { ResourceSample } from "../../monitor/sample.ts";
import type { ResourcePolicy } from "../types.ts";

/** Options of {@link thresholdRule}. */
export interface ThresholdRuleOptions {
  /** Concurrency while usage is low. @default {3} */
  readonly maxConcurrency?: number;
  /** Concurrency while usage is high, while braking and while open. @default {1} */
  readonly minConcurrency?: number;
  /** Usage above this % runs at `minConcurrency`. @default {75} */
  readonly reduceAbove?: number;
  /** Usage below this % runs at `maxConcurrency`; between, halfway. At most `reduceAbove`. @default {45} */
  readonly increaseBelow?: number;
  /** A sample with usage above this % is a throttle. @default {70} */
  readonly throttleAbove?: number;
  /** More consecutive throttles than this apply the emergency brake. @default {3} */
  readonly emergencyBrakeThreshold?: number;
  /** How long the brake holds concurrency at the minimum, in ms. @default {8000} */
  readonly brakeMs?: number;
  /** More brakes than this open the circuit (the seed terminated here). @default {3} */
  readonly maxBrakes?: number;
  /** How long the circuit stays open before every count starts over, in ms. @default {30000} */
  readonly circuitResetMs?: number;
}

/** Where the rule is: following thresholds, braking, or with its circuit open. */
export type ThresholdRuleState = "rule" | "braking" | "open";

/** The threshold rule as a {@link ResourcePolicy}; it keeps state between samples. */
export interface ThresholdRulePolicy extends ResourcePolicy {
  /**
   * `rule` while following the thresholds, `braking` while the brake holds the minimum, `open`
   * while the circuit does.
   */
  readonly state: ThresholdRuleState;
}

const percent = v.pipe(v.number(), v.minValue(0), v.maxValue(100));
const whole = v.pipe(v.number(), v.integer(), v.minValue(1));
const ms = v.pipe(v.number(), v.finite(), v.minValue(0));
const schema = v.pipe(
  v.strictObject({
    maxConcurrency: v.optional(whole, 3),
    minConcurrency: v.optional(whole, 1),
    reduceAbove: v.optional(percent, 75),
    increaseBelow: v.optional(percent, 45),
    throttleAbove: v.optional(percent, 70),
    emergencyBrakeThreshold: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 3),
    brakeMs: v.optional(ms, 8000),
    maxBrakes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 3),
    circuitResetMs: v.optional(ms, 30000),
  }),
  v.forward(
    requirement(
      (o) => o.increaseBelow <= o.reduceAbove,
      "at most `reduceAbove` (usage between the two runs at the midpoint)",
    ),
    ["increaseBelow"],
  ),
  v.forward(
    // A `maxConcurrency` that is itself refused says nothing of this one.
    requirement(
      (o) => !(o.maxConcurrency >= 1) || o.minConcurrency <= o.maxConcurrency,
      "at most `maxConcurrency`",
    ),
    ["minConcurrency"],
  ),
);

/** A percentage a sample may lack, as the rule reads it: 0 when it is missing or not finite. */
function reading(percent: number | undefined): number {
  return percent !== undefined && Number.isFinite(percent) ? percent : 0;
}

/**
 * Seed 004's rule: usage = max(CPU %, memory %); above `reduceAbove` run
 * sequentially (`minConcurrency`), below `increaseBelow` run at
 * `maxConcurrency`, between at the midpoint. More than
 * `emergencyBrakeThreshold` consecutive throttles apply the emergency brake:
 * the seed paused for 8 s, here concurrency drops to the minimum for
 * `brakeMs`. More than `maxBrakes` brakes made the seed terminate; here the
 * circuit opens, holding the minimum for `circuitResetMs`, then every count
 * starts over. Time comes from `sample.time`.
 *
 * @example High usage runs sequentially
 * ```ts
 * import { thresholdRule } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const rule = thresholdRule();
 * assert.equal(rule.ceiling({ time: 0, cpuPercent: 30, memoryPercent: 20 } as never, 1), 3);
 * assert.equal(rule.ceiling({ time: 1, cpuPercent: 50, memoryPercent: 80 } as never, 3), 1);
 * ```
 */
export function thresholdRule(options: ThresholdRuleOptions = {}): ThresholdRulePolicy {
  const o = parseOptions(schema, options, "thresholdRule() options");
  const low = o.minConcurrency;
  const high = o.maxConcurrency;
  let state: ThresholdRuleState = "rule";
  let until = 0;
  let throttles = 0;
  let brakes = 0;
  return {
    get state(): ThresholdRuleState {
      return state;
    },
    ceiling(sample: ResourceSample, _current: number): number {
      // A figure the sample lacks (undefined, or NaN from a custom source) is no reading, not a
      // NaN that would hide the other one from Math.max.
      const usage = Math.max(reading(sample.cpuPercent), reading(sample.memoryPercent));
      if (state !== "rule") {
        if (sample.time < until) return low;
        if (state === "open") brakes = 0;
        state = "rule";
        throttles = 0;
      }
      throttles = usage > o.throttleAbove ? throttles + 1 : 0;
      if (throttles > o.emergencyBrakeThreshold) {
        throttles = 0;
        brakes++;
        if (brakes > o.maxBrakes) {
          state = "open";
          until = sample.time + o.circuitResetMs;
        } else {
          state = "braking";
          until = sample.time + o.brakeMs;
        }
        return low;
      }
      if (usage > o.reduceAbove) return low;
      if (usage < o.increaseBelow) return high;
      return Math.round((low + high) / 2);
    },
  };
}
