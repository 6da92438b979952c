/**
 * What a metric reports when read: the shapes of `MetricsRegistry.snapshot()`.
 *
 * @module
 */

import type { Labels } from "./series.ts";

/** How a metric is exposed: `counter` and `gauge` as values, `summary` as quantiles plus sum and count. */
export type MetricType = "counter" | "gauge" | "summary";

/**
 * One label set of a metric. Counters and gauges carry `value`; summaries
 * carry `count` and `sum`, and `p50`, `p95`, `p99` and `max` once they hold
 * at least one value (a collector may report fewer quantiles).
 */
export interface MetricSample {
  readonly labels: Labels;
  readonly value?: number;
  readonly count?: number;
  readonly sum?: number;
  readonly p50?: number;
  readonly p95?: number;
  readonly p99?: number;
  readonly max?: number;
}

/** A metric's name (prefix included), help text, type and samples. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** Sorted by label values; empty until a label set gets a value. */
  readonly samples: readonly MetricSample[];
}

/** Every metric of a registry, sorted by name, as JSON-ready data. */
export interface MetricsSnapshot {
  readonly metrics: readonly MetricFamily[];
}
