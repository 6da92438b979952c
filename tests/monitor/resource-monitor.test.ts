import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { createFakeAdapter } from "../../src/runtime/fake.ts";
import type { FakeMachine } from "../../src/runtime/fake.ts";
import type { PressureInfo, PressureResource, RuntimeAdapter } from "../../src/runtime/types.ts";
import { ResourceMonitor } from "../../src/monitor/resource-monitor.ts";
import type { ResourceMonitorOptions } from "../../src/monitor/options.ts";
import type { PressureChange, ResourceSample } from "../../src/monitor/sample.ts";
import { ManualTime } from "./manual-time.ts";

const GiB = 2 ** 30;

function setup(
  machine: Partial<FakeMachine> = {},
  options: Partial<ResourceMonitorOptions> = {},
) {
  const time = new ManualTime();
  const adapter = createFakeAdapter(machine);
  const monitor = new ResourceMonitor({
    adapter,
    clock: time.clock,
    scheduler: time.scheduler,
    ...options,
  });
  const samples: ResourceSample[] = [];
  const changes: PressureChange[] = [];
  monitor.on("sample", (sample) => samples.push(sample));
  monitor.on("pressure", (change) => changes.push(change));
  return { time, adapter, monitor, samples, changes };
}

function resource(avg10: number): PressureResource {
  return { some: { avg10, avg60: 0, avg300: 0, total: 0 }, full: undefined };
}

function psi(cpu: number, memory: number, io: number): PressureInfo {
  return {
    cpu: resource(cpu),
    memory: resource(memory),
    io: resource(io),
    sources: {},
    degraded: [],
  };
}

