/**
 * The observe layer: one {@link Observatory} watches a monitor, pools,
 * limiters, batch sizers, brakes and breakers, publishes their figures as
 * metrics, keeps their decisions and reports their status.
 *
 * @module
 */

import { Observatory } from "./observatory.ts";
import type { ObserveOptions } from "./types.ts";

export { Observatory, type ObservatoryEventMap } from "./observatory.ts";
export { OBSERVED_METRICS } from "./metrics.ts";
export { DEFAULT_KEEP_DECISIONS } from "./options.ts";
export type {
  ComponentKind,
  Components,
  ComponentStatus,
  DecisionRecord,
  MachineStatus,
  ObserveOptions,
  Readiness,
  Status,
} from "./types.ts";

/**
 * Watches `options`' components: their figures become metrics in
 * `options.registry` (a new {@link MetricsRegistry} by default, refreshed
 * from their `stats()` at every scrape), their decisions are kept (the last
 * `keepDecisions`, 200 by default), counted and re-dispatched as `decision`
 * events, the monitor's samples are forwarded as `sample` events, and
 * `status()` reports the machine, readiness and every component's state.
 * Throws a `ConfigError` naming each bad option, for example a pool that is
 * not a `WorkerPool`.
 *
 * @example Metrics and readiness of a limiter and a breaker
 * ```ts
 * import { AdaptiveLimiter, CircuitBreaker, observe } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const limiter = new AdaptiveLimiter({ limit: 4, name: "db" });
 * const breaker = new CircuitBreaker({ minCalls: 1, failureRatio: 1 });
 * using observatory = observe({ limiters: { db: limiter }, brakes: { db: breaker } });
 *
 * await limiter.run(() => "row");
 * assert.match(
 *   observatory.registry.prometheus(),
 *   /^headroom_limiter_permits_total\{limiter="db",outcome="ok"\} 1$/m,
 * );
 *
 * await breaker.run(() => Promise.reject(new Error("down"))).catch(() => {});
 * const status = observatory.status();
 * assert.equal(status.ready.ok, false);
 * assert.match(status.ready.reasons[0]!, /breaker "db" is open/);
 * assert.equal(observatory.decisions().at(-1)?.component, "breaker:db");
 * breaker[Symbol.dispose]();
 * ```
 */
export function observe(options: ObserveOptions): Observatory {
  return new Observatory(options);
}
