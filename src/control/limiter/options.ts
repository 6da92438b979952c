import * as v from "valibot";
import { custom, hasMethods, requirement } from "../../config/custom.ts";
import { parseOptions } from "../../config/parse.ts";
import type { Scheduler } from "../../monitor/scheduler.ts";
import type { Limit, ResourcePolicy } from "../types.ts";
import { headroomLimit } from "../limits/headroom.ts";
import {
  clockOption,
  monitorOption,
  type SampleEventSource,
  schedulerOption,
} from "../shared-options.ts";
import { constantLimit } from "./constant-limit.ts";

export type { SampleEventSource } from "../shared-options.ts";

/** One operation type's guaranteed fraction of the limit. */
export interface PartitionOptions {
  /** Fraction of the limit, in (0, 1], this partition is first in line for. */
  readonly share: number;
}

/** Options of an {@link AdaptiveLimiter}. */
export interface AdaptiveLimiterOptions {
  /**
   * The limit algorithm that moves the number of permits, or a number for a
   * limit that never moves. @default {headroomLimit()} (starts at 4, grows
   * while latency stays flat and the limit is full)
   */
  readonly limit?: Limit | number;
  /** Names the limiter in errors and in `decision` events (`limiter:<name>`). @default {"default"} */
  readonly name?: string;
  /** Milliseconds on a monotonic clock; round-trip and wait times use it. @default {systemClock} */
  readonly clock?: () => number;
  /** Where max-wait and call timeouts get their timers; tests pass a manual one. @default {timerScheduler} */
  readonly scheduler?: Scheduler;
  /**
   * Which waiter gets a freed permit: the oldest (`fifo`) or the newest
   * (`lifo`, which keeps latency low for fresh calls under a backlog).
   * @default {"fifo"}
   */
  readonly order?: "fifo" | "lifo";
  /**
   * Longest a call waits for a permit before `LimiterTimeoutError`; 0 = never
   * wait. A bounded wait keeps the process alive until it ends (with the
   * default `scheduler`). @default {Infinity}
   */
  readonly maxWaitMs?: number;
  /** Most calls waiting at once; one more gets `LimiterQueueFullError`. @default {Infinity} */
  readonly maxQueue?: number;
  /**
   * Operation types with guaranteed fractions of the limit; the shares add
   * up to at most 1 and unpartitioned calls share what is left. @default {{}}
   */
  readonly partitions?: Readonly<Record<string, PartitionOptions>>;
  /**
   * A fixed number of permits overriding the limit algorithm, as
   * `setStatic()` sets it; 0 or less means adaptive. @default {0}
   */
  readonly staticLimit?: number;
  /** A source of samples: each one is fed to `policy` (and to the limit, if it observes samples). */
  readonly monitor?: SampleEventSource;
  /** Maps each sample to a ceiling on the limit. */
  readonly policy?: ResourcePolicy;
}

/** {@link AdaptiveLimiterOptions} with every default filled in. */
export interface ResolvedLimiterOptions {
  readonly limit: Limit;
  readonly name: string;
  readonly clock: () => number;
  readonly scheduler: Scheduler;
  readonly order: "fifo" | "lifo";
  readonly maxWaitMs: number;
  readonly maxQueue: number;
  readonly partitions: readonly (readonly [string, number])[];
  readonly staticLimit: number;
  readonly monitor?: SampleEventSource | undefined;
  readonly policy?: ResourcePolicy | undefined;
}

const limitSchema = v.pipe(
  custom<Limit | number>(
    (input) =>
      (typeof input === "number" && Number.isInteger(input) && input >= 1) ||
      (hasMethods(input, ["update"]) && typeof (input as { limit?: unknown }).limit === "number"),
    "a Limit (a numeric `limit` and an `update` method) or a whole number >= 1",
  ),
  // A Limit's starting `limit` of 0, NaN, Infinity or 2.5 is refused, not quietly made 1 or floored.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed || typeof dataset.value === "number") return;
    const limit = dataset.value;
    if (Number.isInteger(limit.limit) && limit.limit >= 1) return;
    addIssue({
      input: limit.limit,
      expected: "a whole number >= 1 (a Limit's starting number of permits)",
      path: [{ type: "unknown", origin: "value", input: limit, key: "limit", value: limit.limit }],
    });
  }),
  v.transform((input): Limit => typeof input === "number" ? constantLimit(input) : input),
);

const unbounded = v.union([v.literal(Infinity), v.pipe(v.number(), v.integer(), v.minValue(0))]);

const partitionsSchema = v.pipe(
  // An array or a Map would pass as a record: partitions named "0", or none at all.
  custom<Record<string, unknown>>(
    (input) => {
      if (typeof input !== "object" || input === null) return false;
      const proto = Object.getPrototypeOf(input);
      return proto === Object.prototype || proto === null;
    },
    "an object { [name]: { share } }",
  ),
  v.record(
    v.pipe(v.string(), v.minLength(1)),
    v.strictObject({ share: v.pipe(v.number(), v.gtValue(0), v.maxValue(1)) }),
  ),
  requirement(
    (record) => Object.values(record).reduce((sum, p) => sum + p.share, 0) <= 1 + 1e-9,
    "shares that add up to at most 1",
  ),
  v.transform((record) =>
    Object.entries(record).map(([name, p]) => [name, p.share] as const) as readonly (readonly [
      string,
      number,
    ])[]
  ),
);

const optionsSchema = v.strictObject({
  limit: v.optional(limitSchema, () => headroomLimit()),
  name: v.optional(v.string(), "default"),
  clock: clockOption,
  scheduler: schedulerOption,
  order: v.optional(v.picklist(["fifo", "lifo"]), "fifo"),
  maxWaitMs: v.optional(
    v.union([v.literal(Infinity), v.pipe(v.number(), v.minValue(0))]),
    Infinity,
  ),
  maxQueue: v.optional(unbounded, Infinity),
  partitions: v.optional(partitionsSchema, {}),
  staticLimit: v.optional(v.pipe(v.number(), v.finite(), v.integer()), 0),
  monitor: monitorOption,
  policy: v.optional(
    custom<ResourcePolicy>((input) => hasMethods(input, ["ceiling"]), "a ResourcePolicy"),
  ),
});

/** Checks `input` and fills in the defaults; throws a `ConfigError` naming each bad field. */
export function resolveLimiterOptions(input: unknown = {}): ResolvedLimiterOptions {
  return parseOptions(optionsSchema, input, "AdaptiveLimiter options");
}
