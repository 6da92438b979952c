import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config-error.ts";
import { QueueFullError } from "../../src/pool/errors.ts";
import type { PoolStats } from "../../src/pool/stats.ts";
import { outcome, testPool, until, within } from "./support/helpers.ts";

describe("WorkerPool backpressure", () => {
  it("rejects past maxQueue at once with QueueFullError carrying the figures", async () => {
    await using pool = testPool({ maxWorkers: 1, maxQueue: 3 });
    const accepted = [1, 2, 3].map((x) => pool.run("inc", x));
    const refused = await pool.run("inc", 4).catch((e: unknown) => e);
    assert.ok(refused instanceof QueueFullError);
    assert.equal(refused.queued, 3);
    assert.equal(refused.maxQueue, 3);
    assert.equal(refused.loadFactor, 3);
    assert.match(refused.message, /maxQueue 3.*pool\.ready\(\)/);
    assert.deepEqual(await Promise.all(accepted), [2, 3, 4]);
    assert.equal(await pool.run("inc", 5), 6, "accepts again once the queue drained");
  });

  it("fires backpressure at the high-water mark and backpressureEnd under the low one", async () => {
    await using pool = testPool({ maxWorkers: 1, highWaterMark: 4, lowWaterMark: 1 });
    const events: { type: string; queueDepth: number }[] = [];
    for (const type of ["backpressure", "backpressureEnd"] as const) {
      pool.addEventListener(type, (event) => {
        events.push({ type, queueDepth: (event as CustomEvent<PoolStats>).detail.queueDepth });
      });
    }
    const tasks = Array.from({ length: 6 }, (_, i) => pool.run("inc", i));
    assert.deepEqual(events, [{ type: "backpressure", queueDepth: 4 }]);
    let readyAt = -1;
    const ready = pool.ready().then(() => {
      readyAt = pool.stats().queueDepth;
    });
    await Promise.all([...tasks, ready]);
    assert.ok(readyAt >= 0 && readyAt < 1, `ready() resolved with ${readyAt} waiting`);
    assert.deepEqual(events.map((e) => e.type), ["backpressure", "backpressureEnd"]);
  });

  it("keeps the low-water mark at least 1, so ready() resolves on an empty queue", async () => {
    for (const options of [{ maxQueue: 1 }, { highWaterMark: 1 }]) {
      const pool = testPool({ maxWorkers: 1, ...options });
      assert.equal(await pool.run("inc", 1), 2);
      assert.equal(await within(pool.ready(), 10_000), undefined, JSON.stringify(options));
      assert.equal(await pool.run("inc", 2), 3);
      await pool.close();
    }
    assert.throws(
      () => testPool({ maxQueue: 10, highWaterMark: 100 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /`highWaterMark` received 100, expected at most maxQueue \(10\)/.test(e.message),
      "a high-water mark above maxQueue: ready() would resolve while run() refuses",
    );
    for (const field of ["maxQueue", "lowWaterMark"]) {
      assert.throws(
        () => testPool({ [field]: 0 }),
        (e: unknown) =>
          e instanceof ConfigError &&
          new RegExp(`\`${field}\` received 0, expected >=1`).test(e.message),
      );
    }
  });

  it("wakes ready() and fires backpressureEnd when cancelling empties the queue", async () => {
    await using pool = testPool({ maxWorkers: 1, maxPerKey: 1, highWaterMark: 4, lowWaterMark: 2 });
    const ends: number[] = [];
    pool.addEventListener("backpressureEnd", (event) => {
      ends.push((event as CustomEvent<PoolStats>).detail.queueDepth);
    });
    const first = new AbortController();
    const running = pool.run("sleep", 60_000, { key: "k", signal: first.signal });
    try {
      // Tasks of a key at its cap wait in the pool, whatever the worker does.
      const rest = new AbortController();
      const waiting = Array.from(
        { length: 10 },
        () => pool.run("inc", 1, { key: "k", signal: rest.signal }).catch((e: unknown) => e),
      );
      await until(() => pool.stats().running === 1, "the first task to start");
      assert.equal(pool.stats().queueDepth, 10);
      const ready = pool.ready();
      rest.abort();
      await Promise.all(waiting);
      assert.equal(await within(ready, 10_000), undefined, "ready() resolved");
      assert.deepEqual(ends, [0]);
    } finally {
      first.abort();
      await running.catch(() => {});
    }
  });

  it("reports load factor as (running + queued) / maxWorkers", async () => {
    await using pool = testPool({ maxWorkers: 2 });
    await pool.warmUp();
    const tasks = Array.from({ length: 6 }, () => pool.run("spin", 50));
    const stats = pool.stats();
    assert.equal(stats.pending, 6);
    assert.equal(stats.loadFactor, 3);
    await Promise.all(tasks);
    const after = pool.stats();
    assert.equal(after.loadFactor, 0);
    assert.equal(after.completed, 6);
    assert.ok(after.utilisation > 0 && after.utilisation <= 1, `utilisation ${after.utilisation}`);
    assert.ok(after.runTime.p50 >= 45, `run time p50 ${after.runTime.p50}`);
    const results = await Promise.all([outcome(pool.run("inc", 1))]);
    assert.deepEqual(results, [{ ok: true, value: 2 }]);
  });
});
