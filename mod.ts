/**
 * headroom decides how much work to run at once from measurements of the
 * machine it runs on: container-aware CPU and memory limits, Linux pressure,
 * event-loop delay.
 *
 * @example Read the machine
 * ```ts
 * import { createRuntimeAdapter } from "@headroom/headroom";
 *
 * const adapter = createRuntimeAdapter();
 * console.log(adapter.cpu().effective, adapter.memory().limit);
 * ```
 *
 * @module
 */
export * from "./src/runtime/mod.ts";
export { ConfigError, type ConfigIssue } from "./src/config/config-error.ts";
export * from "./src/monitor/mod.ts";
export { Histogram, type HistogramSnapshot } from "./src/metrics/histogram.ts";
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
} from "./src/metrics/registry.ts";
export {
  escapeHelp,
  escapeLabelValue,
  formatValue,
  renderPrometheus,
} from "./src/metrics/prometheus.ts";
export * from "./src/pool/mod.ts";
export * from "./src/control/mod.ts";
export * from "./src/observe/mod.ts";
export { type Clock, systemClock } from "./src/internal/clock.ts";
