import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config-error.ts";
import { DynamicBatchSizer } from "../../src/control/batch/dynamic-batch-sizer.ts";
import { CircuitBreaker } from "../../src/control/brake/circuit-breaker.ts";
import { EmergencyBrake } from "../../src/control/brake/emergency-brake.ts";
import { AdaptiveLimiter } from "../../src/control/limiter/adaptive-limiter.ts";
import type { Decision } from "../../src/control/types.ts";
import { MetricsRegistry } from "../../src/metrics/registry.ts";
import { ResourceMonitor } from "../../src/monitor/resource-monitor.ts";
import type { ResourceSample } from "../../src/monitor/sample.ts";
import {
  type DecisionRecord,
  Observatory,
  observe,
  OBSERVED_METRICS,
} from "../../src/observe/mod.ts";
import { readFigures } from "../../src/http/figures.ts";
import { WorkerPool } from "../../src/pool/pool.ts";
import { seededRandom } from "../../src/internal/random.ts";
import { createFakeAdapter } from "../../src/runtime/fake.ts";
import { detectRuntime } from "../../src/runtime/detect.ts";
import { ManualTime } from "../monitor/manual-time.ts";
import { workerFile } from "../pool/support/helpers.ts";
import { promtoolCheck, promtoolMissing } from "../metrics/promtool.ts";

const EPOCH = 1_700_000_000_000;

/** A monitor over a scripted machine: 2 CPUs, 1000 bytes of memory, half used. */
function scriptedMonitor(time: ManualTime) {
  const adapter = createFakeAdapter({
    cpu: { affinity: 2 },
    cpuTime: 0,
    memory: { limit: 1000, workingSet: 500 },
  });
  const monitor = new ResourceMonitor({
    adapter,
    clock: time.clock,
    scheduler: time.scheduler,
    loopDelay: false,
    halfLifeMs: 0,
  });
  return { adapter, monitor };
}

function inlinePool(): WorkerPool {
  return new WorkerPool({
    worker: workerFile,
    inline: true,
    minWorkers: 1,
    maxWorkers: 1,
    adapter: createFakeAdapter(),
  });
}

/** Every component kind, on a manual clock, watched by one observatory. */
function setup(options: { keepDecisions?: number; registry?: MetricsRegistry } = {}) {
  const time = new ManualTime();
  const { adapter, monitor } = scriptedMonitor(time);
  const pool = inlinePool();
  const limiter = new AdaptiveLimiter({ limit: 4, name: "db", clock: time.clock });
  const sizer = new DynamicBatchSizer({ clock: time.clock });
  sizer.register("import", { budgetMs: 100, initialSize: 10 });
  const brake = new EmergencyBrake({ clock: time.clock, scheduler: time.scheduler });
  const breaker = new CircuitBreaker({
    minCalls: 1,
    failureRatio: 1,
    openMs: 5000,
    clock: time.clock,
    scheduler: time.scheduler,
  });
  let now = EPOCH;
  const clock = (): number => now;
  const observatory = observe({
    monitor,
    pools: { p: pool },
    limiters: { db: limiter },
    batchSizers: { jobs: sizer },
    brakes: { io: brake, api: breaker },
    clock,
    ...options,
  });
  const advance = (ms: number): void => {
    now += ms;
    time.advance(ms);
  };
  /** Closes the observatory, then the pool. */
  const done = async (): Promise<void> => {
    observatory.close();
    await pool.close();
  };
  return {
    time,
    adapter,
    monitor,
    pool,
    limiter,
    sizer,
    brake,
    breaker,
    observatory,
    advance,
    done,
  };
}

/** Runs batches of `sizer` until its model moves the size. */
function trainSizer(sizer: DynamicBatchSizer, time: ManualTime): void {
  for (let i = 0; i < 50; i++) {
    const items = sizer.size("import");
    const durationMs = 20 + 0.5 * items;
    time.advance(durationMs);
    sizer.record("import", { items, durationMs });
  }
}

