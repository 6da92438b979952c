import { describe } from "../config/config-error.ts";
import type { MetricFamily } from "./family.ts";
import { checkDefinition } from "./names.ts";
import { type Labels, Series } from "./series.ts";

/**
 * A count that only goes up: tasks completed, permits refused, decisions
 * made. Create one with `MetricsRegistry.counter()`; name it `…_total`, as
 * Prometheus expects. A counter without label names starts at 0; one with
 * labels has a series per label set from its first `inc()` or `set()`.
 *
 * @example Count outcomes by label
 * ```ts
 * import { MetricsRegistry } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const registry = new MetricsRegistry();
 * const jobs = registry.counter("jobs_total", "Jobs finished.", ["outcome"]);
 * jobs.inc({ outcome: "ok" });
 * jobs.inc({ outcome: "ok" }, 2);
 * assert.equal(jobs.get({ outcome: "ok" }), 3);
 * assert.match(registry.prometheus(), /^headroom_jobs_total\{outcome="ok"\} 3$/m);
 * ```
 */
export class Counter {
  /** The full name, prefix included. */
  readonly name: string;
  /** The help text, exposed as `# HELP`. */
  readonly help: string;
  /** The label names every label set must give, in order; empty for none. */
  readonly labelNames: readonly string[];
  /** The Prometheus type: always `counter`. */
  readonly type: "counter" = "counter";
  readonly #series: Series<number>;

  /** Checks the name and label names (throws `ConfigError`); registries call this for you. */
  constructor(name: string, help: string, labelNames?: readonly string[]) {
    this.labelNames = checkDefinition(name, help, labelNames, []);
    this.name = name;
    this.help = help;
    this.#series = new Series(name, this.labelNames);
    if (this.labelNames.length === 0) this.#series.upsert(undefined, "create", () => 0);
  }

  /**
   * Adds `by` (default 1) to the count of `labels`. Throws a `RangeError`
   * for a `by` that is negative or not finite, a `TypeError` for labels that
   * do not match the label names.
   */
  inc(labels?: Labels, by: number = 1): void {
    if (typeof by !== "number" || !(by >= 0) || by === Infinity) {
      throw new RangeError(
        `Cannot increment ${this.name}: \`by\` received ${
          describe(by)
        }, expected a finite number >= 0`,
      );
    }
    this.#series.upsert(labels, "increment", () => 0).value += by;
  }

  /**
   * Sets the count of `labels` to `value`: for collectors that mirror a
   * cumulative figure a component already keeps (its `stats()`), read at
   * scrape time. A value below the previous one is exposed as it is, which
   * Prometheus reads as a counter reset (the source started counting
   * afresh) and `rate()` and `increase()` handle; nothing is dropped or
   * clamped. Throws a `RangeError` for a negative or non-finite value.
   */
  set(value: number, labels?: Labels): void {
    if (typeof value !== "number" || !(value >= 0) || value === Infinity) {
      throw new RangeError(
        `Cannot set ${this.name}: \`value\` received ${
          describe(value)
        }, expected a finite number >= 0`,
      );
    }
    this.#series.upsert(labels, "set", () => 0).value = value;
  }

  /** The count of `labels`; 0 when it was never incremented. */
  get(labels?: Labels): number {
    return this.#series.find(labels, "read")?.value ?? 0;
  }

  /** Drops the series of `labels` (a component that went away); returns whether it existed. */
  remove(labels?: Labels): boolean {
    return this.#series.delete(labels, "remove a series of");
  }

  /** The counter's samples now, sorted by label values. */
  family(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      samples: this.#series.sorted().map(({ labels, value }) => ({ labels, value })),
    };
  }
}
