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
  /** Label names to values; empty for a metric without label names. */
  readonly labels: Labels;
  /** The value of a counter or gauge. */
  readonly value?: number;
  /** Summary: values recorded. */
  readonly count?: number;
  /** Summary: their sum, in the exposed unit (seconds for a `_seconds` name, else ms). */
  readonly sum?: number;
  /** Summary: the median, in the exposed unit. */
  readonly p50?: number;
  /** Summary: the 95th percentile, in the exposed unit. */
  readonly p95?: number;
  /** Summary: the 99th percentile, in the exposed unit. */
  readonly p99?: number;
  /** Summary: the largest value, in the exposed unit. */
  readonly max?: number;
}

/** A metric's name (prefix included), help text, type and samples. */
export interface MetricFamily {
  /** The full name, prefix included. */
  readonly name: string;
  /** The help text, exposed as `# HELP`. */
  readonly help: string;
  /** How the metric is exposed. */
  readonly type: MetricType;
  /** Sorted by label values; empty until a label set gets a value. */
  readonly samples: readonly MetricSample[];
}

/** Every metric of a registry, sorted by name, as JSON-ready data. */
export interface MetricsSnapshot {
  /** Every metric, sorted by name. */
  readonly metrics: readonly MetricFamily[];
}
