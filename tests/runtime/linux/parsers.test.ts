import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  countCpuList,
  createLinuxReader,
  parseCgroupMounts,
  parsePressure,
  parseProcCgroup,
  unescapeMountPath,
} from "../../../src/runtime/linux/mod.ts";
import { mapReader } from "./fixture.ts";

describe("Linux file parsers", () => {
  it("unescapes mountinfo octal escapes and leaves other backslashes alone", () => {
    assert.equal(unescapeMountPath("/mnt/a\\040b\\011c\\134d"), "/mnt/a b\tc\\d");
    assert.equal(unescapeMountPath("/mnt/x\\9y"), "/mnt/x\\9y");
  });

  it("splits mountinfo on ' - ' before unescaping, whatever the optional fields", () => {
    const mounts = parseCgroupMounts(
      [
        "41 31 0:38 / /sys/fs/cgroup/a\\040-\\040b rw shared:9 master:2 - cgroup2 cgroup2 rw",
        "713 711 0:31 /docker/x\\040(deleted) /sys/fs/cgroup/cpu,cpuacct ro - cgroup cgroup rw,cpu,cpuacct",
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
        "not a mountinfo line",
      ].join("\n"),
    );
    assert.deepEqual(mounts, [
      { root: "/", mountPoint: "/sys/fs/cgroup/a - b", fsType: "cgroup2", superOptions: ["rw"] },
      {
        root: "/docker/x",
        mountPoint: "/sys/fs/cgroup/cpu,cpuacct",
        fsType: "cgroup",
        superOptions: ["rw", "cpu", "cpuacct"],
      },
    ]);
  });

  it("parses /proc/self/cgroup lines, keeping colons in paths and dropping ' (deleted)'", () => {
    assert.deepEqual(parseProcCgroup("4:cpu,cpuacct:/a:b\n0::/gone (deleted)\n\n"), [
      { id: "4", controllers: ["cpu", "cpuacct"], path: "/a:b" },
      { id: "0", controllers: [], path: "/gone" },
    ]);
  });

  it("counts CPU lists and rejects malformed ones", () => {
    assert.equal(countCpuList("0-2,5\n"), 4);
    assert.equal(countCpuList("0-4,6,8-10"), 9);
    assert.equal(countCpuList("7"), 1);
    assert.equal(countCpuList(""), undefined);
    assert.equal(countCpuList("3-1"), undefined);
    assert.equal(countCpuList("0-x"), undefined);
  });

  it("parses PSI with and without a full line", () => {
    assert.deepEqual(parsePressure("some avg10=0.20 avg60=1.12 avg300=0.64 total=12129057\n"), {
      some: { avg10: 0.2, avg60: 1.12, avg300: 0.64, total: 12129057 },
      full: undefined,
    });
    assert.equal(parsePressure("full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"), undefined);
    assert.equal(parsePressure("some avg10=1 avg60=1 total=1\n"), undefined);
    assert.equal(parsePressure("some avg10=1e3 avg60=1 avg300=1 total=1\n"), undefined);
  });
});

