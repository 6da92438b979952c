import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WorkerPool } from "../../src/pool/pool.ts";
import { OP_RESULTS, OP_RUN } from "../../src/pool/protocol.ts";
import { createFakeAdapter } from "../../src/runtime/fake.ts";
import { createRuntimeAdapter } from "../../src/runtime/detect.ts";
import { workerFile } from "./support/helpers.ts";

/** A pool of two real workers whose RUN and RESULTS messages are counted. */
function countingPool(backlogBatchMs: number) {
  const real = createRuntimeAdapter();
  const adapter = createFakeAdapter({ cpu: { effective: 2 } });
  const counts = { run: 0, results: 0 };
  adapter.machine.spawn = (url, options) => {
    const worker = real.spawnWorker(url, options);
    return {
      kind: worker.kind,
      postMessage(message, transfer) {
        if ((message as unknown[])[0] === OP_RUN) counts.run++;
        worker.postMessage(message, transfer);
      },
      listen(handlers) {
        worker.listen({
          ...handlers,
          message(data) {
            if ((data as unknown[])[0] === OP_RESULTS) counts.results++;
            handlers.message(data);
          },
        });
      },
      terminate: () => worker.terminate(),
      unref: () => worker.unref(),
      ref: () => worker.ref(),
    };
  };
  const pool = new WorkerPool({
    worker: workerFile,
    adapter,
    minWorkers: 2,
    maxWorkers: 2,
    backlogBatchMs,
  });
  return { pool, counts };
}

/** Runs `n` tasks of 1–2 ms at once, after a few that teach the pool their run time; counts messages. */
async function batch(backlogBatchMs: number, n: number) {
  const { pool, counts } = countingPool(backlogBatchMs);
  await using _ = pool;
  await pool.warmUp();
  await Promise.all(Array.from({ length: 4 }, () => pool.run("spin", 2)));
  counts.run = 0;
  counts.results = 0;
  const results = await Promise.all(Array.from({ length: n }, () => pool.run("spin", 2)));
  assert.deepEqual(results, Array(n).fill(2));
  return { ...counts };
}

describe("WorkerPool with a deep backlog", () => {
  it("sends tasks and takes results back in fewer messages than one per task", async () => {
    const shallow = await batch(0, 200);
    const deep = await batch(50, 200);
    // Off, these tasks go one per message each way (2 ms of run time is sent ahead).
    assert.ok(shallow.run >= 150, `off: ${shallow.run} RUN messages for 200 tasks`);
    assert.ok(shallow.results >= 150, `off: ${shallow.results} RESULTS messages`);
    assert.ok(deep.run * 2 <= shallow.run, `on: ${deep.run} RUN messages, off: ${shallow.run}`);
    assert.ok(
      deep.results * 2 <= shallow.results,
      `on: ${deep.results} RESULTS messages, off: ${shallow.results}`,
    );
  });
});
