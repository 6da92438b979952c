import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EmergencyBrake } from "../../../src/control/brake/emergency-brake.ts";
import type { EmergencyBrakeOptions } from "../../../src/control/brake/emergency-brake.ts";
import type { Decision } from "../../../src/control/types.ts";
import { ConfigError } from "../../../src/config/config-error.ts";
import { ResourceMonitor } from "../../../src/monitor/resource-monitor.ts";
import { createFakeAdapter } from "../../../src/runtime/fake.ts";
import { ManualTime } from "../../monitor/manual-time.ts";
import { flush, holdingScheduler, sampleAt, watch } from "../limiter/helpers.ts";

function setup(options: EmergencyBrakeOptions = {}) {
  const time = new ManualTime();
  const brake = new EmergencyBrake({ clock: time.clock, scheduler: time.scheduler, ...options });
  const changes: string[] = [];
  const decisions: Decision[] = [];
  brake.on("brake", (c) => changes.push(`${c.engaged ? "engaged" : "released"}: ${c.reason}`));
  brake.on("decision", (d) => decisions.push(d));
  return { time, brake, changes, decisions };
}

describe("EmergencyBrake", () => {
  it("engages after threshold consecutive throttles (3 by default)", () => {
    const { brake, changes, decisions } = setup();
    brake.throttle();
    brake.throttle();
    assert.equal(brake.engaged, false);
    brake.throttle("503 from upstream");
    assert.equal(brake.engaged, true);
    assert.equal(brake.engagements, 1);
    assert.deepEqual(changes, ["engaged: 3 throttles in a row (last: 503 from upstream)"]);
    assert.deepEqual(
      decisions.map((d) => [d.source, d.from, d.to]),
      [["brake:default", 0, 1]],
    );
  });

  it("needs the throttles in a row: a calm signal resets the count", () => {
    const { brake } = setup({ threshold: 2 });
    brake.throttle();
    brake.clear();
    assert.equal(brake.consecutive, 0);
    brake.throttle();
    assert.equal(brake.engaged, false);
    brake.throttle();
    assert.equal(brake.engaged, true);
  });

  it("reads monitor samples: throttleLevel and above throttle, lower levels are calm", () => {
    const monitor = new EventTarget();
    const { brake, changes } = setup({ monitor, threshold: 2, minPauseMs: 0 });
    const send = (level: "none" | "moderate" | "high" | "critical"): void => {
      monitor.dispatchEvent(
        new CustomEvent("sample", { detail: sampleAt(level, 0, [`${level} reason`]) }),
      );
    };
    send("high");
    send("moderate");
    send("critical");
    assert.equal(brake.engaged, false);
    send("critical");
    assert.equal(brake.engaged, true);
    send("moderate");
    assert.equal(brake.engaged, false);
    assert.deepEqual(changes, [
      "engaged: 2 throttles in a row (last: critical pressure: critical reason)",
      "released: pressure cleared",
    ]);
    brake[Symbol.dispose]();
    send("critical");
    send("critical");
    assert.equal(brake.engaged, false, "a disposed brake no longer listens");
  });

  it("counts no throttle for a level a signal holds without a reading", () => {
    const adapter = createFakeAdapter({ memory: { limit: 1000, workingSet: 900 } });
    const time = new ManualTime();
    const monitor = new ResourceMonitor({
      adapter,
      loopDelay: false,
      clock: time.clock,
      scheduler: time.scheduler,
    });
    const { brake } = setup({ monitor });
    assert.equal(monitor.sample().level, "high");
    assert.equal(brake.consecutive, 1);
    // Two failed reads: the monitor holds "high", but nothing was measured.
    adapter.machine.memory.workingSet = Number.NaN;
    for (let i = 0; i < 2; i++) {
      const held = monitor.sample();
      assert.equal(held.level, "high");
      assert.equal(held.measuredLevel, "none");
    }
    assert.equal(brake.engaged, false, "it engaged on 3 throttles, two of them never read");
    assert.equal(brake.consecutive, 1, "nor do they clear it");
    adapter.machine.memory.workingSet = 900;
    monitor.sample();
    adapter.machine.memory.workingSet = 920;
    monitor.sample();
    assert.equal(brake.engaged, true, "three readings at high engage it");
  });

  it("stays engaged for minPauseMs (8 s by default) even when pressure clears sooner", () => {
    const { brake, time, changes } = setup({ threshold: 1 });
    brake.throttle();
    time.advance(3000);
    brake.clear();
    assert.equal(brake.engaged, true);
    time.advance(4999);
    assert.equal(brake.engaged, true);
    time.advance(1);
    assert.equal(brake.engaged, false, "calm at the end of the pause: released by the timer");
    assert.equal(changes.at(-1), "released: pressure cleared during the pause");
  });

  it("does not let go at the end of the pause while pressure is still high", () => {
    const { brake, time } = setup({ threshold: 1, minPauseMs: 100 });
    brake.throttle();
    time.advance(50);
    brake.clear();
    brake.throttle();
    time.advance(100);
    assert.equal(brake.engaged, true);
    brake.clear();
    assert.equal(brake.engaged, false, "the first calm signal after the pause releases it");
  });

  it("waitForRecovery() resolves true when the brake lets go", async () => {
    const { brake, time } = setup({ threshold: 1, minPauseMs: 10 });
    assert.equal(await brake.waitForRecovery(), true, "not engaged: at once");
    brake.throttle();
    const waiting = watch(brake.waitForRecovery());
    time.advance(10);
    await flush();
    assert.equal(waiting.state, "pending");
    brake.clear();
    await flush();
    assert.equal(waiting.value, true);
    assert.equal(time.pending, 0, "its max-wait timer is cleared");
  });

  it("waitForRecovery() resolves false after maxWaitMs (45 s by default)", async () => {
    const { brake, time } = setup({ threshold: 1 });
    brake.throttle();
    const byDefault = watch(brake.waitForRecovery());
    const short = watch(brake.waitForRecovery({ maxWaitMs: 1000 }));
    time.advance(1000);
    await flush();
    assert.equal(short.value, false);
    assert.equal(byDefault.state, "pending");
    time.advance(44_000);
    await flush();
    assert.equal(byDefault.value, false);
    assert.equal(brake.engaged, true);
  });

  it("waitForRecovery() rejects with the signal's reason on abort", async () => {
    const { brake, time } = setup({ threshold: 1 });
    brake.throttle();
    const controller = new AbortController();
    const waiting = watch(brake.waitForRecovery({ signal: controller.signal }));
    controller.abort("bye");
    await flush();
    assert.equal(waiting.reason, "bye");
    assert.equal(time.pending, 1, "only the pause timer is left");
    await assert.rejects(brake.waitForRecovery({ signal: controller.signal }), (r) => r === "bye");
  });

  it("reset() lets go and wakes the waiters", async () => {
    const { brake } = setup({ threshold: 1 });
    brake.throttle();
    const waiting = brake.waitForRecovery();
    brake.reset();
    assert.equal(await waiting, true);
    assert.equal(brake.engaged, false);
    assert.equal(brake.consecutive, 0);
  });

  it("answers anyone still waiting with false when disposed", async () => {
    const { brake, time } = setup({ threshold: 1 });
    brake.throttle();
    const forever = watch(brake.waitForRecovery({ maxWaitMs: Infinity }));
    const bounded = watch(brake.waitForRecovery({ maxWaitMs: 60_000 }));
    brake[Symbol.dispose]();
    await flush();
    assert.equal(forever.value, false);
    assert.equal(bounded.value, false);
    assert.equal(time.pending, 0, "no timer left behind");
  });

  it("waitForRecovery() after dispose answers false at once and holds nothing", async () => {
    const time = new ManualTime();
    const scheduler = holdingScheduler(time);
    const brake = new EmergencyBrake({ clock: time.clock, scheduler, threshold: 1 });
    brake.throttle();
    brake[Symbol.dispose]();
    const late = watch(brake.waitForRecovery({ maxWaitMs: Infinity }));
    await flush();
    assert.equal(late.value, false);
    assert.equal(scheduler.held, 0, "no process hold taken");
    assert.equal(time.pending, 0, "no timer left behind");
    brake.reset();
    assert.equal(await brake.waitForRecovery(), true, "a released brake needs no wait");
  });

  it("sets no timer once disposed; a calm signal after minPauseMs still lets go", () => {
    const { brake, time, changes } = setup({ threshold: 1, minPauseMs: 1000 });
    brake[Symbol.dispose]();
    brake.throttle("late");
    assert.equal(brake.engaged, true, "manual signals still move a disposed brake");
    assert.equal(time.pending, 0, "no pause timer after dispose");
    brake.clear();
    assert.equal(brake.engaged, true, "held for minPauseMs");
    time.advance(1000);
    brake.clear();
    assert.equal(brake.engaged, false);
    assert.deepEqual(changes, [
      "engaged: 1 throttles in a row (last: late)",
      "released: pressure cleared",
    ]);
  });

  it("holds the process open while anyone waits, through the scheduler", async () => {
    const time = new ManualTime();
    const scheduler = holdingScheduler(time);
    const brake = new EmergencyBrake({ clock: time.clock, scheduler, threshold: 1 });
    brake.throttle();
    const first = brake.waitForRecovery({ maxWaitMs: 1000 });
    const second = brake.waitForRecovery({ maxWaitMs: 2000 });
    assert.equal(scheduler.held, 1, "one hold for all the waiters");
    time.advance(1000);
    assert.equal(await first, false);
    assert.equal(scheduler.held, 1);
    time.advance(1000);
    assert.equal(await second, false);
    assert.equal(scheduler.held, 0);
  });

  it("waitForRecovery() refuses a bad signal or maxWaitMs before it holds anything", async () => {
    const time = new ManualTime();
    const scheduler = holdingScheduler(time);
    const brake = new EmergencyBrake({ clock: time.clock, scheduler, threshold: 1 });
    brake.throttle();
    const pending = time.pending; // the pause timer
    const bad: [unknown, string][] = [
      [{ signal: new AbortController() }, "`signal` received an AbortController"],
      [{ signal: null }, "`signal` received null"],
      [{ maxWaitMs: true }, "`maxWaitMs` received true"],
      [{ maxWaitMs: "500" }, '`maxWaitMs` received "500"'],
      [{ maxWaitMs: -1 }, "`maxWaitMs` received -1"],
      [{ maxWaitMs: Number.NaN }, "`maxWaitMs` received NaN"],
      [null, "`options` received null"],
      [{ timeout: 500 }, "`timeout` received 500, no such option (check the spelling)"],
    ];
    for (const [options, message] of bad) {
      await assert.rejects(
        brake.waitForRecovery(options as { maxWaitMs?: number }),
        (error: unknown) =>
          error instanceof ConfigError && error.message.includes(message) &&
          error.message.includes("waitForRecovery()"),
        message,
      );
    }
    assert.equal(scheduler.held, 0, "no process hold left behind");
    assert.equal(time.pending, pending, "no wait timer left behind");
    const waiting = watch(brake.waitForRecovery({ maxWaitMs: 0 }));
    time.advance(0);
    await flush();
    assert.equal(waiting.value, false, "0 ms is a valid wait");
  });

  it("a listener that moves the brake is announced after the change it heard", () => {
    const { brake, changes, decisions } = setup({ threshold: 1 });
    // An operator override that lets go of the brake as soon as it engages.
    brake.on("brake", (c) => {
      if (c.engaged) brake.reset();
    });
    brake.throttle("503");
    assert.equal(brake.engaged, false);
    assert.deepEqual(changes, ["engaged: 1 throttles in a row (last: 503)", "released: reset"]);
    assert.deepEqual(decisions.map((d) => `${d.from}->${d.to}`), ["0->1", "1->0"]);
  });

  it("a waiter keeps waiting when a listener engages the brake again on its release", async () => {
    const { brake, time } = setup({ threshold: 1, minPauseMs: 0 });
    brake.throttle("first");
    const waiting = watch(brake.waitForRecovery({ maxWaitMs: 1000 }));
    let again = true;
    brake.on("brake", (c) => {
      if (!c.engaged && again) {
        again = false;
        brake.throttle("again");
      }
    });
    brake.clear();
    await flush();
    assert.equal(brake.engaged, true);
    assert.equal(waiting.state, "pending", "not told of a recovery that did not last");
    brake.clear();
    await flush();
    assert.equal(brake.engaged, false);
    assert.equal(waiting.value, true);
    assert.equal(time.pending, 0, "its wait timer is cleared");
  });

  it("reads the monitor's latest sample when created", () => {
    const monitor = Object.assign(new EventTarget(), { latest: sampleAt("critical") });
    const { brake } = setup({ threshold: 1, monitor });
    assert.equal(brake.engaged, true);
  });

  it("rejects bad options with a ConfigError", () => {
    assert.throws(
      () => new EmergencyBrake({ threshold: 0, throttleLevel: "none" as "high" }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.issues.map((i) => i.path).sort().join() === "threshold,throttleLevel",
    );
  });
});
