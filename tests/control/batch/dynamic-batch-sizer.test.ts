import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../src/config/config-error.ts";
import { DynamicBatchSizer } from "../../../src/control/batch/dynamic-batch-sizer.ts";
import type { DynamicBatchSizerOptions } from "../../../src/control/batch/options.ts";
import type { BatchSizeAdjusted } from "../../../src/control/batch/types.ts";
import type { Decision } from "../../../src/control/types.ts";
import type { ResourceSample } from "../../../src/monitor/sample.ts";
import { ResourceMonitor } from "../../../src/monitor/resource-monitor.ts";
import { createFakeAdapter } from "../../../src/runtime/fake.ts";
import { loadSample } from "../../../src/sim/batch/scoreboard.ts";

function rejection(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail("expected a ConfigError");
}

/** A sample source a test drives by hand, dispatching `sample` and `error` like a monitor. */
class ScriptedMonitor extends EventTarget {
  on(type: "sample", listener: (sample: ResourceSample) => void): () => void {
    const handler = (event: Event): void => listener((event as CustomEvent<ResourceSample>).detail);
    this.addEventListener(type, handler);
    return () => this.removeEventListener(type, handler);
  }
  emit(sample: ResourceSample): void {
    this.dispatchEvent(new CustomEvent("sample", { detail: sample }));
  }
  fail(message: string): void {
    this.dispatchEvent(new CustomEvent("error", { detail: new Error(message) }));
  }
}

describe("DynamicBatchSizer.register() again", () => {
  it("reports replacing an operation with another size as a decision", () => {
    const sizer = new DynamicBatchSizer({ clock: () => 5 });
    const decisions: Decision[] = [];
    sizer.addEventListener("decision", (e) => decisions.push((e as CustomEvent<Decision>).detail));
    sizer.register("a", { mode: "fixed", defaultSize: 100 });
    assert.equal(decisions.length, 0, "a first registration is not a change");
    sizer.register("a", { mode: "fixed", defaultSize: 100 });
    assert.equal(decisions.length, 0, "the same size again is not a change");
    assert.equal(sizer.register("a", { mode: "fixed", defaultSize: 250 }), 250);
    assert.equal(decisions.length, 1);
    assert.equal(decisions[0]!.source, "batch:a");
    assert.equal(decisions[0]!.from, 100);
    assert.equal(decisions[0]!.to, 250);
    assert.equal(decisions[0]!.time, 5);
    assert.match(decisions[0]!.reason, /^registered again \(fixed mode\)/);
    assert.equal(sizer.statistics().totalAdjustments, 1, "counted with the other changes");
  });

  it("announces one change, from the size in force, when a cap applies at once", () => {
    const sizer = new DynamicBatchSizer({ clock: () => 5 });
    sizer.register("job", { initialSize: 40, defaultSize: 40 });
    sizer.monitorFailed("adapter gone");
    const decisions: Decision[] = [];
    const adjusted: BatchSizeAdjusted[] = [];
    sizer.on("decision", (d) => decisions.push(d));
    sizer.on("batchSizeAdjusted", (a) => adjusted.push(a));
    assert.equal(sizer.register("job", { initialSize: 100, defaultSize: 25 }), 25);
    assert.deepEqual(decisions.map((d) => [d.from, d.to]), [[40, 25]]);
    assert.match(decisions[0]!.reason, /^registered again/);
    assert.deepEqual(adjusted, [], "100 was never handed out");
  });
});

