import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Decision, ResourceAwareLimit } from "../../src/control/types.ts";
import type { ResourceSample } from "../../src/monitor/sample.ts";
import { governPool } from "../../src/pool/govern.ts";
import { testPool } from "./support/helpers.ts";

/** A monitor the test drives: `emit` hands a sample to whoever listens. */
function manualMonitor() {
  let listener: ((sample: ResourceSample) => void) | undefined;
  const monitor = {
    on(_type: "sample", fn: (sample: ResourceSample) => void): () => void {
      listener = fn;
      return () => (listener = undefined);
    },
  };
  return {
    monitor,
    emit: (sample: ResourceSample) => listener?.(sample),
    listening: () => listener !== undefined,
  };
}

describe("governPool()", () => {
  it("resizes the pool from the limit on each monitor sample, and stops when asked", async () => {
    await using pool = testPool({ minWorkers: 1, maxWorkers: 2 });
    let next = 3;
    const limit: ResourceAwareLimit = {
      limit: 2,
      update: () => next,
      observe: () => next,
    };
    const { monitor, emit, listening } = manualMonitor();
    const decisions: Decision[] = [];
    const stop = governPool(pool, limit, monitor, {
      name: "hash",
      onDecision: (d) => decisions.push(d),
    });
    const sample = { time: 5, level: "none" } as ResourceSample;
    emit(sample);
    assert.equal(pool.stats().workers.max, 3);
    next = 1;
    emit(sample);
    assert.equal(pool.stats().workers.max, 1);
    emit(sample);
    assert.deepEqual(decisions.map((d) => [d.source, d.from, d.to]), [
      ["pool:hash", 2, 3],
      ["pool:hash", 3, 1],
    ]);
    stop();
    assert.equal(listening(), false);
    assert.equal(await pool.run("inc", 1), 2);
  });

  it("skips a sample whose limit is NaN or Infinity: no resize, no decision", async () => {
    await using pool = testPool({ minWorkers: 0, maxWorkers: 2 });
    let next = 3;
    const limit: ResourceAwareLimit = { limit: 2, update: () => next, observe: () => next };
    const { monitor, emit } = manualMonitor();
    const decisions: Decision[] = [];
    governPool(pool, limit, monitor, { minWorkers: 0, onDecision: (d) => decisions.push(d) });
    const sample = { time: 5, level: "none" } as ResourceSample;
    emit(sample);
    for (const value of [NaN, Infinity, -Infinity]) {
      next = value;
      assert.doesNotThrow(() => emit(sample), `limit ${value}`);
      assert.deepEqual([pool.stats().workers.min, pool.stats().workers.max], [0, 3]);
    }
    next = 1;
    emit(sample);
    assert.equal(pool.stats().workers.max, 1);
    assert.deepEqual(decisions.map((d) => [d.from, d.to]), [[2, 3], [3, 1]]);
  });

  it("applies minWorkers even while the limit equals the pool's max", async () => {
    await using pool = testPool({ minWorkers: 1, maxWorkers: 4 });
    const limit: ResourceAwareLimit = { limit: 4, update: () => 4, observe: () => 4 };
    const { monitor, emit } = manualMonitor();
    const decisions: Decision[] = [];
    governPool(pool, limit, monitor, { minWorkers: 3, onDecision: (d) => decisions.push(d) });
    emit({ time: 5, level: "none" } as ResourceSample);
    assert.deepEqual([pool.stats().workers.min, pool.stats().workers.max], [3, 4]);
    assert.deepEqual(decisions, [], "the limit itself did not move");
  });
});
