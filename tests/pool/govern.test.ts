import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Decision, ResourceAwareLimit } from "../../src/control/types.ts";
import type { ResourceSample } from "../../src/monitor/sample.ts";
import { governPool } from "../../src/pool/govern.ts";
import { testPool } from "./support/helpers.ts";

describe("governPool()", () => {
  it("resizes the pool from the limit on each monitor sample, and stops when asked", async () => {
    await using pool = testPool({ minWorkers: 1, maxWorkers: 2 });
    let next = 3;
    const limit: ResourceAwareLimit = {
      limit: 2,
      update: () => next,
      observe: () => next,
    };
    let listener: ((sample: ResourceSample) => void) | undefined;
    const monitor = {
      on(_type: "sample", fn: (sample: ResourceSample) => void): () => void {
        listener = fn;
        return () => (listener = undefined);
      },
    };
    const decisions: Decision[] = [];
    const stop = governPool(pool, limit, monitor, {
      name: "hash",
      onDecision: (d) => decisions.push(d),
    });
    const sample = { time: 5, level: "none" } as ResourceSample;
    listener!(sample);
    assert.equal(pool.stats().workers.max, 3);
    next = 1;
    listener!(sample);
    assert.equal(pool.stats().workers.max, 1);
    listener!(sample);
    assert.deepEqual(decisions.map((d) => [d.source, d.from, d.to]), [
      ["pool:hash", 2, 3],
      ["pool:hash", 3, 1],
    ]);
    stop();
    assert.equal(listener, undefined);
    assert.equal(await pool.run("inc", 1), 2);
  });
});
