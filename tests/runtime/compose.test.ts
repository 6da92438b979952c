import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { composeAdapter } from "../../src/runtime/compose.ts";
import { resolveRuntimeAdapterOptions } from "../../src/runtime/options.ts";

const noWorkers = (): never => {
  throw new Error("no workers here");
};

describe("composeAdapter() without Linux", () => {
  it("names each figure the runtime does not report, once", () => {
    const adapter = composeAdapter({
      name: "workerd",
      linux: false,
      logical: { source: "navigator.hardwareConcurrency", read: () => undefined },
      rss: {
        source: "performance.memory",
        read: () => {
          throw new Error("not here");
        },
      },
      spawn: noWorkers,
    }, resolveRuntimeAdapterOptions({}));
    const cpu = adapter.cpu();
    assert.equal(cpu.effective, 1);
    assert.deepEqual(cpu.degraded, ["cpu.logical: not reported by workerd"]);
    assert.deepEqual(adapter.memory().degraded, [
      "memory.total: not reported by workerd",
      "memory.rss: performance.memory failed: not here",
    ]);
  });
});
