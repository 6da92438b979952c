import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WorkerCrashedError } from "../../src/pool/errors.ts";
import { WorkerPool } from "../../src/pool/pool.ts";
import { testPool } from "./support/helpers.ts";

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

  it("treats an uncaught error in the worker as a crash of the tasks it ran", async () => {
    await using pool = testPool({ maxWorkers: 1 });
    const error = await pool.run("throwLater").catch((e: unknown) => e);
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.match(error.message, /uncaught in the worker/);
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
});