describe("DynamicBatchSizer options", () => {
  it("names a bad field of register(), its value and what was expected", () => {
    const sizer = new DynamicBatchSizer({ clock: () => 0 });
    const error = rejection(() => sizer.register("a", { budgetMs: -5 }));
    assert.equal(error.target, 'batch operation "a" options');
    assert.equal(error.issues[0]?.path, "budgetMs");
    assert.equal(error.issues[0]?.received, "-5");
    assert.match(error.message, /`budgetMs` received -5, expected >0/);
  });

  it("names fields that disagree and unknown options", () => {
    const sizer = new DynamicBatchSizer({ clock: () => 0 });
    const disagree = rejection(() => sizer.register("a", { minSize: 50, maxSize: 10 }));
    assert.deepEqual(disagree.issues.map((i) => [i.path, i.expected]), [
      ["maxSize", ">= 50 (minSize)"],
    ]);
    const unknown = rejection(() =>
      sizer.register("a", { maxBatchSize: 10 } as unknown as Record<string, never>)
    );
    assert.equal(unknown.issues[0]?.path, "maxBatchSize");
    const mode = rejection(() =>
      sizer.register("a", { mode: "fast" } as unknown as Record<string, never>)
    );
    assert.equal(mode.issues[0]?.path, "mode");
  });

  it("names a field of its defaults that disagrees under defaults", () => {
    const error = rejection(() =>
      new DynamicBatchSizer({ defaults: { minSize: 50, maxSize: 10 } })
    );
    assert.equal(error.target, "DynamicBatchSizer options");
    assert.deepEqual(error.issues.map((i) => [i.path, i.received, i.expected]), [
      ["defaults.maxSize", "10", ">= 50 (minSize)"],
    ]);
    assert.match(error.message, /`defaults\.maxSize` received 10, expected >= 50 \(minSize\)/);
  });

  it("keeps the defaults for fields register() sets to undefined", () => {
    let t = 0;
    const sizer = new DynamicBatchSizer({
      clock: () => t,
      defaults: { maxSize: 50, model: { maxGrowth: 1.5 } },
    });
    const maxSize = undefined as unknown as number;
    const model = { maxGrowth: undefined as unknown as number };
    sizer.register("a", { budgetMs: 1000, initialSize: 10, maxSize, model });
    assert.equal(sizer.record("a", { items: 10, durationMs: 1 }), 15, "maxGrowth 1.5");
    for (let i = 0; i < 20; i++) {
      const items = sizer.size("a");
      t += items;
      sizer.record("a", { items, durationMs: 1 + 0.01 * items });
    }
    assert.equal(sizer.size("a"), 50);
  });

  it("validates its own options", () => {
    const error = rejection(() =>
      new DynamicBatchSizer({ clock: 5 } as unknown as DynamicBatchSizerOptions)
    );
    assert.equal(error.issues[0]?.path, "clock");
    assert.equal(error.issues[0]?.expected, "a function returning milliseconds");
  });

  it("throws a RangeError for an unknown operation or a bad batch", () => {
    const sizer = new DynamicBatchSizer({ clock: () => 0 });
    assert.throws(() => sizer.size("nope"), RangeError);
    sizer.register("a");
    assert.throws(() => sizer.record("a", { items: -1, durationMs: 5 }), RangeError);
    assert.throws(() => sizer.record("a", { items: 1, durationMs: Number.NaN }), RangeError);
  });

  it("rejects a now that is not a finite number, before it reaches the operation or monitor", () => {
    const monitor = new ScriptedMonitor();
    const sizer = new DynamicBatchSizer({ clock: () => 0, monitor });
    sizer.register("a", { budgetMs: 1000, initialSize: 10 });
    monitor.emit(loadSample(10, 0));
    for (const now of [Infinity, -Infinity, Number.NaN]) {
      assert.throws(
        () => sizer.record("a", { items: 10, durationMs: 5, now }),
        (error: unknown) =>
          error instanceof RangeError &&
          error.message ===
            `Cannot record a batch of "a": now (${now}) must be a finite number`,
      );
    }
    assert.equal(sizer.stats("a").batches, 0);
    assert.equal(sizer.statistics().monitor, "ok");
    // Later batches still grow the size.
    assert.equal(sizer.record("a", { items: 10, durationMs: 5, now: 100 }), 20);
    assert.equal(sizer.record("a", { items: 20, durationMs: 10, now: 200 }), 40);
  });
});