describe("ResourceMonitor CPU", () => {
  it("computes CPU % of the effective CPUs from CPU-time deltas", () => {
    const { time, adapter, monitor } = setup({ cpu: { affinity: 2 }, cpuTime: 0 }, {
      halfLifeMs: 1000,
    });
    const first = monitor.sample();
    assert.equal(first.cpus, 2);
    assert.equal(first.cpuPercent, undefined);
    assert.ok(first.degraded.includes("cpuPercent: needs a second sample"));

    time.advance(1000);
    adapter.machine.cpuTime = 1_500_000;
    const second = monitor.sample();
    assert.equal(second.cpuPercent, 75);
    assert.equal(second.cpuPercentSmoothed, 75);

    time.advance(1000);
    adapter.machine.cpuTime = 2_000_000;
    const third = monitor.sample();
    assert.equal(third.cpuPercent, 25);
    assert.equal(third.cpuPercentSmoothed, 50, "one half-life later the average is halfway");
  });

  it("does not subtract two different CPU-time counters after a fallback", () => {
    const time = new ManualTime();
    const fake = createFakeAdapter({ cpu: { affinity: 4 } });
    // The cgroup's counter (40 % of 4 CPUs) fails once, and the process's answers instead.
    let cgroupUs = 0;
    let cgroupFails = false;
    const adapter: RuntimeAdapter = {
      ...fake,
      cpuTime: () => (cgroupFails ? 50_000 : cgroupUs),
      cpuTimeSource: () => (cgroupFails ? "process.cpuUsage()" : "cgroup2 /cpu.stat usage_usec"),
    };
    const monitor = new ResourceMonitor({
      adapter,
      clock: time.clock,
      scheduler: time.scheduler,
      loopDelay: false,
    });
    const percents: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      cgroupFails = i === 2;
      percents.push(monitor.sample().cpuPercent);
      time.advance(1000);
      cgroupUs += 1_600_000;
    }
    assert.deepEqual(percents, [undefined, 40, undefined, undefined, 40]);
  });

  it("reports the quota-derived effective CPUs, and CPU % of the quota itself", () => {
    const { time, adapter, monitor } = setup({ cpu: { affinity: 8, quota: 2.5 }, cpuTime: 0 });
    monitor.sample();
    time.advance(500);
    adapter.machine.cpuTime = 500_000; // one CPU's worth
    const sample = monitor.sample();
    assert.equal(sample.cpus, 2);
    assert.equal(sample.cpuQuota, 2.5);
    assert.equal(sample.cpuPercent, 40, "1 of 2.5 CPUs, not 1 of the 2 whole ones");
  });

  it("measures CPU % against effective CPUs an adapter plans for below its affinity", () => {
    for (const cpu of [{ effective: 4 }, { affinity: 8, effective: 4 }]) {
      const { time, adapter, monitor } = setup({ cpu, cpuTime: 0 });
      monitor.sample();
      time.advance(1000);
      adapter.machine.cpuTime = 2_000_000; // two CPU-seconds in one second
      const sample = monitor.sample();
      assert.deepEqual([sample.cpus, sample.cpuPercent], [4, 50], JSON.stringify(cpu));
    }
  });

  it("reads a small quota used in full as 100 %, not as a share of one CPU", () => {
    const { time, adapter, monitor } = setup({ cpu: { affinity: 8, quota: 0.5 }, cpuTime: 0 });
    monitor.sample();
    time.advance(1000);
    adapter.machine.cpuTime = 500_000; // half a CPU for a second: the whole quota
    const sample = monitor.sample();
    assert.equal(sample.cpus, 1);
    assert.equal(sample.cpuPercent, 100);
  });

  it("caps CPU % at 100 and says when CPU time is not available", () => {
    const { time, adapter, monitor } = setup({ cpu: { affinity: 1 }, cpuTime: 0 });
    monitor.sample();
    time.advance(100);
    adapter.machine.cpuTime = 250_000;
    assert.equal(monitor.sample().cpuPercent, 100);
    adapter.machine.cpuTime = undefined;
    time.advance(100);
    const sample = monitor.sample();
    assert.equal(sample.cpuPercent, undefined);
    assert.ok(sample.degraded.includes("cpuTime: not available on unknown"));
  });

  it("reads cpu() on the first sample and then at most every limitRefreshMs", () => {
    const { time, adapter, monitor } = setup({ cpu: { affinity: 4 } }, { limitRefreshMs: 5000 });
    let reads = 0;
    const cpu = adapter.cpu.bind(adapter);
    adapter.cpu = () => {
      reads++;
      return cpu();
    };
    monitor.sample();
    adapter.machine.cpu.affinity = 2;
    time.advance(4999);
    assert.equal(monitor.sample().cpus, 4);
    assert.equal(reads, 1);
    time.advance(1);
    assert.equal(monitor.sample().cpus, 2);
    assert.equal(reads, 2);
  });

  it("reads cpu() again at once after a custom clock steps back", () => {
    let now = 3_600_000;
    const adapter = createFakeAdapter({ cpu: { affinity: 4 } });
    const monitor = new ResourceMonitor({ adapter, clock: () => now, limitRefreshMs: 5000 });
    assert.equal(monitor.sample().cpus, 4);
    adapter.machine.cpu.affinity = 1;
    now = 10_000; // an hour back, as a wall clock set right does
    assert.equal(monitor.sample().cpus, 1, "not held until the clock catches up");
  });

  it("starts CPU % afresh after stop() and start(), not from the time before the stop", () => {
    const { time, adapter, monitor } = setup({ cpu: { affinity: 1 }, cpuTime: 0 });
    monitor.start();
    monitor.stop();
    time.advance(600_000);
    adapter.machine.cpuTime = 600_000_000; // busy all ten minutes, unwatched
    time.advance(1000); // then idle for a second
    monitor.start();
    const first = monitor.latest!;
    assert.equal(first.cpuPercent, undefined, "needs a second sample again");
    time.advance(1000);
    assert.equal(monitor.latest!.cpuPercent, 0);
    assert.equal(monitor.level, "none");
    monitor.stop();
  });

  it("holds no level from before a restart while CPU % waits for its second sample", () => {
    const { time, adapter, monitor } = setup({ cpu: { affinity: 1 }, cpuTime: 0 }, {
      halfLifeMs: 0,
      thresholds: { cpuPercent: true },
    });
    monitor.start();
    adapter.machine.cpuTime = 1_000_000; // busy for the next second: critical
    time.advance(1000);
    assert.equal(monitor.level, "critical");
    monitor.stop();
    time.advance(3_600_000);
    monitor.start(); // an idle hour later: no CPU % yet
    assert.equal(monitor.latest!.cpuPercent, undefined);
    assert.equal(monitor.level, "none", monitor.latest!.reasons.join("; "));
    monitor.stop();
  });

  it("takes no throttling rate across a clock that stepped back", () => {
    let now = 3_600_000;
    const throttling = { periods: 100, throttled: 0, throttledUsec: 0 };
    const adapter = createFakeAdapter({ cpu: { affinity: 2, throttling } });
    const monitor = new ResourceMonitor({ adapter, clock: () => now, limitRefreshMs: 1000 });
    monitor.sample();
    adapter.machine.cpu.throttling = { periods: 200, throttled: 50, throttledUsec: 5000 };
    now = 10_000;
    assert.equal(monitor.sample().throttling, undefined);
  });

  it("reports throttling deltas between two cpu() reads", () => {
    const { time, adapter, monitor } = setup(
      { cpu: { affinity: 2, throttling: { periods: 100, throttled: 10, throttledUsec: 5000 } } },
      { limitRefreshMs: 0 },
    );
    assert.equal(monitor.sample().throttling, undefined);
    time.advance(1000);
    adapter.machine.cpu.throttling = { periods: 110, throttled: 14, throttledUsec: 9000 };
    assert.deepEqual(monitor.sample().throttling, {
      periods: 10,
      throttled: 4,
      throttledUsec: 4000,
      ratio: 0.4,
      windowMs: 1000,
    });
  });
});

