import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { createLinuxReader } from "../../../src/runtime/linux/mod.ts";
import { readText } from "./fixture.ts";

const skip = process.platform !== "linux"
  ? "needs Linux: /proc and /sys (cgroups, PSI) to read"
  : false;

function tryText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function meminfoBytes(key: string): number {
  const line = readText("/proc/meminfo").split("\n").find((l) => l.startsWith(`${key}:`)) ?? "";
  return Number(line.split(/\s+/)[1]) * 1024;
}

function cpuCount(list: string): number {
  return list.trim().split(",").reduce((n, part) => {
    const [a, b] = part.split("-").map(Number);
    return n + (b === undefined ? 1 : b - (a ?? 0) + 1);
  }, 0);
}

/** Directories from `dir` up to `top`, own first. */
function upTo(dir: string, top: string): string[] {
  const dirs = [dir];
  while (dir.length > top.length) {
    dir = dir.slice(0, dir.lastIndexOf("/"));
    dirs.push(dir);
  }
  return dirs;
}

describe("createLinuxReader() on this machine", () => {
  it("agrees with the files themselves", { skip }, () => {
    const reader = createLinuxReader({ read: readText });
    const layout = reader.layout();
    assert.notEqual(layout.mode, "none", layout.degraded.join("\n"));

    // Each controller directory the reader found holds this process.
    for (
      const controller of [layout.cpu, layout.cpuacct, layout.cpuset, layout.memory, layout.unified]
    ) {
      if (!controller) continue;
      const pids = readText(`${controller.dir}/cgroup.procs`).split("\n");
      assert.ok(
        pids.includes(String(process.pid)),
        `pid ${process.pid} in ${controller.dir}/cgroup.procs`,
      );
    }

    const cpu = reader.cpu();
    assert.equal(cpu.online, cpuCount(readText("/sys/devices/system/cpu/online")));
    if (layout.cpu) {
      let quota: number | undefined;
      for (const dir of upTo(layout.cpu.dir, layout.cpu.mountPoint)) {
        let q: number | undefined;
        if (layout.cpu.version === 2) {
          const [max, period] = (tryText(`${dir}/cpu.max`) ?? "max").trim().split(" ");
          if (max !== "max") q = Number(max) / Number(period);
        } else {
          const raw = tryText(`${dir}/cpu.cfs_quota_us`);
          if (raw !== undefined && Number(raw) > 0) {
            q = Number(raw) / Number(readText(`${dir}/cpu.cfs_period_us`));
          }
        }
        if (q !== undefined && (quota === undefined || q < quota)) quota = q;
      }
      assert.equal(cpu.quota, quota);
    }

    const memory = reader.memory();
    const total = meminfoBytes("MemTotal");
    assert.equal(memory.total, total);
    assert.ok(Math.abs((memory.available ?? 0) - meminfoBytes("MemAvailable")) < 256 * 1024 * 1024);
    if (layout.memory) {
      const file = layout.memory.version === 2 ? "memory.max" : "memory.limit_in_bytes";
      let limit: number | undefined;
      for (const dir of upTo(layout.memory.dir, layout.memory.mountPoint)) {
        const raw = tryText(`${dir}/${file}`)?.trim();
        const value = raw === undefined || raw === "max" ? undefined : Number(raw);
        if (
          value !== undefined && value < 2 ** 62 && value <= total &&
          (limit === undefined || value < limit)
        ) {
          limit = value;
        }
      }
      const hierarchical = (tryText(`${layout.memory.dir}/memory.stat`) ?? "").split("\n")
        .find((l) => l.startsWith("hierarchical_memory_limit "));
      const h = hierarchical === undefined ? undefined : Number(hierarchical.split(" ")[1]);
      if (h !== undefined && h < 2 ** 62 && h <= total && (limit === undefined || h < limit)) {
        limit = h;
      }
      assert.equal(memory.limit, limit);

      const usageFile = layout.memory.version === 2 ? "memory.current" : "memory.usage_in_bytes";
      const usage = Number(readText(`${layout.memory.dir}/${usageFile}`));
      assert.ok(
        Math.abs((memory.usage ?? -1e12) - usage) < 64 * 1024 * 1024,
        `${memory.usage} vs ${usage}`,
      );
    }

    if (layout.cpuacct) {
      const read = (): number =>
        layout.cpuacct?.version === 1
          ? Number(readText(`${layout.cpuacct.dir}/cpuacct.usage`)) / 1000
          : Number(/usage_usec (\d+)/.exec(readText(`${layout.cpuacct?.dir}/cpu.stat`))?.[1]);
      const before = read();
      const time = reader.cpuTime();
      const after = read();
      assert.ok(
        time !== undefined && time >= before && time <= after,
        `${before} <= ${time} <= ${after}`,
      );
    }

    const loadBefore = readText("/proc/loadavg").split(" ").slice(0, 3).map(Number);
    const load = reader.loadAverage();
    const loadAfter = readText("/proc/loadavg").split(" ").slice(0, 3).map(Number);
    assert.ok(
      JSON.stringify(load) === JSON.stringify(loadBefore) ||
        JSON.stringify(load) === JSON.stringify(loadAfter),
      `${load} vs ${loadBefore}`,
    );

    const psiBefore = tryText("/proc/pressure/cpu");
    const pressure = reader.pressure();
    if (psiBefore !== undefined && pressure?.sources.cpu === "/proc/pressure/cpu") {
      const total = (text: string): number => Number(/some .*total=(\d+)/.exec(text)?.[1]);
      const after = total(readText("/proc/pressure/cpu"));
      const got = pressure.cpu?.some.total ?? -1;
      assert.ok(
        got >= total(psiBefore) && got <= after,
        `${total(psiBefore)} <= ${got} <= ${after}`,
      );
    }
  });
});
