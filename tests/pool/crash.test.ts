import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TaskError, WorkerCrashedError } from "../../src/pool/errors.ts";
import { WorkerPool } from "../../src/pool/pool.ts";
import { createFakeAdapter } from "../../src/runtime/fake.ts";
import type { WorkerLike } from "../../src/runtime/types.ts";
import { outcome, testPool, trackedAdapter, until, within, workerFile } from "./support/helpers.ts";

describe("WorkerPool worker crashes", () => {
  it("rejects only the task of a worker that exits mid-task, and replaces the worker", async () => {
    await using pool = testPool({ maxWorkers: 1, minWorkers: 1 });
    const before = await pool.run<number>("tag");
    const exiting = pool.run("exit");
    const after = [pool.run("inc", 1), pool.run("inc", 2)];
    const error = await exiting.catch((e: unknown) => e);
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.equal(error.task, "exit");
    assert.match(error.message, /Task "exit" was lost: the worker (closed itself|exited)/);
    assert.deepEqual(await Promise.all(after), [2, 3], "tasks sent after it were rescued");
    assert.notEqual(await pool.run("tag"), before);
    const stats = pool.stats();
    assert.equal(stats.crashed, 1);
    assert.equal(stats.completed, 4);
    assert.equal(stats.workers.live, 1);
  });

  it("sends back the results that finished before a handler ended its worker", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    await pool.warmUp();
    const quick = Array.from({ length: 20 }, (_, i) => pool.run<number>("inc", i));
    const exiting = pool.run("exit");
    assert.ok((await exiting.catch((e: unknown) => e)) instanceof WorkerCrashedError);
    assert.deepEqual(await Promise.all(quick), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal(pool.stats().crashed, 1);
  });

  it("says a lost task had finished when its result died with the worker", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    await pool.warmUp();
    // inc's result waits to go back with the next; the worker dies before that.
    const quick = pool.run("inc", 1).catch((e: unknown) => e);
    const crashing = pool.run("throwLater").catch((e: unknown) => e);
    const [lost, crashed] = await Promise.all([quick, crashing]);
    assert.ok(crashed instanceof WorkerCrashedError, String(crashed));
    assert.doesNotMatch(crashed.message, /had finished/);
    assert.ok(lost instanceof WorkerCrashedError, String(lost));
    assert.match(lost.message, /the task had finished, but its result had not come back/);
  });

  it("reports the exit code a worker exits with, by process.exit() or Deno.exit()", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    const error = await pool.run("exitWith", 7).catch((e: unknown) => e);
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.equal(error.exitCode, 7);
    assert.equal(await pool.run("inc", 1), 2, "a replacement worker runs the next task");
  });

  it("rescues the tasks sent after a crashed one in the order they were submitted", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    await pool.warmUp();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const exiting = pool.run("exit");
    // Sent to the worker with the crashing task, they run on its replacement.
    const tickets = Array.from({ length: 7 }, () => pool.run<number>("ticket", counter));
    assert.ok((await exiting.catch((e: unknown) => e)) instanceof WorkerCrashedError);
    assert.deepEqual(await Promise.all(tickets), [0, 1, 2, 3, 4, 5, 6]);
  });

  it("rejects, not re-sends, a task whose payload was transferred to the crashed worker", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    await pool.warmUp();
    const exiting = pool.run("exit");
    const moved = Array.from({ length: 3 }, () => {
      const bytes = new Uint8Array(1000);
      return outcome(pool.run("byteLength", bytes, { transfer: [bytes.buffer] }));
    });
    const copied = pool.run("byteLength", new Uint8Array(1000));
    assert.ok((await exiting.catch((e: unknown) => e)) instanceof WorkerCrashedError);
    for (const result of await Promise.all(moved)) {
      assert.ok(!result.ok && result.error instanceof WorkerCrashedError, String(result));
      assert.match(result.error.message, /had not started, but its transferred payload went/);
    }
    assert.equal(await copied, 1000, "a task without transfers is rescued");
    assert.equal(await pool.run("inc", 1), 2);
  });

  it("fails only the task whose result cannot be cloned, not its worker", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    await pool.warmUp();
    const [before, bad, after] = await Promise.all(
      [pool.run("inc", 1), pool.run("uncloneable"), pool.run("inc", 2)].map(outcome),
    );
    assert.deepEqual([before, after], [{ ok: true, value: 2 }, { ok: true, value: 3 }]);
    assert.ok(!bad!.ok && bad!.error instanceof TaskError, String(bad));
    assert.match(bad!.error.message, /result could not be sent back/);
    assert.equal(pool.stats().crashed, 0);
  });

  it("keeps a result moved with transfer() whole beside one that cannot be cloned", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    await pool.warmUp();
    const [moved, bad, copied] = await Promise.all(
      [pool.run("makeBytes", 16), pool.run("uncloneable"), pool.run("inc", 2)].map(outcome),
    );
    assert.ok(moved!.ok, String(moved));
    assert.deepEqual([...(moved!.value as Uint8Array)], Array(16).fill(7));
    assert.ok(!bad!.ok && /result could not be sent back/.test(String(bad!.error)), String(bad));
    assert.deepEqual(copied, { ok: true, value: 3 });
  });

  it("keeps a payload moved with transfer whole beside one that cannot be cloned", async () => {
    for (const inline of [false, true]) {
      await using pool = testPool({ maxWorkers: 1, inline });
      await pool.warmUp();
      const bytes = new Uint8Array(1000);
      // Submitted together, so they would go in one message.
      const [moved, bad, copied] = await Promise.all([
        pool.run("byteLength", bytes, { transfer: [bytes.buffer] }),
        pool.run("echo", { f: () => 1 }),
        pool.run("inc", 2),
      ].map(outcome));
      assert.deepEqual(moved, { ok: true, value: 1000 }, `inline ${inline}`);
      assert.ok(!bad!.ok && (bad!.error as Error).name === "DataCloneError", String(bad));
      assert.deepEqual(copied, { ok: true, value: 3 });
      assert.equal(pool.stats().failed, 1);
    }
  });

  it("reports a worker that cannot even be started, without retrying it in a loop", async () => {
    const adapter = createFakeAdapter();
    let spawns = 0;
    adapter.machine.spawn = () => {
      // A retry loop ends here (on a worker that never answers), so the count shows it.
      if (++spawns > 10) return silentWorker();
      throw new Error("spawn refused");
    };
    const pool = new WorkerPool({ worker: workerFile, adapter, maxWorkers: 2, warm: true });
    assert.equal(spawns, 1);
    await assert.rejects(pool.warmUp(), /spawn refused/);
    assert.equal(spawns, 2);
    pool.resize(1, 2);
    assert.equal(spawns, 3);
    const error = await pool.run("inc", 1).catch((e: unknown) => e);
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.match(error.message, /could not start \(Error: spawn refused\)/);
    assert.equal(spawns, 4);
    await pool.close();
  });

  it("treats an uncaught error in the worker as a crash of the tasks it ran", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    const error = await pool.run("throwLater").catch((e: unknown) => e);
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.match(
      error.message,
      /the worker threw Error: uncaught in the worker\. It is safe to retry/,
    );
    assert.equal(await pool.run("inc", 1), 2);
  });

  it("rejects waiting tasks when the worker module cannot start", async () => {
    await using pool = new WorkerPool({
      worker: new URL("./support/does-not-exist.ts", import.meta.url),
      maxWorkers: 1,
    });
    const results = await Promise.allSettled([pool.run("inc", 1), pool.run("inc", 2)]);
    for (const result of results) {
      assert.equal(result.status, "rejected");
      assert.ok(result.reason instanceof WorkerCrashedError, String(result.reason));
    }
    assert.equal(pool.stats().pending, 0);
  });

  it("rejects waiting tasks when a module that throws on load fails on several workers", async () => {
    const { adapter, workers } = trackedAdapter();
    const pool = new WorkerPool({
      worker: new URL("./support/load-error-worker.ts", import.meta.url),
      adapter,
      maxWorkers: 2,
    });
    try {
      let settled = false;
      const results = Promise.all([pool.run("inc", 1), pool.run("inc", 2)].map(outcome));
      void results.then(() => settled = true);
      // A restart loop starts worker after worker and never settles the tasks.
      await until(() => settled || workers.length > 10, "the tasks to settle");
      assert.equal(workers.length, 2, "one start for each task, none retried");
      for (const result of await results) {
        assert.ok(!result.ok && result.error instanceof WorkerCrashedError, String(result));
        assert.match(result.error.message, /could not start/);
        assert.doesNotMatch(result.error.message, /replaced/, "no worker replaced it");
      }
      assert.equal(pool.stats().crashed, 2);
      assert.equal((await outcome(pool.run("inc", 3))).ok, false);
      assert.equal(workers.length, 3, "the next run() starts one worker again");
    } finally {
      await pool.close({ force: true });
    }
  });

  it("asks whether the module calls defineWorker() when its worker ends before answering", async () => {
    const pool = new WorkerPool({
      worker: new URL("./support/no-define-worker.ts", import.meta.url),
      maxWorkers: 1,
    });
    try {
      const result = await outcome(within(pool.run("inc", 1), 20_000));
      assert.ok(!result.ok && result.error instanceof WorkerCrashedError, JSON.stringify(result));
      assert.match(
        result.error.message,
        /exited with code 0 before it answered: does its module call defineWorker\(\)\?/,
      );
    } finally {
      await pool.close({ force: true });
    }
  });

  it("fails to start a worker whose module calls defineWorker() twice, saying so", async () => {
    const twice = new URL("./support/twice-worker.ts", import.meta.url);
    for (const inline of [false, true]) {
      const pool = new WorkerPool({ worker: twice, maxWorkers: 1, inline });
      try {
        const result = await outcome(within(pool.run("inc", 1), 20_000));
        assert.ok(!result.ok, `inline ${inline}: ${JSON.stringify(result)}`);
        const error = result.error as Error;
        assert.match(
          error.message,
          inline
            ? /defineWorker\(\) was called 2 times when it was imported; call it once/
            : /could not start \(TypeError: defineWorker\(\) was already called in this worker: call it once/,
          `inline ${inline}`,
        );
        assert.equal(pool.stats().pending, 0);
      } finally {
        await pool.close({ force: true });
      }
    }
  });

  it("backs off restarting a module that stopped loading while another worker runs", async () => {
    const { adapter, workers } = trackedAdapter();
    const spawn = adapter.machine.spawn!;
    const loadError = new URL("./support/load-error-worker.ts", import.meta.url);
    // The first worker starts; every later one fails as its module loads.
    adapter.machine.spawn = (url, options) =>
      spawn(workers.length === 0 ? url : loadError, options);
    await using pool = testPool({ adapter, minWorkers: 1, maxWorkers: 3 });
    await pool.warmUp();
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 25 }, () => outcome(pool.run("spin", 20))),
    );
    const elapsed = Date.now() - started;
    assert.ok(results.every((r) => r.ok), "the live worker ran every task");
    // One good start, two tries for the first burst, then at most one retry a second.
    const allowed = 3 + Math.ceil(elapsed / 1000);
    assert.ok(workers.length <= allowed, `${workers.length} starts in ${elapsed} ms`);
    assert.equal(pool.stats().workers.live, 1);
  });
});

function silentWorker(): WorkerLike {
  return {
    kind: "web",
    postMessage() {},
    listen() {},
    terminate: () => Promise.resolve(),
    ref() {},
    unref() {},
  };
}
