// The whole adapter, not just the Linux reader, on every fixture layout: the
// runtime's own figures (affinity, RSS) come from this machine, the container
// figures from the fixture tree, and effective CPUs combine the two.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { ConfigError, createRuntimeAdapter } from "../../mod.ts";

const MiB = 2 ** 20;
const root = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/cgroup/${name}`, import.meta.url)).replace(/\/$/, "");
const affinity = os.availableParallelism();

const layouts: {
  name: string;
  quota: number | undefined;
  cpuset?: number;
  limit: number | undefined;
}[] = [
  { name: "v1-host", quota: 2, cpuset: 2, limit: 1024 * MiB },
  { name: "v1-docker-bind", quota: 1.5, limit: 512 * MiB },
  { name: "v1-comount", quota: 0.25, limit: undefined },
  { name: "v1-hierarchical", quota: undefined, limit: 768 * MiB },
  { name: "v2-own-limits", quota: 1.5, limit: 512 * MiB },
  { name: "v2-nested-quota", quota: 1, limit: 1024 * MiB },
  { name: "v2-parent-memory", quota: 0.5, limit: 256 * MiB },
  { name: "v2-cgroupns", quota: 1.5, limit: 512 * MiB },
  { name: "v2-escaped-mount", quota: 2, limit: 128 * MiB },
];

describe("createRuntimeAdapter({ root }) on fixture layouts", () => {
  for (const layout of layouts) {
    it(`${layout.name}: quota ${layout.quota ?? "none"}, limit ${layout.limit ?? "none"}`, () => {
      const adapter = createRuntimeAdapter({ root: root(layout.name) });
      const cpu = adapter.cpu();
      assert.equal(cpu.quota, layout.quota);
      if (layout.cpuset !== undefined) assert.equal(cpu.cpuset, layout.cpuset);
      const bound = Math.min(
        affinity,
        cpu.cpuset ?? Infinity,
        Math.floor(layout.quota ?? Infinity),
      );
      assert.equal(cpu.effective, Math.max(1, bound));
      assert.equal(adapter.memory().limit, layout.limit);
      assert.equal(cpu.affinity, affinity, "affinity still comes from the runtime");
    });
  }

  it("rounds a fractional quota up when asked", () => {
    const adapter = createRuntimeAdapter({ root: root("v2-own-limits"), rounding: "ceil" });
    assert.equal(adapter.cpu().effective, Math.min(affinity, 2));
    assert.equal(
      createRuntimeAdapter({ root: root("v1-comount"), rounding: "ceil" }).cpu().effective,
      1,
    );
  });

  it("never throws on garbage, and names what it could not read", () => {
    const adapter = createRuntimeAdapter({ root: root("garbage") });
    const cpu = adapter.cpu();
    const memory = adapter.memory();
    assert.equal(cpu.effective, affinity);
    assert.ok(cpu.degraded.length > 0 && memory.degraded.length > 0);
    assert.ok(memory.rss !== undefined && memory.rss > 0, "the runtime's own RSS still answers");
  });

  it("an unreadable ancestor limit stays degraded when the runtime's own figure fills in", () => {
    // The runtime's figure reads only the process's own cgroup (1 GiB here); the parent's
    // unreadable memory.max may set a lower one, so the figure is used but not called sound.
    const proc = process as unknown as { constrainedMemory?: () => number };
    const saved = Object.getOwnPropertyDescriptor(proc, "constrainedMemory");
    proc.constrainedMemory = () => 1024 * MiB;
    try {
      const memory = createRuntimeAdapter({ root: root("v2-garbled-parent-memory") }).memory();
      assert.equal(memory.limit, 1024 * MiB);
      assert.match(memory.sources["limit"] ?? "", /constrainedMemory.*may be lower/);
      assert.ok(
        memory.degraded.some((entry) =>
          /^memory\.limit: garbled .*parent\/memory\.max/.test(entry)
        ),
        memory.degraded.join("\n"),
      );
      const sound = createRuntimeAdapter({ root: root("v2-parent-memory") }).memory();
      assert.equal(sound.limit, 256 * MiB, "a readable hierarchy needs no fallback");
      assert.ok(!sound.degraded.some((entry) => entry.startsWith("memory.limit")));
    } finally {
      if (saved) Object.defineProperty(proc, "constrainedMemory", saved);
      else delete proc.constrainedMemory;
    }
  });

  it("rejects bad options with a ConfigError naming the field", () => {
    for (
      const [options, field] of [
        [{ root: "relative/path" }, "root"],
        [{ rounding: "nearest" }, "rounding"],
        [{ limitRefreshMs: -1 }, "limitRefreshMs"],
        [{ roots: "/" }, "roots"],
      ] as const
    ) {
      assert.throws(
        () => createRuntimeAdapter(options as never),
        (error: unknown) =>
          error instanceof ConfigError && error.issues[0]?.path === field &&
          error.message.includes(field),
      );
    }
    assert.throws(
      () => createRuntimeAdapter({ root: "fixtures" }),
      /`root` received "fixtures", expected an absolute path starting with \//,
    );
  });
});
