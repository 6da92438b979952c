import { builtin } from "./builtins.ts";
import { createCachedFileReader } from "./file-reader.ts";
import { statmRss } from "./statm.ts";
import type { HostProbe, Probe } from "./compose.ts";
import type { RuntimeName, SpawnOptions, WorkerLike } from "./types.ts";

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
  const files = fs ? createCachedFileReader(fs) : undefined;
  const linux = proc?.platform === "linux";
  return {
    name,
    linux,
    ...(files ? { readText: files.read } : {}),
    ...(os
      ? {
        logical: probe("os.cpus().length", () => os.cpus().length || undefined),
        affinity: probe("os.availableParallelism()", () => os.availableParallelism()),
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
      }
      : {}),
    spawn,
  };
}
