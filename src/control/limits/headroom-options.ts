/**
 * Options of headroom's default limit, their defaults and their schema.
 *
 * @module
 */

import * as v from "valibot";
import { parseOptions } from "../../config/parse.ts";
import { fieldError } from "../../config/config-error.ts";
import type { Random } from "../../internal/random.ts";
import type { DecisionListener, DecisionOptions } from "../types.ts";
import {
  checkRange,
  decisionEntries,
  fractionSchema,
  nonNegativeSchema,
  positiveSchema,
  randomSchema,
  wholeSchema,
} from "./common.ts";

/** Options of {@link headroomLimit}. */
export interface HeadroomLimitOptions extends DecisionOptions {
  /** The limit before anything is measured. @default {4} */
  readonly initial?: number;
  /** The limit never goes below this. @default {1} */
  readonly min?: number;
  /** The limit never goes above this. @default {1000} */
  readonly max?: number;
  /**
   * `true`: each task keeps a core busy, so never run more tasks than CPUs;
   * `false`: no CPU ceiling; `"auto"`: measure the cores each task uses. @default {"auto"}
   */
  readonly cpuBound?: boolean | "auto";
  /** Memory one task holds, in bytes; left out, it is measured from monitor samples. */
  readonly perTaskMemoryBytes?: number;
  /** Fraction of the memory limit never planned for. @default {0.05} */
  readonly memoryReserve?: number;
  /** The limit grows only while latency is below this multiple of the no-load latency. @default {1.1} */
  readonly growBelow?: number;
  /** The limit shrinks when latency is above this multiple of the no-load latency. @default {2} */
  readonly shrinkAbove?: number;
  /** Mean time between re-measurements of the no-load latency, in ms. @default {30000} */
  readonly probeIntervalMs?: number;
  /** Each gap between probes is longer by up to this fraction, at random. @default {0.5} */
  readonly probeJitter?: number;
  /** On drops, timeouts and rejections the limit is multiplied by this. @default {0.9} */
  readonly backoff?: number;
  /** After drops, the level that dropped is not tried again for this long, in ms (doubling on repeats). @default {30000} */
  readonly holdMs?: number;
  /** Source of the probe jitter. @default {seededRandom(0x4ead)} */
  readonly random?: Random;
}

/** {@link HeadroomLimitOptions} with the defaults filled in. */
export interface ResolvedHeadroomOptions {
  /** The limit before anything is measured (default 4). */
  readonly initial: number;
  /** The limit never goes below this (default 1). */
  readonly min: number;
  /** The limit never goes above this (default 1000). */
  readonly max: number;
  /** `true`: a core per task; `false`: no CPU ceiling; `"auto"`: measured (default `"auto"`). */
  readonly cpuBound: boolean | "auto";
  /** Memory one task holds, in bytes; `undefined` = measured from monitor samples. */
  readonly perTaskMemoryBytes: number | undefined;
  /** Fraction of the memory limit never planned for (default 0.05). */
  readonly memoryReserve: number;
  /**
   * The limit grows only while latency is below this multiple of the no-load latency (default 1.1).
   */
  readonly growBelow: number;
  /** The limit shrinks when latency is above this multiple of the no-load latency (default 2). */
  readonly shrinkAbove: number;
  /** Mean time between re-measurements of the no-load latency, in ms (default 30000). */
  readonly probeIntervalMs: number;
  /** Each gap between probes is longer by up to this fraction, at random (default 0.5). */
  readonly probeJitter: number;
  /** On drops, timeouts and rejections the limit is multiplied by this (default 0.9). */
  readonly backoff: number;
  /**
   * After drops, the level that dropped is not tried again for this long, in ms (default 30000).
   */
  readonly holdMs: number;
  /** Source of the probe jitter; `undefined` = `seededRandom(0x4ead)`. */
  readonly random: Random | undefined;
  /** Names the limit in its decisions' `source`; `undefined` = `"headroom"`. */
  readonly name: string | undefined;
  /** Called synchronously with each change of the limit; `undefined` = none. */
  readonly onDecision: DecisionListener | undefined;
}

const ratio = v.pipe(v.number(), v.finite(), v.gtValue(1));
const schema = v.strictObject({
  initial: v.optional(wholeSchema, 4),
  min: v.optional(wholeSchema, 1),
  max: v.optional(wholeSchema, 1000),
  cpuBound: v.optional(v.union([v.boolean(), v.literal("auto")]), "auto"),
  perTaskMemoryBytes: v.optional(positiveSchema),
  memoryReserve: v.optional(v.pipe(v.number(), v.minValue(0), v.ltValue(1)), 0.05),
  growBelow: v.optional(ratio, 1.1),
  shrinkAbove: v.optional(ratio, 2),
  probeIntervalMs: v.optional(positiveSchema, 30000),
  probeJitter: v.optional(nonNegativeSchema, 0.5),
  backoff: v.optional(fractionSchema, 0.9),
  holdMs: v.optional(nonNegativeSchema, 30000),
  random: v.optional(randomSchema),
  ...decisionEntries,
});

/** Validates {@link HeadroomLimitOptions}; throws a `ConfigError` naming each bad field. */
export function resolveHeadroomOptions(input: unknown): ResolvedHeadroomOptions {
  const o = parseOptions(schema, input, "headroomLimit() options");
  const initial = checkRange("headroomLimit() options", o, input);
  if (o.shrinkAbove <= o.growBelow) {
    // Name the field that was given: with shrinkAbove left at its default, growBelow is the one.
    const given = (input as { shrinkAbove?: unknown } | undefined)?.shrinkAbove !== undefined;
    const [field, value, expected] = given
      ? ["shrinkAbove", o.shrinkAbove, `more than growBelow (${o.growBelow})`]
      : ["growBelow", o.growBelow, `less than shrinkAbove (${o.shrinkAbove}, its default)`];
    throw fieldError("headroomLimit() options", field, value, expected);
  }
  return {
    ...o,
    initial,
    perTaskMemoryBytes: o.perTaskMemoryBytes,
    random: o.random,
    name: o.name,
    onDecision: o.onDecision,
  };
}
