import * as v from "valibot";
import { parseOptions } from "../config/parse.ts";

/** How hard the machine is pressed, from calm to about to fail. */
export type PressureLevel = "none" | "moderate" | "high" | "critical";

/** The pressure levels in rising order; a level's index is its rank. */
export const PRESSURE_LEVELS: readonly ["none", "moderate", "high", "critical"] = Object.freeze(
  ["none", "moderate", "high", "critical"] as const,
);

/** The levels that have thresholds: every level but `none`. */
export type ThresholdLevel = Exclude<PressureLevel, "none">;

/**
 * The signals the pressure level is classified on:
 * - `memory`: memory in use, % of the container limit (else host RAM);
 * - `psiCpu`, `psiMemory`, `psiIo`: Linux PSI `some avg10`, % of time stalled;
 * - `loopDelay`: longest event-loop delay of the sample window, in ms;
 * - `cpuPercent`: smoothed CPU use, % of the effective CPUs. Off by default:
 *   a CPU at 100 % with no stall is doing its job, not in trouble.
 */
export type PressureSignal =
  | "memory"
  | "psiCpu"
  | "psiMemory"
  | "psiIo"
  | "loopDelay"
  | "cpuPercent";

/** The signals in the order reasons are reported. */
export const PRESSURE_SIGNALS: readonly PressureSignal[] = Object.freeze([
  "memory",
  "psiCpu",
  "psiMemory",
  "psiIo",
  "loopDelay",
  "cpuPercent",
]);

/** A level is entered at `value >= enter` and left at `value < leave`; `leave < enter`. */
export interface LevelThreshold {
  /** The level is entered when the signal reaches this (its unit: % or, for `loopDelay`, ms). */
  readonly enter: number;
  /** The level is left when the signal falls below this; lower than `enter`. */
  readonly leave: number;
}

/** The thresholds of one signal; enter and leave both rise from `moderate` to `critical`. */
export interface SignalThresholds {
  /** Thresholds of the `moderate` level. */
  readonly moderate: LevelThreshold;
  /** Thresholds of the `high` level. */
  readonly high: LevelThreshold;
  /** Thresholds of the `critical` level. */
  readonly critical: LevelThreshold;
}

/** Thresholds of every signal; `false` turns a signal off. */
export type PressureThresholds = { readonly [K in PressureSignal]: SignalThresholds | false };

/**
 * Overrides of {@link DEFAULT_THRESHOLDS}: any field left out keeps its
 * default. `true` turns a signal on with its default thresholds (the way to
 * get `cpuPercent`), `false` turns it off.
 */
export type PressureThresholdsOptions = {
  readonly [K in PressureSignal]?:
    | boolean
    | { readonly [L in ThresholdLevel]?: Partial<LevelThreshold> };
};

function level(enter: number, leave: number): LevelThreshold {
  return Object.freeze({ enter, leave });
}

function signal(moderate: LevelThreshold, high: LevelThreshold, critical: LevelThreshold) {
  return Object.freeze({ moderate, high, critical });
}

/**
 * Default thresholds for each signal that is on by default, and for
 * `cpuPercent`, which is off (see {@link CPU_PERCENT_THRESHOLDS}).
 *
 * | signal      | moderate | high    | critical  |
 * |-------------|----------|---------|-----------|
 * | memory %    | 70 / 60  | 85 / 80 | 95 / 90   |
 * | psiCpu %    | 25 / 15  | 50 / 40 | 80 / 70   |
 * | psiMemory % | 10 / 5   | 25 / 15 | 50 / 40   |
 * | psiIo %     | 25 / 15  | 50 / 40 | 80 / 70   |
 * | loopDelay ms| 100 / 50 | 250 / 150 | 1000 / 600 |
 *
 * Each cell is enter / leave.
 */
export const DEFAULT_THRESHOLDS: PressureThresholds = Object.freeze({
  memory: signal(level(70, 60), level(85, 80), level(95, 90)),
  psiCpu: signal(level(25, 15), level(50, 40), level(80, 70)),
  psiMemory: signal(level(10, 5), level(25, 15), level(50, 40)),
  psiIo: signal(level(25, 15), level(50, 40), level(80, 70)),
  loopDelay: signal(level(100, 50), level(250, 150), level(1000, 600)),
  cpuPercent: false,
});

/**
 * Thresholds `cpuPercent` gets when turned on with `true`: the seed
 * adaptive-parallelism monitor's "max(CPU %, memory %)" rule, which went to
 * reduced parallelism at 45 %, sequential at 75 % and never past 80 %, with
 * 10 points of hysteresis added.
 */
