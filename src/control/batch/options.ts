/**
 * Options of {@link DynamicBatchSizer} and of each registered operation,
 * their valibot schemas and defaults.
 *
 * @module
 */

import * as v from "valibot";
import { custom, hasMethods } from "../../config/custom.ts";
import { parseOptions } from "../../config/parse.ts";
import { systemClock } from "../../internal/clock.ts";
import type { Clock } from "../../internal/clock.ts";
import type { ResourceSample } from "../../monitor/sample.ts";
import { BATCH_MODES } from "./types.ts";
import type { BatchMode } from "./types.ts";

/** Tuning of `model` mode. Every field has a default measured on the batch simulator. */
export interface ModelTuning {
  /** Batches after which an old batch counts half in the fit. @default {16} */
  readonly halfLife?: number;
  /**
   * Standard deviations of prediction error kept free below the budget: 3
   * leaves about 1 batch in 700 over budget under normal noise. @default {3}
   */
  readonly safety?: number;
  /** A smaller probe batch every this many batches, so overhead and per-item cost stay separable. @default {8} */
  readonly probeEvery?: number;
  /** How much smaller a probe batch is, as a fraction. @default {0.2} */
  readonly probeDepth?: number;
  /** Largest factor the size may grow by from one batch to the next. @default {2} */
  readonly maxGrowth?: number;
  /**
   * A batch whose duration misses the prediction by more than this many
   * standard deviations (and by more than `minChange`) means the cost
   * changed: the fit restarts from the new batches. @default {4}
   */
  readonly changeThreshold?: number;
  /** Smallest relative miss treated as a change of cost. @default {0.1} */
  readonly minChange?: number;
  /** Relative prediction error assumed before any is measured. @default {0.05} */
  readonly initialNoise?: number;
  /** Floor of the relative prediction error. @default {0.005} */
  readonly minNoise?: number;
}

/** Tuning of `hill-climb` mode, with the chunk tuner's numbers as defaults. */
export interface HillClimbTuning {
  /** Batches per decision (the tuner's "N chunks"). @default {8} */
  readonly window?: number;
  /** Mean batch duration, in ms, above which the size steps down. @default {5} */
  readonly highMs?: number;
  /** Mean batch duration, in ms, below which the size steps up. @default {0.5} */
  readonly lowMs?: number;
  /** Items per step; sizes stay multiples of it (the tuner's 128 KB alignment). @default {minSize} */
  readonly step?: number;
}

/** Options of one operation, given to `register()` or as the sizer's `defaults`. */
export interface BatchOperationOptions {
  /** How the size is chosen. @default {"model"} */
  readonly mode?: BatchMode;
  /** Longest a batch should take, in ms; `model` mode sizes batches to fit it. @default {1000} */
  readonly budgetMs?: number;
  /** Smallest batch. @default {5 in load mode (as seed 002), 1 otherwise} */
  readonly minSize?: number;
  /** Largest batch. @default {100 in load mode (as seed 002), 10000 otherwise} */
  readonly maxSize?: number;
  /** Size used when the monitor fails, in `fixed` mode, and to start. @default {25, clamped to min/max} */
  readonly defaultSize?: number;
  /** Size of the first batch. @default {defaultSize} */
  readonly initialSize?: number;
  /**
   * Least time between two size changes, in ms. In `model` mode it holds back
   * growth only: a batch predicted over budget shrinks at once.
   * @default {5000 in load mode, 0 otherwise}
   */
  readonly cooldownMs?: number;
  /** `load` mode: below this load (%) batches use `maxSize`. @default {50} */
  readonly lowLoadPercent?: number;
  /** `load` mode: above this load (%) batches use `minSize`; in between the size scales linearly. @default {80} */
  readonly highLoadPercent?: number;
  /** Tuning of `model` mode. */
  readonly model?: ModelTuning;
  /** Tuning of `hill-climb` mode. */
  readonly hillClimb?: HillClimbTuning;
}

