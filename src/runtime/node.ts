import { composeAdapter } from "./compose.ts";
import { nodeCompatibleHost } from "./node-host.ts";
import { resolveRuntimeAdapterOptions, type RuntimeAdapterOptions } from "./options.ts";
import type { RuntimeAdapter } from "./types.ts";
import { spawnThreadWorker } from "./workers.ts";

/**
 * The adapter for Node: cgroups and `/proc` on Linux, `node:os` and
 * `process` elsewhere, workers from `node:worker_threads`.
 *
 * @example
 * ```ts
 * import { createNodeAdapter } from "@headroom/headroom/runtime";
 *
 * const adapter = createNodeAdapter();
 * console.log(adapter.cpu().effective, adapter.memory().limit);
 * ```
 */
export function createNodeAdapter(options: RuntimeAdapterOptions = {}): RuntimeAdapter {
  return composeAdapter(
    nodeCompatibleHost("node", spawnThreadWorker),
    resolveRuntimeAdapterOptions(options),
  );
}
