import { composeAdapter } from "./compose.ts";
import { nodeCompatibleHost } from "./node-host.ts";
import { resolveRuntimeAdapterOptions, type RuntimeAdapterOptions } from "./options.ts";
import type { ReadText } from "./linux/mod.ts";
import type { RuntimeAdapter } from "./types.ts";
import { spawnWebWorker } from "./workers.ts";

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
 * and `degraded` entries that say which flag is missing. Module Web Workers.
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
  const host = nodeCompatibleHost("deno", spawnWebWorker);
  return composeAdapter(
    {
      ...host,
      ...(host.readText ? { readText: denoReadText(host.readText) } : {}),
    },
    resolveRuntimeAdapterOptions(options),
  );
}