describe("observe() metrics", () => {
  it("publishes pool figures read from stats() at scrape time", async () => {
    const { pool, observatory, done } = setup();
    try {
      assert.deepEqual(await Promise.all([1, 2, 3].map((x) => pool.run("inc", x))), [2, 3, 4]);
      await pool.run("fail", "no").catch(() => {});
      const text = observatory.registry.prometheus();
      assert.match(text, /^headroom_pool_tasks_total\{pool="p",outcome="completed"\} 3$/m);
      assert.match(text, /^headroom_pool_tasks_total\{pool="p",outcome="failed"\} 1$/m);
      assert.match(text, /^headroom_pool_tasks_total\{pool="p",outcome="cancelled"\} 0$/m);
      assert.match(text, /^headroom_pool_workers\{pool="p",state="max"\} 1$/m);
      assert.match(text, /^headroom_pool_workers\{pool="p",state="live"\} 1$/m);
      assert.match(text, /^headroom_pool_workers\{pool="p",state="retiring"\} 0$/m);
      assert.match(text, /^headroom_pool_queue_depth\{pool="p"\} 0$/m);
      assert.match(text, /^headroom_pool_running\{pool="p"\} 0$/m);
      assert.match(text, /^headroom_pool_stolen_total\{pool="p"\} 0$/m);
      assert.match(text, /^headroom_pool_load_factor\{pool="p"\} 0$/m);
      assert.match(text, /^headroom_pool_run_seconds_count\{pool="p"\} 4$/m);
      assert.match(text, /^headroom_pool_wait_seconds\{pool="p",quantile="0\.99"\} \d/m);
      await pool.run("inc", 9);
      assert.match(
        observatory.registry.prometheus(),
        /^headroom_pool_tasks_total\{pool="p",outcome="completed"\} 4$/m,
        "the next scrape reads the new figure",
      );
    } finally {
      await done();
    }
  });

  it("publishes run and wait quantiles of the last minute only, and none when it was idle", async () => {
    const { pool, observatory, done } = setup();
    try {
      await Promise.all([1, 2, 3].map((x) => pool.run("inc", x)));
      const live = pool.stats();
      assert.equal(live.runTime.windowCount, 3);
      assert.equal(live.runTime.windowMs, 60_000);
      assert.equal(readFigures({ pools: { p: pool } }, EPOCH).pools["p"]?.runP50, live.runTime.p50);
      // The same pool a minute after its last task: counts stay, quantiles have gone.
      const stats = pool.stats.bind(pool);
      pool.stats = () => {
        const s = stats();
        const idle = { windowCount: 0, p50: 0, p95: 0, p99: 0, min: 0, max: 0 };
        return { ...s, runTime: { ...s.runTime, ...idle }, waitTime: { ...s.waitTime, ...idle } };
      };
      const text = observatory.registry.prometheus();
      assert.match(text, /^headroom_pool_run_seconds_count\{pool="p"\} 3$/m);
      assert.match(text, /^headroom_pool_wait_seconds_count\{pool="p"\} 3$/m);
      assert.doesNotMatch(text, /^headroom_pool_(run|wait)_seconds\{pool="p",quantile=/m);
      assert.deepEqual(
        Object.entries(readFigures({ pools: { p: pool } }, EPOCH).pools["p"] ?? {})
          .filter(([key]) => /^(run|wait)P/.test(key)),
        [["runP50", null], ["runP99", null], ["waitP50", null], ["waitP99", null]],
      );
    } finally {
      await done();
    }
  });

  it("claims nothing when its metrics clash with the registry's own", () => {
    const registry = new MetricsRegistry();
    registry.gauge("batch_size", "The app's own.", ["x"]);
    const clash = (error: unknown): boolean =>
      error instanceof ConfigError && /headroom_batch_size/.test(error.message) &&
      !/another open Observatory/.test(error.message);
    assert.throws(
      () => observe({ limiters: { db: new AdaptiveLimiter({ limit: 4 }) }, registry }),
      clash,
    );
    // No observatory opened, so another limiter may take the name: the error is the same clash.
    assert.throws(
      () => observe({ limiters: { db: new AdaptiveLimiter({ limit: 8 }) }, registry }),
      clash,
    );
  });

  it("publishes limiter, batch sizer, brake, breaker and monitor figures", async () => {
    const { adapter, monitor, limiter, sizer, brake, breaker, observatory, advance, time, done } =
      setup();
    try {
      const permit = await limiter.acquire();
      assert.equal(limiter.tryAcquire({}) !== undefined, true);
      limiter.setStatic(2);
      assert.equal(limiter.tryAcquire(), undefined, "refused: 2 permits out of 2");
      trainSizer(sizer, time);
      brake.throttle();
      brake.throttle();
      brake.throttle();
      await breaker.run(() => Promise.reject(new Error("down"))).catch(() => {});
      monitor.sample();
      advance(1000);
      adapter.machine.cpuTime = 1_500_000;
      monitor.sample();

      const text = observatory.registry.prometheus();
      assert.match(text, /^headroom_limiter_limit\{limiter="db"\} 2$/m);
      assert.match(text, /^headroom_limiter_inflight\{limiter="db"\} 2$/m);
      assert.match(text, /^headroom_limiter_waiting\{limiter="db"\} 0$/m);
      assert.match(text, /^headroom_limiter_permits_total\{limiter="db",outcome="rejected"\} 1$/m);
      assert.match(text, /^headroom_limiter_wait_seconds_count\{limiter="db"\} 2$/m);
      permit.release();
      assert.match(
        observatory.registry.prometheus(),
        /^headroom_limiter_permits_total\{limiter="db",outcome="ok"\} 1$/m,
      );

      const size = sizer.size("import");
      assert.ok(size > 10, `the sizer moved from 10 to ${size}`);
      assert.match(
        text,
        new RegExp(`^headroom_batch_size\\{sizer="jobs",operation="import"\\} ${size}$`, "m"),
      );
      const adjustments = sizer.statistics().totalAdjustments;
      assert.match(
        text,
        new RegExp(`^headroom_batch_adjustments_total\\{sizer="jobs"\\} ${adjustments}$`, "m"),
      );

      assert.match(text, /^headroom_brake_engaged\{brake="io"\} 1$/m);
      assert.match(text, /^headroom_brake_engagements_total\{brake="io"\} 1$/m);
      assert.match(text, /^headroom_breaker_state\{breaker="api",state="open"\} 1$/m);
      assert.match(text, /^headroom_breaker_state\{breaker="api",state="closed"\} 0$/m);

      assert.match(text, /^headroom_monitor_cpu_percent 75$/m);
      assert.match(text, /^headroom_monitor_memory_percent 50$/m);
      assert.match(text, /^headroom_monitor_effective_cpus 2$/m);
      assert.match(text, /^headroom_monitor_pressure_level 0$/m);
      adapter.machine.memory.workingSet = 970;
      monitor.sample();
      assert.match(observatory.registry.prometheus(), /^headroom_monitor_pressure_level 3$/m);
      assert.deepEqual(
        observatory.registry.snapshot().metrics.map((metric) => metric.name),
        OBSERVED_METRICS.map((name) => `headroom_${name}`).sort(),
        "OBSERVED_METRICS lists every metric published",
      );
    } finally {
      await done();
    }
  });

  it("refreshes nothing and leaves no series behind once closed", async () => {
    const registry = new MetricsRegistry();
    const own = registry.counter("own_total", "Not the observatory's.");
    const { observatory, done } = setup({ registry });
    try {
      assert.equal(observatory.registry, registry);
      const before = registry.prometheus();
      for (const pattern of [/pool="p"/, /limiter="db"/, /^headroom_monitor_/m, /component=/]) {
        assert.match(before, pattern);
      }
      observatory.close();
      observatory.close();
      const text = registry.prometheus();
      assert.doesNotMatch(text, /pool="p"|limiter="db"|headroom_monitor_|component=/);
      assert.match(text, /^headroom_own_total 0$/m, "other metrics stay");
      assert.equal(own.get(), 0);
    } finally {
      await done();
    }
  });

  it("shares a registry between observatories of different components", async () => {
    const registry = new MetricsRegistry();
    const a = inlinePool();
    const b = inlinePool();
    const first = observe({ pools: { a }, registry });
    const second = observe({ pools: { b }, registry });
    try {
      await a.run("inc", 1);
      let text = registry.prometheus();
      assert.match(text, /^headroom_pool_tasks_total\{pool="a",outcome="completed"\} 1$/m);
      assert.match(text, /^headroom_pool_tasks_total\{pool="b",outcome="completed"\} 0$/m);
      first.close();
      text = registry.prometheus();
      assert.doesNotMatch(text, /pool="a"/);
      assert.match(text, /pool="b"/);
    } finally {
      second.close();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("shares a registry between observatories of the same component", () => {
    const registry = new MetricsRegistry();
    const time = new ManualTime();
    const { monitor } = scriptedMonitor(time);
    const limiter = new AdaptiveLimiter({ limit: 4, clock: time.clock });
    const first = observe({ limiters: { db: limiter }, monitor, registry });
    const second = observe({ limiters: { db: limiter }, monitor, registry });
    try {
      limiter.setStatic(2);
      // Both observatories see the decision; the registry counts it once.
      assert.equal(first.decisions().length, 1);
      assert.equal(second.decisions().length, 1);
      let text = registry.prometheus();
      assert.match(text, /^headroom_decisions_total\{component="limiter:db"\} 1$/m);
      // So does a decision recorded in both, as governPool's are.
      const governed = { source: "governor", from: 1, to: 2, reason: "grow", time: 0 };
      first.record(governed, "pool:main");
      second.record(governed, "pool:main");
      text = registry.prometheus();
      assert.match(text, /^headroom_decisions_total\{component="pool:main"\} 1$/m);
      // Closing one leaves every series the other still publishes.
      first.close();
      text = registry.prometheus();
      assert.match(text, /^headroom_limiter_limit\{limiter="db"\} 2$/m);
      assert.match(text, /^headroom_decisions_total\{component="limiter:db"\} 1$/m);
      assert.match(text, /^headroom_decisions_total\{component="pool:main"\} 1$/m);
      assert.match(text, /^headroom_monitor_pressure_level 0$/m);
      limiter.setStatic(3);
      assert.match(
        registry.prometheus(),
        /^headroom_decisions_total\{component="limiter:db"\} 2$/m,
      );
      second.close();
      assert.doesNotMatch(registry.prometheus(), /limiter|pool:main|monitor_/);
    } finally {
      first.close();
      second.close();
    }
  });

  it("leaves no series once the last observatory sharing them closes, scraped or not", () => {
    const registry = new MetricsRegistry();
    const limiter = new AdaptiveLimiter({ limit: 4 });
    const first = observe({ limiters: { db: limiter }, registry });
    registry.prometheus(); // only the first has written the limiter's series
    const second = observe({ limiters: { db: limiter }, registry });
    first.close();
    assert.match(registry.prometheus(), /limiter="db"/, "the second still publishes them");
    second.close();
    assert.equal(registry.prometheus(), "");

    // One that only records decisions of the component keeps their count, not its figures.
    const watching = observe({ limiters: { db: limiter }, registry });
    const recording = observe({ registry });
    registry.prometheus();
    recording.record({ source: "ops", from: 1, to: 2, reason: "manual", time: 0 }, "limiter:db");
    watching.close();
    const text = registry.prometheus();
    assert.doesNotMatch(text, /limiter="db"/);
    assert.match(text, /^headroom_decisions_total\{component="limiter:db"\} 1$/m);
    // The limiter is no longer published, so another one may take the name.
    observe({ limiters: { db: new AdaptiveLimiter({ limit: 8 }) }, registry }).close();
    recording.close();
    assert.equal(registry.prometheus(), "");
  });

  it("rejects another component under a name one already publishes in the registry", () => {
    const registry = new MetricsRegistry();
    const time = new ManualTime();
    const first = observe({
      limiters: { db: new AdaptiveLimiter({ limit: 4 }) },
      monitor: scriptedMonitor(time).monitor,
      registry,
    });
    const other = new AdaptiveLimiter({ limit: 8 });
    try {
      assert.throws(
        () => observe({ limiters: { db: other }, registry }),
        (error: unknown) =>
          error instanceof ConfigError &&
          /`limiters\.db` received an AdaptiveLimiter, expected the limiter:db another open Observatory/
            .test(error.message),
      );
      assert.throws(
        () => observe({ monitor: scriptedMonitor(time).monitor, registry }),
        (error: unknown) =>
          error instanceof ConfigError && /`monitor` received/.test(error.message),
      );
      // Another name, or another registry, is fine; so is the name once the first is closed.
      observe({ limiters: { replica: other }, registry }).close();
      observe({ limiters: { db: other } }).close();
      first.close();
      const second = observe({ limiters: { db: other }, registry });
      second.close();
    } finally {
      first.close();
    }
  });

  it("publishes the exact wait sum, which never goes down between scrapes", async () => {
    let now = 0;
    const limiter = new AdaptiveLimiter({ limit: 1, clock: () => now });
    limiter.setStatic(1);
    using observatory = observe({ limiters: { db: limiter } });
    const random = seededRandom(7);
    const scrape = (): number =>
      Number(
        /^headroom_limiter_wait_seconds_sum\{limiter="db"\} (\S+)$/m.exec(
          observatory.registry.prometheus(),
        )![1],
      );
    let exactMs = 0;
    let previous = 0;
    for (let i = 0; i < 300; i++) {
      if (random() < 0.3) {
        // Waits for the permit while the clock moves on.
        const first = limiter.tryAcquire()!;
        const waiting = limiter.acquire();
        const before = now;
        now += random() * 40;
        exactMs += now - before;
        first.release();
        (await waiting).release();
      } else {
        limiter.tryAcquire()!.release(); // the fast path: a 0 ms wait
      }
      const sum = scrape();
      assert.ok(sum >= previous, `scrape ${i}: _sum went down from ${previous} to ${sum}`);
      previous = sum;
    }
    assert.equal(limiter.stats().totalWaitMs, exactMs);
    assert.equal(previous, exactMs / 1000);
  });

  it("passes `promtool check metrics` fully populated", { skip: promtoolMissing }, async () => {
    const {
      pool,
      limiter,
      sizer,
      brake,
      breaker,
      monitor,
      observatory,
      time,
      adapter,
      advance,
      done,
    } = setup();
    try {
      await Promise.all([pool.run("inc", 1), pool.run("fail", "x").catch(() => {})]);
      using _permit = await limiter.acquire();
      limiter.setStatic(1);
      limiter.tryAcquire();
      trainSizer(sizer, time);
      brake.throttle();
      await breaker.run(() => Promise.reject(new Error("down"))).catch(() => {});
      monitor.sample();
      advance(1000);
      adapter.machine.cpuTime = 500_000;
      monitor.sample();
      const text = observatory.registry.prometheus();
      for (const name of ["pool_run_seconds", "limiter_wait_seconds", "monitor_cpu_percent"]) {
        assert.match(text, new RegExp(`^# TYPE headroom_${name} `, "m"));
      }
      const { status, output } = promtoolCheck(text);
      assert.equal(output, "", "promtool printed problems");
      assert.equal(status, 0);
    } finally {
      await done();
    }
  });
});

describe("observe() decisions", () => {
  it("records each component's decisions, counts them and re-dispatches them", async () => {
    const { limiter, brake, observatory, advance, done } = setup();
    try {
      const heard: DecisionRecord[] = [];
      observatory.on("decision", (record) => heard.push(record));
      limiter.setStatic(3);
      advance(250);
      brake.throttle();
      brake.throttle();
      brake.throttle("503");
      assert.deepEqual(
        heard.map((r) => [r.component, r.source, r.from, r.to, r.at]),
        [
          ["limiter:db", "limiter:db", 4, 3, EPOCH],
          ["brake:io", "brake:default", 0, 1, EPOCH + 250],
        ],
      );
      assert.match(heard[1]!.reason, /3 throttles in a row \(last: 503\)/);
      assert.deepEqual(observatory.decisions(), heard);
      const text = observatory.registry.prometheus();
      assert.match(text, /^headroom_decisions_total\{component="limiter:db"\} 1$/m);
      assert.match(text, /^headroom_decisions_total\{component="brake:io"\} 1$/m);
      assert.match(text, /^headroom_decisions_total\{component="breaker:api"\} 0$/m);
      assert.match(text, /^headroom_decisions_total\{component="batchSizer:jobs"\} 0$/m);
      assert.match(text, /^headroom_decisions_total\{component="pool:p"\} 0$/m);
    } finally {
      await done();
    }
  });

  it("keeps the last keepDecisions, newest last, and counts every one", async () => {
    const { limiter, observatory, done } = setup({ keepDecisions: 3 });
    try {
      for (const limit of [5, 6, 7, 8, 9]) limiter.setStatic(limit);
      assert.deepEqual(observatory.decisions().map((r) => r.to), [7, 8, 9]);
      assert.deepEqual(observatory.status().decisions.map((r) => r.to), [7, 8, 9]);
      assert.match(
        observatory.registry.prometheus(),
        /^headroom_decisions_total\{component="limiter:db"\} 5$/m,
      );
    } finally {
      await done();
    }
  });

  it("keeps none with keepDecisions 0 but still counts and dispatches", async () => {
    const { limiter, observatory, done } = setup({ keepDecisions: 0 });
    try {
      let events = 0;
      observatory.on("decision", () => events++);
      limiter.setStatic(2);
      assert.deepEqual(observatory.decisions(), []);
      assert.equal(events, 1);
    } finally {
      await done();
    }
  });

  it("records decisions reported by callback, such as governPool's", async () => {
    const { observatory, done } = setup();
    try {
      const decision: Decision = { source: "pool:p", from: 4, to: 2, reason: "high", time: 9 };
      const record = observatory.record(decision);
      assert.deepEqual(record, { ...decision, component: "pool:p", at: EPOCH });
      assert.deepEqual(observatory.decisions(), [record]);
      assert.match(
        observatory.registry.prometheus(),
        /^headroom_decisions_total\{component="pool:p"\} 1$/m,
      );
      assert.throws(() => observatory.record({ source: "x" } as Decision), TypeError);
      observatory.close();
      assert.doesNotMatch(observatory.registry.prometheus(), /component="pool:p"/);
    } finally {
      await done();
    }
  });

  it("counts a decision object each time one observatory records it", () => {
    const registry = new MetricsRegistry();
    using first = observe({ registry });
    using second = observe({ registry });
    const decision = { source: "ops", from: 1, to: 2, reason: "manual", time: 0 };
    first.record(decision, "ops:x");
    Object.assign(decision, { from: 2, to: 3, reason: "manual again" }); // reused for the next
    first.record(decision, "ops:x");
    assert.equal(first.decisions().length, 2);
    assert.match(registry.prometheus(), /^headroom_decisions_total\{component="ops:x"\} 2$/m);
    // The other observatory seeing the same two decisions counts nothing more.
    second.record(decision, "ops:x");
    second.record(decision, "ops:x");
    assert.match(registry.prometheus(), /^headroom_decisions_total\{component="ops:x"\} 2$/m);
    second.record(decision, "ops:x");
    assert.match(registry.prometheus(), /^headroom_decisions_total\{component="ops:x"\} 3$/m);
  });

  it("forwards monitor samples as sample events", async () => {
    const { monitor, observatory, done } = setup();
    try {
      const samples: ResourceSample[] = [];
      observatory.on("sample", (s) => samples.push(s));
      const taken = monitor.sample();
      assert.equal(samples.length, 1);
      assert.equal(samples[0], taken);
    } finally {
      await done();
    }
  });

  it("removes every listener on close(): no decision or sample reaches it afterwards", async () => {
    const { limiter, brake, breaker, monitor, sizer, observatory, time, done } = setup();
    let events = 0;
    observatory.addEventListener("decision", () => events++);
    observatory.addEventListener("sample", () => events++);
    observatory[Symbol.dispose]();
    assert.equal(observatory.closed, true);
    limiter.setStatic(2);
    brake.throttle();
    brake.throttle();
    brake.throttle();
    await breaker.run(() => Promise.reject(new Error("down"))).catch(() => {});
    assert.equal(breaker.state, "open");
    trainSizer(sizer, time);
    monitor.sample();
    const late: Decision = { source: "pool:p", from: 1, to: 2, reason: "late", time: 0 };
    assert.equal(observatory.record(late).component, "pool:p");
    assert.equal(events, 0);
    assert.deepEqual(observatory.decisions(), []);
    assert.doesNotMatch(observatory.registry.prometheus(), /headroom_decisions_total/);
    await done();
  });
});

describe("Observatory.status()", () => {
  it("reports time, machine, sample, level, components and decisions as JSON-ready data", async () => {
    const { monitor, observatory, limiter, advance, done } = setup();
    try {
      const sample = monitor.sample();
      limiter.setStatic(3);
      advance(500);
      const status = observatory.status();
      assert.equal(status.time, EPOCH + 500);
      assert.equal(status.sample, sample);
      assert.equal(status.level, "none");
      assert.equal(status.machine?.runtime, detectRuntime());
      assert.deepEqual(status.machine?.memory, {
        bytes: 500,
        source: "workingSet",
        limit: 1000,
        limitSource: "container",
        percent: 50,
        percentSmoothed: 50,
      });
      assert.equal((status.machine?.cpu as { effective: number }).effective, 2);
      assert.deepEqual(status.ready, { ok: true, reasons: [] });
      assert.deepEqual(
        status.components.map((c) => `${c.kind}:${c.name}`),
        ["pool:p", "limiter:db", "batchSizer:jobs", "brake:io", "breaker:api"],
      );
      const limiterState = status.components[1]!.state as { limit: number; mode: string };
      assert.equal(limiterState.limit, 3);
      assert.equal(limiterState.mode, "static");
      const sizerState = status.components[2]!.state as {
        sizes: Record<string, number>;
        details: Record<string, { operation: string }>;
      };
      assert.deepEqual(sizerState.sizes, { import: 10 });
      assert.equal(sizerState.details.import?.operation, "import");
      assert.deepEqual(status.components[3]!.state, {
        engaged: false,
        consecutive: 0,
        engagements: 0,
      });
      assert.equal((status.components[4]!.state as { state: string }).state, "closed");
      assert.deepEqual(status.decisions.map((d) => d.to), [3]);
      const json = JSON.parse(JSON.stringify(status));
      assert.equal(json.components.length, 5);
    } finally {
      await done();
    }
  });

  it("is not ready while a brake is engaged, a breaker open or pressure critical", async () => {
    const { adapter, monitor, brake, breaker, observatory, advance, done } = setup();
    try {
      monitor.sample();
      brake.throttle();
      brake.throttle();
      brake.throttle();
      await breaker.run(() => Promise.reject(new Error("down"))).catch(() => {});
      adapter.machine.memory.workingSet = 970;
      monitor.sample();
      let ready = observatory.status().ready;
      assert.equal(ready.ok, false);
      assert.deepEqual(ready.reasons, [
        'brake "io" is engaged (3 throttle signals in a row)',
        'breaker "api" is open (half-opens in 5000 ms)',
        "pressure is critical (memory 97% >= 95% (critical))",
      ]);
      adapter.machine.memory.workingSet = 100;
      monitor.sample();
      advance(8000);
      brake.clear();
      ready = observatory.status().ready;
      assert.deepEqual(ready, { ok: true, reasons: [] }, "half-open breaker lets probes through");
    } finally {
      await done();
    }
  });

  it("says a brake holds for its minimum pause once signals are calm again", () => {
    let now = 0;
    const brake = new EmergencyBrake({ clock: () => now, minPauseMs: 5000 });
    using observatory = observe({ brakes: { io: brake } });
    try {
      brake.throttle();
      brake.throttle();
      brake.throttle();
      now += 100;
      brake.clear(); // calm during the pause: engaged until minPauseMs has passed
      assert.equal(brake.engaged, true);
      assert.deepEqual(observatory.status().ready.reasons, [
        'brake "io" is engaged (calm again, holding for its minimum pause)',
      ]);
      brake.throttle();
      assert.deepEqual(observatory.status().ready.reasons, [
        'brake "io" is engaged (1 throttle signal in a row)',
      ]);
    } finally {
      brake[Symbol.dispose]();
    }
  });

  it("reports no machine without a monitor, and says when the monitor has no sample yet", () => {
    const bare = observe({});
    assert.equal(bare.status().machine, undefined);
    assert.equal(bare.status().level, undefined);
    assert.deepEqual(bare.status().components, []);
    bare.close();
    const time = new ManualTime();
    using watched = observe({ monitor: scriptedMonitor(time).monitor });
    const machine = watched.status().machine;
    assert.equal(machine?.cpu, undefined);
    assert.match(machine?.degraded[0] ?? "", /no sample yet/);
  });
});

describe("observe() options", () => {
  it("looks up components by name, own names only", async () => {
    const { pool, limiter, sizer, brake, breaker, observatory, done } = setup();
    try {
      assert.equal(observatory.pool("p"), pool);
      assert.equal(observatory.limiter("db"), limiter);
      assert.equal(observatory.batchSizer("jobs"), sizer);
      assert.equal(observatory.brake("io"), brake);
      assert.equal(observatory.brake("api"), breaker);
      assert.equal(observatory.pool("nope"), undefined);
      assert.equal(observatory.limiter("constructor"), undefined);
      assert.ok(observatory instanceof Observatory);
      assert.ok(Object.isFrozen(observatory.components));
      assert.ok(Object.isFrozen(observatory.components.pools));
    } finally {
      await done();
    }
  });

  it("throws a ConfigError naming each bad field, the value and what was expected", () => {
    const limiter = new AdaptiveLimiter();
    const check = (options: unknown, expected: Record<string, RegExp>): void => {
      assert.throws(() => observe(options as never), (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, /^Cannot use observe\(\) options/);
        assert.deepEqual(error.issues.map((i) => i.path).sort(), Object.keys(expected).sort());
        for (const issue of error.issues) assert.match(issue.expected, expected[issue.path]!);
        return true;
      });
    };
    check({ pools: { main: limiter } }, { "pools.main": /WorkerPool/ });
    check({ brakes: { x: limiter } }, { "brakes.x": /EmergencyBrake or CircuitBreaker/ });
    check({ limiters: { "": limiter } }, { "limiters.": /non-empty name/ });
    check({ keepDecisions: -1, clock: 5 }, { keepDecisions: />=0/, clock: /function/ });
    check({ keepDecisions: 1.5 }, { keepDecisions: /integer/ });
    check({ monitor: {} }, { monitor: /ResourceMonitor/ });
    check({ registry: {} }, { registry: /MetricsRegistry/ });
    check({ limiter }, { limiter: /no such option/ });
  });

  it("refuses an array where components by name are expected, rather than name them 0, 1…", () => {
    const limiter = new AdaptiveLimiter();
    const brake = new EmergencyBrake();
    const options = { pools: [], limiters: [limiter], batchSizers: [], brakes: [brake] };
    assert.throws(() => observe(options as never), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.deepEqual(error.issues.map((i) => i.path), Object.keys(options));
      for (const issue of error.issues) {
        assert.equal(issue.expected, "an object of components by name, not an array");
      }
      assert.match(error.message, /`limiters` received \[\{\}\], expected an object of/);
      return true;
    });
    assert.throws(
      () => observe({ limiters: 5 } as never),
      /`limiters` received 5, expected an object of components by name$/,
    );
    brake[Symbol.dispose]();
  });
});
