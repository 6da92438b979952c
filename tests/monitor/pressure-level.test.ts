import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { classifyPressure, HOLD_UNREAD } from "../../src/monitor/pressure-level.ts";
import type { PressureSignals, PressureState } from "../../src/monitor/pressure-level.ts";
import { DEFAULT_THRESHOLDS, resolveThresholds } from "../../src/monitor/thresholds.ts";
import type { PressureLevel, PressureThresholds } from "../../src/monitor/thresholds.ts";

function run(
  readings: readonly PressureSignals[],
  thresholds: PressureThresholds = DEFAULT_THRESHOLDS,
): PressureLevel[] {
  let state: PressureState | undefined;
  return readings.map((reading) => {
    state = classifyPressure(reading, thresholds, state);
    return state.level;
  });
}

describe("classifyPressure()", () => {
  it("is none with no readings and names no reason", () => {
    const state = classifyPressure({}, DEFAULT_THRESHOLDS);
    assert.equal(state.level, "none");
    assert.deepEqual(state.reasons, []);
  });

  it("climbs straight to the highest level whose enter is reached", () => {
    assert.deepEqual(run([{ memory: 50 }, { memory: 96 }]), ["none", "critical"]);
    assert.deepEqual(run([{ memory: 85 }]), ["high"]);
    assert.deepEqual(run([{ memory: 84.9 }]), ["moderate"]);
  });

  it("holds a level between leave and enter instead of flapping", () => {
    const levels = run([72, 65, 72, 61, 72, 65, 59].map((memory) => ({ memory })));
    assert.deepEqual(levels, [
      "moderate",
      "moderate",
      "moderate",
      "moderate",
      "moderate",
      "moderate",
      "none",
    ]);
  });

  it("steps down one level at a time, only past each leave", () => {
    const levels = run([96, 91, 89, 81, 79, 61, 59].map((memory) => ({ memory })));
    assert.deepEqual(levels, [
      "critical",
      "critical",
      "high",
      "high",
      "moderate",
      "moderate",
      "none",
    ]);
  });

  it("drops several levels at once when the value falls past several leaves", () => {
    assert.deepEqual(run([{ memory: 96 }, { memory: 10 }]), ["critical", "none"]);
    assert.deepEqual(run([{ memory: 96 }, { memory: 75 }]), ["critical", "moderate"]);
  });

  it("takes the highest level over all signals and names the signals at it", () => {
    const state = classifyPressure(
      { memory: 72, psiCpu: 55, psiIo: 60, loopDelay: 20 },
      DEFAULT_THRESHOLDS,
    );
    assert.equal(state.level, "high");
    assert.deepEqual(state.reasons, [
      "cpu pressure 55% >= 50% (high)",
      "io pressure 60% >= 50% (high)",
    ]);
    assert.equal(state.signals.memory, "moderate");
    assert.equal(state.signals.loopDelay, "none");
  });

  it("explains a level held by hysteresis", () => {
    const first = classifyPressure({ loopDelay: 280 }, DEFAULT_THRESHOLDS);
    assert.deepEqual(first.reasons, ["loop delay 280ms >= 250ms (high)"]);
    const held = classifyPressure({ loopDelay: 200 }, DEFAULT_THRESHOLDS, first);
    assert.equal(held.level, "high");
    assert.deepEqual(held.reasons, ["loop delay 200ms (high, holding until below 150ms)"]);
  });

  it("uses PSI memory thresholds of 10 / 25 / 50", () => {
    assert.deepEqual(
      run([{ psiMemory: 9.9 }, { psiMemory: 10 }, { psiMemory: 26 }, { psiMemory: 50 }]),
      [
        "none",
        "moderate",
        "high",
        "critical",
      ],
    );
  });

  it("ignores CPU % by default: a busy CPU without stalls is healthy", () => {
    const state = classifyPressure({ cpuPercent: 100 }, DEFAULT_THRESHOLDS);
    assert.equal(state.level, "none");
    assert.equal(state.signals.cpuPercent, "none");
  });

  it("classifies CPU % with the seed's thresholds once turned on", () => {
    const thresholds = resolveThresholds({ cpuPercent: true });
    assert.deepEqual(
      run([44, 45, 76, 70, 81].map((cpuPercent) => ({ cpuPercent })), thresholds),
      ["none", "moderate", "high", "high", "critical"],
    );
    const state = classifyPressure({ cpuPercent: 76 }, thresholds);
    assert.deepEqual(state.reasons, ["cpu 76% >= 75% (high)"]);
  });

  it("treats a signal that is off as none", () => {
    const thresholds = resolveThresholds({ memory: false });
    assert.equal(classifyPressure({ memory: 99 }, thresholds).level, "none");
  });

  it("holds an unread signal's level for HOLD_UNREAD readings, then forgets it", () => {
    let state = classifyPressure({ memory: 97, cpuPercent: 10 }, DEFAULT_THRESHOLDS);
    assert.equal(state.level, "critical");
    for (let missed = 1; missed <= HOLD_UNREAD; missed++) {
      const value = missed === 2 ? Number.NaN : undefined; // a failed read, or not a number
      state = classifyPressure({ memory: value, cpuPercent: 10 }, DEFAULT_THRESHOLDS, state);
      assert.equal(state.level, "critical", `one glitch does not drop it (${missed})`);
      assert.equal(state.measured, "none", "nothing read says critical");
      assert.deepEqual(state.reasons, [
        `memory: no reading, holding critical (${missed} of ${HOLD_UNREAD})`,
      ]);
    }
    const gone = classifyPressure({ cpuPercent: 10 }, DEFAULT_THRESHOLDS, state);
    assert.equal(gone.level, "none", "a figure gone for good does not hold it forever");
    // A reading resets the count.
    state = classifyPressure({ memory: 97 }, DEFAULT_THRESHOLDS, state);
    state = classifyPressure({}, DEFAULT_THRESHOLDS, state);
    state = classifyPressure({ memory: 97 }, DEFAULT_THRESHOLDS, state);
    assert.equal(state.unread?.memory, undefined);
    assert.equal(classifyPressure({}, DEFAULT_THRESHOLDS, state).unread?.memory, 1);
  });
});
