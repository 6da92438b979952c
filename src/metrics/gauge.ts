import { describe } from "../config/config-error.ts";
import type { MetricFamily } from "./family.ts";
import { checkDefinition } from "./names.ts";
import { type Labels, Series } from "./series.ts";

/**
 * A value that goes up and down: workers alive, queue depth, the current
 * limit. Create one with `MetricsRegistry.gauge()`. A label set has no
 * value, and is not exposed, until it is first `set()`.
 *
 * @example The current limit of two limiters
 * ```ts
 * import { MetricsRegistry } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const registry = new MetricsRegistry();
 * const limit = registry.gauge("limit", "Permits allowed at once.", ["limiter"]);
 * limit.set(12, { limiter: "db" });
 * limit.set(40, { limiter: "api" });
 * assert.equal(limit.get({ limiter: "db" }), 12);
 * assert.equal(limit.get({ limiter: "cache" }), undefined);
 * ```
 */
export class Gauge {
  /** The full name, prefix included. */
  readonly name: string;
  /** The help text, exposed as `# HELP`. */
  readonly help: string;
  /** The label names every label set must give, in order; empty for none. */
  readonly labelNames: readonly string[];
  /** The Prometheus type: always `gauge`. */
  readonly type: "gauge" = "gauge";
  readonly #series: Series<number>;

  /** Checks the name and label names (throws `ConfigError`); registries call this for you. */
  constructor(name: string, help: string, labelNames?: readonly string[]) {
    this.labelNames = checkDefinition(name, help, labelNames, []);
    this.name = name;
    this.help = help;
    this.#series = new Series(name, this.labelNames);
  }

  /**
   * Sets the value of `labels`. `NaN` and ±`Infinity` are allowed (exposed
   * as `NaN`, `+Inf`, `-Inf`); anything but a number is a `TypeError`.
   */
  set(value: number, labels?: Labels): void {
    if (typeof value !== "number") {
      throw new TypeError(
        `Cannot set ${this.name}: \`value\` received ${describe(value)}, expected a number`,
      );
    }
    this.#series.upsert(labels, "set", () => 0).value = value;
  }

  /** The value of `labels`; `undefined` until it is set. */
  get(labels?: Labels): number | undefined {
    return this.#series.find(labels, "read")?.value;
  }

  /** Drops the value of `labels`, so it is no longer exposed; returns whether it had one. */
  remove(labels?: Labels): boolean {
    return this.#series.delete(labels, "remove a series of");
  }

  /** The gauge's samples now, sorted by label values. */
  family(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      samples: this.#series.sorted().map(({ labels, value }) => ({ labels, value })),
    };
  }
}