/** {@link ModelTuning} with every default filled in. */
export type ResolvedModelTuning = { readonly [K in keyof ModelTuning]-?: number };
/** {@link HillClimbTuning} with every default filled in. */
export type ResolvedHillClimbTuning = { readonly [K in keyof HillClimbTuning]-?: number };

/** {@link BatchOperationOptions} with every default filled in. */
export interface ResolvedBatchOperation {
  /** How the size is chosen (default `"model"`). */
  readonly mode: BatchMode;
  /** Longest a batch should take, in ms (default 1000). */
  readonly budgetMs: number;
  /** Smallest batch (default 1). */
  readonly minSize: number;
  /** Largest batch (default 10000, or `minSize` when that is larger). */
  readonly maxSize: number;
  /**
   * Size used when the monitor fails, in `fixed` mode, and to start (default 25, clamped to
   * min/max).
   */
  readonly defaultSize: number;
  /** Size of the first batch (default `defaultSize`). */
  readonly initialSize: number;
  /** Least time between two size changes, in ms (default 5000 in `load` mode, 0 otherwise). */
  readonly cooldownMs: number;
  /** `load` mode: below this load (%, 0–100) batches use `maxSize` (default 50). */
  readonly lowLoadPercent: number;
  /** `load` mode: above this load (%, 0–100) batches use `minSize` (default 80). */
  readonly highLoadPercent: number;
  /** Tuning of `model` mode, every default filled in. */
  readonly model: ResolvedModelTuning;
  /** Tuning of `hill-climb` mode, every default filled in (`step` defaults to `minSize`). */
  readonly hillClimb: ResolvedHillClimbTuning;
}

/** Something that emits {@link ResourceSample}s, such as a `ResourceMonitor`. */
export interface SampleSource {
  /** Subscribes to `sample` events; returns the function that unsubscribes. */
  on(type: "sample", listener: (sample: ResourceSample) => void): () => void;
}

/** Options of a {@link DynamicBatchSizer}. */
export interface DynamicBatchSizerOptions {
  /** Milliseconds from any origin. @default {systemClock} */
  readonly clock?: Clock;
  /**
   * A `ResourceMonitor` (or anything with `on("sample", fn)`): `load` mode
   * follows its load, other modes cap batches at `defaultSize` while it
   * reports `high` or `critical` pressure. When it fails (an `error` event,
   * no load figure, or no sample for `staleAfterMs`) sizes fall back to
   * `defaultSize` and the decision says so.
   */
  readonly monitor?: SampleSource;
  /** A monitor silent for this long, in ms, counts as failed. @default {10000} */
  readonly staleAfterMs?: number;
  /** Options every `register()` starts from. */
  readonly defaults?: BatchOperationOptions;
}

const positive = v.pipe(v.number(), v.finite(), v.gtValue(0));
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
const size = v.pipe(v.number(), v.integer(), v.minValue(1));
const percent = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(100));
const fraction = v.pipe(v.number(), v.finite(), v.gtValue(0), v.ltValue(1));

const modelSchema = v.strictObject({
  halfLife: v.optional(v.pipe(v.number(), v.finite(), v.minValue(1))),
  safety: v.optional(nonNegative),
  probeEvery: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2))),
  probeDepth: v.optional(fraction),
  maxGrowth: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(1))),
  changeThreshold: v.optional(positive),
  minChange: v.optional(nonNegative),
  initialNoise: v.optional(nonNegative),
  minNoise: v.optional(nonNegative),
});

const hillClimbSchema = v.strictObject({
  window: v.optional(size),
  highMs: v.optional(positive),
  lowMs: v.optional(nonNegative),
  step: v.optional(size),
});

/** The valibot schema of {@link BatchOperationOptions} (fields only; cross-field checks come after). */
export const batchOperationSchema: v.GenericSchema<unknown, BatchOperationOptions> = v
  .strictObject({
    mode: v.optional(v.picklist(BATCH_MODES)),
    budgetMs: v.optional(positive),
    minSize: v.optional(size),
    maxSize: v.optional(size),
    defaultSize: v.optional(size),
    initialSize: v.optional(size),
    cooldownMs: v.optional(nonNegative),
    lowLoadPercent: v.optional(percent),
    highLoadPercent: v.optional(percent),
    model: v.optional(modelSchema),
    hillClimb: v.optional(hillClimbSchema),
  }) as v.GenericSchema<unknown, BatchOperationOptions>;

