import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createLinuxReader } from "../../../src/runtime/linux/mod.ts";
import { countingReader, fixtureRoot, MiB, readText } from "./fixture.ts";

function setup(limitRefreshMs?: number) {
  const root = fixtureRoot("v2-own-limits");
  const dir = `${root}/sys/fs/cgroup/kubepods/pod1`;
  const overrides = new Map<string, string>();
  const { read, counts } = countingReader((path) => overrides.get(path) ?? readText(path));
  const clock = { t: 0 };
  const reader = createLinuxReader({
    read,
    root,
    now: () => clock.t,
    ...(limitRefreshMs === undefined ? {} : { limitRefreshMs }),
  });
  const count = (path: string): number => counts.get(path) ?? 0;
  return { root, dir, overrides, counts, clock, reader, count };
}

describe("createLinuxReader() caching", () => {
  it("re-reads memory limits only after limitRefreshMs (default 5000), usage every call", () => {
    const { dir, overrides, clock, reader, count } = setup();
    assert.equal(reader.memory().limit, 512 * MiB);
    overrides.set(`${dir}/memory.max`, "268435456\n");
    overrides.set(`${dir}/memory.current`, "52428800\n");

    clock.t = 4999;
    const cached = reader.memory();
    assert.equal(cached.limit, 512 * MiB, "limit still cached");
    assert.equal(cached.usage, 50 * MiB, "usage read fresh");
    assert.equal(count(`${dir}/memory.max`), 1);
    assert.equal(count(`${dir}/memory.current`), 2);

    clock.t = 5000;
    assert.equal(reader.memory().limit, 256 * MiB);
    assert.equal(count(`${dir}/memory.max`), 2);
  });

  it("caches the CPU quota but reads throttling counters every call", () => {
    const { dir, overrides, clock, reader, count } = setup(1000);
    assert.equal(reader.cpu().quota, 1.5);
    overrides.set(`${dir}/cpu.max`, "50000 100000\n");
    overrides.set(
      `${dir}/cpu.stat`,
      "usage_usec 1\nnr_periods 101\nnr_throttled 8\nthrottled_usec 260000\n",
    );
    clock.t = 999;
    const cpu = reader.cpu();
    assert.equal(cpu.quota, 1.5);
    assert.deepEqual(cpu.throttling, { periods: 101, throttled: 8, throttledUsec: 260000 });
    assert.equal(count(`${dir}/cpu.max`), 1);
    clock.t = 1000;
    assert.equal(reader.cpu().quota, 0.5);
  });

  it("re-reads limits on every call with limitRefreshMs 0", () => {
    const { dir, reader, count } = setup(0);
    reader.memory();
    reader.memory();
    reader.memory();
    assert.equal(count(`${dir}/memory.max`), 3);
  });

  it("resolves again, after limitRefreshMs, a layout that one failed read left unresolved", () => {
    const root = fixtureRoot("v2-own-limits");
    let fail = true;
    const clock = { t: 0 };
    const reader = createLinuxReader({
      read: (path) => {
        if (fail && path.endsWith("/proc/self/cgroup")) {
          throw new Error("EMFILE: too many open files");
        }
        return readText(path);
      },
      root,
      now: () => clock.t,
    });
    assert.equal(reader.memory().limit, undefined);
    assert.equal(reader.cpuTime(), undefined);
    assert.equal(reader.pressure()?.sources.cpu, "/proc/pressure/cpu");
    fail = false;
    clock.t = 4999;
    assert.equal(reader.memory().limit, undefined, "not before limitRefreshMs");
    clock.t = 5000;
    assert.equal(reader.memory().limit, 512 * MiB);
    assert.equal(reader.layout().mode, "v2");
    // CPU time and pressure come from the cgroup then too, not the host's files for good.
    assert.equal(reader.cpuTime(), 7_000_000);
    assert.equal(reader.cpuTimeDegraded(), undefined);
    assert.equal(reader.pressure()?.cpu?.some.avg10, 9);
    assert.equal(reader.pressure()?.sources.cpu, "cgroup2 /kubepods/pod1/cpu.pressure");
  });

  it("resolves the layout once and reads only the needed files on hot calls", () => {
    const { root, dir, counts, clock, reader, count } = setup();
    reader.cpuTime();
    reader.memory();
    reader.pressure();
    reader.loadAverage();
    reader.cpu();
    clock.t = 10;
    counts.clear();

    assert.equal(reader.cpuTime(), 7_000_000);
    assert.deepEqual([...counts.keys()], [`${dir}/cpu.stat`]);
    counts.clear();

    // Host figures (/proc/meminfo) refresh with the limits, not on every call.
    reader.memory();
    assert.deepEqual([...counts.keys()].sort(), [
      `${dir}/memory.current`,
      `${dir}/memory.stat`,
    ]);
    counts.clear();

    // memory.pressure is missing in the cgroup: after the first call the
    // reader goes straight to /proc/pressure/memory.
    reader.pressure();
    assert.deepEqual([...counts.keys()].sort(), [
      `${root}/proc/pressure/memory`,
      `${dir}/cpu.pressure`,
      `${dir}/io.pressure`,
    ]);
    counts.clear();

    reader.loadAverage();
    assert.deepEqual([...counts.keys()], [`${root}/proc/loadavg`]);
    assert.equal(count(`${root}/proc/self/cgroup`), 0);
  });
});
