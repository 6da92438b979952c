// On the real machine, in each runtime: the adapter's figures equal what the
// files and the runtime's own APIs say, read here independently and simply.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { createRuntimeAdapter } from "../../mod.ts";

const linux = process.platform === "linux" && existsSync("/proc/self/cgroup");
const text = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
};

interface Mount {
  root: string;
  point: string;
  type: string;
  options: string;
}

/** The directories from this process's cgroup up to its mount, for one controller. */
function chain(controller: string): string[] {
  const mounts: Mount[] = text("/proc/self/mountinfo")!.split("\n").map((line) => {
    const [left = "", right = ""] = line.split(" - ");
    const f = left.split(" ");
    const r = right.split(" ");
    return { root: f[3]!, point: f[4]!.replace(/\\040/g, " "), type: r[0]!, options: r[2] ?? "" };
  });
  for (const line of text("/proc/self/cgroup")!.split("\n")) {
    const [id, list = "", path = "/"] = line.split(":");
    const v2 = id === "0" && list === "";
    const mount = v2
      ? mounts.find((m) => m.type === "cgroup2")
      : list.split(",").includes(controller)
      ? mounts.find((m) => m.type === "cgroup" && m.options.split(",").includes(controller))
      : undefined;
    if (
      !mount ||
      (v2 && !existsSync(`${mount.point}/${controller === "memory" ? "memory.max" : "cpu.max"}`))
    ) {
      continue;
    }
    const relative = path.startsWith(mount.root) ? path.slice(mount.root.length) : path;
    const dirs: string[] = [];
    let dir = `${mount.point}${relative === "/" ? "" : relative}`.replace(/\/+$/, "");
    for (;;) {
      dirs.push(dir);
      if (dir === mount.point || dir.length <= mount.point.length) break;
      dir = dir.slice(0, dir.lastIndexOf("/"));
    }
    return dirs;
  }
  return [];
}

function minOver(values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
}

describe(
  "createRuntimeAdapter() on this machine",
  { skip: linux ? false : "needs Linux /proc" },
  () => {
    const adapter = createRuntimeAdapter();
    const totalKb = Number(/MemTotal:\s+(\d+)/.exec(text("/proc/meminfo") ?? "")?.[1]);
    const total = totalKb * 1024;

    it("reports the runtime's own CPU counts", () => {
      const cpu = adapter.cpu();
      assert.equal(cpu.logical, os.cpus().length);
      // The CPUs this process may run on, before any quota.
      const allowed = /^Cpus_allowed_list:\s*(\S+)/m.exec(text("/proc/self/status")!)![1]!
        .split(",").reduce((n, range) => {
          const [a = "", b = a] = range.split("-");
          return n + Number(b) - Number(a) + 1;
        }, 0);
      assert.equal(cpu.affinity, allowed);
      assert.ok(cpu.effective >= 1 && cpu.effective <= allowed);
    });

    it("reports the CPU quota the cgroup files give", () => {
      const quotas = chain("cpu").map((dir) => {
        const v2 = text(`${dir}/cpu.max`);
        if (v2 !== undefined) {
          const [max, period] = v2.split(" ");
          return max === "max" ? undefined : Number(max) / Number(period);
        }
        const quota = Number(text(`${dir}/cpu.cfs_quota_us`));
        const period = Number(text(`${dir}/cpu.cfs_period_us`));
        return quota > 0 && period > 0 ? quota / period : undefined;
      });
      assert.equal(adapter.cpu().quota, minOver(quotas));
    });

    it("reports the memory limit the cgroup files give, and host RAM from /proc/meminfo", () => {
      const limits = chain("memory").map((dir) => {
        const raw = text(`${dir}/memory.max`) ?? text(`${dir}/memory.limit_in_bytes`);
        const value = raw === undefined || raw === "max" ? undefined : Number(raw);
        return value === undefined || value >= 2 ** 62 || value >= total ? undefined : value;
      });
      const memory = adapter.memory();
      assert.equal(memory.total, total);
      assert.equal(memory.limit, minOver(limits));
      assert.ok((memory.rss ?? 0) > 0);
    });

    it("reads load and pressure as the files say", () => {
      const before = text("/proc/loadavg")!.split(" ").slice(0, 3).map(Number);
      const load = adapter.loadAverage();
      const after = text("/proc/loadavg")!.split(" ").slice(0, 3).map(Number);
      assert.ok(load !== undefined);
      load.forEach((value, i) =>
        assert.ok(value === before[i] || value === after[i], `${value} vs ${before[i]}/${after[i]}`)
      );
      if (existsSync("/proc/pressure/cpu")) {
        const total = (): number =>
          Number(/^some .*total=(\d+)/.exec(text("/proc/pressure/cpu")!)?.[1]);
        const psi = adapter.pressure();
        assert.ok(psi?.cpu !== undefined, "PSI is read where /proc/pressure exists");
        // A cgroup's own cpu.pressure total never exceeds the system's.
        assert.ok(psi.cpu.some.total <= total());
      }
    });

    it("counts CPU time forward", () => {
      const first = adapter.cpuTime();
      let x = 0;
      for (let i = 0; i < 2e6; i++) x += i;
      const second = adapter.cpuTime();
      assert.ok(x > 0 && first !== undefined && second !== undefined && second >= first);
    });

    it("shares its open /proc and /sys files with every other adapter of the process", () => {
      const open = (): number => readdirSync("/proc/self/fd").length;
      const read = (a: ReturnType<typeof createRuntimeAdapter>): void => {
        a.cpu();
        a.memory();
        a.cpuTime();
        a.pressure();
      };
      read(createRuntimeAdapter());
      const before = open();
      for (let i = 0; i < 20; i++) read(createRuntimeAdapter());
      // Each adapter kept about 20 descriptors of its own, for good.
      assert.ok(open() - before < 5, `${open() - before} more descriptors open`);
    });
  },
);
