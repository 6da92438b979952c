/**
 * Metrics: a log-linear histogram, counters, gauges and summaries in a
 * registry, exposed as Prometheus text (format 0.0.4) or JSON.
 *
 * @module
 */

export { Histogram, type HistogramSnapshot } from "./histogram.ts";
export type { WindowedSnapshot } from "./windowed-histogram.ts";
export {
  Counter,
  Gauge,
  HistogramMetric,
  type Labels,
  type MetricFamily,
  type MetricSample,
  MetricsRegistry,
  type MetricsRegistryOptions,
  type MetricsSnapshot,
  type MetricType,
  PROMETHEUS_CONTENT_TYPE,
  type SummaryValue,
} from "./registry.ts";
export { escapeHelp, escapeLabelValue, formatValue, renderPrometheus } from "./prometheus.ts";
