import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config-error.ts";
import {
  CPU_PERCENT_THRESHOLDS,
  DEFAULT_THRESHOLDS,
  resolveThresholds,
} from "../../src/monitor/thresholds.ts";
import type { PressureThresholdsOptions } from "../../src/monitor/thresholds.ts";

function issues(
  fn: () => unknown,
): { path: string; received: string; expected: string | undefined }[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.issues.map(({ path, received, expected }) => ({ path, received, expected }));
  }
  assert.fail("expected a ConfigError");
}

describe("resolveThresholds()", () => {
  it("returns the defaults without options", () => {
    assert.deepEqual(resolveThresholds(), DEFAULT_THRESHOLDS);
    assert.deepEqual(resolveThresholds({}), DEFAULT_THRESHOLDS);
  });

  it("has the documented defaults", () => {
    assert.deepEqual(DEFAULT_THRESHOLDS.memory, {
      moderate: { enter: 70, leave: 60 },
      high: { enter: 85, leave: 80 },
      critical: { enter: 95, leave: 90 },
    });
    assert.deepEqual(DEFAULT_THRESHOLDS.loopDelay, {
      moderate: { enter: 100, leave: 50 },
      high: { enter: 250, leave: 150 },
      critical: { enter: 1000, leave: 600 },
    });
    assert.equal(DEFAULT_THRESHOLDS.cpuPercent, false);
  });

  it("merges a partial override over the defaults", () => {
    const t = resolveThresholds({ memory: { high: { enter: 88 } }, psiIo: false });
    assert.deepEqual(t.memory && t.memory.high, { enter: 88, leave: 80 });
    assert.deepEqual(t.memory && t.memory.critical, { enter: 95, leave: 90 });
    assert.equal(t.psiIo, false);
    assert.deepEqual(t.psiCpu, DEFAULT_THRESHOLDS.psiCpu);
  });

  it("turns cpuPercent on with the seed thresholds", () => {
    assert.deepEqual(resolveThresholds({ cpuPercent: true }).cpuPercent, CPU_PERCENT_THRESHOLDS);
    const custom = resolveThresholds({ cpuPercent: { critical: { enter: 95, leave: 85 } } });
    assert.deepEqual(custom.cpuPercent && custom.cpuPercent.critical, { enter: 95, leave: 85 });
  });

  it("rejects a leave at or above its enter, naming the field and the value", () => {
    assert.deepEqual(issues(() => resolveThresholds({ memory: { high: { leave: 85 } } })), [
      { path: "memory.high.leave", received: "85", expected: "< 85 (high.enter)" },
    ]);
  });

  it("rejects levels out of order", () => {
    assert.deepEqual(
      issues(() => resolveThresholds({ psiCpu: { high: { enter: 20, leave: 10 } } })),
      [
        { path: "psiCpu.high.enter", received: "20", expected: "> 25 (moderate.enter)" },
        { path: "psiCpu.high.leave", received: "10", expected: "> 15 (moderate.leave)" },
      ],
    );
  });

  it("rejects a misspelt signal, level or field instead of ignoring it", () => {
    const misspelt = [{ memroy: false }, { memory: { hgih: { enter: 99, leave: 98 } } }, {
      memory: { high: { entr: 99 } },
    }];
    assert.deepEqual(
      misspelt.flatMap((options) =>
        issues(() => resolveThresholds(options as PressureThresholdsOptions)).map((i) => i.path)
      ),
      ["memroy", "memory.hgih", "memory.high.entr"],
    );
  });

  it("names the bad field of a level and blames no other field for it", () => {
    assert.deepEqual(issues(() => resolveThresholds({ memory: { high: { enter: -1 } } })), [
      { path: "memory.high.enter", received: "-1", expected: ">=0" },
    ]);
    const text = { memory: { high: { enter: "90" } } } as unknown as PressureThresholdsOptions;
    assert.deepEqual(issues(() => resolveThresholds(text)), [
      { path: "memory.high.enter", received: '"90"', expected: "number" },
    ]);
    assert.deepEqual(issues(() => resolveThresholds({ memory: null } as never)), [
      { path: "memory", received: "null", expected: "(boolean | Object)" },
    ]);
  });

  it("rejects a negative threshold and a wrong type", () => {
    const found = issues(() =>
      resolveThresholds({
        loopDelay: { moderate: { leave: -1 } },
        memory: "high" as unknown as boolean,
      })
    );
    assert.deepEqual(found.map((i) => i.path).sort(), ["loopDelay.moderate.leave", "memory"]);
  });
});
