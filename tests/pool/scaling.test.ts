import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config-error.ts";
import { testPool, until } from "./support/helpers.ts";

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

  it("rejects impossible bounds", () => {
    const pool = testPool();
    assert.throws(() => pool.resize(3, 2), RangeError);
    assert.throws(() => pool.resize(0, 0), ConfigError);
    assert.throws(() => pool.resize(1.5, 2), ConfigError);
    return pool.close();
  });
});
