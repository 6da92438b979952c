import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { QueueFullError } from "../../src/pool/errors.ts";
import type { PoolStats } from "../../src/pool/stats.ts";
import { outcome, testPool } from "./support/helpers.ts";

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
