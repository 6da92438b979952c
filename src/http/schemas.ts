/**
 * Valibot schemas of the control surface's route parameters and request
 * bodies. Each field says in words what it expects, so a 400 reads
 * "`limit` received 1.5, expected a whole number >= 1".
 *
 * @module
 */

import * as v from "valibot";
import { custom } from "../config/custom.ts";
import { BATCH_MODES } from "../control/batch/types.ts";
import type { BatchMode } from "../control/batch/types.ts";

/** A whole number >= `min`; anything else is reported as such. */
function whole(min: number) {
  return custom<number>(
    (input) => typeof input === "number" && Number.isInteger(input) && input >= min,
    `a whole number >= ${min}`,
  );
}

function finiteAtLeast(min: number, exclusive = false) {
  return custom<number>(
    (input) =>
      typeof input === "number" && Number.isFinite(input) &&
      (exclusive ? input > min : input >= min),
    `a finite number ${exclusive ? ">" : ">="} ${min}`,
  );
}

const percent = custom<number>(
  (input) => typeof input === "number" && input >= 0 && input <= 100,
  "a percentage from 0 to 100",
);

/** Longest component name accepted in a URL. */
export const MAX_NAME_LENGTH = 200;

const name = custom<string>(
  (input) => typeof input === "string" && input.length > 0 && input.length <= MAX_NAME_LENGTH,
  `a name of 1 to ${MAX_NAME_LENGTH} characters`,
);

/** The `:name` parameter of every mutation route. */
export const nameParam: v.GenericSchema<unknown, { name: string }> = v.object({ name });

/** Body of `PUT /limiters/:name`. */
export type LimiterBody =
  | { readonly mode: "adaptive" }
  | { readonly mode: "static"; readonly limit: number };

/** `PUT /limiters/:name`: pin the limit, or hand it back to the algorithm. */
export const limiterBody: v.GenericSchema<unknown, LimiterBody> = v.variant("mode", [
  v.strictObject({ mode: v.literal("adaptive") }),
  v.strictObject({ mode: v.literal("static"), limit: whole(1) }),
]);

/** Body of `PUT /pools/:name`. */
export interface PoolBody {
  /** Workers kept alive when idle: a whole number >= 0, at most `max`. */
  readonly min: number;
  /** Most workers at once: a whole number >= 1. */
  readonly max: number;
}

/** `PUT /pools/:name`: new worker bounds, passed to `pool.resize(min, max)`. */
export const poolBody: v.GenericSchema<unknown, PoolBody> = v.pipe(
  v.strictObject({ min: whole(0), max: whole(1) }),
  v.forward(
    v.check((body) => body.min <= body.max, "at most `max`"),
    ["min"],
  ),
);

/** Body of `PUT /batch/:name`: the operation and its new options. */
export interface BatchBody {
  /** The registered operation to replace (1 to 200 characters). */
  readonly operation: string;
  /** How the size is chosen; left out, the sizer's default. */
  readonly mode?: BatchMode | undefined;
  /** Longest a batch should take, in ms (> 0). */
  readonly budgetMs?: number | undefined;
  /** Smallest batch, a whole number >= 1. */
  readonly minSize?: number | undefined;
  /** Largest batch, a whole number >= 1. */
  readonly maxSize?: number | undefined;
  /** Size used when the monitor fails, in `fixed` mode, and to start. */
  readonly defaultSize?: number | undefined;
  /** Size of the first batch after the operation is replaced. */
  readonly initialSize?: number | undefined;
  /** Least time between two size changes, in ms (>= 0). */
  readonly cooldownMs?: number | undefined;
  /** `load` mode: below this load (%, 0–100) batches use `maxSize`. */
  readonly lowLoadPercent?: number | undefined;
  /** `load` mode: above this load (%, 0–100) batches use `minSize`. */
  readonly highLoadPercent?: number | undefined;
}

/**
 * `PUT /batch/:name`: new options for one operation of a
 * `DynamicBatchSizer`, applied with `register()`, which replaces the
 * operation's options (fields left out take the sizer's defaults) and starts
 * its measurements afresh. `{ operation, mode: "fixed", defaultSize: 50 }`
 * pins the size; `{ operation, mode: "model", budgetMs: 100 }` lets it adapt again.
 */
export const batchBody: v.GenericSchema<unknown, BatchBody> = v.strictObject({
  operation: name,
  mode: v.optional(v.picklist(BATCH_MODES)),
  budgetMs: v.optional(finiteAtLeast(0, true)),
  minSize: v.optional(whole(1)),
  maxSize: v.optional(whole(1)),
  defaultSize: v.optional(whole(1)),
  initialSize: v.optional(whole(1)),
  cooldownMs: v.optional(finiteAtLeast(0)),
  lowLoadPercent: v.optional(percent),
  highLoadPercent: v.optional(percent),
});
