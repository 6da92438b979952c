import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  cgroupCpuPressure,
  fixtureAvailable,
  fixtureReader,
  fixtureTotal,
  GiB,
  MiB,
  procPressure,
} from "./fixture.ts";

describe("createLinuxReader() on cgroup v2", () => {
  it("reads its own quota 1.5 and memory.max 512 MiB; cpu.weight is not a limit", () => {
    const { root, reader } = fixtureReader("v2-own-limits");
    const layout = reader.layout();
    assert.equal(layout.mode, "v2");
    assert.equal(layout.cpu?.dir, `${root}/sys/fs/cgroup/kubepods/pod1`);
    assert.equal(layout.cpu, layout.unified);
    assert.equal(layout.memory, layout.unified);

    assert.deepEqual(reader.cpu(), {
      quota: 1.5,
      // cpuset is not enabled below the root: the root's effective set applies.
      cpuset: 4,
      online: 8,
      throttling: { periods: 100, throttled: 7, throttledUsec: 250000 },
      sources: {
        quota: "cgroup2 /kubepods/pod1/cpu.max",
        cpuset: "cgroup2 /cpuset.cpus.effective",
        online: "/sys/devices/system/cpu/online",
        throttling: "cgroup2 /kubepods/pod1/cpu.stat",
      },
      degraded: [],
    });

    assert.deepEqual(reader.memory(), {
      total: fixtureTotal,
      available: fixtureAvailable,
      limit: 512 * MiB,
      high: undefined,
      usage: 100 * MiB,
      workingSet: 80 * MiB,
      sources: {
        total: "/proc/meminfo MemTotal",
        available: "/proc/meminfo MemAvailable",
        limit: "cgroup2 /kubepods/pod1/memory.max",
        high: "cgroup2 /kubepods/pod1: no memory.high (max)",
        usage: "cgroup2 /kubepods/pod1/memory.current",
        workingSet: "cgroup2 /kubepods/pod1/memory.current - memory.stat inactive_file",
      },
      degraded: [],
    });

    assert.equal(reader.cpuTime(), 7_000_000);
    assert.equal(reader.cpuTimeSource(), "cgroup2 /kubepods/pod1/cpu.stat usage_usec");
  });

  it("prefers the cgroup's own PSI files and falls back to /proc/pressure for a missing one", () => {
    const { reader } = fixtureReader("v2-own-limits");
    assert.deepEqual(reader.pressure(), {
      cpu: cgroupCpuPressure,
      memory: procPressure.memory,
      io: {
        some: { avg10: 0, avg60: 0, avg300: 0, total: 42 },
        full: { avg10: 0, avg60: 0, avg300: 0, total: 21 },
      },
      sources: {
        cpu: "cgroup2 /kubepods/pod1/cpu.pressure",
        memory: "/proc/pressure/memory",
        io: "cgroup2 /kubepods/pod1/io.pressure",
      },
      degraded: [],
    });
  });

  it("takes a child quota of 1 (50000/50000) under a parent quota of 3", () => {
    const { reader } = fixtureReader("v2-nested-quota");
    const cpu = reader.cpu();
    assert.equal(cpu.quota, 1);
    assert.equal(cpu.sources.quota, "cgroup2 /parent/child/cpu.max");
    assert.equal(cpu.cpuset, undefined);
    assert.equal(
      cpu.sources.cpuset,
      "cgroup2 /parent/child: no cpuset (cpuset controller not enabled)",
    );
    assert.deepEqual(cpu.degraded, []);
    const memory = reader.memory();
    assert.equal(memory.limit, GiB);
    assert.equal(memory.sources.limit, "cgroup2 /parent/child/memory.max");
  });

  it("takes a parent's memory.max of 256 MiB over an unlimited child, and a parent-only quota", () => {
    const { reader } = fixtureReader("v2-parent-memory");
    const memory = reader.memory();
    assert.equal(memory.limit, 256 * MiB);
    assert.equal(memory.sources.limit, "cgroup2 /parent/memory.max");
    assert.equal(memory.high, undefined);
    assert.equal(memory.sources.high, "cgroup2 /parent/child: no memory.high (max)");
    assert.equal(memory.workingSet, 8 * MiB);
    assert.deepEqual(memory.degraded, []);

    const cpu = reader.cpu();
    assert.equal(cpu.quota, 0.5);
    assert.equal(cpu.sources.quota, "cgroup2 /parent/cpu.max");
    // The child has no cpu controller: cpu.stat has no throttling counters, which is not an error.
    assert.equal(cpu.throttling, undefined);
    assert.equal(
      cpu.sources.throttling,
      "cgroup2 /parent/child/cpu.stat: no throttling counters (cpu controller not enabled)",
    );
    assert.deepEqual(cpu.degraded, []);
    assert.equal(reader.cpuTime(), 123);
  });

  it("reads a cgroup namespace (0::/) with memory.high below memory.max", () => {
    const { root, reader } = fixtureReader("v2-cgroupns");
    assert.equal(reader.layout().memory?.dir, `${root}/sys/fs/cgroup`);
    const memory = reader.memory();
    assert.equal(memory.limit, 512 * MiB);
    assert.equal(memory.sources.limit, "cgroup2 /memory.max");
    assert.equal(memory.high, 256 * MiB);
    assert.equal(memory.sources.high, "cgroup2 /memory.high");
    assert.equal(memory.usage, 150 * MiB);
    assert.equal(memory.workingSet, 140 * MiB);
    assert.equal(reader.cpu().quota, 1.5);
    assert.equal(reader.cpu().sources.quota, "cgroup2 /cpu.max");
    // Inside a cgroup namespace "/" is the container: its own cpu.pressure wins over the
    // host-wide /proc/pressure; memory has no cgroup file here and falls back.
    const pressure = reader.pressure();
    assert.notDeepEqual(pressure?.cpu, procPressure.cpu);
    assert.equal(pressure?.cpu?.some.avg10, 9);
    assert.equal(pressure?.sources.cpu, "cgroup2 /cpu.pressure");
    assert.equal(pressure?.sources.memory, "/proc/pressure/memory");
  });

  it("finds a mount point with an escaped space and a dash, preferring /sys/fs/cgroup over a duplicate", () => {
    const { root, reader } = fixtureReader("v2-escaped-mount");
    const layout = reader.layout();
    assert.equal(layout.unified?.mountPoint, "/sys/fs/cgroup/a - b");
    assert.equal(layout.unified?.dir, `${root}/sys/fs/cgroup/a - b/svc`);
    const cpu = reader.cpu();
    assert.equal(cpu.quota, 2);
    assert.equal(cpu.sources.quota, "cgroup2 /svc/cpu.max");
    assert.equal(reader.memory().limit, 128 * MiB);
  });
});
