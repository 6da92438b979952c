import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config-error.ts";
import { TaskError } from "../../src/pool/errors.ts";
import { WorkerPool } from "../../src/pool/pool.ts";
import { createFakeAdapter } from "../../src/runtime/fake.ts";
import { createRuntimeAdapter } from "../../src/runtime/detect.ts";
import { outcome, testPool, within, workerFile } from "./support/helpers.ts";

describe("WorkerPool.run()", () => {
  it("returns the handler's result, many at once, in order", async () => {
    await using pool = testPool();
    const results = await Promise.all(Array.from({ length: 2000 }, (_, i) => pool.run("inc", i)));
    assert.deepEqual(results, Array.from({ length: 2000 }, (_, i) => i + 1));
    const stats = pool.stats();
    assert.equal(stats.completed, 2000);
    assert.equal(stats.pending, 0);
    assert.equal(stats.runTime.count, 2000);
  });

  it("runs tasks on a worker module that awaits before calling defineWorker()", async () => {
    // A handshake posted as the worker started was lost on Deno and Bun: the pool waited forever.
    const worker = new URL("./support/await-first-worker.ts", import.meta.url);
    for (const inline of [false, true]) {
      const pool = new WorkerPool({ worker, maxWorkers: 2, inline });
      try {
        const results = await within(Promise.all([pool.run("inc", 1), pool.run("inc", 2)]), 20_000);
        assert.deepEqual(results, [2, 3], `inline ${inline}`);
      } finally {
        await pool.close({ force: true });
      }
    }
  });

  it("rejects with TaskError keeping the worker's error name, message, data and stack", async () => {
    await using pool = testPool();
    const error = await pool.run("fail", "bad input").catch((e: unknown) => e);
    assert.ok(error instanceof TaskError);
    assert.equal(error.message, "bad input");
    assert.equal(error.errorName, "RangeError");
    assert.equal(error.task, "fail");
    assert.deepEqual(error.data, { code: "E_TEST" });
    assert.match(error.stack ?? "", /pool-worker/);
    assert.equal(pool.stats().failed, 1);
    // The worker survives a handler's throw.
    assert.equal(await pool.run("inc", 1), 2);
  });

  it("keeps the message and fields of a thrown object that is not an Error", async () => {
    await using pool = testPool();
    const error = await pool.run("throwObject").catch((e: unknown) => e);
    assert.ok(error instanceof TaskError);
    assert.equal(error.message, "too many requests"); // it was "[object Object]"
    assert.deepEqual(error.data, { code: "E_RATE_LIMIT", retryAfter: 3 });
  });

  it("ignores messages a worker module posts to its parent itself", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    // null crashed the main thread with a TypeError from the pool's message listener.
    // Nor arrays shaped like the pool's own: [5, 10] read as "exiting" and killed the worker.
    const worker = await pool.run<number>("tag");
    for (const value of [null, undefined, "ping", { beat: 1 }, [5, 10], [4, 3], [6]]) {
      assert.equal(await pool.run("postOwn", value), 1);
    }
    // Busy past the pool's wait for an exit event that would follow a real "exiting".
    assert.equal(await pool.run("sleep", 300), 300);
    assert.equal(await pool.run("tag"), worker, "the same worker, never replaced");
    assert.equal(pool.stats().crashed, 0);
  });

  it("names the missing handler and the ones the worker has", async () => {
    await using pool = testPool();
    const error = await pool.run("nope").catch((e: unknown) => e);
    assert.ok(error instanceof TaskError);
    assert.match(error.message, /no such handler.*inc, echo/);
  });

  it("moves transferred buffers both ways instead of copying them", async () => {
    await using pool = testPool();
    const bytes = new Uint8Array(1024);
    assert.equal(await pool.run("byteLength", bytes, { transfer: [bytes.buffer] }), 1024);
    assert.equal(bytes.byteLength, 0, "the sender's view is detached after a transfer");
    const made = await pool.run<Uint8Array>("makeBytes", 16);
    assert.equal(made.byteLength, 16);
    assert.equal(made[15], 7);
  });

  it("rejects a task whose payload cannot be sent and counts it as failed", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    await pool.warmUp();
    const [before, bad, after] = await Promise.all(
      [pool.run("inc", 1), pool.run("echo", () => 1), pool.run("inc", 2)].map(outcome),
    );
    assert.deepEqual([before, after], [{ ok: true, value: 2 }, { ok: true, value: 3 }]);
    assert.ok(!bad!.ok && (bad!.error as Error).name === "DataCloneError", String(bad));
    const { completed, failed, cancelled, crashed } = pool.stats();
    assert.deepEqual({ completed, failed, cancelled, crashed }, {
      completed: 2,
      failed: 1,
      cancelled: 0,
      crashed: 0,
    });
  });

  it("rejects bad run() options with a ConfigError naming the field", async () => {
    await using pool = testPool();
    const error = await pool.run("inc", 1, { priority: "high" } as never).catch((e: unknown) => e);
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /priority/);
    const unknown = await pool.run("inc", 1, { prio: 1 } as never).catch((e: unknown) => e);
    assert.ok(unknown instanceof ConfigError);
    assert.match(unknown.message, /prio.*no such option/);
  });
});

