import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { testPool, until, within } from "./support/helpers.ts";

describe("WorkerPool cancellation", () => {
  it("removes an aborted queued task at once and rejects with the signal's reason", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    const blocker = pool.run("spin", 100);
    const controller = new AbortController();
    const queued = pool.run("inc", 1, { signal: controller.signal });
    const reason = new Error("no longer needed");
    controller.abort(reason);
    assert.equal(await queued.catch((e: unknown) => e), reason);
    await blocker;
    const stats = pool.stats();
    assert.equal(stats.cancelled, 1);
    assert.equal(stats.completed, 1, "the cancelled task never ran");
  });

  it("rejects at once when the signal is already aborted", async () => {
    await using pool = testPool();
    const error = await pool.run("inc", 1, { signal: AbortSignal.abort() }).catch((e) => e);
    assert.equal((error as DOMException).name, "AbortError");
  });

  it("tells a running handler through its signal, and the worker keeps serving", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    await pool.warmUp();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const controller = new AbortController();
    const running = pool.run("awaitAbort", flag, { signal: controller.signal });
    await until(() => pool.stats().running === 1, "the task to start");
    controller.abort();
    assert.equal(((await running.catch((e) => e)) as DOMException).name, "AbortError");
    await until(() => Atomics.load(flag, 0) === 1, "the handler to see its signal");
    await until(() => pool.stats().running === 0, "the handler to stop");
    assert.equal(await pool.run("inc", 1), 2);
    assert.equal(pool.stats().crashed, 0, "the worker was not replaced");
  });

  it("replaces a worker whose handler blocks forever after the grace period", async () => {
    await using pool = testPool({ maxWorkers: 1, cancelGraceMs: 50 });
    await pool.warmUp();
    const before = await pool.run<number>("tag");
    const controller = new AbortController();
    const stuck = pool.run("blockForever", undefined, { signal: controller.signal });
    const next = pool.run("inc", 41);
    await until(() => pool.stats().running === 1, "the blocking task to start");
    controller.abort();
    assert.equal(((await stuck.catch((e) => e)) as DOMException).name, "AbortError");
    assert.equal(await next, 42, "the task queued behind it ran on the replacement");
    assert.notEqual(await pool.run("tag"), before, "a new worker answers");
    assert.equal(pool.stats().pending, 0);
  });

  it("runs one task at a time on a worker, so one that ignores its cancellation costs no other", async () => {
    const pool = testPool({ maxWorkers: 1, cancelGraceMs: 50 });
    try {
      await pool.warmUp();
      const controller = new AbortController();
      const stuck = pool.run("hang", undefined, { signal: controller.signal });
      // Sent to the same worker with it, and they would outlast the grace period were they running.
      const behind = [pool.run("sleep", 300), pool.run("sleep", 300)];
      await until(() => pool.stats().running === 1, "the stuck task to start");
      controller.abort();
      assert.equal(((await stuck.catch((e) => e)) as DOMException).name, "AbortError");
      // Replacing its worker stops the stuck task; the two behind it had not started and run on.
      for (const task of behind) assert.equal(await within(task, 20_000), 300);
      assert.equal(pool.stats().running, 0);
    } finally {
      await pool.close({ force: true });
    }
  });

  it("keeps the result of a task that finished before one that would not stop", async () => {
    // Its result waited in the worker to go back with later ones, and died with the worker.
    const pool = testPool({ maxWorkers: 1, cancelGraceMs: 50 });
    try {
      await pool.warmUp();
      const quick = pool.run("inc", 1);
      const stuck = pool.run("blockForever", undefined, { timeoutMs: 100 });
      assert.equal(((await stuck.catch((e) => e)) as DOMException).name, "TimeoutError");
      assert.equal(await within(quick, 20_000), 2);
      assert.equal(pool.stats().crashed, 0);
    } finally {
      await pool.close({ force: true });
    }
  });

  it("times a task out with timeoutMs", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    const error = await pool.run("sleep", 10_000, { timeoutMs: 30 }).catch((e) => e);
    assert.equal((error as DOMException).name, "TimeoutError");
    assert.match((error as Error).message, /"sleep" did not settle within 30 ms/);
    assert.equal(pool.stats().cancelled, 1);
    assert.equal(await pool.run("inc", 1), 2);
  });

  it("sends a finished task's result before the async task after it waits", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    await pool.warmUp();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const controller = new AbortController();
    // Posted together: inc finishes at once, then the worker waits on awaitAbort.
    const quick = pool.run("inc", 1);
    const waiting = pool.run("awaitAbort", flag, { signal: controller.signal });
    try {
      assert.equal(await within(quick, 10_000), 2, "inc's result is not held behind the wait");
    } finally {
      controller.abort();
      await waiting.catch(() => {});
    }
  });

  it("does not replace a worker over a cancelled task that had finished behind a busy one", async () => {
    await using pool = testPool({ maxWorkers: 1, cancelGraceMs: 50 });
    await pool.warmUp();
    // Posted together: inc finishes at once, but its result stays with spin's until spin ends.
    const quick = pool.run("inc", 1, { timeoutMs: 100 }).catch((e: Error) => e.name);
    const busy = pool.run("spin", 1000);
    assert.equal(await busy, 1000, "spin ran to the end on its worker");
    const settled = await quick;
    assert.ok(settled === 2 || settled === "TimeoutError", String(settled));
    assert.equal(pool.stats().crashed, 0, "the worker was not replaced");
  });
});