export const CPU_PERCENT_THRESHOLDS: SignalThresholds = signal(
  level(45, 35),
  level(75, 65),
  level(80, 70),
);

/**
 * `object` for an object input, so its issues name the nested field; for
 * anything else `other | object`, whose issue says either was expected.
 */
export function objectOr<
  A extends v.GenericSchema,
  B extends v.GenericSchema,
>(
  other: A,
  object: B,
): v.GenericSchema<v.InferInput<A> | v.InferInput<B>, v.InferOutput<A> | v.InferOutput<B>> {
  const either = v.union([other, object]);
  return v.lazy((input) => typeof input === "object" && input !== null ? object : either);
}

const LEVELS: readonly ThresholdLevel[] = ["moderate", "high", "critical"];

const nonNegative = v.pipe(v.number(), v.minValue(0));

function pathItem(input: unknown, key: string): v.UnknownPathItem {
  const value = (input as Record<string, unknown>)[key];
  return { type: "unknown", origin: "value", input, key, value };
}

function signalSchema(defaults: SignalThresholds) {
  const levelSchema = (d: LevelThreshold) =>
    v.optional(
      v.strictObject({
        enter: v.optional(nonNegative, d.enter),
        leave: v.optional(nonNegative, d.leave),
      }),
      {},
    );
  const object = v.pipe(
    v.strictObject({
      moderate: levelSchema(defaults.moderate),
      high: levelSchema(defaults.high),
      critical: levelSchema(defaults.critical),
    }),
    v.rawCheck(({ dataset, addIssue }) => {
      // A level with a bad field already has its issue; do not blame its neighbours too.
      if (!dataset.typed || dataset.issues) return;
      const t = dataset.value;
      const fail = (name: ThresholdLevel, key: "enter" | "leave", expected: string): void => {
        const level = t[name];
        addIssue({
          input: level[key],
          expected,
          message: `${name}.${key} must be ${expected}`,
          path: [pathItem(t, name), pathItem(level, key)],
        });
      };
      let ordered = true;
      for (const name of LEVELS) {
        if (t[name].leave < t[name].enter) continue;
        fail(name, "leave", `< ${t[name].enter} (${name}.enter)`);
        ordered = false;
      }
      // Rising levels are only checked once each leave is below its enter, so
      // one bad field is not also blamed on the level next to it.
      if (!ordered) return;
      for (let i = 1; i < LEVELS.length; i++) {
        const lower = LEVELS[i - 1] as ThresholdLevel;
        const name = LEVELS[i] as ThresholdLevel;
        for (const key of ["enter", "leave"] as const) {
          if (!(t[name][key] > t[lower][key])) {
            fail(name, key, `> ${t[lower][key]} (${lower}.${key})`);
          }
        }
      }
    }),
  );
  return v.pipe(
    objectOr(v.boolean(), object),
    v.transform((input): SignalThresholds | false => {
      if (input === false) return false;
      if (input === true) return defaults;
      return input;
    }),
  );
}

function signalOption(name: PressureSignal) {
  const defaults = DEFAULT_THRESHOLDS[name];
  return v.optional(signalSchema(defaults || CPU_PERCENT_THRESHOLDS), defaults !== false);
}

/**
 * The valibot schema of {@link PressureThresholdsOptions}: fills in the
 * defaults and checks that every `leave` is below its `enter` and that both
 * rise from `moderate` to `critical`.
 */
export const pressureThresholdsSchema: v.GenericSchema<unknown, PressureThresholds> = v.optional(
  v.strictObject({
    memory: signalOption("memory"),
    psiCpu: signalOption("psiCpu"),
    psiMemory: signalOption("psiMemory"),
    psiIo: signalOption("psiIo"),
    loopDelay: signalOption("loopDelay"),
    cpuPercent: signalOption("cpuPercent"),
  }),
  {},
);

/**
 * Merges `options` over {@link DEFAULT_THRESHOLDS}; throws a `ConfigError`
 * naming every field that is out of order.
 *
 * @example Turn on the seed's CPU % rule and relax memory
 * ```ts
 * import { resolveThresholds } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const t = resolveThresholds({ cpuPercent: true, memory: { high: { enter: 90 } } });
 * assert.equal(t.cpuPercent && t.cpuPercent.high.enter, 75);
 * assert.equal(t.memory && t.memory.high.enter, 90);
 * ```
 */
export function resolveThresholds(options?: PressureThresholdsOptions): PressureThresholds {
  return parseOptions(pressureThresholdsSchema, options, "pressure thresholds");
}