const functionSchema = custom<Clock>(
  (input) => typeof input === "function",
  "a function returning milliseconds",
);
const sourceSchema = custom<SampleSource>(
  (input) => hasMethods(input, ["on"]),
  'a ResourceMonitor (an object with on("sample", listener))',
);

const sizerSchema = v.strictObject({
  clock: v.optional(functionSchema),
  monitor: v.optional(sourceSchema),
  staleAfterMs: v.optional(positive),
  defaults: v.optional(batchOperationSchema),
});

/** {@link DynamicBatchSizerOptions} with every default filled in. */
export interface ResolvedSizerOptions {
  /** Milliseconds from any origin (default `systemClock`). */
  readonly clock: Clock;
  /** The monitor whose samples drive `load` mode and the pressure cap; `undefined` = none. */
  readonly monitor: SampleSource | undefined;
  /** A monitor silent for this long, in ms, counts as failed (default 10000). */
  readonly staleAfterMs: number;
  /** Options every `register()` starts from (default `{}`). */
  readonly defaults: BatchOperationOptions;
}

/** Validates the options of a {@link DynamicBatchSizer}; throws a `ConfigError` naming each bad field. */
export function resolveSizerOptions(input: unknown): ResolvedSizerOptions {
  const target = "DynamicBatchSizer options";
  const parsed = parseOptions(sizerSchema, input ?? {}, target);
  const defaults = parsed.defaults ?? {};
  // The defaults must make a valid operation on their own; their fields are named under `defaults`.
  parseOptions(DEFAULTS_CROSS_SCHEMA, { defaults: fill(defaults) }, target);
  return {
    clock: parsed.clock ?? systemClock,
    monitor: parsed.monitor,
    staleAfterMs: parsed.staleAfterMs ?? 10_000,
    defaults,
  };
}

interface Issue {
  readonly path: string;
  readonly value: number;
  readonly expected: string;
}

function crossIssues(o: ResolvedBatchOperation): Issue[] {
  const issues: Issue[] = [];
  if (o.maxSize < o.minSize) {
    issues.push({ path: "maxSize", value: o.maxSize, expected: `>= ${o.minSize} (minSize)` });
    return issues;
  }
  if (o.defaultSize < o.minSize || o.defaultSize > o.maxSize) {
    issues.push({
      path: "defaultSize",
      value: o.defaultSize,
      expected: `between ${o.minSize} (minSize) and ${o.maxSize} (maxSize)`,
    });
  }
  // An initialSize equal to a defaultSize already named is almost always that default, inherited:
  // naming it too would blame a field the user never set.
  const inherited = issues.length > 0 && o.initialSize === o.defaultSize;
  if (!inherited && (o.initialSize < o.minSize || o.initialSize > o.maxSize)) {
    issues.push({
      path: "initialSize",
      value: o.initialSize,
      expected: `between ${o.minSize} (minSize) and ${o.maxSize} (maxSize)`,
    });
  }
  if (!(o.highLoadPercent > o.lowLoadPercent)) {
    issues.push({
      path: "highLoadPercent",
      value: o.highLoadPercent,
      expected: `> ${o.lowLoadPercent} (lowLoadPercent)`,
    });
  }
  if (!(o.hillClimb.highMs > o.hillClimb.lowMs)) {
    issues.push({
      path: "hillClimb.highMs",
      value: o.hillClimb.highMs,
      expected: `> ${o.hillClimb.lowMs} (hillClimb.lowMs)`,
    });
  }
  return issues;
}

