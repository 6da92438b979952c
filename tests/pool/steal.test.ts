import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { testPool, until } from "./support/helpers.ts";

describe("WorkerPool work stealing", () => {
  it("lets a worker that ran dry take tasks queued behind a long one elsewhere", async () => {
    // A long pipeline sends eight tasks ahead to each worker: the short ones
    // behind the long task would wait for it unless the other worker takes them.
    // The long task lasts until the test opens its gate, however slow the machine.
    await using pool = testPool({ minWorkers: 2, maxWorkers: 2, pipelineMs: 10_000 });
    await pool.warmUp();
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const long = pool.run("block", gate);
    try {
      let done = 0;
      const short = Array.from({ length: 15 }, () => pool.run("spin", 1).finally(() => done++));
      // Without stealing the short tasks behind the gate would never finish: bounded wait.
      await until(() => done === 15, "the short tasks");
      await Promise.all(short);
      const stats = pool.stats();
      assert.ok(stats.stolen > 0, `stolen ${stats.stolen}`);
      assert.equal(stats.running, 1, "only the long task is still running");
    } finally {
      Atomics.store(gate, 0, 1);
    }
    await long;
    assert.equal(pool.stats().completed, 16);
  });

  it("never takes a task whose payload was transferred to the busy worker", async () => {
    await using pool = testPool({ minWorkers: 2, maxWorkers: 2, pipelineMs: 10_000 });
    await pool.warmUp();
    const long = pool.run("spin", 1000);
    await until(() => pool.stats().running === 1, "the long task to start");
    // Some go behind the long task, the others to the other worker, which then runs dry.
    const moved = Array.from({ length: 6 }, () => {
      const bytes = new Uint8Array(1000);
      return pool.run("byteLength", bytes, { transfer: [bytes.buffer] });
    });
    assert.deepEqual(await Promise.all(moved), Array(6).fill(1000));
    assert.equal(pool.stats().stolen, 0);
    await long;
  });
});
