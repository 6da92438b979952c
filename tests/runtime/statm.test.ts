import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { statmRss } from "../../src/runtime/statm.ts";

describe("statmRss()", () => {
  it("learns the page size once from the fallback and then reads pages only", () => {
    let statm = "5000 1000 300 10 0 900 0\n";
    let fallbackCalls = 0;
    const probe = statmRss(() => statm, () => (fallbackCalls++, 1000 * 4096 + 12_000));
    assert.equal(probe.read(), 1000 * 4096);
    statm = "5000 2500 300 10 0 900 0\n";
    assert.equal(probe.read(), 2500 * 4096);
    assert.equal(fallbackCalls, 1);
    assert.equal(probe.source, "/proc/self/statm resident");
  });

  it("rounds to 64 KiB pages where the kernel uses them", () => {
    const probe = statmRss(() => "10 300 1 1 0 1 0", () => 300 * 65536 - 5000);
    assert.equal(probe.read(), 300 * 65536);
  });

  it("falls back for good when statm cannot be read or is garbled", () => {
    const unreadable = statmRss(() => {
      throw new Error("EACCES");
    }, () => 777);
    assert.equal(unreadable.read(), 777);
    assert.equal(unreadable.source, "process.memoryUsage.rss()");
    const garbled = statmRss(() => "banana", () => 888);
    assert.equal(garbled.read(), 888);
    assert.equal(garbled.source, "process.memoryUsage.rss()");
  });
});
