import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config-error.ts";
import type { SummaryValue } from "../../src/metrics/histogram-metric.ts";
import { MetricsRegistry } from "../../src/metrics/registry.ts";

/** Checks that `fn` throws a ConfigError whose first issue names `path`, `received` and `expected`. */
function throwsConfig(fn: () => unknown, path: string, received: string, expected: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    const issue = error.issues[0]!;
    assert.equal(issue.path, path);
    assert.equal(issue.received, received);
    assert.match(issue.expected, expected);
    return true;
  });
}

describe("Counter", () => {
  it("counts per label set, by 1 or by a given amount", () => {
    const registry = new MetricsRegistry();
    const jobs = registry.counter("jobs_total", "Jobs.", ["queue", "outcome"]);
    jobs.inc({ queue: "a", outcome: "ok" });
    jobs.inc({ outcome: "ok", queue: "a" }, 4);
    jobs.inc({ queue: "b", outcome: "failed" }, 0.5);
    assert.equal(jobs.get({ queue: "a", outcome: "ok" }), 5);
    assert.equal(jobs.get({ queue: "b", outcome: "failed" }), 0.5);
    assert.equal(jobs.get({ queue: "c", outcome: "ok" }), 0, "a label set never touched reads 0");
    assert.equal(jobs.name, "headroom_jobs_total");
  });

  it("starts an unlabelled counter at 0, so it is exposed before the first event", () => {
    const registry = new MetricsRegistry();
    registry.counter("restarts_total", "Restarts.");
    assert.match(registry.prometheus(), /^headroom_restarts_total 0$/m);
  });

  it("refuses increments that are negative or not finite", () => {
    const c = new MetricsRegistry().counter("x_total", "X.");
    for (const by of [-1, NaN, Infinity]) {
      assert.throws(() => c.inc(undefined, by), RangeError, String(by));
    }
    assert.equal(c.get(), 0, "a refused increment changes nothing");
  });

  it("shows a refused value as it is, a string in quotes", () => {
    const c = new MetricsRegistry().counter("x_total", "X.");
    assert.throws(
      () => c.inc(undefined, "2" as unknown as number),
      /^RangeError: Cannot increment headroom_x_total: `by` received "2", expected a finite number >= 0$/,
    );
    assert.throws(() => c.set(NaN), /`value` received NaN, expected a finite number >= 0$/);
  });

  it("refuses labels that do not match its label names, naming the missing and unknown ones", () => {
    const c = new MetricsRegistry().counter("x_total", "X.", ["pool"]);
    assert.throws(
      () => c.inc({ pol: "a" }),
      /Cannot increment headroom_x_total: missing pool; unknown pol; it takes exactly the labels pool/,
    );
    assert.throws(() => c.inc(), /missing pool/);
    const g = new MetricsRegistry().gauge("g", "G.", ["constructor"]);
    assert.throws(() => g.set(1, {}), /missing constructor/, "not Object.prototype's constructor");
    assert.throws(
      () => new MetricsRegistry().counter("y_total", "Y.").inc({ pool: "a" }),
      /unknown pool; it takes no labels/,
    );
  });

  it("mirrors a cumulative figure with set(), and exposes a drop as a counter reset", () => {
    const registry = new MetricsRegistry();
    const done = registry.counter("done_total", "Done.", ["pool"]);
    done.set(7, { pool: "a" });
    done.set(9, { pool: "a" });
    assert.equal(done.get({ pool: "a" }), 9);
    // The component was replaced and counts from 0 again: Prometheus reads a reset.
    done.set(2, { pool: "a" });
    assert.equal(done.get({ pool: "a" }), 2);
    assert.match(registry.prometheus(), /^headroom_done_total\{pool="a"\} 2$/m);
    assert.throws(() => done.set(-1, { pool: "a" }), RangeError);
    assert.throws(() => done.set(Infinity, { pool: "a" }), RangeError);
  });

  it("forgets a label set on remove()", () => {
    const registry = new MetricsRegistry();
    const c = registry.counter("x_total", "X.", ["k"]);
    c.inc({ k: "a" });
    assert.equal(c.remove({ k: "a" }), true);
    assert.equal(c.remove({ k: "a" }), false);
    assert.doesNotMatch(registry.prometheus(), /headroom_x_total/);
  });
});