const DEFAULT_SIZE = 25;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Fills the defaults of already-validated operation options. */
function fill(o: BatchOperationOptions): ResolvedBatchOperation {
  const mode = o.mode ?? "model";
  // Load mode keeps the load-proportional manager's own sizes, so a migration changes nothing.
  const seed = mode === "load";
  const minSize = o.minSize ?? (seed ? Math.min(5, o.maxSize ?? 5) : 1);
  // A default or first size set above the seed's 100 raises it, as it always fitted before.
  const maxSize = o.maxSize ??
    Math.max(
      seed ? 100 : 10_000,
      minSize,
      seed ? (o.defaultSize ?? 0) : 0,
      seed ? (o.initialSize ?? 0) : 0,
    );
  const defaultSize = o.defaultSize ?? clamp(DEFAULT_SIZE, minSize, maxSize);
  const m = o.model ?? {};
  const h = o.hillClimb ?? {};
  return {
    mode,
    budgetMs: o.budgetMs ?? 1000,
    minSize,
    maxSize,
    defaultSize,
    initialSize: o.initialSize ?? defaultSize,
    cooldownMs: o.cooldownMs ?? (mode === "load" ? 5000 : 0),
    lowLoadPercent: o.lowLoadPercent ?? 50,
    highLoadPercent: o.highLoadPercent ?? 80,
    model: {
      halfLife: m.halfLife ?? 16,
      safety: m.safety ?? 3,
      probeEvery: m.probeEvery ?? 8,
      probeDepth: m.probeDepth ?? 0.2,
      maxGrowth: m.maxGrowth ?? 2,
      changeThreshold: m.changeThreshold ?? 4,
      minChange: m.minChange ?? 0.1,
      initialNoise: m.initialNoise ?? 0.05,
      minNoise: m.minNoise ?? 0.005,
    },
    hillClimb: {
      window: h.window ?? 8,
      highMs: h.highMs ?? 5,
      lowMs: h.lowMs ?? 0.5,
      step: h.step ?? minSize,
    },
  };
}

/** `o` without its `undefined` fields, which would otherwise hide the values under them. */
function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(o ?? {}).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

function mergeOptions(
  base: BatchOperationOptions,
  over: BatchOperationOptions,
): BatchOperationOptions {
  return {
    ...defined(base),
    ...defined(over),
    model: { ...defined(base.model), ...defined(over.model) },
    hillClimb: { ...defined(base.hillClimb), ...defined(over.hillClimb) },
  };
}

/** Fields that must agree with each other, checked after each field passed on its own. */
const CROSS_SCHEMA = v.pipe(
  v.unknown(),
  v.rawCheck(({ dataset, addIssue }) => {
    const issues = crossIssues(dataset.value as ResolvedBatchOperation);
    for (const issue of issues) {
      const keys = issue.path.split(".");
      let input: unknown = dataset.value;
      const path: v.UnknownPathItem[] = [];
      for (const key of keys) {
        const value = (input as Record<string, unknown>)[key];
        path.push({ type: "unknown", origin: "value", input, key, value });
        input = value;
      }
      addIssue({
        input: issue.value,
        expected: issue.expected,
        message: `${issue.path} must be ${issue.expected}`,
        path: path as [v.UnknownPathItem, ...v.UnknownPathItem[]],
      });
    }
  }),
);

/** {@link CROSS_SCHEMA} for the sizer's `defaults`, so each issue's path starts with `defaults.`. */
const DEFAULTS_CROSS_SCHEMA = v.object({ defaults: CROSS_SCHEMA });

/** `defaults` of {@link resolveBatchOperation}, each issue's path under `defaults.`. */
const DEFAULTS_SCHEMA = v.object({ defaults: batchOperationSchema });

/**
 * Validates `input` and `defaults` (a bad default is named `defaults.<field>`),
 * fills in from `defaults`, then from the built-in defaults, and checks that
 * the fields agree (min <= default <= max, low < high); throws a
 * `ConfigError` naming each bad field.
 */
export function resolveBatchOperation(
  input: unknown,
  defaults: BatchOperationOptions = {},
  target = "batch operation options",
): ResolvedBatchOperation {
  const parsed = parseOptions(batchOperationSchema, input ?? {}, target);
  const base = parseOptions(DEFAULTS_SCHEMA, { defaults }, target).defaults;
  const resolved = fill(mergeOptions(base, parsed));
  parseOptions(CROSS_SCHEMA, resolved, target);
  return resolved;
}
