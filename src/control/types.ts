/**
 * The shapes every controller in `src/control/` shares. Controllers are pure:
 * time comes in as `now` (milliseconds on any monotonic clock), they start no
 * timers and do no I/O, so the same object runs in production and in the
 * virtual-clock simulator.
 *
 * @module
 */

import type { ResourceSample } from "../monitor/sample.ts";

/** One completed (or dropped) call, as a limit algorithm sees it. */
export interface LimitSample {
  /** When the call finished, in ms on the caller's clock. */
  readonly now: number;
  /** How long the call took, in ms. */
  readonly rttMs: number;
  /**
   * Calls in flight when this one started (including itself). An
   * `AdaptiveLimiter` that refused a call while this one ran reports at least
   * its limit: the limit was full.
   */
  readonly inflight: number;
  /** The call was rejected, timed out or otherwise shed: a congestion signal. */
  readonly dropped: boolean;
}

/** An adaptive concurrency limit: how many calls may be in flight at once. */
export interface Limit {
  /** The current limit, a whole number >= 1. */
  readonly limit: number;
  /** Feed one completed call; returns the new limit. */
  update(sample: LimitSample): number;
}

/** A limit that also reads the machine: monitor samples move its ceiling. */
export interface ResourceAwareLimit extends Limit {
  /** Feed one monitor sample; returns the new limit. */
  observe(sample: ResourceSample): number;
}

/** Maps a monitor sample to a ceiling on concurrency (seed rules, pressure ceilings). */
export interface ResourcePolicy {
  /** The most calls to allow in flight after `sample`; `current` is the caller's limit now. */
  ceiling(sample: ResourceSample, current: number): number;
}

/** Why a controller changed its value: emitted as a `decision` event. */
export interface Decision {
  /** Which component decided, for example `limiter:db` or `pool:hash`. */
  readonly source: string;
  /** The value before the change. */
  readonly from: number;
  /** The value after the change. */
  readonly to: number;
  /** A short human sentence: `rtt gradient 0.62 < 0.8: decrease`. */
  readonly reason: string;
  /** When, in ms on the component's clock. */
  readonly time: number;
}

/** Called with every change a controller makes; see {@link DecisionOptions}. */
export type DecisionListener = (decision: Decision) => void;

/** Options every limit factory takes to report its decisions. */
export interface DecisionOptions {
  /** Names the limit in its decisions' `source`. @default {the algorithm, e.g. "aimd"} */
  readonly name?: string;
  /** Called synchronously with each change of the limit (never when it stays the same). */
  readonly onDecision?: DecisionListener;
}

/**
 * A limit that remembers why it last moved. The enforcement layer reads
 * `lastDecision` after each `update()` / `observe()` (or passes
 * `onDecision`) and turns it into a `decision` event.
 */
export interface ReportingLimit extends Limit {
  /** The latest change of the limit; `undefined` until it first moves. */
  readonly lastDecision: Decision | undefined;
}

/** A {@link ResourceAwareLimit} that remembers why it last moved. */
export interface ReportingResourceAwareLimit extends ResourceAwareLimit {
  /** The latest change of the limit; `undefined` until it first moves. */
  readonly lastDecision: Decision | undefined;
}
