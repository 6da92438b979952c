import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AdaptiveLimiter } from "../../../src/control/limiter/adaptive-limiter.ts";
import type { AdaptiveLimiterOptions } from "../../../src/control/limiter/options.ts";
import type { Permit } from "../../../src/control/limiter/permit.ts";
import { ManualTime } from "../../monitor/manual-time.ts";
import { flush } from "./helpers.ts";

function limiter(options: AdaptiveLimiterOptions): AdaptiveLimiter {
  const time = new ManualTime();
  return new AdaptiveLimiter({ clock: time.clock, scheduler: time.scheduler, ...options });
}

function take(l: AdaptiveLimiter, partition: string | undefined, n: number): Permit[] {
  const permits: Permit[] = [];
  for (let i = 0; i < n; i++) {
    const permit = l.tryAcquire({ partition });
    assert.ok(permit, `permit ${i + 1} of ${n} for ${partition}`);
    permits.push(permit);
  }
  return permits;
}

describe("AdaptiveLimiter partitions", () => {
  it("lets one partition borrow every idle permit", () => {
    const l = limiter({ limit: 4, partitions: { batch: { share: 0.5 }, live: { share: 0.5 } } });
    const batch = take(l, "batch", 4);
    assert.equal(l.tryAcquire({ partition: "live" }), undefined, "the limit still holds");
    assert.equal(l.inflight, 4);
    for (const p of batch) p.release();
    assert.equal(batch[0]?.partition, "batch");
  });

  it("gives a freed permit to a partition below its share before an older borrower", async () => {
    const l = limiter({ limit: 4, partitions: { batch: { share: 0.5 }, live: { share: 0.5 } } });
    const batch = take(l, "batch", 4);
    const order: string[] = [];
    const wait = (partition: string): Promise<Permit> =>
      l.acquire({ partition }).then((permit) => {
        order.push(partition);
        return permit;
      });
    const moreBatch = wait("batch");
    const live1 = wait("live");
    const live2 = wait("live");
    batch[0]?.release();
    await flush();
    assert.deepEqual(order, ["live"], "live is owed 2 permits, batch is borrowing");
    batch[1]?.release();
    await flush();
    assert.deepEqual(order, ["live", "live"]);
    batch[2]?.release();
    await flush();
    assert.deepEqual(order, ["live", "live", "batch"], "now only batch waits");
    for (const p of [batch[3], await moreBatch, await live1, await live2]) p?.release();
    assert.equal(l.inflight, 0);
  });

  it("serves the oldest waiter among partitions equally placed", async () => {
    const l = limiter({ limit: 4, partitions: { a: { share: 0.25 }, b: { share: 0.25 } } });
    const held = [...take(l, "a", 2), ...take(l, "b", 2)];
    const order: string[] = [];
    const permits = ["b", "a", "b"].map((partition) =>
      l.acquire({ partition }).then((permit) => {
        order.push(partition);
        return permit;
      })
    );
    // Both hold more than their guarantee of 1: neither is owed, so age decides.
    held[0]?.release();
    await flush();
    assert.deepEqual(order, ["b"]);
    held[1]?.release();
    await flush();
    assert.deepEqual(order, ["b", "a"]);
    for (const p of [...held.slice(2), ...(await Promise.all(permits.slice(0, 2)))]) p?.release();
    await flush();
    assert.deepEqual(order, ["b", "a", "b"]);
    (await permits[2])?.release();
    assert.equal(l.inflight, 0);
  });

  it("serves the newest waiter first with order: lifo", async () => {
    const l = limiter({
      limit: 4,
      order: "lifo",
      partitions: { a: { share: 0.25 }, b: { share: 0.25 } },
    });
    const held = [...take(l, "a", 2), ...take(l, "b", 2)];
    const order: string[] = [];
    const permits = ["b1", "a1", "b2"].map((tag) =>
      l.acquire({ partition: tag.slice(0, 1) }).then((permit) => {
        order.push(tag);
        return permit;
      })
    );
    for (const p of held) p.release();
    await flush();
    assert.deepEqual(order, ["b2", "a1", "b1"]);
    for (const p of await Promise.all(permits)) p.release();
  });

  it("puts a partition below its share first even when it is not the oldest (LIFO too)", async () => {
    const l = limiter({
      limit: 2,
      order: "lifo",
      partitions: { a: { share: 0.5 }, b: { share: 0.5 } },
    });
    const held = take(l, "b", 2);
    const order: string[] = [];
    const permits = ["a1", "b1"].map((tag) =>
      l.acquire({ partition: tag.slice(0, 1) }).then((permit) => {
        order.push(tag);
        return permit;
      })
    );
    held[0]?.release();
    await flush();
    assert.deepEqual(order, ["a1"], "a is owed 1 permit; b already borrows");
    held[1]?.release();
    for (const p of await Promise.all(permits)) p.release();
    assert.deepEqual(order, ["a1", "b1"]);
  });

  it("lets no partition keep what a smaller one is owed when rounded-up shares exceed the limit", async () => {
    for (const order of ["fifo", "lifo"] as const) {
      // limit 5: bulk is owed ceil(4.5) = 5, the whole limit, and unpartitioned calls ceil(0.5) = 1.
      const l = limiter({ limit: 5, order, partitions: { bulk: { share: 0.9 } } });
      const bulk = take(l, "bulk", 5);
      const backlog = Array.from({ length: 3 }, () => l.acquire({ partition: "bulk" }));
      let served = false;
      const interactive = l.acquire().then((permit) => {
        served = true;
        return permit;
      });
      const newer = l.acquire({ partition: "bulk" }); // LIFO would serve this one first
      bulk[0]!.release();
      await flush();
      assert.equal(served, true, `${order}: bulk holds 4 of its 5, unpartitioned 0 of its 1`);
      for (const p of [...bulk.slice(1), await interactive]) p.release();
      for (const p of await Promise.all([...backlog, newer])) p.release();
      assert.equal(l.inflight, 0);
    }
  });

  it("gives unpartitioned calls the share the named ones leave", async () => {
    const l = limiter({ limit: 4, partitions: { batch: { share: 0.75 } } });
    const batch = take(l, "batch", 4);
    const order: string[] = [];
    const moreBatch = l.acquire({ partition: "batch" }).then((p) => (order.push("batch"), p));
    const other = l.acquire().then((p) => (order.push("other"), p));
    batch[0]?.release();
    await flush();
    assert.deepEqual(order, ["other"], "the unpartitioned share is ceil(4 × 0.25) = 1");
    (await other).release();
    await flush();
    assert.deepEqual(order, ["other", "batch"]);
    for (const p of [...batch.slice(1), await moreBatch]) p.release();
  });

  it("recomputes the guarantees when the limit moves", async () => {
    const l = limiter({ limit: 2, partitions: { a: { share: 0.5 }, b: { share: 0.5 } } });
    const held = [...take(l, "a", 1), ...take(l, "b", 1)];
    l.setStatic(4);
    held.push(...take(l, "a", 1), ...take(l, "b", 1));
    const order: string[] = [];
    const permits = ["a", "b"].map((partition) =>
      l.acquire({ partition }).then((permit) => {
        order.push(partition);
        return permit;
      })
    );
    // At limit 4 each is guaranteed 2. With b down to 1 it is owed, so it
    // goes before the older a waiter; at the old guarantee of 1 it would not.
    held[1]?.release();
    await flush();
    assert.deepEqual(order, ["b"]);
    for (const p of [held[0], ...held.slice(2)]) p?.release();
    for (const p of await Promise.all(permits)) p.release();
    assert.deepEqual(order, ["b", "a"]);
    assert.equal(l.inflight, 0);
  });
});