describe("ResourceMonitor memory", () => {
  it("uses the working set against the container limit", () => {
    const { monitor } = setup({
      memory: { workingSet: 0.75 * GiB, rss: 0.1 * GiB, limit: 1 * GiB, total: 16 * GiB },
    });
    const sample = monitor.sample();
    assert.equal(sample.memoryBytes, 0.75 * GiB);
    assert.equal(sample.memorySource, "workingSet");
    assert.equal(sample.memoryLimit, 1 * GiB);
    assert.equal(sample.memoryLimitSource, "container");
    assert.equal(sample.memoryPercent, 75);
    assert.equal(sample.level, "moderate");
  });

  it("plans against memory.high when it is below the hard limit", () => {
    const below = setup({
      memory: { workingSet: 0.75 * GiB, limit: 2 * GiB, high: 1 * GiB, total: 16 * GiB },
    }).monitor.sample();
    assert.deepEqual([below.memoryLimit, below.memoryLimitSource, below.memoryPercent], [
      1 * GiB,
      "container",
      75,
    ]);
    const above = setup({ memory: { workingSet: 0.5 * GiB, limit: 1 * GiB, high: 2 * GiB } })
      .monitor.sample();
    assert.deepEqual([above.memoryLimit, above.memoryPercent], [1 * GiB, 50]);
    const alone = setup({ memory: { workingSet: 0.5 * GiB, high: 1 * GiB, total: 16 * GiB } })
      .monitor.sample();
    assert.deepEqual([alone.memoryLimit, alone.memoryLimitSource], [1 * GiB, "container"]);
  });

  it("falls back to RSS against host RAM", () => {
    const { monitor } = setup({ memory: { rss: 2 * GiB, total: 16 * GiB } });
    const sample = monitor.sample();
    assert.equal(sample.memoryBytes, 2 * GiB);
    assert.equal(sample.memorySource, "rss");
    assert.equal(sample.memoryLimit, 16 * GiB);
    assert.equal(sample.memoryLimitSource, "host");
    assert.equal(sample.memoryPercent, 12.5);
  });

  it("smooths memory % over the half-life", () => {
    const { time, adapter, monitor } = setup({ memory: { rss: 100, total: 1000 } }, {
      halfLifeMs: 2000,
    });
    monitor.sample();
    time.advance(2000);
    adapter.machine.memory.rss = 300;
    const sample = monitor.sample();
    assert.equal(sample.memoryPercent, 30);
    assert.equal(sample.memoryPercentSmoothed, 20);
  });

  it("says so when there is nothing to compute memory % from", () => {
    const { monitor } = setup({ memory: { rss: 100 } });
    const sample = monitor.sample();
    assert.equal(sample.memoryPercent, undefined);
    assert.equal(sample.memorySource, "rss");
    assert.ok(sample.degraded.some((d) => d.startsWith("memoryPercent:")));
  });
});