describe("WorkerPool options", () => {
  it("defaults maxWorkers to the adapter's effective CPUs and minWorkers to 1", async () => {
    const real = createRuntimeAdapter();
    const adapter = createFakeAdapter({ cpu: { effective: 3 } });
    adapter.machine.spawn = (url, options) => real.spawnWorker(url, options);
    await using pool = new WorkerPool({ worker: workerFile, adapter });
    assert.deepEqual(pool.stats().workers, {
      live: 0,
      starting: 0,
      retiring: 0,
      lowPriority: 0,
      min: 1,
      max: 3,
    });
  });

  it("rejects bad options with a ConfigError naming field, value and expectation", () => {
    assert.throws(
      () => new WorkerPool({ worker: workerFile, maxWorkers: 0 }),
      (e: unknown) => e instanceof ConfigError && /maxWorkers.*received 0/.test(e.message),
    );
    assert.throws(
      () => new WorkerPool({ worker: workerFile, minWorkers: 3, maxWorkers: 2 }),
      (e: unknown) =>
        e instanceof ConfigError && /minWorkers.*at most maxWorkers \(2\)/.test(e.message),
    );
    assert.throws(
      () => new WorkerPool({ worker: workerFile, maxQeue: 1 } as never),
      (e: unknown) => e instanceof ConfigError && /maxQeue.*no such option/.test(e.message),
    );
    assert.throws(
      () => new WorkerPool({ worker: workerFile, backlogBatchMs: -5 }),
      (e: unknown) => e instanceof ConfigError && /backlogBatchMs.*received -5/.test(e.message),
    );
    assert.throws(
      () => new WorkerPool({ worker: "not a url" }),
      (e: unknown) => e instanceof ConfigError && /worker/.test(e.message),
    );
    // The pool asks an adapter whether it can start workers: one that cannot say is refused up front.
    const { canSpawnWorkers: _, ...partial } = createFakeAdapter();
    assert.throws(
      () => new WorkerPool({ worker: workerFile, adapter: partial as never }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /`adapter` received .*expected a RuntimeAdapter \(cpu, canSpawnWorkers and spawnWorker/
          .test(e.message),
    );
  });

  it("refuses timer lengths setTimeout cannot keep instead of firing them at once", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    const error = await pool.run("inc", 1, { timeoutMs: 2 ** 31 }).catch((e: unknown) => e);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /`timeoutMs` received 2147483648, expected <=2147483647/);
    assert.equal(await pool.run("inc", 1, { timeoutMs: 2 ** 31 - 1 }), 2);
    for (const field of ["cancelGraceMs", "idleTimeoutMs"]) {
      assert.throws(
        () => testPool({ [field]: 2 ** 31 }),
        (e: unknown) =>
          e instanceof ConfigError &&
          new RegExp(`\`${field}\` received 2147483648, expected <=2147483647`).test(e.message),
      );
    }
  });

  it("starts minWorkers on warmUp() and resolves when they answer", async () => {
    await using pool = testPool({ minWorkers: 2 });
    assert.equal(pool.stats().workers.live, 0);
    await pool.warmUp();
    assert.equal(pool.stats().workers.live, 2);
  });
});
