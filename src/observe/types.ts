/**
 * The shapes the observe layer reads and reports.
 *
 * @module
 */

import type { DynamicBatchSizer } from "../control/batch/dynamic-batch-sizer.ts";
import type { CircuitBreaker } from "../control/brake/circuit-breaker.ts";
import type { EmergencyBrake } from "../control/brake/emergency-brake.ts";
import type { AdaptiveLimiter } from "../control/limiter/adaptive-limiter.ts";
import type { Decision } from "../control/types.ts";
import type { Clock } from "../internal/clock.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import type { ResourceMonitor } from "../monitor/resource-monitor.ts";
import type { ResourceSample } from "../monitor/sample.ts";
import type { WorkerPool } from "../pool/pool.ts";

/** The components an {@link Observatory} watches, each kind by name. */
export interface Components {
  /** The monitor whose samples, pressure level and machine figures are reported. */
  readonly monitor?: ResourceMonitor;
  /** Worker pools, by name (`pool:<name>` in decision records). */
  readonly pools?: Readonly<Record<string, WorkerPool>>;
  /** Adaptive limiters, by name (`limiter:<name>` in decision records). */
  readonly limiters?: Readonly<Record<string, AdaptiveLimiter>>;
  /** Dynamic batch sizers, by name (`batchSizer:<name>` in decision records). */
  readonly batchSizers?: Readonly<Record<string, DynamicBatchSizer>>;
  /** Emergency brakes and circuit breakers, in one namespace. */
  readonly brakes?: Readonly<Record<string, EmergencyBrake | CircuitBreaker>>;
}

/** Options of {@link observe}: the components, and where their metrics and decisions go. */
export interface ObserveOptions extends Components {
  /**
   * Where the metrics are published. Open observatories may share one: a
   * component watched by several is published once (each decision counted
   * once) and its series stay until the last of them closes. Another
   * component under a name one of them publishes is a `ConfigError`.
   * @default {a new MetricsRegistry()}
   */
  readonly registry?: MetricsRegistry;
  /** Decisions kept for `decisions()` and `status()`, newest last; 0 keeps none. @default {200} */
  readonly keepDecisions?: number;
  /**
   * Epoch milliseconds, stamped on decision records (`at`) and on `status()`
   * (`time`). Tests pass `() => t`. @default {Date.now}
   */
  readonly clock?: Clock;
}

/** A component's decision as the {@link Observatory} recorded it. */
export interface DecisionRecord extends Decision {
  /** The component by kind and name as given to `observe()`, for example `limiter:db`. */
  readonly component: string;
  /** When the observatory heard of it, in epoch ms (its `clock`). */
  readonly at: number;
}

/** What kind of component a {@link ComponentStatus} describes. */
export type ComponentKind = "pool" | "limiter" | "batchSizer" | "brake" | "breaker";

/** One component's state in a {@link Status}. */
export interface ComponentStatus {
  /** What kind of component it is. */
  readonly kind: ComponentKind;
  /** Its name as given to `observe()`. */
  readonly name: string;
  /**
   * Its figures as plain data: a pool's `stats()`; a limiter's `stats()` with
   * `mode` and `partitions`; a sizer's `statistics()` with each operation's
   * `stats()` under `details`; a brake's `engaged`, `consecutive` and
   * `engagements`; a breaker's `stats()` with `remainingMs`.
   */
  readonly state: unknown;
}

/** The machine as the monitor last saw it. */
export interface MachineStatus {
  /** The runtime this process runs on: `node`, `deno`, `bun`, … */
  readonly runtime: string;
  /** Effective CPUs, quota, CPU %, load average and throttling; `undefined` before the first sample. */
  readonly cpu: unknown;
  /** Memory in use, its limit and their sources, memory %; `undefined` before the first sample. */
  readonly memory: unknown;
  /** Figures the monitor could not read, and why. */
  readonly degraded: readonly string[];
}

/** Whether the process should take more work: not while a guard stops it. */
export interface Readiness {
  /** `true` when nothing stops new work (`reasons` is empty). */
  readonly ok: boolean;
  /** Why not, one sentence per reason; empty when `ok`. */
  readonly reasons: readonly string[];
}

/** Everything the {@link Observatory} knows, as JSON-ready data. */
export interface Status {
  /** When it was read, in epoch ms. */
  readonly time: number;
  /** `undefined` without a monitor. */
  readonly machine: MachineStatus | undefined;
  /** The monitor's latest sample; `undefined` without a monitor or before its first sample. */
  readonly sample: ResourceSample | undefined;
  /** The monitor's pressure level; `undefined` without a monitor. */
  readonly level: string | undefined;
  /**
   * Not ok while an emergency brake is engaged, a circuit breaker is open
   * or the monitor's pressure level is `critical`.
   */
  readonly ready: Readiness;
  /** Each component's state: pools, limiters, batch sizers, then brakes and breakers. */
  readonly components: readonly ComponentStatus[];
  /** The decisions kept, newest last. */
  readonly decisions: readonly DecisionRecord[];
}
