import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config-error.ts";
import type { ConfigIssue } from "../../src/config/config-error.ts";
import { ResourceMonitor } from "../../src/monitor/resource-monitor.ts";
import type { ResourceMonitorOptions } from "../../src/monitor/options.ts";
import { createFakeAdapter } from "../../src/runtime/fake.ts";

function rejection(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail("expected a ConfigError");
}

function create(options: Record<string, unknown>): ResourceMonitor {
  return new ResourceMonitor(
    { adapter: createFakeAdapter(), ...options } as unknown as ResourceMonitorOptions,
  );
}

function pick(issue: ConfigIssue | undefined): Partial<ConfigIssue> | undefined {
  return issue && { path: issue.path, received: issue.received, expected: issue.expected };
}

describe("ResourceMonitor options", () => {
  it("accepts only an adapter and fills in the defaults", () => {
    const monitor = create({});
    assert.equal(monitor.level, "none");
    assert.equal(monitor.latest, undefined);
    assert.equal(monitor.running, false);
  });

  it("names halfLifeMs: -1, its value and what was expected", () => {
    const error = rejection(() => create({ halfLifeMs: -1 }));
    assert.equal(error.target, "ResourceMonitor options");
    assert.deepEqual(error.issues.map(pick), [{
      path: "halfLifeMs",
      received: "-1",
      expected: ">=0",
    }]);
    assert.match(error.message, /`halfLifeMs` received -1, expected >=0/);
  });

  it("names a threshold leave at or above its enter", () => {
    const error = rejection(() => create({ thresholds: { memory: { high: { leave: 90 } } } }));
    assert.deepEqual(error.issues.map(pick), [
      { path: "thresholds.memory.high.leave", received: "90", expected: "< 85 (high.enter)" },
    ]);
  });

  it("samples this runtime's adapter by default, and rejects something that is not an adapter", () => {
    const monitor = new ResourceMonitor({ loopDelay: false });
    assert.ok(monitor.sample().cpus >= 1);
    const error = rejection(() =>
      new ResourceMonitor({ adapter: { cpu: 1 } } as unknown as ResourceMonitorOptions)
    );
    assert.equal(error.issues[0]?.path, "adapter");
    assert.match(error.issues[0]?.expected ?? "", /RuntimeAdapter/);
  });

  it("rejects an adapter without cpuTimeSource(), naming adapter", () => {
    const { cpuTimeSource: _, ...adapter } = createFakeAdapter();
    const error = rejection(() => create({ adapter }));
    assert.deepEqual(error.issues.map((issue) => issue.path), ["adapter"]);
    assert.match(error.issues[0]?.expected ?? "", /cpuTimeSource/);
  });

  it("names the field inside loopDelay, not the whole union", () => {
    const error = rejection(() =>
      create({ loopDelay: { resolutionMs: "20" }, thresholds: { memory: { high: 90 } } })
    );
    assert.deepEqual(error.issues.map(pick), [
      { path: "thresholds.memory.high", received: "90", expected: "Object" },
      { path: "loopDelay.resolutionMs", received: '"20"', expected: "number" },
    ]);
    assert.deepEqual(rejection(() => create({ loopDelay: { resolution: 5 } })).issues.map(pick), [
      {
        path: "loopDelay.resolution",
        received: "5",
        expected: "no such option (check the spelling)",
      },
    ]);
    assert.deepEqual(rejection(() => create({ loopDelay: true })).issues.map(pick), [
      { path: "loopDelay", received: "true", expected: "(false | Object)" },
    ]);
  });

  it("names a misspelt option instead of ignoring it", () => {
    const error = rejection(() => create({ intervalMS: 500 }));
    assert.equal(error.issues[0]?.path, "intervalMS");
  });

  it("reports every bad field at once", () => {
    const error = rejection(() =>
      create({
        intervalMs: 0,
        limitRefreshMs: "often",
        clock: 5,
        loopDelay: { resolutionMs: -20 },
        scheduler: {},
      })
    );
    assert.deepEqual(error.issues.map((issue) => issue.path).sort(), [
      "clock",
      "intervalMs",
      "limitRefreshMs",
      "loopDelay.resolutionMs",
      "scheduler",
    ]);
  });

  it("validates start(intervalMs)", () => {
    const monitor = create({ loopDelay: false });
    const error = rejection(() => monitor.start(-5));
    assert.equal(error.issues[0]?.path, "intervalMs");
    assert.equal(error.issues[0]?.received, "-5");
    assert.equal(monitor.running, false);
  });
});
