import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createLinuxReader } from "../../../src/runtime/linux/mod.ts";
import { fixtureReader, mapReader, readText } from "./fixture.ts";

/** The entry of `degraded` about `field`, or "" when there is none. */
function entry(degraded: readonly string[], field: string): string {
  return degraded.find((line) => line.startsWith(`${field}: `)) ?? "";
}

describe("createLinuxReader() with broken files", () => {
  it("turns garbage, empty and missing files into undefined figures plus degraded entries", () => {
    const { root, reader } = fixtureReader("garbage");
    const dir = `${root}/sys/fs/cgroup/bad`;

    const cpu = reader.cpu();
    assert.equal(cpu.quota, undefined);
    assert.equal(entry(cpu.degraded, "cpu.quota"), `cpu.quota: garbled ${dir}/cpu.max: "banana"`);
    assert.equal(cpu.cpuset, undefined);
    assert.equal(
      entry(cpu.degraded, "cpu.cpuset"),
      `cpu.cpuset: garbled ${dir}/cpuset.cpus.effective: "0-x"`,
    );
    assert.equal(cpu.online, undefined);
    assert.match(
      entry(cpu.degraded, "cpu.online"),
      /^cpu\.online: cannot read .*\/sys\/devices\/system\/cpu\/online: ENOENT/,
    );
    assert.equal(cpu.throttling, undefined);
    assert.match(
      entry(cpu.degraded, "cpu.throttling"),
      /^cpu\.throttling: garbled .*\/bad\/cpu\.stat: "usage_usec lots/,
    );
    assert.equal(cpu.degraded.length, 4);
    assert.deepEqual(cpu.sources, {});

    const memory = reader.memory();
    assert.deepEqual(
      [memory.total, memory.available, memory.limit, memory.high, memory.usage, memory.workingSet],
      [undefined, undefined, undefined, undefined, undefined, undefined],
    );
    assert.equal(
      entry(memory.degraded, "memory.total"),
      `memory.total: garbled MemTotal in ${root}/proc/meminfo: "many kB"`,
    );
    assert.equal(
      entry(memory.degraded, "memory.available"),
      `memory.available: no MemAvailable in ${root}/proc/meminfo`,
    );
    assert.equal(entry(memory.degraded, "memory.limit"), `memory.limit: empty ${dir}/memory.max`);
    assert.match(
      entry(memory.degraded, "memory.high"),
      /^memory\.high: cannot read .*\/bad\/memory\.high: ENOENT/,
    );
    assert.equal(
      entry(memory.degraded, "memory.usage"),
      `memory.usage: garbled ${dir}/memory.current: "12abc"`,
    );
    assert.equal(
      entry(memory.degraded, "memory.workingSet"),
      "memory.workingSet: needs memory.usage",
    );
    assert.equal(memory.degraded.length, 6);

    assert.equal(reader.cpuTime(), undefined);
    assert.match(reader.cpuTimeDegraded() ?? "", /^cpuTime: garbled .*\/bad\/cpu\.stat/);
    assert.equal(reader.loadAverage(), undefined);
    assert.equal(
      reader.loadAverageDegraded(),
      `loadAverage: garbled ${root}/proc/loadavg: "1.0 2.0"`,
    );

    const pressure = reader.pressure();
    assert.notEqual(pressure, undefined, "PSI files exist, so pressure() reports them as broken");
    assert.deepEqual([pressure?.cpu, pressure?.memory, pressure?.io], [
      undefined,
      undefined,
      undefined,
    ]);
    assert.deepEqual(pressure?.sources, {});
    assert.equal(
      entry(pressure?.degraded ?? [], "pressure.cpu"),
      `pressure.cpu: garbled ${root}/proc/pressure/cpu: "some avg10=x avg60=1.00 avg300=1.00 total=1"`,
    );
    assert.equal(
      entry(pressure?.degraded ?? [], "pressure.memory"),
      `pressure.memory: empty ${root}/proc/pressure/memory`,
    );
    assert.match(
      entry(pressure?.degraded ?? [], "pressure.io"),
      /^pressure\.io: cannot read .*: ENOENT/,
    );
  });

  it("takes a limit file that is there but cannot be read as unknown, not as no limit", () => {
    const { root } = fixtureReader("v2-own-limits");
    const pod = `${root}/sys/fs/cgroup/kubepods/pod1`;
    const unreadable = new Set([
      `${pod}/memory.max`,
      `${pod}/cpu.max`,
      `${root}/sys/fs/cgroup/cpuset.cpus.effective`,
    ]);
    const reader = createLinuxReader({
      root,
      read: (path) => {
        if (unreadable.has(path)) throw new Error(`EMFILE: too many open files, open '${path}'`);
        return readText(path);
      },
    });
    // The pod's own files hold the limits; its parent says max. Skipping the
    // pod's unread files would report "no limit" with nothing degraded.
    const memory = reader.memory();
    assert.equal(memory.limit, undefined);
    assert.equal(memory.sources.limit, undefined);
    assert.equal(
      entry(memory.degraded, "memory.limit"),
      `memory.limit: cannot read ${pod}/memory.max: EMFILE: too many open files, open '${pod}/memory.max'`,
    );
    const cpu = reader.cpu();
    assert.equal(cpu.quota, undefined);
    assert.match(
      entry(cpu.degraded, "cpu.quota"),
      /^cpu\.quota: cannot read .*\/pod1\/cpu\.max: EMFILE/,
    );
    // The nearest cpuset file is the root's: unreadable, the cpuset is unknown.
    assert.equal(cpu.cpuset, undefined);
    assert.match(
      entry(cpu.degraded, "cpu.cpuset"),
      /^cpu\.cpuset: cannot read .*cpuset\.cpus\.effective: EMFILE/,
    );
  });

  it("degrades every figure, and never throws, when every read is refused (Deno without -A)", () => {
    const notCapable = (path: string): string => {
      const error = new Error(
        `Requires all access to "${path}", run again with the --allow-all flag`,
      );
      error.name = "NotCapable";
      throw error;
    };
    const reader = createLinuxReader({ read: notCapable });
    const layout = reader.layout();
    assert.equal(layout.mode, "none");
    assert.deepEqual(layout.degraded, [
      'cgroup: cannot read /proc/self/cgroup: NotCapable: Requires all access to "/proc/self/cgroup", run again with the --allow-all flag',
    ]);
    const cpu = reader.cpu();
    assert.deepEqual([cpu.quota, cpu.cpuset, cpu.online, cpu.throttling], [
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    assert.deepEqual(cpu.degraded.map((line) => line.slice(0, line.indexOf(":"))), [
      "cpu.quota",
      "cpu.cpuset",
      "cpu.online",
      "cpu.throttling",
    ]);
    assert.ok(cpu.degraded.every((line) => line.includes("NotCapable")), cpu.degraded.join("\n"));
    const memory = reader.memory();
    assert.deepEqual(memory.degraded.map((line) => line.slice(0, line.indexOf(":"))), [
      "memory.total",
      "memory.available",
      "memory.limit",
      "memory.high",
      "memory.usage",
      "memory.workingSet",
    ]);
    assert.equal(memory.limit, undefined);
    assert.equal(reader.cpuTime(), undefined);
    assert.match(
      reader.cpuTimeDegraded() ?? "",
      /^cpuTime: cannot read \/proc\/self\/cgroup: NotCapable/,
    );
    assert.equal(reader.cpuTimeSource(), undefined);
    assert.equal(reader.loadAverage(), undefined);
    assert.match(
      reader.loadAverageDegraded() ?? "",
      /^loadAverage: cannot read \/proc\/loadavg: NotCapable/,
    );
    // Refused is not absent: PSI may exist, so pressure() says why it could not read it.
    const pressure = reader.pressure();
    assert.deepEqual(pressure?.degraded.map((line) => line.slice(0, line.indexOf(":"))), [
      "pressure.cpu",
      "pressure.memory",
      "pressure.io",
    ]);
  });

  it("returns pressure() undefined and mode none when nothing exists (not Linux)", () => {
    const reader = createLinuxReader({ read: mapReader({}) });
    assert.equal(reader.layout().mode, "none");
    assert.equal(reader.pressure(), undefined);
    assert.equal(reader.cpu().quota, undefined);
    assert.match(
      reader.cpu().degraded[0] ?? "",
      /^cpu\.quota: cannot read \/proc\/self\/cgroup: ENOENT/,
    );
  });

  it("survives a reader that returns a non-string and one that throws a non-Error", () => {
    const weird = createLinuxReader({ read: () => 42 as unknown as string });
    assert.match(weird.layout().degraded[0] ?? "", /the reader returned number/);
    const throwsString = createLinuxReader({
      read: () => {
        throw "plain string";
      },
    });
    assert.equal(throwsString.memory().limit, undefined);
    assert.match(throwsString.memory().degraded[0] ?? "", /plain string/);
  });

  it("reports a garbled /proc/self/cgroup and a missing controller mount", () => {
    const garbledCgroup = createLinuxReader({
      read: mapReader({ "/proc/self/cgroup": "banana\n", "/proc/self/mountinfo": "" }),
    });
    assert.deepEqual(garbledCgroup.layout().degraded, [
      'cgroup: garbled /proc/self/cgroup: "banana"',
    ]);

    const noMount = createLinuxReader({
      read: mapReader({
        "/proc/self/cgroup": "4:memory:/x\n3:cpu:/x\n",
        "/proc/self/mountinfo": "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
        "/sys/fs/cgroup/memory/x/memory.limit_in_bytes": "1048576\n",
      }),
    });
    const layout = noMount.layout();
    assert.equal(layout.cpu, undefined);
    assert.equal(layout.memory?.dir, "/sys/fs/cgroup/memory/x");
    assert.deepEqual(layout.degraded, [
      "cgroup.cpu: no cgroup1 mount with the cpu controller in /proc/self/mountinfo",
    ]);
    assert.equal(noMount.memory().limit, 1048576);
    assert.equal(
      entry(noMount.cpu().degraded, "cpu.quota"),
      "cpu.quota: no cgroup1 mount with the cpu controller in /proc/self/mountinfo",
    );
  });

  it("degrades a v1 quota whose period cannot be read, and a limit when the own file is missing", () => {
    const reader = createLinuxReader({
      read: mapReader({
        "/proc/self/cgroup": "3:cpu:/a\n4:memory:/a\n",
        "/proc/self/mountinfo": [
          "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu",
          "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
        ].join("\n"),
        "/sys/fs/cgroup/cpu/a/cpu.cfs_quota_us": "50000\n",
      }),
    });
    assert.equal(reader.cpu().quota, undefined);
    assert.match(
      entry(reader.cpu().degraded, "cpu.quota"),
      /^cpu\.quota: cannot read \/sys\/fs\/cgroup\/cpu\/a\/cpu\.cfs_period_us: ENOENT/,
    );
    assert.match(
      entry(reader.memory().degraded, "memory.limit"),
      /^memory\.limit: cannot read \/sys\/fs\/cgroup\/memory\/a\/memory\.limit_in_bytes: ENOENT/,
    );
  });
});
