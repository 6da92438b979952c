import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Decision, ResourceAwareLimit } from "../../src/control/types.ts";
import type { ResourceSample } from "../../src/monitor/sample.ts";
import { governPool } from "../../src/pool/govern.ts";
import { ConfigError } from "../../src/config/config-error.ts";
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

  it("refuses a bad pool, limit, monitor or option at once, naming it", async () => {
    await using pool = testPool({ minWorkers: 0 });
    const limit: ResourceAwareLimit = { limit: 2, update: () => 2, observe: () => 2 };
    const { monitor, listening } = manualMonitor();
    const cases: [() => unknown, string][] = [
      [() => governPool({} as never, limit, monitor), "`pool` received {}"],
      [() => governPool(pool, { limit: 2, update: () => 2 } as never, monitor), "`limit` received"],
      [() => governPool(pool, limit, {} as never), "`monitor` received {}"],
      [
        () => governPool(pool, limit, monitor, { onDecision: "console.log" } as never),
        "`onDecision` received",
      ],
      [() => governPool(pool, limit, monitor, { name: 42 } as never), "`name` received 42"],
      [() => governPool(pool, limit, monitor, { minWorkers: -1 }), "`minWorkers` received -1"],
      [() => governPool(pool, limit, monitor, { maxWorkers: 4 } as never), "maxWorkers"],
    ];
    for (const [call, message] of cases) {
      assert.throws(
        call,
        (error: unknown) => error instanceof ConfigError && error.message.includes(message),
        message,
      );
    }
    assert.equal(listening(), false, "nothing subscribed");
  });

  it("keeps the pool's own minWorkers unless told otherwise", async () => {
    for (const own of [0, 2]) {
      await using pool = testPool({ minWorkers: own, maxWorkers: 3 });
      const limit: ResourceAwareLimit = { limit: 4, update: () => 4, observe: () => 4 };
      const { monitor, emit } = manualMonitor();
      governPool(pool, limit, monitor);
      emit({ time: 5, level: "none" } as ResourceSample);
      assert.deepEqual([pool.stats().workers.min, pool.stats().workers.max], [own, 4]);
    }
  });

  it("gives the limit's reason only when the limit decided on that sample", async () => {
    await using pool = testPool({ minWorkers: 0, maxWorkers: 2 });
    const next = 3;
    let lastDecision: Decision | undefined;
    const limit = {
      limit: 2,
      update: () => next,
      observe: (sample: ResourceSample) => {
        if (sample.time === 1000) {
          lastDecision = { source: "test", from: 2, to: 3, reason: "memory 10%", time: 1000 };
        }
        return next;
      },
      get lastDecision() {
        return lastDecision;
      },
    };
    const { monitor, emit } = manualMonitor();
    const reasons: string[] = [];
    governPool(pool, limit, monitor, { onDecision: (d) => reasons.push(d.reason) });
    emit({ time: 1000, level: "none" } as ResourceSample);
    pool.resize(0, 2); // by hand: the next sample moves the pool again, the limit does not
    emit({ time: 2000, level: "moderate" } as ResourceSample);
    assert.deepEqual(reasons, ["memory 10%", "limit 3 from the moderate pressure sample"]);
  });
});
