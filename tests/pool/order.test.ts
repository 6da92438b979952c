import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { outcome, testPool, until, within } from "./support/helpers.ts";

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

  it("runs the tasks waiting on a key's cap by priority, FIFO within a priority", async () => {
    await using pool = testPool({ maxWorkers: 1, maxPerKey: 1 });
    await pool.warmUp();
    const stop = new AbortController();
    const holder = outcome(pool.run("sleep", 60_000, { key: "k", signal: stop.signal }));
    await until(() => pool.stats().running === 1, "the key's first task to start");
    const order: string[] = [];
    const tasks = [
      ["low-a", 0],
      ["high-a", 9],
      ["low-b", 0],
      ["high-b", 9],
      ["mid", 1],
    ].map(([name, priority]) =>
      pool.run("echo", name, { key: "k", priority: priority as number })
        .then((x) => order.push(x as string))
    );
    stop.abort();
    await Promise.all([holder, ...tasks]);
    assert.deepEqual(order, ["high-a", "high-b", "mid", "low-a", "low-b"]);
  });

  it("lets the next task of a key in when the one let in before it is cancelled", async () => {
    const pool = testPool({ maxWorkers: 1, maxPerKey: 1 });
    try {
      await pool.warmUp();
      const controller = new AbortController();
      const first = pool.run("sleep", 30, { key: "k" });
      const second = outcome(pool.run("inc", 2, { key: "k", signal: controller.signal }));
      const third = pool.run("inc", 3, { key: "k" });
      // As the first settles, the second has its place on the key but is not sent yet.
      void first.then(() => controller.abort());
      assert.equal(await within(third, 20_000), 4);
      const cancelled = await second;
      assert.ok(!cancelled.ok && (cancelled.error as DOMException).name === "AbortError");
      const stats = pool.stats();
      assert.deepEqual([stats.completed, stats.cancelled, stats.pending], [2, 1, 0]);
    } finally {
      await pool.close({ force: true });
    }
  });
});
