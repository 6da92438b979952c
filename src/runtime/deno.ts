import { composeAdapter } from "./compose.ts";
import { nodeCompatibleHost } from "./node-host.ts";
import { resolveRuntimeAdapterOptions, type RuntimeAdapterOptions } from "./options.ts";
import type { ReadText } from "./linux/mod.ts";
import type { RuntimeAdapter } from "./types.ts";
import { spawnThreadWorker } from "./workers.ts";

/**
 * Wraps a file reader for Deno. Deno reads `/proc` and `/sys` only with
 * `--allow-all` (and `/proc/pressure/*` with `--allow-read`), while
 * `Deno.permissions.querySync` still says "granted": so try the read and
 * turn `NotCapable` into a message that says which flag is missing.
 */
export function denoReadText(read: ReadText): ReadText {
  return (path) => {
    try {
      return read(path);
    } catch (error) {
      if (error instanceof Error && error.name === "NotCapable") {
        const flag = path.includes("/proc/pressure/") ? "--allow-read" : "--allow-all";
        throw new Error(`Deno needs ${flag} to read ${path} (NotCapable)`);
      }
      throw error;
    }
  };
}

/**
 * The adapter for Deno: cgroups and `/proc` on Linux when run with
 * `--allow-all`; without it, the permission-free figures
 * (`os.availableParallelism()`, `process.memoryUsage.rss()`, `process.cpuUsage()`)
 * and `degraded` entries that say which flag is missing. Workers are
 * `node:worker_threads` threads, which honour `resourceLimits` and `unref()`.
 *
 * @example
 * ```ts
 * import { createDenoAdapter } from "@headroom/headroom/runtime";
 *
 * const adapter = createDenoAdapter();
 * console.log(adapter.cpu().effective, adapter.cpu().degraded);
 * ```
 */
export function createDenoAdapter(options: RuntimeAdapterOptions = {}): RuntimeAdapter {
  // node:worker_threads, not Web Workers: Deno's Web Workers cannot be unref'd (an idle pool
  // would hold the process open), ignore resourceLimits, and die silently on Deno.exit().
  const host = nodeCompatibleHost("deno", spawnThreadWorker);
  return composeAdapter(
    {
      ...host,
      ...(host.readText ? { readText: denoReadText(host.readText) } : {}),
    },
    resolveRuntimeAdapterOptions(options),
  );
}
