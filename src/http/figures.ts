/**
 * The compact figures the dashboard charts: one small object per `tick`
 * event, read from the components' `stats()`.
 *
 * @module
 */

import { CircuitBreaker } from "../control/brake/circuit-breaker.ts";
import type { Components } from "../observe/mod.ts";

/** One limiter's figures in a {@link Figures} tick. */
export interface LimiterFigures {
  readonly mode: "adaptive" | "static";
  readonly limit: number;
  readonly inflight: number;
  readonly waiting: number;
  readonly meanWaitMs: number;
  readonly p99WaitMs: number;
  readonly rejected: number;
}

/** One pool's figures in a {@link Figures} tick. */
export interface PoolFigures {
  readonly queueDepth: number;
  readonly running: number;
  readonly live: number;
  readonly min: number;
  readonly max: number;
  /** Run time percentiles in ms, measured in the workers. */
  readonly runP50: number;
  readonly runP99: number;
  /** Wait (queueing and transport) percentiles in ms. */
  readonly waitP50: number;
  readonly waitP99: number;
  readonly loadFactor: number;
  readonly completed: number;
}

/** One brake's or circuit breaker's figures in a {@link Figures} tick. */
export interface BrakeFigures {
  readonly kind: "brake" | "breaker";
  /** Whether it stops work now: brake engaged, or circuit open. */
  readonly engaged: boolean;
  /** `engaged`/`released` for a brake, the circuit state for a breaker. */
  readonly state: string;
}

/** A compact snapshot of every component, as sent in `tick` events. */
export interface Figures {
  /** Epoch milliseconds when the figures were read. */
  readonly time: number;
  /** The monitor's pressure level; `undefined` without a monitor. */
  readonly level: string | undefined;
  readonly limiters: Readonly<Record<string, LimiterFigures>>;
  readonly pools: Readonly<Record<string, PoolFigures>>;
  /** Batch sizes per sizer, per operation. */
  readonly batch: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly brakes: Readonly<Record<string, BrakeFigures>>;
}

/** Reads the compact figures of `components` now; `time` is epoch ms. */
export function readFigures(components: Components, time: number): Figures {
  const limiters: Record<string, LimiterFigures> = {};
  for (const [name, limiter] of Object.entries(components.limiters ?? {})) {
    const s = limiter.stats();
    limiters[name] = {
      mode: limiter.mode,
      limit: s.limit,
      inflight: s.inflight,
      waiting: s.waiting,
      meanWaitMs: s.meanWaitMs,
      p99WaitMs: s.p99WaitMs,
      rejected: s.rejected,
    };
  }
  const pools: Record<string, PoolFigures> = {};
  for (const [name, pool] of Object.entries(components.pools ?? {})) {
    const s = pool.stats();
    pools[name] = {
      queueDepth: s.queueDepth,
      running: s.running,
      live: s.workers.live,
      min: s.workers.min,
      max: s.workers.max,
      runP50: s.runTime.p50,
      runP99: s.runTime.p99,
      waitP50: s.waitTime.p50,
      waitP99: s.waitTime.p99,
      loadFactor: s.loadFactor,
      completed: s.completed,
    };
  }
  const batch: Record<string, Record<string, number>> = {};
  for (const [name, sizer] of Object.entries(components.batchSizers ?? {})) {
    batch[name] = { ...sizer.statistics().sizes };
  }
  const brakes: Record<string, BrakeFigures> = {};
  for (const [name, brake] of Object.entries(components.brakes ?? {})) {
    brakes[name] = brake instanceof CircuitBreaker
      ? { kind: "breaker", engaged: brake.state === "open", state: brake.state }
      : {
        kind: "brake",
        engaged: brake.engaged,
        state: brake.engaged ? "engaged" : "released",
      };
  }
  return { time, level: components.monitor?.level, limiters, pools, batch, brakes };
}
