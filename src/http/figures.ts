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
  /** `static` while `setStatic()` pins the limit, else `adaptive`. */
  readonly mode: "adaptive" | "static";
  /** Permits that may be out at once. */
  readonly limit: number;
  /** Permits out now. */
  readonly inflight: number;
  /** Calls waiting for a permit. */
  readonly waiting: number;
  /** Mean wait for a permit over every acquired permit, in ms. */
  readonly meanWaitMs: number;
  /** 99th percentile wait over the last 1024 acquired permits, in ms. */
  readonly p99WaitMs: number;
  /** Calls refused at once so far: queue full, or `tryAcquire()` with no permit free. */
  readonly rejected: number;
}

/** One pool's figures in a {@link Figures} tick. */
export interface PoolFigures {
  /** Tasks waiting in the pool itself: what `maxQueue` bounds. */
  readonly queueDepth: number;
  /** Tasks a worker is running. */
  readonly running: number;
  /** Workers that answered and take tasks. */
  readonly live: number;
  /** Workers kept alive when idle: `minWorkers`, or as last set by `resize()`. */
  readonly min: number;
  /** Most workers at once: `maxWorkers`, or as last set by `resize()`. */
  readonly max: number;
  /**
   * Median run time in ms, measured in the workers, of the tasks that
   * finished in the last minute; `null` if none did.
   */
  readonly runP50: number | null;
  /** 99th percentile run time in ms, over the same tasks; `null` if none. */
  readonly runP99: number | null;
  /** Median wait (queueing and transport) in ms, over the same tasks; `null` if none. */
  readonly waitP50: number | null;
  /** 99th percentile wait in ms, over the same tasks; `null` if none. */
  readonly waitP99: number | null;
  /** (running + queued) / maxWorkers: 1 means every worker busy and nothing waiting. */
  readonly loadFactor: number;
  /** Tasks that returned a result so far. */
  readonly completed: number;
}

/** One brake's or circuit breaker's figures in a {@link Figures} tick. */
export interface BrakeFigures {
  /** `brake` for an emergency brake, `breaker` for a circuit breaker. */
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
  /** Each limiter's figures, by name. */
  readonly limiters: Readonly<Record<string, LimiterFigures>>;
  /** Each pool's figures, by name. */
  readonly pools: Readonly<Record<string, PoolFigures>>;
  /** Batch sizes per sizer, per operation. */
  readonly batch: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Each brake's and circuit breaker's figures, by name. */
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
    const recent = s.runTime.windowCount > 0;
    pools[name] = {
      queueDepth: s.queueDepth,
      running: s.running,
      live: s.workers.live,
      min: s.workers.min,
      max: s.workers.max,
      runP50: recent ? s.runTime.p50 : null,
      runP99: recent ? s.runTime.p99 : null,
      waitP50: recent ? s.waitTime.p50 : null,
      waitP99: recent ? s.waitTime.p99 : null,
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
