import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config-error.ts";
import type { WorkerPool } from "../../src/pool/pool.ts";
import { outcome, testPool, until } from "./support/helpers.ts";

/** Warms both workers of `pool` and starts a 1 s task on each; resolves once both run. */
async function blockBoth(pool: WorkerPool): Promise<Promise<unknown>[]> {
  await pool.warmUp();
  const blockers = [pool.run("spin", 1000)];
  await until(() => pool.stats().running === 1, "the first blocker to start");
  blockers.push(pool.run("spin", 1000));
  await until(() => pool.stats().running === 2, "the second blocker to start");
  return blockers;
}

describe("WorkerPool scaling", () => {
  it("grows on demand up to maxWorkers and shrinks to minWorkers when idle", async () => {
    await using pool = testPool({ minWorkers: 1, maxWorkers: 3, idleTimeoutMs: 20 });
    const tags = await Promise.all(Array.from({ length: 12 }, () => pool.run("spin", 20)));
    assert.equal(tags.length, 12);
    assert.ok(pool.stats().workers.live + pool.stats().workers.starting <= 3);
    await until(() => pool.stats().workers.live === 1, "idle workers to stop");
    assert.equal(pool.stats().workers.min, 1);
  });

  it("starts another worker for a second task instead of queueing it behind the first", async () => {
    await using pool = testPool({ minWorkers: 1, maxWorkers: 2 });
    await pool.warmUp();
    assert.equal(pool.stats().workers.live, 1);
    // One worker could hold both (it pipelines), but then the second would wait for the first.
    const both = Promise.all([pool.run("sleep", 50), pool.run("sleep", 50)]);
    await Promise.resolve(); // dispatch runs in a microtask
    const { live, starting } = pool.stats().workers;
    assert.equal(live + starting, 2);
    await both;
  });

  it("starts one worker for one task, not one more while the first is starting", async () => {
    await using pool = testPool({ minWorkers: 1, maxWorkers: 2 });
    const one = pool.run("inc", 1);
    await Promise.resolve(); // dispatch runs in a microtask
    assert.equal(pool.stats().workers.starting, 1);
    assert.equal(await one, 2);
    assert.equal(pool.stats().workers.live, 1);
  });

  it("resize() moves the bounds live without losing or repeating a task", async () => {
    await using pool = testPool({ minWorkers: 2, maxWorkers: 2 });
    await pool.warmUp();
    const runs = Array.from({ length: 200 }, (_, i) => pool.run("inc", i));
    pool.resize(1, 1);
    const more = Array.from({ length: 200 }, (_, i) => pool.run("inc", 200 + i));
    pool.resize(3, 3);
    const results = await Promise.all([...runs, ...more]);
    assert.deepEqual(results, Array.from({ length: 400 }, (_, i) => i + 1));
    const stats = pool.stats();
    assert.equal(stats.completed, 400);
    assert.deepEqual([stats.workers.min, stats.workers.max], [3, 3]);
    await until(() => pool.stats().workers.live === 3, "the pool to reach its new minimum");
    pool.resize(1, 1);
    await until(() => pool.stats().workers.live === 1, "extra workers to stop");
  });

  it("shrinks while workers are still starting: the pool never runs above the new max", async () => {
    await using pool = testPool({ minWorkers: 0, maxWorkers: 4 });
    const tasks = Array.from({ length: 8 }, () => pool.run("spin", 50));
    await Promise.resolve(); // dispatch runs in a microtask
    assert.equal(pool.stats().workers.starting, 4);
    pool.resize(0, 1);
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, pool.stats().workers.live)), 2);
    try {
      assert.equal((await Promise.all(tasks)).length, 8);
    } finally {
      clearInterval(watch);
    }
    assert.equal(most, 1, "most workers live at once after resize(0, 1)");
    await until(() => pool.size === 1, "the workers that started too many to stop");
  });

  it("stops idle workers above a minimum that resize() lowered", async () => {
    await using pool = testPool({ minWorkers: 3, maxWorkers: 3, idleTimeoutMs: 20 });
    await pool.warmUp();
    pool.resize(1, 3);
    await until(() => pool.stats().workers.live === 1, "idle workers to stop");
  });

  it("lets a worker whose only task could not be sent go idle and stop", async () => {
    await using pool = testPool({ minWorkers: 0, maxWorkers: 2, idleTimeoutMs: 20 });
    const error = await pool.run("echo", () => 1).catch((e: unknown) => e);
    assert.equal((error as Error).name, "DataCloneError");
    await until(() => pool.size === 0, "the idle worker to stop");
  });

  it("starts workers for tasks sent ahead when resize() raises the bound", async () => {
    await using pool = testPool({ minWorkers: 1, maxWorkers: 1 });
    await pool.warmUp();
    const tasks = Array.from({ length: 8 }, () => pool.run("spin", 300));
    await until(() => pool.stats().running === 1, "the first task to start");
    assert.equal(pool.stats().queueDepth, 0, "the rest wait on the worker, not in the pool");
    pool.resize(1, 4);
    assert.ok(pool.stats().workers.starting > 0, "workers start to take them");
    assert.deepEqual(await Promise.all(tasks), Array(8).fill(300));
  });

  it("counts a worker that resize() retired as retiring until it stops, not as live", async () => {
    await using pool = testPool({ minWorkers: 2, maxWorkers: 2 });
    const blockers = await blockBoth(pool);
    pool.resize(1, 1);
    const during = pool.stats().workers;
    assert.equal(during.live, 1, "one worker still takes tasks");
    assert.equal(during.retiring, 1, "the other finishes its task first");
    assert.equal(pool.stats().running, 2);
    await Promise.all(blockers);
    await until(() => pool.stats().workers.retiring === 0, "the retired worker to stop");
    assert.equal(pool.stats().workers.live, 1);
  });

  it("leaves a task whose payload was transferred on the worker it retires", async () => {
    await using pool = testPool({ minWorkers: 2, maxWorkers: 2 });
    const blockers = await blockBoth(pool);
    const moved = Array.from({ length: 4 }, () => {
      const bytes = new Uint8Array(1000);
      return outcome(pool.run("byteLength", bytes, { transfer: [bytes.buffer] }));
    });
    await until(() => pool.stats().queueDepth === 0, "the tasks to be sent behind the blockers");
    pool.resize(1, 1);
    assert.deepEqual(await Promise.all(moved), Array(4).fill({ ok: true, value: 1000 }));
    await Promise.all(blockers);
    await until(() => pool.stats().workers.live === 1, "the retired worker to stop");
  });

  it("puts back the tasks a retired worker had not started in the order they were submitted", async () => {
    await using pool = testPool({ minWorkers: 2, maxWorkers: 2 });
    const blockers = await blockBoth(pool);
    // Two behind each blocker; one pair goes back to the queue and runs after the other.
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const tickets = Array.from({ length: 4 }, () => pool.run<number>("ticket", counter));
    await until(() => pool.stats().queueDepth === 0, "the tasks to be sent behind the blockers");
    pool.resize(1, 1);
    const [a, b, c, d] = await Promise.all(tickets);
    assert.ok(a! < b! && c! < d!, `tickets ${[a, b, c, d]}`);
    await Promise.all(blockers);
  });

  it("rejects impossible bounds", () => {
    const pool = testPool();
    assert.throws(() => pool.resize(3, 2), RangeError);
    assert.throws(() => pool.resize(0, 0), ConfigError);
    assert.throws(() => pool.resize(1.5, 2), ConfigError);
    return pool.close();
  });
});
