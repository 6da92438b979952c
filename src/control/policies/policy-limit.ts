/**
 * Turns a {@link ResourcePolicy} into a limit: the limit is whatever the
 * policy says for the latest monitor sample, and finished calls change
 * nothing.
 *
 * @module
 */

import * as v from "valibot";
import { custom, hasMethods } from "../../config/custom.ts";
import { parseOptions } from "../../config/parse.ts";
import type { ResourceSample } from "../../monitor/sample.ts";
import type {
  DecisionOptions,
  LimitSample,
  ReportingResourceAwareLimit,
  ResourcePolicy,
} from "../types.ts";
import {
  checkRange,
  clamp,
  decisionEntries,
  decisionLog,
  nonNegativeSchema,
  wholeSchema,
} from "../limits/common.ts";
import { ALL_LOAD_FIGURES, gainsFigure, type LoadFigure, loadFigures } from "../load-figures.ts";

/** Options of {@link policyLimit}. */
export interface PolicyLimitOptions extends DecisionOptions {
  /** The policy that sets the limit. */
  readonly policy: ResourcePolicy;
  /** The limit before the first sample. @default {1} */
  readonly initial?: number;
  /** The limit never goes below this. @default {1} */
  readonly min?: number;
  /** The limit never goes above this. @default {1000} */
  readonly max?: number;
  /**
   * Least time between two evaluations of the policy, in ms (the seed
   * throttling service recalculated every 30 s); 0 evaluates every sample.
   * A sample with a figure the last evaluation lacked (a monitor's first
   * sample has no CPU %) is evaluated at once. @default {0}
   */
  readonly intervalMs?: number;
}

const schema = v.strictObject({
  policy: custom<ResourcePolicy>(
    (input) => hasMethods(input, ["ceiling"]),
    "a ResourcePolicy (an object with a ceiling(sample, current) method)",
  ),
  initial: v.optional(wholeSchema, 1),
  min: v.optional(wholeSchema, 1),
  max: v.optional(wholeSchema, 1000),
  intervalMs: v.optional(nonNegativeSchema, 0),
  ...decisionEntries,
});

/**
 * A resource-aware limit driven only by a policy.
 *
 * @example The seed throttling formula as a limit
 * ```ts
 * import { policyLimit, seedThrottling } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const limit = policyLimit({ policy: seedThrottling(), name: "seed-000" });
 * limit.observe({ time: 0, cpus: 8, cpuPercent: 20, memoryPercent: 30 } as never);
 * assert.equal(limit.limit, 8);
 * assert.equal(limit.lastDecision?.source, "seed-000");
 * ```
 */
export function policyLimit(options: PolicyLimitOptions): ReportingResourceAwareLimit {
  const o = parseOptions(schema, options, "policyLimit() options");
  const initial = checkRange("policyLimit() options", o, options);
  const log = decisionLog(o.name ?? "policy", o.onDecision);
  let limit = initial;
  let evaluated = -Infinity;
  /** What the last evaluation saw: a sample with more is evaluated at once. */
  let seen: readonly LoadFigure[] = ALL_LOAD_FIGURES;
  return {
    get limit(): number {
      return limit;
    },
    get lastDecision() {
      return log.last;
    },
    update(_sample: LimitSample): number {
      return limit;
    },
    observe(sample: ResourceSample): number {
      const figures = loadFigures(sample);
      if (sample.time - evaluated < o.intervalMs && !gainsFigure(seen, figures)) return limit;
      evaluated = sample.time;
      seen = figures;
      const before = limit;
      const ceiling: unknown = o.policy.ceiling(sample, limit);
      // A NaN or non-number ceiling (a JavaScript policy that returns nothing) says nothing: the
      // limit stays. Infinity is just no ceiling: max. A fraction rounds down, never past it.
      if (typeof ceiling === "number" && !Number.isNaN(ceiling)) {
        limit = clamp(Math.floor(ceiling), o.min, o.max);
      }
      const cpu = sample.cpuPercent === undefined ? "?" : sample.cpuPercent.toFixed(0);
      const memory = sample.memoryPercent === undefined ? "?" : sample.memoryPercent.toFixed(0);
      log.record(
        before,
        limit,
        `policy ceiling ${ceiling} at cpu ${cpu}%, memory ${memory}%`,
        sample.time,
      );
      return limit;
    },
  };
}
