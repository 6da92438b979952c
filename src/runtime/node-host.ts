import { builtin } from "./builtins.ts";
import { type CachedFileReader, createCachedFileReader } from "./file-reader.ts";
import { statmRss } from "./statm.ts";
import type * as NodeFs from "node:fs";
import type { HostProbe, Probe } from "./compose.ts";
import type { ReadText } from "./linux/mod.ts";
import { countCpuList } from "./linux/parse.ts";
import type { RuntimeName, SpawnOptions, WorkerLike } from "./types.ts";

/**
 * One reader for the whole process, whatever the number of adapters: each
 * keeps its `/proc` and `/sys` descriptors open for good, so a reader per
 * adapter (a monitor or pool each) leaked about 20 descriptors apiece.
 */
const readers = new WeakMap<object, CachedFileReader>();

function sharedReader(fs: typeof NodeFs): CachedFileReader {
  let reader = readers.get(fs);
  if (reader === undefined) readers.set(fs, reader = createCachedFileReader(fs));
  return reader;
}

/**
 * The CPUs this process may run on, from `Cpus_allowed_list` in
 * `/proc/self/status`; `runtimeCount` (`os.availableParallelism()`) when that
 * cannot be read (Deno without `--allow-read`). On Node 24, Deno and Bun,
 * `availableParallelism()` already divides by a cgroup v2 CPU quota, rounded
 * down, so as affinity it would defeat `rounding: "ceil"` and differ from Node 20.
 */
export function allowedCpus(readText: ReadText, runtimeCount: () => number): Probe<number> {
  const STATUS = "/proc/self/status Cpus_allowed_list";
  let source = STATUS;
  return {
    get source(): string {
      return source;
    },
    read(): number {
      try {
        const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(readText("/proc/self/status"))?.[1];
        const count = list === undefined ? undefined : countCpuList(list);
        if (count !== undefined) {
          source = STATUS;
          return count;
        }
      } catch {
        // Unreadable: the runtime's own count.
      }
      source = "os.availableParallelism()";
      return runtimeCount();
    },
  };
}

/**
 * The probes every runtime with Node's built-ins shares (Node, Deno, Bun).
 * A runtime's own adapter overrides what it does differently.
 */
export function nodeCompatibleHost(
  name: RuntimeName,
  spawn: (url: URL, options?: SpawnOptions) => WorkerLike,
): HostProbe {
  const os = builtin("node:os");
  const fs = builtin("node:fs");
  const proc = builtin("node:process");
  const probe = <T>(source: string, fn: () => T | undefined): Probe<T> => ({ source, read: fn });
  const files = fs ? sharedReader(fs) : undefined;
  const linux = proc?.platform === "linux";
  return {
    name,
    linux,
    ...(files ? { readText: files.read } : {}),
    ...(os
      ? {
        logical: probe("os.cpus().length", () => os.cpus().length || undefined),
        affinity: linux && files
          ? allowedCpus(files.read, () => os.availableParallelism())
          : probe("os.availableParallelism()", () => os.availableParallelism()),
        totalMemory: probe("os.totalmem()", () => os.totalmem() || undefined),
        freeMemory: probe("os.freemem()", () => os.freemem() || undefined),
        loadAverage: probe("os.loadavg()", () => {
          const [a = 0, b = 0, c = 0] = os.loadavg();
          return [a, b, c] as const;
        }),
      }
      : {}),
    ...(proc
      ? {
        constrainedMemory: probe("process.constrainedMemory()", () => proc.constrainedMemory?.()),
        rss: linux && files
          ? statmRss(files.read, () => proc.memoryUsage.rss())
          : probe("process.memoryUsage.rss()", () => proc.memoryUsage.rss()),
        processCpuTime: probe("process.cpuUsage()", () => {
          const usage = proc.cpuUsage();
          return usage.user + usage.system;
        }),
        // Node's permission model (--permission) refuses workers without --allow-worker: every
        // worker would fail to start, and a pool would retry for ever.
        canSpawn: () => permission(proc)?.has?.("worker") !== false,
      }
      : {}),
    spawn,
  };
}

/** `process.permission`, which Node defines only under `--permission`. */
function permission(proc: object): { has?: (scope: string) => boolean } | undefined {
  return (proc as { permission?: { has?: (scope: string) => boolean } }).permission;
}
