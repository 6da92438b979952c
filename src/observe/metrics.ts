/**
 * The metrics an Observatory publishes, refreshed from the components'
 * `stats()` each time the registry is scraped.
 *
 * @module
 */

import { CircuitBreaker } from "../control/brake/circuit-breaker.ts";
import { CIRCUIT_STATES } from "../control/brake/circuit-open-error.ts";
import type { Counter } from "../metrics/counter.ts";
import type { Gauge } from "../metrics/gauge.ts";
import type { HistogramMetric, SummaryValue } from "../metrics/histogram-metric.ts";
import type { WindowedSnapshot } from "../metrics/windowed-histogram.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import type { Labels } from "../metrics/series.ts";
import { PRESSURE_LEVELS } from "../monitor/thresholds.ts";
import type { RegistryShare } from "./claims.ts";
import { componentEntries, componentId } from "./entries.ts";
import type { Components } from "./types.ts";

/** Published metrics, without the registry's prefix, for reference in docs and dashboards. */
export const OBSERVED_METRICS: readonly string[] = Object.freeze([
  "pool_workers",
  "pool_queue_depth",
  "pool_running",
  "pool_tasks_total",
  "pool_stolen_total",
  "pool_run_seconds",
  "pool_wait_seconds",
  "pool_load_factor",
  "limiter_limit",
  "limiter_inflight",
  "limiter_waiting",
  "limiter_permits_total",
  "limiter_wait_seconds",
  "batch_size",
  "batch_adjustments_total",
  "brake_engaged",
  "brake_engagements_total",
  "breaker_state",
  "monitor_cpu_percent",
  "monitor_memory_percent",
  "monitor_pressure_level",
  "monitor_effective_cpus",
  "decisions_total",
]);

type Series = Counter | Gauge | HistogramMetric;

/** Every task's count and sum; quantiles and max of the recent ones, left out if there were none. */
function summary(s: WindowedSnapshot): SummaryValue {
  return s.windowCount === 0
    ? { count: s.count, sum: s.sum }
    : { count: s.count, sum: s.sum, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max };
}

/** The metrics of one observatory: `refresh()` runs as its collector, `forget()` on close. */
export interface ObservedMetrics {
  /**
   * Counts `decision` of `component` in `decisions_total` each time it is
   * recorded, unless another observatory on the registry counted it already.
   */
  countDecision(component: string, decision: object): void;
  /** Reads every component's figures into the metrics. */
  refresh(): void;
  /**
   * Lets go of the registry: removes every series of the components no
   * other open observatory publishes there, so nothing stale is left.
   */
  forget(): void;
}

