/**
 * Scores a run against its scenario's oracle: goodput and p99 relative to
 * the best static limit, limit reversals a minute, wasted attempts per
 * success and the time to settle after each capacity change.
 *
 * @module
 */

import type { RunResult } from "./engine.ts";
import type { Oracle } from "./oracle.ts";
import { changeTimes, type Scenario } from "./scenario.ts";

/** The thresholds headroom's default must meet on every scenario. */
export const THRESHOLDS: Readonly<{
  goodput: number;
  p99: number;
  reversalsPerMinute: number;
  wastedPerSuccess: number;
  reconvergeSeconds: number;
}> = Object.freeze({
  goodput: 0.9,
  p99: 1.5,
  reversalsPerMinute: 10,
  wastedPerSuccess: 0.05,
  reconvergeSeconds: 10,
});

/** One controller on one scenario. */
export interface Score {
  /** Successes / the oracle's successes. */
  readonly goodput: number;
  /** p99 service time / the oracle's. */
  readonly p99: number;
  /** Changes of direction of the limit, per minute of run. */
  readonly reversalsPerMinute: number;
  /** (Rejected + killed + timed out) / successes. */
  readonly wastedPerSuccess: number;
  /**
   * Worst time to settle in the good band after a capacity change, s;
   * `Infinity` when the limit never settled, `undefined` without changes.
   */
  readonly reconvergeSeconds: number | undefined;
  /** Time-weighted mean limit. */
  readonly meanLimit: number;
  /** Every threshold met. */
  readonly passed: boolean;
  /** Names of the thresholds missed. */
  readonly failures: readonly string[];
}

/** Direction changes of a limit trace. */
export function countReversals(limits: readonly number[]): number {
  let reversals = 0;
  let direction = 0;
  for (let i = 1; i < limits.length; i++) {
    const step = Math.sign(limits[i]! - limits[i - 1]!);
    if (step === 0) continue;
    if (direction !== 0 && step !== direction) reversals++;
    direction = step;
  }
  return reversals;
}

function limitAt(result: RunResult, time: number): number {
  let limit = result.traceLimit[0] ?? 0;
  for (let i = 0; i < result.traceTime.length && result.traceTime[i]! <= time; i++) {
    limit = result.traceLimit[i]!;
  }
  return limit;
}

/**
 * Seconds after `start` until the limit has settled in `[low, high]`: the
 * first moment from which it spends at least 90 % of the time up to `end`
 * inside the band (brief dips, such as a probe of the no-load latency, do not
 * undo settling). `Infinity` if it never settles: a phase no longer than
 * the threshold must not pass for a limit that was never in its band.
 */
export function settleSeconds(
  result: RunResult,
  start: number,
  end: number,
  [low, high]: readonly [number, number],
): number {
  // Segments of constant limit within [start, end).
  const times: number[] = [start];
  const limits: number[] = [limitAt(result, start)];
  for (let i = 0; i < result.traceTime.length; i++) {
    const time = result.traceTime[i]!;
    if (time > start && time < end) {
      times.push(time);
      limits.push(result.traceLimit[i]!);
    }
  }
  const inside = (limit: number): boolean => limit >= low && limit <= high;
  let insideAfter = 0; // time in band from segment i to end
  let settled = Infinity;
  for (let i = times.length - 1; i >= 0; i--) {
    const from = times[i]!;
    const to = times[i + 1] ?? end;
    if (inside(limits[i]!)) insideAfter += to - from;
    if (inside(limits[i]!) && insideAfter >= 0.9 * (end - from)) settled = from;
  }
  return (settled - start) / 1000;
}

function meanLimit(result: RunResult): number {
  let area = 0;
  for (let i = 0; i < result.traceTime.length; i++) {
    const from = result.traceTime[i]!;
    const to = result.traceTime[i + 1] ?? result.durationMs;
    area += (to - from) * result.traceLimit[i]!;
  }
  return area / result.durationMs;
}

/** Scores `result` on `scenario` against `oracle`. */
export function score(scenario: Scenario, result: RunResult, oracle: Oracle): Score {
  const goodput = result.successes / Math.max(1, oracle.result.successes);
  // No success has no p99: a run that served nothing must not score the best p99 there is.
  const p99 = result.successes === 0
    ? Infinity
    : result.p99Ms / Math.max(1e-9, oracle.result.p99Ms);
  const reversalsPerMinute = countReversals(result.traceLimit) / (result.durationMs / 60_000);
  const wastedPerSuccess = result.wasted / Math.max(1, result.successes);
  const changes = changeTimes(scenario);
  let reconvergeSeconds: number | undefined;
  changes.forEach((start, index) => {
    const end = changes[index + 1] ?? scenario.durationMs;
    const band = oracle.phaseBands[index + 1] ?? [1, Infinity];
    const seconds = settleSeconds(result, start, end, band);
    reconvergeSeconds = Math.max(reconvergeSeconds ?? 0, seconds);
  });
  const t = THRESHOLDS;
  const failures: string[] = [];
  if (goodput < t.goodput) failures.push("goodput");
  if (p99 > t.p99) failures.push("p99");
  if (reversalsPerMinute > t.reversalsPerMinute) failures.push("reversals");
  if (wastedPerSuccess > t.wastedPerSuccess) failures.push("wasted");
  if (reconvergeSeconds !== undefined && reconvergeSeconds > t.reconvergeSeconds) {
    failures.push("reconverge");
  }
  return {
    goodput,
    p99,
    reversalsPerMinute,
    wastedPerSuccess,
    reconvergeSeconds,
    meanLimit: meanLimit(result),
    passed: failures.length === 0,
    failures,
  };
}
