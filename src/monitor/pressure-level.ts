import { PRESSURE_LEVELS, PRESSURE_SIGNALS } from "./thresholds.ts";
import type {
  PressureLevel,
  PressureSignal,
  PressureThresholds,
  SignalThresholds,
  ThresholdLevel,
} from "./thresholds.ts";

/** One reading per signal; `undefined` = not measured this time. */
export type PressureSignals = { readonly [K in PressureSignal]?: number | undefined };

/** The outcome of {@link classifyPressure}; pass it back as `previous` next time. */
export interface PressureState {
  /** The highest level of any signal. */
  readonly level: PressureLevel;
  /**
   * The highest level of the signals read this time: `level` also counts
   * those holding theirs without a reading. Absent in a state from before
   * this field, which counts as `level`.
   */
  readonly measured?: PressureLevel;
  /** The level of each signal, kept for hysteresis. */
  readonly signals: { readonly [K in PressureSignal]: PressureLevel };
  /** The signal(s) at `level`, for example `memory 91% >= 85% (high)`; empty at `none`. */
  readonly reasons: readonly string[];
  /**
   * Readings in a row each signal went without, while it held its level;
   * absent in a state from before this field, which counts as none.
   */
  readonly unread?: { readonly [K in PressureSignal]?: number };
}

/**
 * Readings in a row a signal may miss (a failed read, a figure that was not a
 * number) while it keeps its level: one glitch must not drop a critical level
 * to `none` and back, but a figure gone for good must not hold it forever.
 */
export const HOLD_UNREAD = 3;

const LABELS: { readonly [K in PressureSignal]: readonly [label: string, unit: string] } = {
  memory: ["memory", "%"],
  psiCpu: ["cpu pressure", "%"],
  psiMemory: ["memory pressure", "%"],
  psiIo: ["io pressure", "%"],
  loopDelay: ["loop delay", "ms"],
  cpuPercent: ["cpu", "%"],
};

/** The state before any reading: every signal at `none`. */
export const CALM_PRESSURE: PressureState = Object.freeze({
  level: "none",
  signals: Object.freeze({
    memory: "none",
    psiCpu: "none",
    psiMemory: "none",
    psiIo: "none",
    loopDelay: "none",
    cpuPercent: "none",
  }),
  measured: "none",
  reasons: Object.freeze([]),
  unread: Object.freeze({}),
});

function rank(level: PressureLevel): number {
  return PRESSURE_LEVELS.indexOf(level);
}

function levelAt(index: number): PressureLevel {
  return PRESSURE_LEVELS[index] ?? "none";
}

/**
 * The level of one signal: it climbs at once to the highest level whose
 * `enter` the value reaches, and steps down only past each level's `leave`.
 */
function signalLevel(value: number, previous: PressureLevel, t: SignalThresholds): PressureLevel {
  let entered = 0;
  for (let i = 1; i < PRESSURE_LEVELS.length; i++) {
    if (value >= t[levelAt(i) as ThresholdLevel].enter) entered = i;
  }
  let current = rank(previous);
  if (entered >= current) return levelAt(entered);
  while (current > entered && value < t[levelAt(current) as ThresholdLevel].leave) current--;
  return levelAt(current);
}

function format(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function reason(signal: PressureSignal, value: number, level: ThresholdLevel, t: SignalThresholds) {
  const [label, unit] = LABELS[signal];
  const { enter, leave } = t[level];
  const shown = `${label} ${format(value)}${unit}`;
  if (value >= enter) return `${shown} >= ${format(enter)}${unit} (${level})`;
  return `${shown} (${level}, holding until below ${format(leave)}${unit})`;
}

/**
 * `state` with every signal's hold used up: a signal with no reading next
 * time keeps no level from it (for a monitor started again after a stop).
 */
export function withoutHolds(state: PressureState): PressureState {
  const unread = Object.fromEntries(PRESSURE_SIGNALS.map((name) => [name, HOLD_UNREAD]));
  return { ...state, unread };
}

/**
 * Classifies readings into a pressure level with hysteresis, so a value that
 * wavers between a level's `enter` and `leave` does not flap. Each signal
 * climbs straight to the highest level whose `enter` it reaches and only steps
 * down once it falls below that level's `leave`; the overall level is the
 * highest over the signals. A signal that is off counts as `none`; one whose
 * reading is `undefined` or NaN keeps its level for up to {@link HOLD_UNREAD}
 * readings in a row, then counts as `none`. Pure: pass the previous state
 * back in.
 *
 * @example Memory climbs to high, then holds between leave and enter
 * ```ts
 * import { DEFAULT_THRESHOLDS, classifyPressure } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * let state = classifyPressure({ memory: 91 }, DEFAULT_THRESHOLDS);
 * assert.equal(state.level, "high");
 * assert.deepEqual(state.reasons, ["memory 91% >= 85% (high)"]);
 * state = classifyPressure({ memory: 82 }, DEFAULT_THRESHOLDS, state);
 * assert.equal(state.level, "high");
 * state = classifyPressure({ memory: 79 }, DEFAULT_THRESHOLDS, state);
 * assert.equal(state.level, "moderate");
 * ```
 */
export function classifyPressure(
  readings: PressureSignals,
  thresholds: PressureThresholds,
  previous: PressureState = CALM_PRESSURE,
): PressureState {
  const signals = { ...CALM_PRESSURE.signals } as { [K in PressureSignal]: PressureLevel };
  const unread: { [K in PressureSignal]?: number } = {};
  let top = 0;
  let topRead = 0;
  for (const name of PRESSURE_SIGNALS) {
    const t = thresholds[name];
    const value = readings[name];
    if (t === false) continue;
    if (value === undefined || Number.isNaN(value)) {
      const missed = (previous.unread?.[name] ?? 0) + 1;
      if (previous.signals[name] === "none" || missed > HOLD_UNREAD) continue;
      signals[name] = previous.signals[name];
      unread[name] = missed;
    } else {
      signals[name] = signalLevel(value, previous.signals[name], t);
      topRead = Math.max(topRead, rank(signals[name]));
    }
    top = Math.max(top, rank(signals[name]));
  }
  const level = levelAt(top);
  const reasons: string[] = [];
  if (level !== "none") {
    for (const name of PRESSURE_SIGNALS) {
      const t = thresholds[name];
      const value = readings[name];
      if (signals[name] !== level || t === false) continue;
      const missed = unread[name];
      reasons.push(
        missed === undefined
          ? reason(name, value!, level, t)
          : `${LABELS[name][0]}: no reading, holding ${level} (${missed} of ${HOLD_UNREAD})`,
      );
    }
  }
  return { level, measured: levelAt(topRead), signals, reasons, unread };
}