describe("ResourceMonitor pressure", () => {
  it("does not flap between enter and leave; one pressure event per change", () => {
    const { adapter, monitor, samples, changes } = setup({ memory: { workingSet: 0, limit: 100 } });
    const script = [50, 72, 65, 72, 65, 72, 59, 86, 96, 91, 89, 10];
    const levels = script.map((used) => {
      adapter.machine.memory.workingSet = used;
      return monitor.sample().level;
    });
    assert.deepEqual(levels, [
      "none",
      "moderate",
      "moderate",
      "moderate",
      "moderate",
      "moderate",
      "none",
      "high",
      "critical",
      "critical",
      "high",
      "none",
    ]);
    assert.equal(samples.length, script.length, "a sample event every sample");
    assert.deepEqual(changes.map(({ from, to }) => `${from}->${to}`), [
      "none->moderate",
      "moderate->none",
      "none->high",
      "high->critical",
      "critical->high",
      "high->none",
    ]);
    assert.deepEqual(changes[2]?.reasons, ["memory 86% >= 85% (high)"]);
    assert.equal(changes[2]?.sample, samples[7]);
    assert.equal(monitor.level, "none");
    assert.equal(monitor.latest, samples[11]);
  });

  it("keeps the level through one memory read that fails, with no pressure events", () => {
    const { adapter, monitor, changes } = setup({ memory: { workingSet: 96, limit: 100 } });
    assert.equal(monitor.sample().level, "critical");
    const memory = adapter.memory.bind(adapter);
    adapter.memory = () => {
      throw new Error("EMFILE");
    };
    const glitch = monitor.sample();
    assert.equal(glitch.level, "critical");
    assert.deepEqual(glitch.reasons, ["memory: no reading, holding critical (1 of 3)"]);
    adapter.machine.memory.workingSet = Number.NaN;
    adapter.memory = memory;
    assert.equal(monitor.sample().level, "critical", "nor one that is not a number");
    adapter.machine.memory.workingSet = 96;
    assert.equal(monitor.sample().level, "critical");
    assert.deepEqual(changes.map(({ from, to }) => `${from}->${to}`), ["none->critical"]);
  });

  it("takes any number of listeners without a false memory-leak warning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const { monitor } = setup();
      const offs = Array.from({ length: 20 }, () => monitor.on("sample", () => {}));
      monitor.sample();
      await new Promise((resolve) => setImmediate(resolve)); // Node emits warnings on a later tick
      for (const off of offs) off();
      assert.deepEqual(warnings.filter((w) => w === "MaxListenersExceededWarning"), []);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("sends every event in time order when a listener calls sample()", () => {
    const { time, adapter, monitor, changes } = setup({ memory: { workingSet: 10, limit: 100 } }, {
      loopDelay: false,
    });
    let again = true;
    monitor.on("sample", (sample) => {
      if (sample.level === "none" || !again) return;
      again = false; // free memory and check again
      adapter.machine.memory.workingSet = 10;
      time.advance(1);
      monitor.sample();
    });
    const seen: string[] = [];
    monitor.on("sample", (sample) => seen.push(`${sample.time}:${sample.level}`));
    adapter.machine.memory.workingSet = 96;
    const sample = monitor.sample();
    assert.equal(sample.level, "critical");
    assert.deepEqual(seen, ["0:critical", "1:none"]);
    assert.deepEqual(changes.map(({ from, to }) => `${from}->${to}`), [
      "none->critical",
      "critical->none",
    ]);
    assert.equal(monitor.level, "none");
    assert.equal(monitor.latest?.time, 1);
  });

  it("classifies on PSI some avg10 and reports it", () => {
    const { adapter, monitor } = setup({ pressure: psi(30, 2, 85) });
    const sample = monitor.sample();
    assert.deepEqual(sample.psi, { cpu: 30, memory: 2, io: 85 });
    assert.equal(sample.level, "critical");
    assert.deepEqual(sample.reasons, ["io pressure 85% >= 80% (critical)"]);
    adapter.machine.pressure = undefined;
    const without = monitor.sample();
    assert.deepEqual(without.psi, { cpu: undefined, memory: undefined, io: undefined });
    assert.ok(without.degraded.includes("psi: not available on unknown"));
  });

  it("ignores CPU % unless cpuPercent thresholds are turned on", () => {
    const busy = { cpu: { affinity: 1 }, cpuTime: 0 };
    const off = setup(busy);
    const on = setup(busy, { thresholds: { cpuPercent: true } });
    for (const { time, adapter, monitor } of [off, on]) {
      monitor.sample();
      time.advance(1000);
      adapter.machine.cpuTime = 1_000_000;
    }
    assert.equal(off.monitor.sample().level, "none");
    const sample = on.monitor.sample();
    assert.equal(sample.cpuPercent, 100);
    assert.equal(sample.level, "critical");
    assert.deepEqual(sample.reasons, ["cpu 100% >= 80% (critical)"]);
  });
});

describe("ResourceMonitor failures", () => {
  it("names a throwing read in degraded and keeps sampling", () => {
    const { time, adapter, monitor, samples } = setup({
      cpu: { affinity: 2 },
      cpuTime: 0,
      memory: { workingSet: 50, limit: 100 },
    });
    monitor.sample();
    adapter.machine.failWith = new Error("disk gone");
    time.advance(1000);
    adapter.machine.cpuTime = 500_000;
    const broken = monitor.sample();
    for (const field of ["cpuTime", "memory", "loadAverage", "psi"]) {
      assert.ok(broken.degraded.includes(`${field}: disk gone`), `${field} missing`);
    }
    assert.equal(broken.memoryPercent, undefined);
    assert.equal(broken.cpuPercent, undefined);
    assert.equal(broken.cpus, 2, "the last cpu() reading is kept");

    adapter.machine.failWith = undefined;
    time.advance(1000);
    adapter.machine.cpuTime = 1_000_000;
    const healed = monitor.sample();
    assert.equal(healed.memoryPercent, 50);
    assert.equal(healed.cpuPercent, 25, "measured from the last good CPU-time read");
    assert.equal(healed.degraded.some((d) => d.includes("disk gone")), false);
    assert.equal(samples.length, 3);
  });

  it("survives a single read throwing a non-Error and assumes 1 CPU without cpu()", () => {
    const base = createFakeAdapter({ memory: { rss: 10, total: 100 } });
    const adapter: RuntimeAdapter = {
      ...base,
      cpu() {
        throw "no cgroup";
      },
    };
    const monitor = new ResourceMonitor({ adapter, loopDelay: false });
    const sample = monitor.sample();
    assert.equal(sample.cpus, 1);
    assert.equal(sample.memoryPercent, 10);
    assert.ok(sample.degraded.includes("cpu: no cgroup"));
    assert.ok(sample.degraded.includes("cpus: no cpu() reading yet, assuming 1"));
  });

  it("names a non-finite memory or CPU-time read in degraded and keeps smoothing", () => {
    const { time, adapter, monitor } = setup({
      cpu: { affinity: 1 },
      cpuTime: 0,
      memory: { workingSet: 50, limit: 100 },
    }, { loopDelay: false });
    monitor.sample();
    time.advance(1000);
    adapter.machine.cpuTime = Number.NaN;
    adapter.machine.memory.workingSet = Number.NaN;
    const broken = monitor.sample();
    assert.equal(broken.cpuPercent, undefined);
    assert.equal(broken.memoryPercent, undefined);
    assert.equal(broken.memoryPercentSmoothed, undefined);
    assert.ok(broken.degraded.includes("memory.workingSet: not a finite number (NaN)"));
    assert.ok(
      broken.degraded.includes("cpuPercent: cpu time is not a finite number (0, then NaN)"),
    );

    for (const cpuTime of [0, 500_000]) {
      time.advance(1000);
      adapter.machine.cpuTime = cpuTime;
      adapter.machine.memory.workingSet = 50;
      monitor.sample();
    }
    const healed = monitor.latest;
    assert.equal(healed?.cpuPercent, 50);
    assert.equal(healed?.cpuPercentSmoothed, 50);
    assert.equal(healed?.memoryPercentSmoothed, 50);
  });

  it("merges the adapter's degraded lists", () => {
    const { monitor } = setup({
      cpu: { degraded: ["quota: cgroup not mounted"] },
      memory: { degraded: ["limit: permission denied"] },
    });
    const { degraded } = monitor.sample();
    assert.ok(degraded.includes("quota: cgroup not mounted"));
    assert.ok(degraded.includes("limit: permission denied"));
    assert.ok(degraded.includes("loopDelay: sampler not running (call start())"));
  });
});

describe("ResourceMonitor start/stop", () => {
  it("samples at once and on every tick, then stops", () => {
    const { time, monitor, samples } = setup({}, { intervalMs: 1000 });
    monitor.start();
    assert.equal(samples.length, 1, "start() samples at once");
    assert.equal(monitor.running, true);
    time.advance(3000);
    assert.deepEqual(samples.map((s) => s.time), [0, 1000, 2000, 3000]);
    monitor.stop();
    assert.equal(time.pending, 0, "stop() cancels the tick and the loop-delay probe");
    time.advance(5000);
    assert.equal(samples.length, 4);
    assert.equal(monitor.running, false);
  });

  it("is idempotent and honours a new interval", () => {
    const { time, monitor, samples } = setup({}, { loopDelay: false });
    monitor.start(500);
    monitor.start(500);
    assert.equal(time.pending, 1);
    time.advance(1000);
    assert.equal(samples.length, 3);
    monitor.start(250);
    assert.equal(time.pending, 1);
    time.advance(500);
    assert.deepEqual(samples.map((s) => s.time), [0, 500, 1000, 1250, 1500]);
  });

  it("stops on dispose and can start again", () => {
    const { time, monitor, samples } = setup();
    monitor.start();
    monitor[Symbol.dispose]();
    assert.equal(time.pending, 0);
    monitor.start();
    time.advance(1000);
    assert.equal(samples.length, 3);
    monitor.stop();
  });

  it("reports loop delay and catches a 300 ms block when the late probe fires first", () => {
    const { time, monitor, changes } = setup({}, {
      intervalMs: 1000,
      loopDelay: { resolutionMs: 30 },
    });
    monitor.start();
    assert.equal(monitor.latest?.loopDelayMs, undefined);
    assert.ok(monitor.latest?.degraded.includes("loopDelay: no samples yet"));
    time.advance(1000);
    assert.deepEqual(monitor.latest?.loopDelayMs, { max: 0, mean: 0 });
    time.advance(890); // a probe fired at 1890; the next is due at 1920, the tick at 2000
    time.block(300); // blocked until 2190
    time.runDue(); // the probe runs first (270 ms late), then the tick
    const sample = monitor.latest;
    assert.equal(sample?.time, 2190);
    assert.equal(sample?.loopDelayMs?.max, 270);
    assert.equal(sample?.level, "high");
    assert.deepEqual(sample?.reasons, ["loop delay 270ms >= 250ms (high)"]);
    assert.deepEqual(changes.map((c) => c.to), ["high"]);
    monitor.stop();
  });

  it("catches a 300 ms block when the tick runs before the late probe", () => {
    const { time, monitor } = setup({}, { intervalMs: 1000, loopDelay: { resolutionMs: 30 } });
    monitor.start();
    time.advance(1980); // a probe fired at 1980; the tick is due at 2000, the probe at 2010
    time.block(300); // blocked until 2280
    time.runDue(); // the tick runs first and sees the pending probe 270 ms late
    assert.equal(monitor.latest?.time, 2280);
    assert.equal(monitor.latest?.loopDelayMs?.max, 270);
    assert.equal(monitor.latest?.level, "high");
    time.advance(1000);
    assert.equal(monitor.latest?.loopDelayMs?.max, 0, "the block is not counted twice");
    monitor.stop();
  });

  it("does not report loop delay from before stop() after a restart", () => {
    const { time, monitor, changes } = setup({}, {
      intervalMs: 1000,
      loopDelay: { resolutionMs: 20 },
    });
    monitor.start();
    time.advance(1020);
    time.block(400);
    time.runDue(); // a probe fires 380 ms late, before the next tick
    monitor.stop();
    time.advance(3_600_000);
    monitor.start();
    assert.equal(monitor.latest?.loopDelayMs, undefined);
    assert.equal(monitor.latest?.level, "none");
    time.advance(1000);
    assert.deepEqual(monitor.latest?.loopDelayMs, { max: 0, mean: 0 });
    assert.deepEqual(changes, []);
    monitor.stop();
  });

  it("says the loop-delay sampler is disabled", () => {
    const { monitor } = setup({}, { loopDelay: false });
    monitor.start();
    assert.equal(monitor.latest?.loopDelayMs, undefined);
    assert.ok(monitor.latest?.degraded.includes("loopDelay: disabled"));
    monitor.stop();
  });
});
