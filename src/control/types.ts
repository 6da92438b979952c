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
  /** Calls in flight when this one started (including itself). */
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
  ceiling(sample: ResourceSample, current: number): number;
}

/** Why a controller changed its value: emitted as a `decision` event. */
export interface Decision {
  /** Which component decided, for example `limiter:db` or `pool:hash`. */
  readonly source: string;
  readonly from: number;
  readonly to: number;
  /** A short human sentence: `rtt gradient 0.62 < 0.8: decrease`. */
  readonly reason: string;
  /** When, in ms on the component's clock. */
  readonly time: number;
}
