import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createRuntimeAdapter } from "../../mod.ts";

describe("adapter.spawnWorker()", () => {
  it("starts a module worker, exchanges messages and reports its exit once", async () => {
    const adapter = createRuntimeAdapter();
    const worker = adapter.spawnWorker(new URL("./support/double-worker.ts", import.meta.url), {
      name: "double",
    });
    assert.equal(worker.kind, adapter.name === "bun" ? "web" : "worker_threads");
    const replies: unknown[] = [];
    const exits: number[] = [];
    const errors: Error[] = [];
    let exited = (): void => {};
    const exit = new Promise<void>((resolve) => (exited = resolve));
    const got = new Promise<void>((resolve) => {
      worker.listen({
        message: (data) => {
          replies.push(data);
          if (replies.length === 2) resolve();
        },
        error: (error) => errors.push(error),
        exit: (code) => {
          exits.push(code);
          exited();
        },
      });
    });
    worker.postMessage(21);
    worker.postMessage(50);
    await got;
    assert.deepEqual(replies, [42, 100]);
    await worker.terminate();
    await exit; // worker_threads reports it asynchronously after terminate() resolves
    await worker.terminate(); // a second terminate must not report a second exit
    assert.equal(exits.length, 1, `exit reported once, got ${JSON.stringify(exits)}`);
    assert.deepEqual(errors, []);
  });
});
