/**
 * MetricsRegistry: counters, gauges and summaries, exposed as Prometheus
 * text or as JSON.
 *
 * @module
 */

import * as v from "valibot";
import { custom } from "../config/custom.ts";
import { parseOptions } from "../config/parse.ts";
import { Counter } from "./counter.ts";
import type { MetricFamily, MetricsSnapshot, MetricType } from "./family.ts";
import { Gauge } from "./gauge.ts";
import { HistogramMetric } from "./histogram-metric.ts";
import { invalid, isMetricName, METRIC_NAME_RULE } from "./names.ts";
import { renderPrometheus } from "./prometheus.ts";

export { Counter } from "./counter.ts";
export { Gauge } from "./gauge.ts";
export { HistogramMetric, type SummaryValue } from "./histogram-metric.ts";
export type { MetricFamily, MetricSample, MetricsSnapshot, MetricType } from "./family.ts";
export { PROMETHEUS_CONTENT_TYPE } from "./prometheus.ts";
export type { Labels } from "./series.ts";

/** Options of a {@link MetricsRegistry}. */
export interface MetricsRegistryOptions {
  /**
   * Put before every metric name; `""` for none. Must itself be a valid
   * start of a metric name. @default {"headroom_"}
   */
  readonly prefix?: string;
}

type Metric = Counter | Gauge | HistogramMetric;

const schema = v.strictObject({
  prefix: v.optional(
    custom<string>(
      (input) => input === "" || isMetricName(input),
      `"" or the start of ${METRIC_NAME_RULE}`,
    ),
    "headroom_",
  ),
});

/** The names a metric's lines use: a summary also writes `_sum` and `_count` lines. */
function lineNames(name: string, type: MetricType): string[] {
  return type === "summary" ? [name, `${name}_sum`, `${name}_count`] : [name];
}

function sameLabels(a: readonly string[], b: readonly string[] | undefined): boolean {
  const other = b ?? [];
  return a.length === other.length && a.every((name, i) => name === other[i]);
}

/**
 * Holds a process's metrics and renders them for a scrape. Collectors
 * registered with {@link MetricsRegistry.collect} run before every
 * `prometheus()` and `snapshot()`, so gauges read from components' `stats()`
 * are as fresh as the scrape. Families come out sorted by name and samples
 * by label values, so two scrapes of the same state are byte-identical.
 *
 * @example Expose a counter and a gauge
 * ```ts
 * import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const registry = new MetricsRegistry();
 * const served = registry.counter("requests_total", "Requests served.", ["code"]);
 * const queue = registry.gauge("queue_depth", "Jobs waiting.");
 * const jobs: string[] = ["a", "b"];
 * registry.collect(() => queue.set(jobs.length));
 * served.inc({ code: "200" });
 *
 * const text = registry.prometheus(); // serve with Content-Type PROMETHEUS_CONTENT_TYPE
 * assert.match(text, /^headroom_queue_depth 2$/m);
 * assert.match(text, /^headroom_requests_total\{code="200"\} 1$/m);
 * assert.equal(PROMETHEUS_CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
 * ```
 */
export class MetricsRegistry {
  /** Put before every metric name. */
  readonly prefix: string;
  readonly #metrics = new Map<string, Metric>();
  /** Every line name in use, and the metric that writes it. */
  readonly #lines = new Map<string, Metric>();
  readonly #collectors = new Set<{ readonly fn: () => void }>();

  /** Validates `options` (throws `ConfigError`) and creates an empty registry. */
  constructor(options: MetricsRegistryOptions = {}) {
    this.prefix = parseOptions(schema, options, "MetricsRegistry options").prefix;
  }

