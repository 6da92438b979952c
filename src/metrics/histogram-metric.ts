import { describe } from "../config/config-error.ts";
import type { MetricFamily, MetricSample } from "./family.ts";
import { Histogram } from "./histogram.ts";
import { checkDefinition } from "./names.ts";
import { type Labels, Series } from "./series.ts";

/**
 * A summary of durations in milliseconds: how many, their sum, and the
 * 50th, 95th and 99th percentiles and the largest, where known.
 */
export interface SummaryValue {
  /** Durations recorded. */
  readonly count: number;
  /** Their sum, in ms. */
  readonly sum: number;
  /** The median, in ms. */
  readonly p50?: number | undefined;
  /** The 95th percentile, in ms. */
  readonly p95?: number | undefined;
  /** The 99th percentile, in ms. */
  readonly p99?: number | undefined;
  /** The largest duration, in ms. */
  readonly max?: number | undefined;
}

/** Recorded here, or mirrored from a component that keeps its own histogram. */
type Entry = { readonly kind: "recorded"; readonly histogram: Histogram } | {
  readonly kind: "mirrored";
  readonly summary: SummaryValue;
};

const QUANTILES = ["p50", "p95", "p99", "max"] as const;

function recordedSummary(histogram: Histogram): SummaryValue {
  if (histogram.count === 0) return { count: 0, sum: 0 };
  const { p50, p95, p99, max } = histogram.snapshot();
  return { count: histogram.count, sum: histogram.sum, p50, p95, p99, max };
}

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** What is wrong with `value` as a {@link SummaryValue}, naming the field; `undefined` if nothing. */
function summaryProblem(value: SummaryValue): string | undefined {
  if (typeof value !== "object" || value === null) {
    return `received ${describe(value)}, expected { count, sum, p50?, p95?, p99?, max? } in ms`;
  }
  if (!Number.isInteger(value.count) || !(value.count >= 0)) {
    return `\`count\` received ${describe(value.count)}, expected a whole number >= 0`;
  }
  if (!finite(value.sum)) {
    return `\`sum\` received ${describe(value.sum)}, expected a finite number of ms >= 0`;
  }
  const bad = QUANTILES.find((q) => value[q] !== undefined && !finite(value[q]));
  if (bad === undefined) return undefined;
  return `\`${bad}\` received ${
    describe(value[bad])
  }, expected a finite number of ms >= 0 or undefined`;
}

/**
 * Durations of one kind (task run time, wait for a permit), recorded in
 * milliseconds into a log-linear {@link Histogram} per label set and exposed
 * as a Prometheus `summary`: the 0.5, 0.95 and 0.99 quantiles plus exact
 * `_sum` and `_count`. Create one with `MetricsRegistry.histogram()`.
 *
 * A name ending in `_seconds` (the Prometheus convention, which `promtool`
 * checks for) is exposed in seconds: the milliseconds recorded are divided
 * by 1000 in `prometheus()` and `snapshot()`. Any other name is exposed in
 * the milliseconds recorded. `get()` always answers in milliseconds.
 *
 * @example Time requests
 * ```ts
 * import { MetricsRegistry } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const registry = new MetricsRegistry();
 * const latency = registry.histogram("request_seconds", "Request time.", ["route"]);
 * for (const ms of [10, 20, 30]) latency.observe(ms, { route: "/" });
 * assert.equal(latency.get({ route: "/" })?.count, 3);
 * assert.match(registry.prometheus(), /^headroom_request_seconds_sum\{route="\/"\} 0\.06$/m);
 * ```
 */
export class HistogramMetric {
  /** The full name, prefix included. */
  readonly name: string;
  /** The help text, exposed as `# HELP`. */
  readonly help: string;
  /** The label names every label set must give, in order; empty for none. */
  readonly labelNames: readonly string[];
  /** The Prometheus type: always `summary` (quantiles plus `_sum` and `_count`). */
  readonly type: "summary" = "summary";
  readonly #series: Series<Entry>;
  readonly #divisor: number;

  /**
   * Checks the name and label names (throws `ConfigError`; `quantile` is
   * reserved); registries call this for you.
   */
  constructor(name: string, help: string, labelNames?: readonly string[]) {
    this.labelNames = checkDefinition(name, help, labelNames, ["quantile"]);
    this.name = name;
    this.help = help;
    this.#series = new Series(name, this.labelNames);
    this.#divisor = name.endsWith("_seconds") ? 1000 : 1;
  }

  /**
   * Records one duration in ms for `labels`; negative and non-finite values
   * are ignored, as {@link Histogram.record} does. Throws a `TypeError` when
   * a collector `set()` this label set.
   */
  observe(ms: number, labels?: Labels): void {
    const entry = this.#series.upsert(labels, "observe", () => ({
      kind: "recorded",
      histogram: new Histogram(),
    }));
    if (entry.value.kind !== "recorded") {
      throw new TypeError(
        `Cannot observe into ${this.name}: a collector sets this label set with set()`,
      );
    }
    entry.value.histogram.record(ms);
  }

  /**
   * Sets the summary of `labels`, in ms: for collectors mirroring a
   * histogram a component keeps itself (such as `WorkerPool.stats().runTime`),
   * read at scrape time. Quantiles left out are not exposed. Throws a
   * `RangeError` for a count that is not a whole number >= 0 or a figure
   * that is negative or not finite, and a `TypeError` when `observe()`
   * records this label set (its values would be lost).
   */
  set(value: SummaryValue, labels?: Labels): void {
    const problem = summaryProblem(value);
    if (problem !== undefined) throw new RangeError(`Cannot set ${this.name}: ${problem}`);
    const summary: SummaryValue = { ...value };
    const entry = this.#series.upsert(labels, "set", () => ({ kind: "mirrored", summary }));
    if (entry.value.kind === "recorded") {
      throw new TypeError(
        `Cannot set ${this.name}: observe() records this label set; set() would lose its values`,
      );
    }
    entry.value = { kind: "mirrored", summary };
  }

  /** The summary of `labels` in ms; `undefined` until it holds a value. */
  get(labels?: Labels): SummaryValue | undefined {
    const entry = this.#series.find(labels, "read")?.value;
    if (entry === undefined) return undefined;
    return entry.kind === "recorded" ? recordedSummary(entry.histogram) : entry.summary;
  }

  /** Drops the series of `labels`; returns whether it existed. */
  remove(labels?: Labels): boolean {
    return this.#series.delete(labels, "remove a series of");
  }

  /** The summary's samples now, in the exposed unit, sorted by label values. */
  family(): MetricFamily {
    const d = this.#divisor;
    const samples = this.#series.sorted().map(({ labels, value }): MetricSample => {
      const s = value.kind === "recorded" ? recordedSummary(value.histogram) : value.summary;
      const sample: { -readonly [K in keyof MetricSample]: MetricSample[K] } = {
        labels,
        count: s.count,
        sum: s.sum / d,
      };
      if (s.count > 0) {
        for (const q of QUANTILES) {
          const figure = s[q];
          if (figure !== undefined) sample[q] = figure / d;
        }
      }
      return sample;
    });
    return { name: this.name, help: this.help, type: this.type, samples };
  }
}