describe("DynamicBatchSizer", () => {
  it("registers operations separately, each from the sizer's defaults", () => {
    const sizer = new DynamicBatchSizer({ clock: () => 0, defaults: { defaultSize: 40 } });
    assert.equal(sizer.register("import"), 40);
    assert.equal(sizer.register("sync", { defaultSize: 15 }), 15);
    assert.deepEqual(sizer.statistics().sizes, { import: 40, sync: 15 });
    assert.deepEqual(sizer.operations, ["import", "sync"]);
    assert.equal(sizer.unregister("sync"), true);
    assert.deepEqual(sizer.operations, ["import"]);
  });

  it("lists every operation in statistics().sizes, whatever its name", () => {
    const sizer = new DynamicBatchSizer({ clock: () => 0, defaults: { defaultSize: 40 } });
    sizer.register("__proto__", { defaultSize: 7 });
    sizer.register("constructor");
    const { sizes } = sizer.statistics();
    assert.deepEqual(Object.keys(sizes), ["__proto__", "constructor"]);
    assert.equal(Object.getPrototypeOf(sizes), Object.prototype);
    assert.equal(JSON.stringify(sizes), '{"__proto__":7,"constructor":40}');
  });

  it("sizes batches to the budget and counts them in stats()", () => {
    let t = 0;
    const sizer = new DynamicBatchSizer({ clock: () => t });
    sizer.register("job", { budgetMs: 100, initialSize: 10 });
    for (let i = 0; i < 150; i++) {
      const items = sizer.size("job");
      const durationMs = 20 + 0.5 * items;
      t += durationMs;
      sizer.record("job", { items, durationMs });
    }
    const stats = sizer.stats("job");
    assert.equal(stats.batches, 150);
    assert.equal(stats.overBudget, 0);
    assert.ok(stats.size >= 120 && stats.size <= 160, `size ${stats.size}`);
    assert.ok(stats.meanDurationMs > 70 && stats.meanDurationMs <= 100);
    assert.ok(stats.probes > 5, `probes ${stats.probes}`);
    assert.ok(stats.model !== undefined && Math.abs(stats.model.perItemMs - 0.5) < 0.01);
    assert.equal(stats.mode, "model");
  });

  it("announces every change with old, new, reason and time", () => {
    let t = 0;
    const sizer = new DynamicBatchSizer({ clock: () => t });
    sizer.register("job", { budgetMs: 100, initialSize: 10 });
    const decisions: Decision[] = [];
    const adjusted: BatchSizeAdjusted[] = [];
    sizer.on("decision", (d) => decisions.push(d));
    sizer.on("batchSizeAdjusted", (a) => adjusted.push(a));
    t = 25;
    const next = sizer.record("job", { items: 10, durationMs: 25 });
    assert.ok(next > 10);
    assert.deepEqual(decisions[0], {
      source: "batch:job",
      from: 10,
      to: next,
      reason: decisions[0]?.reason,
      time: 25,
    });
    assert.match(decisions[0]?.reason ?? "", /scaled from the last batch/);
    assert.deepEqual(adjusted[0], {
      operation: "job",
      previousBatchSize: 10,
      newBatchSize: next,
      reason: decisions[0]?.reason,
      time: 25,
    });
  });

  it("reports probes as decisions but not as batchSizeAdjusted", () => {
    let t = 0;
    const sizer = new DynamicBatchSizer({ clock: () => t });
    sizer.register("job", { budgetMs: 100, initialSize: 10 });
    const probes: Decision[] = [];
    const adjusted: BatchSizeAdjusted[] = [];
    sizer.on("decision", (d) => {
      if (d.reason.startsWith("probe")) probes.push(d);
    });
    sizer.on("batchSizeAdjusted", (a) => adjusted.push(a));
    for (let i = 0; i < 100; i++) {
      const items = sizer.size("job");
      t += 20 + 0.5 * items;
      sizer.record("job", { items, durationMs: 20 + 0.5 * items });
    }
    assert.ok(probes.length > 5);
    assert.ok(adjusted.every((a) => !a.reason.startsWith("probe")));
  });

  it("never holds growth by cooldown for a batch that finished before the last change", () => {
    const sizer = new DynamicBatchSizer({ clock: () => 0 });
    sizer.register("a", { budgetMs: 1000, initialSize: 10 }); // model mode: cooldownMs 0
    assert.equal(sizer.record("a", { items: 10, durationMs: 10, now: 1000 }), 20);
    // A batch that started earlier finishes out of order, stamped before the change.
    assert.equal(sizer.record("a", { items: 10, durationMs: 10, now: 500 }), 40);
    assert.doesNotMatch(sizer.stats("a").reason, /cooldown/);
  });

  it("counts a probe once, not again for each empty batch while it is pending", () => {
    let t = 0;
    const sizer = new DynamicBatchSizer({ clock: () => t });
    sizer.register("job", { budgetMs: 100, initialSize: 10 });
    for (let i = 0; i < 40 && sizer.stats("job").probes === 0; i++) {
      const items = sizer.size("job");
      t += 20 + 0.5 * items;
      sizer.record("job", { items, durationMs: 20 + 0.5 * items });
    }
    assert.equal(sizer.stats("job").probes, 1);
    const probe = sizer.size("job");
    assert.match(sizer.stats("job").reason, /^probe/);
    for (let i = 0; i < 3; i++) sizer.record("job", { items: 0, durationMs: 1 });
    assert.equal(sizer.size("job"), probe, "the probe is still the next batch");
    assert.equal(sizer.stats("job").probes, 1);
  });

  it("announces a planned size that falls to a probe's size", () => {
    let t = 0;
    const sizer = new DynamicBatchSizer({ clock: () => t });
    sizer.register("job", { budgetMs: 100, initialSize: 10, defaultSize: 106 });
    const adjusted: BatchSizeAdjusted[] = [];
    sizer.on("batchSizeAdjusted", (a) => adjusted.push(a));
    const batch = (): void => {
      const items = sizer.size("job");
      t += 20 + 0.5 * items;
      sizer.record("job", { items, durationMs: 20 + 0.5 * items });
    };
    for (let i = 0; i < 8; i++) batch();
    assert.match(sizer.stats("job").reason, /^probe 106/, "the next batch is a probe at 106");
    const planned = adjusted.at(-1)!.newBatchSize;
    assert.ok(planned > 106);
    sizer.monitorFailed("adapter gone");
    batch();
    assert.equal(sizer.size("job"), 106);
    assert.deepEqual(
      [adjusted.at(-1)!.previousBatchSize, adjusted.at(-1)!.newBatchSize],
      [planned, 106],
    );
  });

  it("re-fits after the per-item cost changes", () => {
    let t = 0;
    const sizer = new DynamicBatchSizer({ clock: () => t });
    sizer.register("job", { budgetMs: 100, initialSize: 10 });
    const run = (perItem: number, batches: number): void => {
      for (let i = 0; i < batches; i++) {
        const items = sizer.size("job");
        t += 20 + perItem * items;
        sizer.record("job", { items, durationMs: 20 + perItem * items });
      }
    };
    run(0.5, 100);
    const before = sizer.stats("job");
    const reasons: string[] = [];
    sizer.on("decision", (d) => reasons.push(d.reason));
    run(2, 30);
    const after = sizer.stats("job");
    assert.ok(after.overBudget - before.overBudget <= 2);
    assert.ok(after.size <= 40 && after.size >= 30, `size ${after.size}`); // 20 + 2 × 40 = 100
    assert.ok(reasons.some((r) => r.includes("cost changed")), reasons.join("\n"));
  });

  describe("load mode with a monitor", () => {
    const loadOptions = {
      mode: "load",
      minSize: 5,
      maxSize: 100,
      defaultSize: 25,
      cooldownMs: 1000,
    } as const;

    it("follows load and holds changes for the cooldown", () => {
      let t = 0;
      const monitor = new ScriptedMonitor();
      const sizer = new DynamicBatchSizer({ clock: () => t, monitor });
      sizer.register("sync", loadOptions);
      const adjusted: BatchSizeAdjusted[] = [];
      sizer.on("batchSizeAdjusted", (a) => adjusted.push(a));
      monitor.emit(loadSample(20, t));
      assert.equal(sizer.size("sync"), 100);
      t = 500;
      monitor.emit(loadSample(95, t));
      assert.equal(sizer.size("sync"), 100, "cooldown");
      assert.match(sizer.stats("sync").reason, /cooldown/);
      t = 1000;
      monitor.emit(loadSample(95, t));
      assert.equal(sizer.size("sync"), 5);
      assert.deepEqual(adjusted.map((a) => [a.previousBatchSize, a.newBatchSize, a.time]), [
        [25, 100, 0],
        [100, 5, 1000],
      ]);
      assert.match(adjusted[1]?.reason ?? "", /load 95% > 80%/);
      assert.equal(sizer.statistics().lastLoad, 95);
    });

    it("falls back to the default size when the monitor errors, and says so", () => {
      let t = 0;
      const monitor = new ScriptedMonitor();
      const sizer = new DynamicBatchSizer({ clock: () => t, monitor });
      sizer.register("sync", loadOptions);
      monitor.emit(loadSample(20, t));
      const decisions: Decision[] = [];
      sizer.on("decision", (d) => decisions.push(d));
      t = 10;
      monitor.fail("adapter exploded");
      assert.equal(sizer.size("sync"), 25);
      assert.equal(sizer.stats("sync").fallback, true);
      assert.equal(sizer.statistics().monitor, "failed");
      assert.match(decisions[0]?.reason ?? "", /adapter exploded.*default size 25/);
      t = 2000;
      monitor.emit(loadSample(20, t));
      assert.equal(sizer.size("sync"), 100);
      assert.equal(sizer.stats("sync").fallback, false);
    });

    it("falls back when a sample has no load figure, naming what was missing", () => {
      let t = 0;
      const monitor = new ScriptedMonitor();
      const sizer = new DynamicBatchSizer({ clock: () => t, monitor });
      sizer.register("sync", loadOptions);
      monitor.emit(loadSample(20, t));
      t = 5000;
      monitor.emit({
        ...loadSample(0, t),
        cpuPercent: undefined,
        cpuPercentSmoothed: undefined,
        degraded: ["cpuTime: not available on unknown"],
      });
      assert.equal(sizer.size("sync"), 25);
      assert.match(sizer.stats("sync").reason, /cpuTime: not available/);
    });

    it("takes a NaN figure in a hand-made sample as no figure, not a NaN size", () => {
      const monitor = new ScriptedMonitor();
      const sizer = new DynamicBatchSizer({ clock: () => 0, monitor });
      sizer.register("sync", loadOptions);
      monitor.emit({ ...loadSample(0, 0), cpuPercent: NaN, cpuPercentSmoothed: NaN });
      assert.equal(sizer.size("sync"), 25);
      assert.equal(sizer.statistics().monitor, "failed");
    });

    it("says in statistics() when the monitor has not spoken yet or fell silent", () => {
      let t = 0;
      const monitor = new ScriptedMonitor();
      const sizer = new DynamicBatchSizer({ clock: () => t, monitor, staleAfterMs: 1000 });
      sizer.register("sync", loadOptions);
      assert.equal(sizer.statistics().monitor, "waiting");
      monitor.emit(loadSample(20, t));
      assert.equal(sizer.statistics().monitor, "ok");
      t = 60_000;
      assert.deepEqual(
        [sizer.statistics().monitor, sizer.statistics().sizes],
        ["failed", { sync: 25 }],
      );
    });

    it("reports the fallback in stats() and register() once the monitor fell silent", () => {
      let t = 0;
      const monitor = new ScriptedMonitor();
      const sizer = new DynamicBatchSizer({ clock: () => t, monitor, staleAfterMs: 3000 });
      sizer.register("sync", loadOptions);
      monitor.emit(loadSample(20, t));
      assert.equal(sizer.stats("sync").size, 100);
      t = 3001;
      const stats = sizer.stats("sync");
      assert.deepEqual([stats.size, stats.fallback], [25, true]);
      assert.match(stats.reason, /no monitor sample for 3001 ms/);
      assert.equal(sizer.size("sync"), 25);
      sizer.unregister("sync");
      t = 9000;
      monitor.emit(loadSample(20, t));
      t = 12_001;
      // register() returns the first size: the default, not one from the silent monitor's load.
      assert.equal(sizer.register("sync", loadOptions), 25);
      assert.deepEqual([sizer.size("sync"), sizer.stats("sync").fallback], [25, true]);
    });

    it("falls back when the monitor goes silent for staleAfterMs", () => {
      let t = 0;
      const monitor = new ScriptedMonitor();
      const sizer = new DynamicBatchSizer({ clock: () => t, monitor, staleAfterMs: 3000 });
      sizer.register("sync", loadOptions);
      monitor.emit(loadSample(20, t));
      t = 3000;
      assert.equal(sizer.size("sync"), 100);
      t = 3001;
      assert.equal(sizer.size("sync"), 25);
      assert.match(sizer.stats("sync").reason, /no monitor sample for 3001 ms/);
    });

    it("subscribes to a real ResourceMonitor and unsubscribes on close()", () => {
      let t = 0;
      const adapter = createFakeAdapter({ memory: { limit: 1000, workingSet: 300 } });
      const monitor = new ResourceMonitor({ adapter, loopDelay: false, clock: () => t });
      const sizer = new DynamicBatchSizer({ clock: () => t, monitor });
      sizer.register("sync", loadOptions);
      monitor.sample();
      assert.equal(sizer.size("sync"), 100, "memory 30% < 50%");
      sizer.close();
      t = 5000;
      adapter.machine.memory.workingSet = 950;
      monitor.sample();
      assert.equal(sizer.size("sync"), 100, "no longer listening");
    });
  });

  it("caps model mode at the default size while the monitor fails", () => {
    let t = 0;
    const monitor = new ScriptedMonitor();
    const sizer = new DynamicBatchSizer({ clock: () => t, monitor });
    sizer.register("job", { budgetMs: 100, initialSize: 10, defaultSize: 25 });
    monitor.emit(loadSample(20, t));
    for (let i = 0; i < 30; i++) {
      const items = sizer.size("job");
      t += 20 + 0.5 * items;
      sizer.record("job", { items, durationMs: 20 + 0.5 * items });
    }
    monitor.emit(loadSample(20, t));
    assert.ok(sizer.size("job") > 25);
    monitor.fail("gone");
    assert.equal(sizer.size("job"), 25);
    assert.match(sizer.stats("job").reason, /monitor failed: gone: capped at default size 25/);
  });

  /**
   * A hill-climb operation stepping 8 items within 8..512, on a manual clock; `run(n, msPerItem)`
   * records n batches of the size it hands out.
   */
  function hillClimber(sizes: { initialSize?: number; defaultSize: number }) {
    let t = 0;
    const sizer = new DynamicBatchSizer({ clock: () => t });
    sizer.register("chunks", {
      mode: "hill-climb",
      minSize: 8,
      maxSize: 512,
      ...sizes,
      cooldownMs: 0,
      hillClimb: { window: 2, highMs: 5, lowMs: 0.5, step: 8 },
    });
    const run = (n: number, msPerItem: number): void => {
      for (let i = 0; i < n; i++) {
        const items = sizer.size("chunks");
        t += 1;
        sizer.record("chunks", { items, durationMs: msPerItem * items });
      }
    };
    const pressure = (level: "high" | "none"): void =>
      sizer.observe(
        level === "high"
          ? { ...loadSample(95, t), level: "high", reasons: ["cpu 95%"] }
          : loadSample(50, t),
      );
    return { sizer, run, pressure };
  }

  it("does not let hill-climb climb on the quick batches the monitor's cap made smaller", () => {
    const { sizer, run, pressure } = hillClimber({ defaultSize: 16 });
    pressure("none");
    run(8, 0.02); // 25..250 items fit 0.5..5 ms
    const before = sizer.size("chunks");
    assert.ok(before > 16, `climbed to ${before}`);
    pressure("high");
    run(200, 0.02); // at the cap of 16 items every batch is quick
    assert.equal(sizer.size("chunks"), 16);
    pressure("none");
    assert.equal(sizer.size("chunks"), before, "back to the size it had, not stepped up meanwhile");
  });

  it("lets hill-climb step down on slow batches the cap made smaller", () => {
    const { sizer, run, pressure } = hillClimber({ initialSize: 64, defaultSize: 32 });
    pressure("high");
    run(200, 1.25); // 40 ms at the cap of 32
    assert.equal(sizer.size("chunks"), 8, "down to minSize, below the cap, as batches say");
  });

  it("announces changes in order, and the planned size, when a listener reads the sizer", () => {
    let t = 0;
    const monitor = new ScriptedMonitor();
    const sizer = new DynamicBatchSizer({ clock: () => t, monitor, staleAfterMs: 1000 });
    sizer.register("op", { budgetMs: 100, initialSize: 25, defaultSize: 25 });
    monitor.emit(loadSample(20, t));
    const heard: string[] = [];
    sizer.on("decision", (d) => {
      heard.push(`decision ${d.from}->${d.to}`);
      t = 1500; // by the time the listener runs, the monitor has been silent past staleAfterMs
      sizer.size("op"); // which it notices: a change of its own, inside the announcement
    });
    sizer.on("batchSizeAdjusted", (a) => {
      heard.push(`adjusted ${a.previousBatchSize}->${a.newBatchSize}`);
    });
    t = 900;
    sizer.record("op", { items: 25, durationMs: 10 });
    assert.equal(sizer.size("op"), 25, "capped at the default size");
    assert.deepEqual(heard, [
      "decision 25->50",
      "adjusted 25->50",
      "decision 50->25",
      "adjusted 50->25",
    ]);
    t = 1600;
    monitor.emit(loadSample(20, t));
    assert.equal(sizer.size("op"), 50);
    assert.equal(heard.at(-1), "adjusted 25->50", "the recovery is announced as a planned change");
  });

  it("checks the monitor's silence at the clock when a batch reports an earlier end", () => {
    let t = 0;
    const sizer = new DynamicBatchSizer({ clock: () => t, staleAfterMs: 1000 });
    sizer.register("op", { budgetMs: 100, initialSize: 25, defaultSize: 25 });
    sizer.observe(loadSample(20, t));
    t = 1500;
    assert.equal(sizer.record("op", { items: 25, durationMs: 10, now: 900 }), 25);
    assert.equal(sizer.statistics().monitor, "failed");
  });

  it("applies load mode's first reading with CPU % at once, after one of memory alone", () => {
    // A monitor's first sample has no CPU %: 10 % memory set the largest size and held it 5 s.
    const adapter = createFakeAdapter({
      cpu: { logical: 2 },
      memory: { limit: 1000, workingSet: 100 },
      cpuTime: 0,
    });
    let t = 0;
    const monitor = new ResourceMonitor({ adapter, loopDelay: false, clock: () => t });
    const sizer = new DynamicBatchSizer({ monitor, clock: () => t });
    sizer.register("sync", { mode: "load", minSize: 5, maxSize: 100 });
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      t += 1000;
      adapter.machine.cpuTime! += 0.95 * 2 * 1e6; // 95 % of 2 CPUs, all along
      monitor.sample();
      sizes.push(sizer.size("sync"));
    }
    assert.deepEqual(sizes, [100, 5, 5]);
    assert.doesNotMatch(sizer.stats("sync").reason, /cooldown/);
    // The cooldown holds between readings that see the same figures: idle from here.
    for (; t < 6000; t += 1000) monitor.sample();
    assert.equal(sizer.size("sync"), 5);
    assert.match(sizer.stats("sync").reason, /cooldown/);
    sizer.close();
  });

  it("lifts load mode's fallback with the first good sample, cooldown or not", () => {
    let t = 0;
    const sizer = new DynamicBatchSizer({ clock: () => t });
    sizer.register("m", { mode: "load", minSize: 10, maxSize: 1000, defaultSize: 100 });
    sizer.observe(loadSample(20, t));
    assert.equal(sizer.size("m"), 1000);
    t = 10_000;
    sizer.monitorFailed("scrape failed");
    assert.equal(sizer.size("m"), 100);
    t = 10_500;
    sizer.observe(loadSample(20, t));
    assert.equal(sizer.size("m"), 1000, "the reading applies at once");
    assert.equal(sizer.stats("m").fallback, false);
    t = 11_000;
    sizer.observe(loadSample(90, t));
    assert.equal(sizer.size("m"), 1000, "a change after that waits for the cooldown again");
  });
});
