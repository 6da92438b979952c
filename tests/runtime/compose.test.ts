import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { composeAdapter } from "../../src/runtime/compose.ts";
import { allowedCpus } from "../../src/runtime/node-host.ts";
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

describe("allowedCpus()", () => {
  it("counts Cpus_allowed_list, not a runtime count already divided by a CPU quota", () => {
    const status = "Name:\tnode\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1,4\n";
    // Node 24, Deno and Bun answer floor(quota) = 1 under a 1.5-CPU cgroup v2 quota.
    const probe = allowedCpus(() => status, () => 1);
    assert.equal(probe.read(), 3);
    assert.equal(probe.source, "/proc/self/status Cpus_allowed_list");
  });
  it("falls back to the runtime's count, and says so, when the file cannot be read", () => {
    const probe = allowedCpus(() => {
      throw new Error("PermissionDenied");
    }, () => 2);
    assert.equal(probe.read(), 2);
    assert.equal(probe.source, "os.availableParallelism()");
  });
});
