import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TaskError, WorkersUnavailableError } from "../../src/pool/errors.ts";
import { QueueFullError } from "../../src/pool/errors.ts";
import { WorkerPool } from "../../src/pool/pool.ts";
import { createFakeAdapter } from "../../src/runtime/fake.ts";
import { until, workerFile } from "./support/helpers.ts";
import { handlers as sharedHandlers } from "./support/inline-shared.ts";

describe("WorkerPool without workers", () => {
  it("fails construction naming the runtime and pointing to inline: true", () => {
    const adapter = createFakeAdapter({ name: "workerd" });
    assert.throws(
      () => new WorkerPool({ worker: workerFile, adapter }),
      (e: unknown) =>
        e instanceof WorkersUnavailableError && e.runtime === "workerd" &&
        /workerd runtime has no Worker.*inline: true/.test(e.message),
    );
  });

  it("runs inline a worker module the application had already imported", async () => {
    // Imported above, its defineWorker() ran then: the pool's import found no new call.
    assert.equal(sharedHandlers.shared(2), 4);
    await using pool = new WorkerPool({
      worker: new URL("./support/inline-shared.ts", import.meta.url),
      inline: true,
    });
    assert.equal(await pool.run("shared", 21), 42);
  });

  it("runs the same worker module on this thread with inline: true, behind the same API", async () => {
    const adapter = createFakeAdapter({ name: "workerd" });
    await using pool = new WorkerPool({
      worker: workerFile,
      adapter,
      inline: true,
      maxWorkers: 1,
      maxQueue: 2,
    });
    const results = [pool.run("inc", 1), pool.run("echo", "x")];
    const refused = await pool.run("inc", 3).catch((e: unknown) => e);
    assert.ok(refused instanceof QueueFullError, "the same backpressure applies");
    assert.deepEqual(await Promise.all(results), [2, "x"]);
    const error = await pool.run("fail", "inline failure").catch((e: unknown) => e);
    assert.ok(error instanceof TaskError);
    assert.equal(error.errorName, "RangeError");
    const controller = new AbortController();
    const sleeping = pool.run("sleep", 60_000, { signal: controller.signal });
    await until(() => pool.stats().running === 1, "the inline task to start");
    controller.abort();
    assert.equal(((await sleeping.catch((e) => e)) as DOMException).name, "AbortError");
    assert.equal(pool.stats().completed, 2);
  });

  it("clones and moves payloads and results as a worker would", async () => {
    await using pool = new WorkerPool({ worker: workerFile, inline: true, maxWorkers: 1 });
    const payload = { list: [1, 2] };
    const echoed = await pool.run("echo", payload);
    assert.deepEqual(echoed, payload);
    assert.notEqual(echoed, payload, "the handler got a copy, not the caller's object");
    const bytes = new Uint8Array(8);
    assert.equal(await pool.run("byteLength", bytes, { transfer: [bytes.buffer] }), 8);
    assert.equal(bytes.byteLength, 0, "a transferred buffer is gone from the caller");
    const [sent, kept] = await Promise.allSettled([pool.run("echo", () => 1), pool.run("inc", 1)]);
    assert.equal(sent.status === "rejected" && (sent.reason as Error).name, "DataCloneError");
    assert.deepEqual(kept, { status: "fulfilled", value: 2 });
    const returned = await pool.run("uncloneable").catch((e: unknown) => e);
    assert.ok(returned instanceof TaskError, String(returned));
    assert.match(returned.message, /result could not be sent back/);
  });

  it("gives each inline pool its own module's handlers, when both load at once", async () => {
    // The first module awaits before it defines its handlers; the second defines them at once.
    const late = new WorkerPool({
      worker: new URL("./support/inline-late.ts", import.meta.url),
      inline: true,
      maxWorkers: 1,
    });
    const soon = new WorkerPool({
      worker: new URL("./support/inline-soon.ts", import.meta.url),
      inline: true,
      maxWorkers: 1,
    });
    assert.deepEqual(await Promise.all([late.run("who"), soon.run("who")]), ["late", "soon"]);
    await Promise.all([late.close(), soon.close()]);
  });
});