  /**
   * The counter `prefix + name`, created on first use. Asking again with the
   * same label names returns the same counter; a name already used by
   * another type or label names, or colliding with a summary's `_sum` or
   * `_count` line, throws a `ConfigError` naming the clash, as does a bad
   * metric or label name.
   */
  counter(name: string, help: string, labelNames?: readonly string[]): Counter {
    return this.#register(
      "counter",
      name,
      labelNames,
      (n) => new Counter(n, help, labelNames),
    );
  }

  /** The gauge `prefix + name`, created on first use; clashes as for {@link counter}. */
  gauge(name: string, help: string, labelNames?: readonly string[]): Gauge {
    return this.#register("gauge", name, labelNames, (n) => new Gauge(n, help, labelNames));
  }

  /**
   * The summary of durations `prefix + name`, created on first use; clashes
   * as for {@link counter}, and `quantile` may not be a label name. Name it
   * `…_seconds` to expose seconds (see {@link HistogramMetric}).
   */
  histogram(name: string, help: string, labelNames?: readonly string[]): HistogramMetric {
    return this.#register(
      "summary",
      name,
      labelNames,
      (n) => new HistogramMetric(n, help, labelNames),
    );
  }

  /**
   * Runs `fn` before every `prometheus()` and `snapshot()`, to refresh
   * metrics from components' stats. Returns a function that unregisters it.
   * When collectors throw, the others still run and the scrape then throws
   * the error (an `AggregateError` for several), rather than serve figures
   * that silently stopped moving. A collector runs synchronously: one that
   * returns a promise (an `async` function) fails the scrape with a
   * `TypeError`, as its figures would lag a scrape behind.
   */
  collect(fn: () => void): () => void {
    if (typeof fn !== "function") {
      throw new TypeError(`Cannot add a collector: expected a function, received ${typeof fn}`);
    }
    const entry = { fn };
    this.#collectors.add(entry);
    return () => {
      this.#collectors.delete(entry);
    };
  }

  /** Runs the collectors and renders every metric as Prometheus text format 0.0.4. */
  prometheus(): string {
    return renderPrometheus(this.#families());
  }

  /** Runs the collectors and returns every metric, sorted by name, as JSON-ready data. */
  snapshot(): MetricsSnapshot {
    return { metrics: this.#families() };
  }

  #families(): MetricFamily[] {
    const errors: unknown[] = [];
    for (const entry of [...this.#collectors]) {
      // One an earlier collector removed (an observatory closed mid-scrape) must not write again.
      if (!this.#collectors.has(entry)) continue;
      try {
        const result: unknown = entry.fn();
        if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
          // Its rejection is the scrape's error below, not an unhandled one that ends the process.
          Promise.resolve(result).catch(() => {});
          throw new TypeError(
            "A metric collector returned a promise: collectors must run synchronously " +
              "(read the figures kept up to date elsewhere), or their figures lag a scrape behind",
          );
        }
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) {
      throw new AggregateError(errors, `${errors.length} metric collectors failed`);
    }
    return [...this.#metrics.keys()].sort().map((name) => this.#metrics.get(name)!.family());
  }

  #register<M extends Metric>(
    type: MetricType,
    name: string,
    labelNames: readonly string[] | undefined,
    create: (fullName: string) => M,
  ): M {
    if (typeof name !== "string") throw invalid("metric", "name", name, METRIC_NAME_RULE);
    const full = this.prefix + name;
    if (!isMetricName(full)) {
      const prefixed = this.prefix === "" ? "" : ` once prefixed with "${this.prefix}"`;
      throw invalid(`metric "${full}"`, "name", name, `${METRIC_NAME_RULE}${prefixed}`);
    }
    const existing = this.#metrics.get(full);
    if (existing !== undefined) {
      // Checked here too: a string "p" would compare equal to ["p"] letter by letter.
      if (labelNames !== undefined && !Array.isArray(labelNames)) {
        throw invalid(`metric "${full}"`, "labelNames", labelNames, "an array of label names");
      }
      if (existing.type === type && sameLabels(existing.labelNames, labelNames)) {
        return existing as M;
      }
      const labels = existing.labelNames.join(", ");
      throw invalid(
        `metric "${full}"`,
        "name",
        name,
        `a name not taken: it is already a ${existing.type} with labels [${labels}]`,
      );
    }
    const metric = create(full);
    const lines = lineNames(full, type);
    for (const line of lines) {
      const owner = this.#lines.get(line);
      if (owner !== undefined) {
        throw invalid(
          `metric "${full}"`,
          "name",
          name,
          `a name whose lines do not collide: ${line} is already written by the ${owner.type} ${owner.name}`,
        );
      }
    }
    this.#metrics.set(full, metric);
    for (const line of lines) this.#lines.set(line, metric);
    return metric;
  }
}
