import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createFakeAdapter } from "../../src/runtime/fake.ts";

describe("createFakeAdapter()", () => {
  it("derives effective CPUs from the scripted quota", () => {
    const adapter = createFakeAdapter({ cpu: { affinity: 4, quota: 2.5 } });
    assert.equal(adapter.cpu().effective, 2);
    adapter.machine.cpu.quota = undefined;
    assert.equal(adapter.cpu().effective, 4);
  });

  it("throws the scripted failure from every read", () => {
    const adapter = createFakeAdapter({ failWith: new Error("disk gone") });
    assert.throws(() => adapter.memory(), /disk gone/);
    assert.throws(() => adapter.cpuTime(), /disk gone/);
  });
});