describe("Gauge", () => {
  it("holds the last value set per label set; undefined until set", () => {
    const g = new MetricsRegistry().gauge("depth", "Depth.", ["queue"]);
    assert.equal(g.get({ queue: "a" }), undefined);
    g.set(3, { queue: "a" });
    g.set(-2.5, { queue: "a" });
    assert.equal(g.get({ queue: "a" }), -2.5);
    assert.equal(g.remove({ queue: "a" }), true);
    assert.equal(g.get({ queue: "a" }), undefined);
  });

  it("accepts NaN and infinities but not other types", () => {
    const registry = new MetricsRegistry({ prefix: "" });
    const g = registry.gauge("odd", "Odd values.", ["v"]);
    g.set(NaN, { v: "nan" });
    g.set(Infinity, { v: "inf" });
    g.set(-Infinity, { v: "minus" });
    assert.throws(() => g.set("3" as unknown as number, { v: "s" }), TypeError);
    const text = registry.prometheus();
    assert.match(text, /^odd\{v="inf"\} \+Inf$/m);
    assert.match(text, /^odd\{v="minus"\} -Inf$/m);
    assert.match(text, /^odd\{v="nan"\} NaN$/m);
  });
});

describe("HistogramMetric", () => {
  it("keeps count and sum exact and quantiles within the histogram's error", () => {
    const h = new MetricsRegistry().histogram("latency", "L.");
    for (let ms = 1; ms <= 100; ms++) h.observe(ms);
    const s = h.get()!;
    assert.equal(s.count, 100);
    assert.equal(s.sum, 5050);
    assert.ok(Math.abs(s.p50! - 50) / 50 < 0.06, `p50 ${s.p50}`);
    assert.ok(Math.abs(s.p99! - 99) / 99 < 0.06, `p99 ${s.p99}`);
    assert.equal(s.max, 100);
  });

  it("exposes a `_seconds` metric in seconds and any other name in the ms recorded", () => {
    const registry = new MetricsRegistry({ prefix: "" });
    const seconds = registry.histogram("run_seconds", "Run.");
    const ms = registry.histogram("run_ms", "Run.");
    for (const value of [250, 250, 500]) {
      seconds.observe(value);
      ms.observe(value);
    }
    const text = registry.prometheus();
    assert.match(text, /^run_seconds_sum 1$/m);
    assert.match(text, /^run_seconds_count 3$/m);
    assert.match(text, /^run_ms_sum 1000$/m);
    assert.equal(seconds.get()?.sum, 1000, "get() answers in ms whatever the name");
    const [family] = registry.snapshot().metrics.filter((f) => f.name === "run_seconds");
    assert.equal(family?.samples[0]?.max, 0.5);
  });

  it("mirrors a summary set by a collector, exposing only the quantiles given", () => {
    const registry = new MetricsRegistry({ prefix: "" });
    const wait = registry.histogram("wait_seconds", "Wait.", ["limiter"]);
    wait.set({ count: 4, sum: 2000, p99: 900 }, { limiter: "db" });
    assert.equal(
      registry.prometheus(),
      [
        "# HELP wait_seconds Wait.",
        "# TYPE wait_seconds summary",
        'wait_seconds{limiter="db",quantile="0.99"} 0.9',
        'wait_seconds_sum{limiter="db"} 2',
        'wait_seconds_count{limiter="db"} 4',
        "",
      ].join("\n"),
    );
    assert.throws(() => wait.observe(1, { limiter: "db" }), /a collector sets this label set/);
    // Nor the other way: set() over recorded values would drop them (a false counter reset).
    wait.observe(5, { limiter: "cache" });
    assert.throws(
      () => wait.set({ count: 1, sum: 5 }, { limiter: "cache" }),
      /observe\(\) records this label set/,
    );
    assert.equal(wait.get({ limiter: "cache" })?.count, 1);
    assert.throws(() => wait.set({ count: 1.5, sum: 1 }, { limiter: "db" }), RangeError);
    assert.throws(() => wait.set({ count: 1, sum: 1, p50: -1 }, { limiter: "db" }), RangeError);
  });

  it("names the bad field of a set() summary and shows its value as it is", () => {
    const wait = new MetricsRegistry().histogram("wait_seconds", "Wait.");
    const refuses = (value: unknown, message: RegExp): void => {
      assert.throws(() => wait.set(value as SummaryValue), (error: unknown) => {
        assert.ok(error instanceof RangeError, String(error));
        assert.match(error.message, /^Cannot set headroom_wait_seconds: /);
        assert.match(error.message, message);
        return true;
      });
    };
    refuses({ count: 1, sum: NaN }, /`sum` received NaN, expected a finite number of ms >= 0$/);
    refuses({ count: 1, sum: 2, p99: Infinity }, /`p99` received Infinity, expected a finite/);
    refuses({ count: 1n, sum: 1 }, /`count` received 1n, expected a whole number >= 0$/);
    refuses({ count: "1", sum: 1 }, /`count` received "1"/);
    refuses(undefined, /received undefined, expected \{ count, sum/);
  });

  it("reserves the quantile label", () => {
    throwsConfig(
      () => new MetricsRegistry().histogram("x_seconds", "X.", ["quantile"]),
      "labelNames.0",
      '"quantile"',
      /other than quantile/,
    );
  });
});

describe("MetricsRegistry", () => {
  it("prefixes names with headroom_ by default, or with the prefix given", () => {
    assert.equal(new MetricsRegistry().gauge("up", "Up.").name, "headroom_up");
    assert.equal(new MetricsRegistry({ prefix: "app_" }).gauge("up", "Up.").name, "app_up");
    assert.equal(new MetricsRegistry({ prefix: "" }).gauge("up", "Up.").name, "up");
    throwsConfig(() => new MetricsRegistry({ prefix: "9x_" }), "prefix", '"9x_"', /metric name/);
  });

  it("returns the same metric for the same name, kind and label names", () => {
    const registry = new MetricsRegistry();
    const a = registry.counter("x_total", "X.", ["k"]);
    const b = registry.counter("x_total", "X again.", ["k"]);
    assert.equal(a, b);
    b.inc({ k: "v" });
    assert.equal(a.get({ k: "v" }), 1);
  });

  it("refuses a name taken by another kind or other label names, naming the clash", () => {
    const registry = new MetricsRegistry();
    registry.counter("x_total", "X.", ["k"]);
    throwsConfig(() => registry.gauge("x_total", "X."), "name", '"x_total"', /already a counter/);
    throwsConfig(
      () => registry.counter("x_total", "X.", ["k", "j"]),
      "name",
      '"x_total"',
      /already a counter with labels \[k\]/,
    );
    // A string of the same letters is not the same label names: it is no array at all.
    throwsConfig(
      () => registry.counter("x_total", "X.", "k" as unknown as string[]),
      "labelNames",
      '"k"',
      /an array of label names/,
    );
  });

  it("refuses names whose lines collide with a summary's _sum and _count, both ways", () => {
    const registry = new MetricsRegistry();
    registry.histogram("run_seconds", "Run.");
    throwsConfig(
      () => registry.gauge("run_seconds_count", "Count."),
      "name",
      '"run_seconds_count"',
      /headroom_run_seconds_count is already written by the summary headroom_run_seconds/,
    );
    registry.gauge("wait_seconds_sum", "Sum.");
    throwsConfig(
      () => registry.histogram("wait_seconds", "Wait."),
      "name",
      '"wait_seconds"',
      /headroom_wait_seconds_sum is already written by the gauge/,
    );
  });

  it("refuses bad metric and label names with a ConfigError naming field, value and rule", () => {
    const registry = new MetricsRegistry();
    throwsConfig(() => registry.counter("bad-name", "X."), "name", '"bad-name"', /a-zA-Z_:/);
    throwsConfig(
      () => new MetricsRegistry({ prefix: "" }).gauge("9lives", "X."),
      "name",
      '"9lives"',
      /\[a-zA-Z_:\]/,
    );
    throwsConfig(
      () => registry.gauge("g", "G.", ["bad-label"]),
      "labelNames.0",
      '"bad-label"',
      /label name/,
    );
    throwsConfig(
      () => registry.gauge("g", "G.", ["ok", "__reserved"]),
      "labelNames.1",
      '"__reserved"',
      /not starting with __/,
    );
    throwsConfig(() => registry.gauge("g", "G.", ["a", "a"]), "labelNames.1", '"a"', /once/);
    // deno-lint-ignore no-sparse-arrays
    const holed = ["pool", , "outcome"] as string[];
    throwsConfig(() => registry.gauge("g", "G.", holed), "labelNames.1", "undefined", /label name/);
    throwsConfig(() => registry.gauge("g", 3 as unknown as string), "help", "3", /string/);
  });

  it("refuses empty or blank help text, which promtool lint rejects", () => {
    const registry = new MetricsRegistry();
    throwsConfig(() => registry.gauge("g", ""), "help", '""', /^a non-empty string$/);
    throwsConfig(() => registry.counter("c_total", " \n"), "help", '" \\n"', /non-empty/);
    throwsConfig(() => registry.histogram("h_seconds", "\t"), "help", '"\\t"', /non-empty/);
    assert.equal(registry.prometheus(), "", "nothing was registered");
  });

  it("runs collectors before every scrape until they are unregistered", () => {
    const registry = new MetricsRegistry();
    const depth = registry.gauge("depth", "Depth.");
    let reads = 0;
    const stop = registry.collect(() => depth.set(++reads));
    assert.match(registry.prometheus(), /^headroom_depth 1$/m);
    assert.equal(registry.snapshot().metrics[0]?.samples[0]?.value, 2);
    stop();
    stop();
    registry.prometheus();
    assert.equal(reads, 2);
  });

  it("runs every collector even when one throws, then fails the scrape with the error", () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge("g", "G.");
    registry.collect(() => {
      throw new Error("stats() broke");
    });
    registry.collect(() => g.set(1));
    assert.throws(() => registry.prometheus(), /stats\(\) broke/);
    assert.equal(g.get(), 1, "the second collector still ran");
    registry.collect(() => {
      throw new Error("another");
    });
    assert.throws(() => registry.snapshot(), AggregateError);
  });

  it("does not run a collector that an earlier one removed during the scrape", () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge("g", "G.");
    let stopSecond: () => void = () => {};
    registry.collect(() => stopSecond()); // an observatory closed from a collector, say
    stopSecond = registry.collect(() => g.set(1));
    registry.prometheus();
    assert.equal(g.get(), undefined, "the removed collector wrote nothing");
  });

  it("fails the scrape for a collector that returns a promise, not the process later", async () => {
    const registry = new MetricsRegistry();
    registry.collect(
      (async () => {
        await Promise.resolve();
        throw new Error("backend down");
      }) as () => void,
    );
    assert.throws(
      () => registry.prometheus(),
      (error: unknown) =>
        error instanceof TypeError && /must run synchronously/.test(error.message),
    );
    // Its rejection was handled: an unhandled one would fail this test run.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

  it("renders the same text whatever order metrics and label sets were created in", () => {
    const build = (order: readonly string[]): string => {
      const registry = new MetricsRegistry();
      for (const name of order) {
        const g = registry.gauge(name, `${name}.`, ["k"]);
        for (const k of order.includes("b") ? ["z", "a", "m"] : []) g.set(1, { k });
      }
      return registry.prometheus();
    };
    const one = build(["a", "b", "c"]);
    assert.equal(build(["c", "a", "b"]), one);
    const names = [...one.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(names, ["headroom_a", "headroom_b", "headroom_c"]);
    assert.deepEqual(
      [...one.matchAll(/^headroom_a\{k="(\w)"\}/gm)].map((m) => m[1]),
      ["a", "m", "z"],
    );
  });

  it("gives a JSON snapshot with every metric, sorted by name", () => {
    const registry = new MetricsRegistry();
    registry.counter("c_total", "C.", ["k"]).inc({ k: "v" }, 2);
    registry.gauge("g", "G.");
    registry.histogram("h_seconds", "H.").observe(1500);
    const snapshot = JSON.parse(JSON.stringify(registry.snapshot()));
    assert.deepEqual(snapshot.metrics.map((m: { name: string }) => m.name), [
      "headroom_c_total",
      "headroom_g",
      "headroom_h_seconds",
    ]);
    assert.deepEqual(snapshot.metrics[0], {
      name: "headroom_c_total",
      help: "C.",
      type: "counter",
      samples: [{ labels: { k: "v" }, value: 2 }],
    });
    assert.deepEqual(snapshot.metrics[1].samples, [], "a gauge never set has no sample");
    const h = snapshot.metrics[2].samples[0];
    assert.equal(h.count, 1);
    assert.equal(h.sum, 1.5);
    assert.equal(h.max, 1.5);
    assert.equal(h.p50, 1.5);
  });
});
