import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  fixtureAvailable,
  fixtureReader,
  fixtureTotal,
  GiB,
  MiB,
  procPressure,
} from "./fixture.ts";

describe("createLinuxReader() on cgroup v1", () => {
  it("reads a hybrid host like this machine: separate cpu and cpuacct, memory at /process_api/<id>", () => {
    const { root, reader } = fixtureReader("v1-host");
    const id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    const layout = reader.layout();
    assert.equal(layout.mode, "hybrid");
    assert.equal(layout.cpu?.version, 1);
    assert.equal(layout.cpu?.dir, `${root}/sys/fs/cgroup/cpu/process_api/${id}`);
    assert.equal(layout.cpuacct?.dir, `${root}/sys/fs/cgroup/cpuacct`);
    assert.equal(layout.cpuset?.dir, `${root}/sys/fs/cgroup/cpuset`);
    assert.equal(layout.memory?.dir, `${root}/sys/fs/cgroup/memory/process_api/${id}`);
    assert.deepEqual(layout.unified, {
      version: 2,
      cgroupPath: "/",
      mountPoint: "/sys/fs/cgroup/unified",
      mountRoot: "/",
      dir: `${root}/sys/fs/cgroup/unified`,
    });
    assert.deepEqual(layout.degraded, []);

    assert.deepEqual(reader.cpu(), {
      quota: 2,
      cpuset: 2,
      online: 8,
      throttling: { periods: 500, throttled: 20, throttledUsec: 3_000_000 },
      sources: {
        quota: `cgroup1 /process_api/${id}/cpu.cfs_quota_us`,
        cpuset: "cgroup1 /cpuset.effective_cpus",
        online: "/sys/devices/system/cpu/online",
        throttling: `cgroup1 /process_api/${id}/cpu.stat`,
      },
      degraded: [],
    });

    assert.deepEqual(reader.memory(), {
      total: fixtureTotal,
      available: fixtureAvailable,
      limit: GiB,
      high: undefined,
      usage: 8118272,
      workingSet: 8118272 - 1531904,
      sources: {
        total: "/proc/meminfo MemTotal",
        available: "/proc/meminfo MemAvailable",
        limit: `cgroup1 /process_api/${id}/memory.limit_in_bytes`,
        high: `cgroup1 /process_api/${id}: no memory.high in cgroup v1`,
        usage: `cgroup1 /process_api/${id}/memory.usage_in_bytes`,
        workingSet:
          `cgroup1 /process_api/${id}/memory.usage_in_bytes - memory.stat total_inactive_file`,
      },
      degraded: [],
    });

    assert.equal(reader.cpuTime(), 85777319.808);
    assert.equal(reader.cpuTimeSource(), "cgroup1 /cpuacct.usage");
    assert.deepEqual(reader.loadAverage(), [0.5, 0.25, 0.1]);
    // The unified hierarchy's own cpu.pressure is read first; memory and io have no cgroup
    // file here and fall back to /proc/pressure.
    assert.deepEqual(reader.pressure(), {
      ...procPressure,
      cpu: {
        some: { avg10: 9, avg60: 8, avg300: 7, total: 777000 },
        full: { avg10: 4, avg60: 3, avg300: 2, total: 333000 },
      },
      sources: {
        cpu: "cgroup2 /cpu.pressure",
        memory: "/proc/pressure/memory",
        io: "/proc/pressure/io",
      },
      degraded: [],
    });
  });

  it("reads a Docker bind mount: files at the mount point, quota 1.5, limit 512 MiB", () => {
    const { root, reader } = fixtureReader("v1-docker-bind");
    const layout = reader.layout();
    assert.equal(layout.mode, "v1");
    assert.equal(layout.unified, undefined);
    assert.deepEqual(layout.cpu, {
      version: 1,
      cgroupPath: "/docker/4f1c2a9e8b7d",
      mountPoint: "/sys/fs/cgroup/cpu,cpuacct",
      mountRoot: "/docker/4f1c2a9e8b7d",
      dir: `${root}/sys/fs/cgroup/cpu,cpuacct`,
    });
    assert.equal(layout.cpuacct?.dir, `${root}/sys/fs/cgroup/cpu,cpuacct`);
    assert.equal(layout.memory?.dir, `${root}/sys/fs/cgroup/memory`);

    const cpu = reader.cpu();
    assert.equal(cpu.quota, 1.5);
    assert.equal(cpu.sources.quota, "cgroup1 /docker/4f1c2a9e8b7d/cpu.cfs_quota_us");
    // cpuset.effective_cpus "0-2,5" wins over cpuset.cpus "0-7".
    assert.equal(cpu.cpuset, 4);
    assert.equal(cpu.sources.cpuset, "cgroup1 /docker/4f1c2a9e8b7d/cpuset.effective_cpus");
    assert.deepEqual(cpu.throttling, { periods: 1200, throttled: 300, throttledUsec: 45_000_000 });
    assert.deepEqual(cpu.degraded, []);

    const memory = reader.memory();
    assert.equal(memory.limit, 512 * MiB);
    assert.equal(memory.sources.limit, "cgroup1 /docker/4f1c2a9e8b7d/memory.limit_in_bytes");
    assert.equal(memory.usage, 200 * MiB);
    assert.equal(memory.workingSet, 150 * MiB);
    assert.deepEqual(memory.degraded, []);

    assert.equal(reader.cpuTime(), 5_000_000);
    assert.equal(reader.cpuTimeSource(), "cgroup1 /docker/4f1c2a9e8b7d/cpuacct.usage");
    // No /proc/pressure and no cgroup2: no PSI at all.
    assert.equal(reader.pressure(), undefined);
  });

  it("reads a cpu,cpuacct co-mount and takes the smallest quota over the hierarchy (0.25)", () => {
    const { root, reader } = fixtureReader("v1-comount");
    const layout = reader.layout();
    assert.equal(layout.mode, "v1");
    assert.equal(layout.cpu?.dir, `${root}/sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/ctr`);
    assert.equal(layout.cpuacct?.dir, layout.cpu?.dir);

    const cpu = reader.cpu();
    assert.equal(cpu.quota, 0.25);
    assert.equal(cpu.sources.quota, "cgroup1 /kubepods/pod1/ctr/cpu.cfs_quota_us");
    // No cpuset.effective_cpus on this kernel: cpuset.cpus "0-3".
    assert.equal(cpu.cpuset, 4);
    assert.equal(cpu.sources.cpuset, "cgroup1 /kubepods/pod1/ctr/cpuset.cpus");
    assert.deepEqual(cpu.throttling, { periods: 80, throttled: 79, throttledUsec: 1.5 });
    assert.deepEqual(cpu.degraded, []);

    assert.equal(reader.cpuTime(), 123456.789);
    assert.equal(reader.cpuTimeSource(), "cgroup1 /kubepods/pod1/ctr/cpuacct.usage");
  });

  it("treats the 64 KiB-page sentinel 9223372036854710272 as no limit", () => {
    const { reader } = fixtureReader("v1-comount");
    const memory = reader.memory();
    assert.equal(memory.limit, undefined);
    assert.equal(
      memory.sources.limit,
      "cgroup1 /kubepods/pod1/ctr: no limit (9223372036854710272)",
    );
    assert.equal(memory.usage, 4096000);
    // total_inactive_file (8192000) exceeds usage: the working set floors at 0.
    assert.equal(memory.workingSet, 0);
    assert.deepEqual(memory.degraded, []);
  });

  it("takes a v1 hierarchical_memory_limit tighter than the own limit_in_bytes", () => {
    const { reader } = fixtureReader("v1-hierarchical");
    const memory = reader.memory();
    assert.equal(memory.limit, 768 * MiB);
    assert.equal(
      memory.sources.limit,
      "cgroup1 /docker/9e8d7c6b5a4f/memory.stat hierarchical_memory_limit",
    );
    assert.equal(memory.workingSet, 100 * MiB - 4 * MiB);
    assert.deepEqual(memory.degraded, []);
    // Only memory is mounted: the CPU figures say why they are missing.
    const cpu = reader.cpu();
    assert.equal(cpu.quota, undefined);
    assert.match(
      cpu.degraded[0] ?? "",
      /^cpu\.quota: no cpu controller in .*\/proc\/self\/cgroup$/,
    );
  });
});
