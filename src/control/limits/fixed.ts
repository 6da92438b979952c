/**
 * A limit that never moves: the static setting every adaptive limit is
 * compared with, and what the simulator's oracle sweeps.
 *
 * @module
 */

import * as v from "valibot";
import { parseOptions } from "../../config/parse.ts";
import type { LimitSample, ReportingLimit } from "../types.ts";

/** Options of {@link fixed}. */
export interface FixedOptions {
  /** The limit, a whole number >= 1. */
  readonly limit: number;
}

const schema = v.strictObject({ limit: v.pipe(v.number(), v.integer(), v.minValue(1)) });

/**
 * A constant concurrency limit.
 *
 * @example Always 8
 * ```ts
 * import { fixed } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const limit = fixed({ limit: 8 });
 * assert.equal(limit.update({ now: 0, rttMs: 900, inflight: 8, dropped: true }), 8);
 * ```
 */
export function fixed(options: FixedOptions): ReportingLimit {
  const { limit } = parseOptions(schema, options, "fixed() options");
  return {
    limit,
    lastDecision: undefined,
    update(_sample: LimitSample): number {
      return limit;
    },
  };
}
