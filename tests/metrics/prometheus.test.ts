import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  escapeHelp,
  escapeLabelValue,
  formatValue,
  PROMETHEUS_CONTENT_TYPE,
  renderPrometheus,
} from "../../src/metrics/prometheus.ts";
import { MetricsRegistry } from "../../src/metrics/registry.ts";
import { promtoolCheck, promtoolMissing } from "./promtool.ts";

/** A registry using every feature: each type, labels needing escapes, odd values. */
function populated(): MetricsRegistry {
  const registry = new MetricsRegistry();
  const tasks = registry.counter("tasks_total", "Tasks settled.\nBy outcome, C:\\ style.", [
    "pool",
    "outcome",
  ]);
  tasks.inc({ pool: "p", outcome: "completed" }, 3);
  tasks.inc({ pool: 'quote "q"', outcome: "failed" });
  tasks.inc({ pool: "back\\slash\nnewline", outcome: "cancelled" });
  registry.counter("restarts_total", "Restarts.");
  const depth = registry.gauge("queue_depth", "Tasks waiting.", ["pool"]);
  depth.set(12, { pool: "p" });
  depth.set(0.25, { pool: "ünïcödé ✓" });
  registry.gauge("ratio", "Odd values.", ["v"]).set(NaN, { v: "nan" });
  registry.gauge("limit", "Infinite limit.", ["v"]).set(Infinity, { v: "inf" });
  const run = registry.histogram("run_seconds", "Run time.", ["pool"]);
  for (const ms of [1, 2, 3, 40, 500]) run.observe(ms, { pool: "p" });
  registry.histogram("wait_seconds", "Wait.", ["limiter"]).set(
    { count: 10, sum: 120, p99: 30 },
    { limiter: "db" },
  );
  registry.histogram("idle_seconds", "Never observed.", ["pool"]).set(
    { count: 0, sum: 0 },
    { pool: "p" },
  );
  return registry;
}

describe("Prometheus text format", () => {
  it("has the 0.0.4 content type", () => {
    assert.equal(PROMETHEUS_CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
  });

  it("escapes backslash, double quote and newline in label values", () => {
    assert.equal(escapeLabelValue('a\\b"c"\nd'), 'a\\\\b\\"c\\"\\nd');
  });

  it("escapes backslash and newline in help text, but not quotes", () => {
    assert.equal(escapeHelp('say "hi"\\now\nplease'), 'say "hi"\\\\now\\nplease');
  });

  it("spells NaN and infinities as the format does", () => {
    assert.deepEqual([NaN, Infinity, -Infinity, 0, -3.5, 1e21].map(formatValue), [
      "NaN",
      "+Inf",
      "-Inf",
      "0",
      "-3.5",
      "1e+21",
    ]);
  });

  it("renders HELP, TYPE and samples of each family, and summaries with quantiles, _sum and _count", () => {
    const registry = new MetricsRegistry({ prefix: "" });
    const c = registry.counter("done_total", "Done.", ["pool"]);
    c.inc({ pool: 'a"b' }, 2);
    const s = registry.histogram("run_seconds", "Run\ntime.", ["pool"]);
    s.set({ count: 2, sum: 3000, p50: 1000, p95: 2000, p99: 2000, max: 2000 }, { pool: "a" });
    registry.gauge("empty", "Never set.");
    assert.equal(
      registry.prometheus(),
      [
        "# HELP done_total Done.",
        "# TYPE done_total counter",
        'done_total{pool="a\\"b"} 2',
        "# HELP run_seconds Run\\ntime.",
        "# TYPE run_seconds summary",
        'run_seconds{pool="a",quantile="0.5"} 1',
        'run_seconds{pool="a",quantile="0.95"} 2',
        'run_seconds{pool="a",quantile="0.99"} 2',
        'run_seconds_sum{pool="a"} 3',
        'run_seconds_count{pool="a"} 2',
        "",
      ].join("\n"),
    );
  });

  it("leaves out the quantiles of an empty summary but keeps _sum and _count", () => {
    const text = renderPrometheus([{
      name: "x_seconds",
      help: "X.",
      type: "summary",
      samples: [{ labels: {}, count: 0, sum: 0 }],
    }]);
    assert.equal(
      text,
      "# HELP x_seconds X.\n# TYPE x_seconds summary\nx_seconds_sum 0\nx_seconds_count 0\n",
    );
  });

  it("renders nothing for a registry without samples", () => {
    const registry = new MetricsRegistry();
    registry.gauge("g", "G.");
    assert.equal(registry.prometheus(), "");
  });

  it("writes each family once, even with many label sets", () => {
    const text = populated().prometheus();
    const families = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    assert.equal(new Set(families).size, families.length);
    assert.equal(families.length, 8);
    assert.match(text, /^headroom_tasks_total\{pool="p",outcome="completed"\} 3$/m);
    assert.match(
      text,
      /^headroom_tasks_total\{pool="back\\\\slash\\nnewline",outcome="cancelled"\} 1$/m,
    );
    assert.match(
      text,
      /^# HELP headroom_tasks_total Tasks settled\.\\nBy outcome, C:\\\\ style\.$/m,
    );
    assert.match(text, /^headroom_run_seconds_sum\{pool="p"\} 0\.546$/m);
    assert.match(text, /^headroom_run_seconds_count\{pool="p"\} 5$/m);
    assert.ok(text.endsWith("\n"));
  });

  it("passes `promtool check metrics` without a lint problem", { skip: promtoolMissing }, () => {
    const { status, output } = promtoolCheck(populated().prometheus());
    assert.equal(output, "", "promtool printed problems");
    assert.equal(status, 0);
  });

  it("is caught by promtool when a name breaks its lint rules", { skip: promtoolMissing }, () => {
    const registry = new MetricsRegistry();
    registry.counter("restarts", "A counter without _total.");
    const { status, output } = promtoolCheck(registry.prometheus());
    assert.notEqual(status, 0);
    assert.match(output, /counter metrics should have "_total" suffix/);
  });
});
