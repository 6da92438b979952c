import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PoolClosedError } from "../../src/pool/errors.ts";
import { workerUrl } from "../../src/pool/worker-url.ts";
import { WorkerPool } from "../../src/pool/pool.ts";
import { testPool, trackedAdapter, until, workerFile } from "./support/helpers.ts";

const slowStart = new URL("./support/slow-start-worker.ts", import.meta.url);

describe("WorkerPool close and drain", () => {
  it("drain() waits for every task; close() lets them finish and then refuses new ones", async () => {
    const pool = testPool();
    const settled: number[] = [];
    for (let i = 0; i < 20; i++) pool.run<number>("inc", i).then((x) => settled.push(x));
    await pool.drain();
    assert.equal(settled.length, 20);
    const last = pool.run("spin", 20);
    const closing = pool.close();
    assert.equal(await last, 20, "a task submitted before close() still runs");
    await closing;
    assert.equal(pool.closed, true);
    assert.equal(pool.stats().workers.live, 0);
    const error = await pool.run("inc", 1).catch((e: unknown) => e);
    assert.ok(error instanceof PoolClosedError);
    assert.match(error.message, /Cannot run task: the pool is closed/);
  });

  it("close({ force: true }) rejects waiting and running tasks at once", async () => {
    const pool = testPool({ maxWorkers: 1 });
    await pool.warmUp();
    const running = pool.run("sleep", 60_000);
    const waiting = pool.run("inc", 1);
    await pool.close({ force: true });
    for (const task of [running, waiting]) {
      const error = await task.catch((e: unknown) => e);
      assert.ok(error instanceof PoolClosedError, String(error));
    }
    const { pending, completed, failed, cancelled, crashed, closed } = pool.stats();
    assert.deepEqual({ pending, completed, failed, cancelled, crashed, closed }, {
      pending: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
      crashed: 0,
      closed: 2,
    }, "each task counted once, as closed");
  });

  it("close() stops workers still starting, with force or with nothing left to run", async () => {
    const { adapter, workers } = trackedAdapter();
    const pool = new WorkerPool({ worker: slowStart, adapter, maxWorkers: 1 });
    const task = pool.run("inc", 1).catch((e: unknown) => e);
    await until(() => pool.stats().workers.starting === 1, "the worker to start");
    await pool.close({ force: true });
    assert.ok((await task) instanceof PoolClosedError);
    assert.equal(pool.stats().workers.starting, 0);
    const idle = new WorkerPool({ worker: slowStart, adapter, minWorkers: 1, maxWorkers: 1 });
    const warming = idle.warmUp().catch((e: unknown) => e);
    await idle.close();
    assert.ok((await warming) instanceof PoolClosedError);
    assert.equal(idle.stats().workers.starting, 0);
    assert.deepEqual(workers.map((w) => w.terminated), [true, true]);
  });

  it("does not keep the process alive with a worker started for tasks that all settled", async () => {
    const { adapter, workers } = trackedAdapter();
    await using pool = new WorkerPool({ worker: workerFile, adapter, maxWorkers: 1 });
    const controller = new AbortController();
    const task = pool.run("inc", 1, { signal: controller.signal });
    await until(() => pool.stats().workers.starting === 1, "the worker to start");
    controller.abort();
    await task.catch(() => {});
    await until(() => pool.stats().workers.live === 1, "the worker to answer");
    assert.equal(workers[0]!.refed, false, "the idle pool's worker is unref'd");
    assert.equal(await pool.run("inc", 1), 2);
    assert.equal(workers[0]!.refed, false);
  });

  it("keeps the process alive while warmUp() waits, even after every task settled", async () => {
    const { adapter, workers } = trackedAdapter();
    const spawn = adapter.machine.spawn!;
    // The first worker answers at once; the second takes half a minute.
    adapter.machine.spawn = (url, options) =>
      spawn(workers.length === 0 ? url : slowStart, options);
    const pool = new WorkerPool({ worker: workerFile, adapter, minWorkers: 2, maxWorkers: 2 });
    const warming = pool.warmUp().catch((e: unknown) => e);
    try {
      assert.equal(await pool.run("inc", 1), 2);
      assert.equal(workers.length, 2);
      assert.equal(workers[1]!.refed, true, "the worker warmUp() waits for holds the process");
    } finally {
      await pool.close({ force: true });
    }
    assert.ok((await warming) instanceof PoolClosedError);
  });

  it("await using closes the pool", async () => {
    let escaped: ReturnType<typeof testPool> | undefined;
    {
      await using pool = testPool();
      escaped = pool;
      assert.equal(await pool.run("inc", 1), 2);
    }
    assert.equal(escaped.closed, true);
  });
});

describe("workerUrl()", () => {
  it("keeps .ts next to a .ts caller and points at .js next to a compiled caller", () => {
    assert.equal(
      workerUrl("./w.ts", "file:///app/src/pool.ts").href,
      "file:///app/src/w.ts",
    );
    assert.equal(
      workerUrl("./w.ts", "file:///app/dist/pool.js").href,
      "file:///app/dist/w.js",
    );
    assert.equal(
      workerUrl("../w.mts", "file:///app/dist/x/pool.mjs").href,
      "file:///app/dist/w.mjs",
    );
  });
});
