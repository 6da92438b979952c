/**
 * Pieces every limit factory shares: the decision log behind `lastDecision`
 * and `onDecision`, and the valibot schemas of the common options.
 *
 * @module
 */

import * as v from "valibot";
import { custom } from "../../config/custom.ts";
import { fieldError } from "../../config/config-error.ts";
import type { Random } from "../../internal/random.ts";
import type { Decision, DecisionListener } from "../types.ts";

/** Remembers the latest change of a value and tells the listener about it. */
export interface DecisionLog {
  /** The latest change; `undefined` until the value first moves. */
  readonly last: Decision | undefined;
  /** Records a move from `from` to `to`; does nothing when they are equal. */
  record(from: number, to: number, reason: string, time: number): void;
}

/**
 * Creates a {@link DecisionLog} whose decisions carry `source`.
 *
 * @example Record a change
 * ```ts
 * import { decisionLog } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * const log = decisionLog("aimd");
 * log.record(10, 9, "drop: x0.9", 5);
 * assert.equal(log.last?.to, 9);
 * ```
 */
export function decisionLog(source: string, listener?: DecisionListener): DecisionLog {
  let last: Decision | undefined;
  return {
    get last(): Decision | undefined {
      return last;
    },
    record(from: number, to: number, reason: string, time: number): void {
      if (from === to) return;
      last = Object.freeze({ source, from, to, reason, time });
      listener?.(last);
    },
  };
}

/** Keeps `value` within [min, max]. */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

type NumberSchema = v.GenericSchema<number, number>;

/** A whole number >= 1. */
export const wholeSchema: NumberSchema = v.pipe(v.number(), v.integer(), v.minValue(1));
/** A finite number > 0. */
export const positiveSchema: NumberSchema = v.pipe(v.number(), v.finite(), v.gtValue(0));
/** A finite number >= 0. */
export const nonNegativeSchema: NumberSchema = v.pipe(v.number(), v.finite(), v.minValue(0));
/** A fraction in (0, 1). */
export const fractionSchema: NumberSchema = v.pipe(v.number(), v.gtValue(0), v.ltValue(1));
/** A `() => number` in [0, 1). */
export const randomSchema: v.GenericSchema<Random, Random> = custom<Random>(
  (input) => typeof input === "function",
  "a function returning numbers in [0, 1)",
);

/** Schema entries of {@link DecisionOptions}. */
export const decisionEntries: {
  readonly name: v.OptionalSchema<v.GenericSchema<string, string>, undefined>;
  readonly onDecision: v.OptionalSchema<
    v.GenericSchema<DecisionListener, DecisionListener>,
    undefined
  >;
} = {
  name: v.optional(v.pipe(v.string(), v.minLength(1))),
  onDecision: v.optional(
    custom<DecisionListener>((input) => typeof input === "function", "a function"),
  ),
};

/**
 * Checks min <= max, and min <= initial <= max for an `initial` the caller
 * gave (throws a `ConfigError` naming the field); returns the initial limit.
 * A default initial is moved into [min, max]: `max: 10` alone is no error.
 */
export function checkRange(
  target: string,
  range: { readonly min: number; readonly initial: number; readonly max: number },
  input: unknown,
): number {
  if (range.min > range.max) {
    throw fieldError(target, "min", range.min, `<=${range.max} (max)`);
  }
  const given = typeof input === "object" && input !== null &&
    (input as { readonly initial?: unknown }).initial !== undefined;
  if (!given) return clamp(range.initial, range.min, range.max);
  if (range.initial < range.min || range.initial > range.max) {
    const expected = `between min ${range.min} and max ${range.max}`;
    throw fieldError(target, "initial", range.initial, expected);
  }
  return range.initial;
}
