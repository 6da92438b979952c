import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { testPool, until } from "./support/helpers.ts";

describe("WorkerPool ordering", () => {
  it("runs higher priorities first and FIFO within a priority", async () => {
    await using pool = testPool({ maxWorkers: 1, pipelineMs: 0 });
    await pool.run("spin", 20); // run times are known: one task is sent ahead, not eight
    const order: string[] = [];
    const blocker = pool.run("spin", 100);
    await until(() => pool.stats().running === 1, "the blocker to start");
    const tasks = [
      ["low-a", 0],
      ["high-a", 5],
      ["low-b", 0],
      ["high-b", 5],
      ["mid", 1],
    ].map(([name, priority]) =>
      pool.run("echo", name, { priority: priority as number }).then((x) => order.push(x as string))
    );
    await Promise.all([blocker, ...tasks]);
    assert.deepEqual(order, ["high-a", "high-b", "mid", "low-a", "low-b"]);
  });

  it("caps the tasks of one key running at once, across workers", async () => {
    await using pool = testPool({ minWorkers: 2, maxWorkers: 2, maxPerKey: 1 });
    await pool.warmUp();
    const a = new Int32Array(new SharedArrayBuffer(8));
    const b = new Int32Array(new SharedArrayBuffer(8));
    const tasks: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i++) {
      tasks.push(pool.run("keyed", { counter: a, ms: 10 }, { key: "tenant-a" }));
      tasks.push(pool.run("keyed", { counter: b, ms: 10 }, { key: "tenant-b" }));
    }
    await Promise.all(tasks);
    assert.equal(Atomics.load(a, 1), 1, "tenant-a never ran two at once");
    assert.equal(Atomics.load(b, 1), 1, "tenant-b never ran two at once");
    assert.equal(pool.stats().completed, 12);
  });
});