/** Registers the metrics of `components` in `registry`, shared as `share` says. */
export function observedMetrics(
  registry: MetricsRegistry,
  components: Components,
  share: RegistryShare,
): ObservedMetrics {
  const r = registry;
  const m = {
    poolWorkers: r.gauge(
      "pool_workers",
      "Workers of a WorkerPool: live (started and taking tasks), retiring (finishing their tasks after resize() lowered max), and its min and max bounds.",
      ["pool", "state"],
    ),
    poolQueueDepth: r.gauge(
      "pool_queue_depth",
      "Tasks waiting in the pool itself, which maxQueue bounds.",
      ["pool"],
    ),
    poolRunning: r.gauge("pool_running", "Tasks a worker is running.", ["pool"]),
    poolTasks: r.counter(
      "pool_tasks_total",
      "Tasks settled, by outcome: completed, failed (the handler threw), cancelled, crashed (lost with their worker), closed (by a forced close).",
      ["pool", "outcome"],
    ),
    poolStolen: r.counter(
      "pool_stolen_total",
      "Tasks a worker took from another worker's backlog before they started.",
      ["pool"],
    ),
    poolRun: r.histogram(
      "pool_run_seconds",
      "Time in the task handler, measured in the worker.",
      ["pool"],
    ),
    poolWait: r.histogram(
      "pool_wait_seconds",
      "From run() to the result, minus the run time (queueing and transport): count and sum over every task, quantiles over the last minute.",
      ["pool"],
    ),
    poolLoad: r.gauge(
      "pool_load_factor",
      "(running + queued) / maxWorkers: 1 means every worker busy and nothing waiting.",
      ["pool"],
    ),
    limiterLimit: r.gauge("limiter_limit", "Permits an AdaptiveLimiter allows at once.", [
      "limiter",
    ]),
    limiterInflight: r.gauge("limiter_inflight", "Permits out now.", ["limiter"]),
    limiterWaiting: r.gauge("limiter_waiting", "Calls waiting for a permit.", ["limiter"]),
    limiterPermits: r.counter(
      "limiter_permits_total",
      "Permit requests by outcome: ok, dropped and ignored (released so), rejected (refused at once), timed_out and aborted (gave up waiting).",
      ["limiter", "outcome"],
    ),
    limiterWait: r.histogram(
      "limiter_wait_seconds",
      "Wait for a permit: count and sum over every permit, the 0.99 quantile over the last 1024.",
      ["limiter"],
    ),
    batchSize: r.gauge(
      "batch_size",
      "Items in the next batch of an operation of a DynamicBatchSizer.",
      ["sizer", "operation"],
    ),
    batchAdjustments: r.counter(
      "batch_adjustments_total",
      "Batch size changes across a sizer's operations, probes included.",
      ["sizer"],
    ),
    brakeEngaged: r.gauge(
      "brake_engaged",
      "1 while an EmergencyBrake is engaged (work should pause), else 0.",
      ["brake"],
    ),
    brakeEngagements: r.counter(
      "brake_engagements_total",
      "Times an EmergencyBrake engaged.",
      ["brake"],
    ),
    breakerState: r.gauge(
      "breaker_state",
      "1 for the state a CircuitBreaker is in (closed, half-open, open), 0 for the others.",
      ["breaker", "state"],
    ),
    cpuPercent: r.gauge(
      "monitor_cpu_percent",
      "CPU use over the last sample interval, % of the effective CPUs.",
    ),
    memoryPercent: r.gauge(
      "monitor_memory_percent",
      "Memory in use, % of the container limit (else host RAM).",
    ),
    pressureLevel: r.gauge(
      "monitor_pressure_level",
      "Pressure level: 0 none, 1 moderate, 2 high, 3 critical.",
    ),
    effectiveCpus: r.gauge(
      "monitor_effective_cpus",
      "Whole CPUs to plan for: affinity, cpuset and cgroup quota respected.",
    ),
    decisions: r.counter(
      "decisions_total",
      "Decisions components made (limit, batch size, brake or breaker changes).",
      ["component"],
    ),
  };

  /** Notes a series of `id` (a component, or `decisions:<component>`) in the shared claim. */
  const wrote = (id: string, metric: Series, labels?: Labels): void => {
    share.wrote(id, metric, labels);
  };
  const setGauge = (
    id: string,
    gauge: Gauge,
    value: number | undefined,
    labels?: Labels,
  ): void => {
    if (value === undefined) gauge.remove(labels);
    else gauge.set(value, labels);
    wrote(id, gauge, labels);
  };
  const setCounter = (id: string, counter: Counter, value: number, labels: Labels): void => {
    counter.set(value, labels);
    wrote(id, counter, labels);
  };
  const setSummary = (
    id: string,
    metric: HistogramMetric,
    value: SummaryValue,
    labels: Labels,
  ): void => {
    metric.set(value, labels);
    wrote(id, metric, labels);
  };

  // Each component's decisions_total is held apart from its other series: an observatory
  // that only record()s decisions of a component keeps that count, not figures it never refreshes.
  for (const component of componentEntries(components).map(componentId)) {
    share.hold(`decisions:${component}`);
    m.decisions.inc({ component }, 0);
    wrote(`decisions:${component}`, m.decisions, { component });
  }

  /** Operations each sizer reported last time, to drop the gauges of unregistered ones. */
  const operations = new Map<string, Set<string>>();

  const refresh = (): void => {
    for (const [pool, p] of Object.entries(components.pools ?? {})) {
      const id = `pool:${pool}`;
      const s = p.stats();
      setGauge(id, m.poolWorkers, s.workers.live, { pool, state: "live" });
      setGauge(id, m.poolWorkers, s.workers.retiring, { pool, state: "retiring" });
      setGauge(id, m.poolWorkers, s.workers.min, { pool, state: "min" });
      setGauge(id, m.poolWorkers, s.workers.max, { pool, state: "max" });
      setGauge(id, m.poolQueueDepth, s.queueDepth, { pool });
      setGauge(id, m.poolRunning, s.running, { pool });
      setCounter(id, m.poolTasks, s.completed, { pool, outcome: "completed" });
      setCounter(id, m.poolTasks, s.failed, { pool, outcome: "failed" });
      setCounter(id, m.poolTasks, s.cancelled, { pool, outcome: "cancelled" });
      setCounter(id, m.poolTasks, s.crashed, { pool, outcome: "crashed" });
      setCounter(id, m.poolTasks, s.closed, { pool, outcome: "closed" });
      setCounter(id, m.poolStolen, s.stolen, { pool });
      setSummary(id, m.poolRun, summary(s.runTime), { pool });
      setSummary(id, m.poolWait, summary(s.waitTime), { pool });
      setGauge(id, m.poolLoad, s.loadFactor, { pool });
    }
    for (const [limiter, l] of Object.entries(components.limiters ?? {})) {
      const id = `limiter:${limiter}`;
      const s = l.stats();
      setGauge(id, m.limiterLimit, s.limit, { limiter });
      setGauge(id, m.limiterInflight, s.inflight, { limiter });
      setGauge(id, m.limiterWaiting, s.waiting, { limiter });
      const outcomes = {
        ok: s.ok,
        dropped: s.dropped,
        ignored: s.ignored,
        rejected: s.rejected,
        timed_out: s.timedOut,
        aborted: s.aborted,
      };
      for (const [outcome, value] of Object.entries(outcomes)) {
        setCounter(id, m.limiterPermits, value, { limiter, outcome });
      }
      const wait: SummaryValue = s.acquired === 0
        ? { count: 0, sum: 0 }
        : { count: s.acquired, sum: s.totalWaitMs, p99: s.p99WaitMs };
      setSummary(id, m.limiterWait, wait, { limiter });
    }
    for (const [sizer, b] of Object.entries(components.batchSizers ?? {})) {
      const id = `batchSizer:${sizer}`;
      const s = b.statistics();
      const now = new Set(Object.keys(s.sizes));
      for (const operation of operations.get(sizer) ?? []) {
        if (!now.has(operation)) setGauge(id, m.batchSize, undefined, { sizer, operation });
      }
      operations.set(sizer, now);
      for (const [operation, size] of Object.entries(s.sizes)) {
        setGauge(id, m.batchSize, size, { sizer, operation });
      }
      setCounter(id, m.batchAdjustments, s.totalAdjustments, { sizer });
    }
    for (const [name, b] of Object.entries(components.brakes ?? {})) {
      if (b instanceof CircuitBreaker) {
        const id = `breaker:${name}`;
        const current = b.state;
        for (const state of CIRCUIT_STATES) {
          setGauge(id, m.breakerState, state === current ? 1 : 0, { breaker: name, state });
        }
      } else {
        const id = `brake:${name}`;
        setGauge(id, m.brakeEngaged, b.engaged ? 1 : 0, { brake: name });
        setCounter(id, m.brakeEngagements, b.engagements, { brake: name });
      }
    }
    const monitor = components.monitor;
    if (monitor !== undefined) {
      const id = "monitor";
      const sample = monitor.latest;
      setGauge(id, m.cpuPercent, sample?.cpuPercent);
      setGauge(id, m.memoryPercent, sample?.memoryPercent);
      setGauge(id, m.effectiveCpus, sample?.cpus);
      setGauge(id, m.pressureLevel, PRESSURE_LEVELS.indexOf(monitor.level));
    }
  };

  const countDecision = (component: string, decision: object): void => {
    share.hold(`decisions:${component}`);
    if (share.counts(decision, component)) m.decisions.inc({ component });
    wrote(`decisions:${component}`, m.decisions, { component });
  };

  return { countDecision, refresh, forget: share.release };
}