describe("createLinuxReader() path edge cases", () => {
  const mountinfo = "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";

  it("follows a cgroup whose path ends in ' (deleted)'", () => {
    const reader = createLinuxReader({
      read: mapReader({
        "/proc/self/cgroup": "0::/job (deleted)\n",
        "/proc/self/mountinfo": mountinfo,
        "/sys/fs/cgroup/job/cpu.max": "300000 100000\n",
      }),
    });
    assert.equal(reader.cpu().quota, 3);
    assert.equal(reader.cpu().sources.quota, "cgroup2 /job/cpu.max");
  });

  it("falls back to the mount point for a namespace sibling path (/..)", () => {
    const reader = createLinuxReader({
      read: mapReader({
        "/proc/self/cgroup": "0::/../sibling/ctr\n",
        "/proc/self/mountinfo": mountinfo,
        "/sys/fs/cgroup/cpu.max": "200000 100000\n",
      }),
    });
    const layout = reader.layout();
    assert.equal(layout.unified?.dir, "/sys/fs/cgroup");
    assert.equal(layout.unified?.cgroupPath, "/");
    assert.deepEqual(layout.degraded, [
      "cgroup.unified: /../sibling/ctr is outside the mount root /; using the mount point /sys/fs/cgroup",
    ]);
    assert.equal(reader.cpu().quota, 2);
  });

  it("prefixes every path with root, with or without a trailing slash", () => {
    const files = {
      "/fx/proc/self/cgroup": "0::/a\n",
      "/fx/proc/self/mountinfo": mountinfo,
      "/fx/sys/fs/cgroup/a/cpu.max": "100000 100000\n",
    };
    assert.equal(createLinuxReader({ read: mapReader(files), root: "/fx/" }).cpu().quota, 1);
    assert.equal(createLinuxReader({ read: mapReader(files), root: "/fx" }).cpu().quota, 1);
  });

  it("never treats cpu.shares as a limit, and names -1 as no quota", () => {
    const reader = createLinuxReader({
      read: mapReader({
        "/proc/self/cgroup": "2:cpu:/\n",
        "/proc/self/mountinfo": "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n",
        "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
        "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
        "/sys/fs/cgroup/cpu/cpu.shares": "256\n",
      }),
    });
    assert.equal(reader.cpu().quota, undefined);
    assert.equal(reader.cpu().sources.quota, "cgroup1 /: no quota (-1)");
    assert.ok(!reader.cpu().degraded.some((line) => line.startsWith("cpu.quota")));
  });

  it("reports no quota on a v2 root cgroup, which has no cpu.max, without degrading", () => {
    const reader = createLinuxReader({
      read: mapReader({
        "/proc/self/cgroup": "0::/\n",
        "/proc/self/mountinfo": mountinfo,
        "/sys/fs/cgroup/cgroup.controllers": "cpuset cpu io memory pids\n",
      }),
    });
    assert.equal(reader.cpu().quota, undefined);
    assert.equal(reader.cpu().sources.quota, "cgroup2 /: no quota (no cpu.max in the hierarchy)");
    assert.equal(
      reader.memory().sources.limit,
      "cgroup2 /: no limit (no memory.max in the hierarchy)",
    );
  });

  it("treats a limit above host RAM as no limit", () => {
    const reader = createLinuxReader({
      read: mapReader({
        "/proc/self/cgroup": "0::/a\n",
        "/proc/self/mountinfo": mountinfo,
        "/proc/meminfo": "MemTotal:        1024 kB\nMemAvailable:     512 kB\n",
        "/sys/fs/cgroup/a/memory.max": "2097152\n",
      }),
    });
    const memory = reader.memory();
    assert.equal(memory.total, 1048576);
    assert.equal(memory.limit, undefined);
    assert.equal(memory.sources.limit, "cgroup2 /a: no limit (2097152 is above host RAM)");
  });

  it("reads CPU time from the unified cpu.stat on a hybrid host without a v1 cpuacct", () => {
    const reader = createLinuxReader({
      read: mapReader({
        "/proc/self/cgroup": "4:memory:/m\n0::/u\n",
        "/proc/self/mountinfo": [
          "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
          "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw",
        ].join("\n"),
        "/sys/fs/cgroup/unified/u/cpu.stat": "usage_usec 4242\nuser_usec 4000\nsystem_usec 242\n",
      }),
    });
    assert.equal(reader.layout().mode, "hybrid");
    assert.equal(reader.layout().memory?.version, 1);
    assert.equal(reader.cpuTime(), 4242);
    assert.equal(reader.cpuTimeSource(), "cgroup2 /u/cpu.stat usage_usec");
  });

  it("prefers the v1 mount that shows the process's cgroup when a controller is mounted twice", () => {
    const reader = createLinuxReader({
      read: mapReader({
        "/proc/self/cgroup": "4:memory:/docker/c1\n",
        "/proc/self/mountinfo": [
          "90 31 0:32 /other /mnt/mem rw - cgroup cgroup rw,memory",
          "91 31 0:32 /docker /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
        ].join("\n"),
        "/sys/fs/cgroup/memory/c1/memory.limit_in_bytes": "4096\n",
      }),
    });
    assert.equal(reader.layout().memory?.dir, "/sys/fs/cgroup/memory/c1");
    assert.equal(reader.memory().limit, 4096);
    assert.equal(reader.memory().sources.limit, "cgroup1 /docker/c1/memory.limit_in_bytes");
  });

  it("rejects a reader that is not a function and a negative refresh interval", () => {
    assert.throws(
      () => createLinuxReader({ read: undefined as unknown as (p: string) => string }),
      TypeError,
    );
    assert.throws(() => createLinuxReader({ read: mapReader({}), limitRefreshMs: -1 }), RangeError);
  });
});
