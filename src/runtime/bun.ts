import { composeAdapter } from "./compose.ts";
import { nodeCompatibleHost } from "./node-host.ts";
import { resolveRuntimeAdapterOptions, type RuntimeAdapterOptions } from "./options.ts";
import type { RuntimeAdapter } from "./types.ts";
import { spawnWebWorker } from "./workers.ts";

/**
 * The adapter for Bun: cgroups and `/proc` on Linux, Node's built-ins
 * elsewhere, module Web Workers. Bun's `process.constrainedMemory()` says
 * "no limit" as host RAM; that is read as no limit. Bun ignores worker
 * `resourceLimits`.
 *
 * @example
 * ```ts
 * import { createBunAdapter } from "@headroom/headroom/runtime";
 *
 * const adapter = createBunAdapter();
 * console.log(adapter.cpu().effective);
 * ```
 */
export function createBunAdapter(options: RuntimeAdapterOptions = {}): RuntimeAdapter {
  return composeAdapter(
    nodeCompatibleHost("bun", spawnWebWorker),
    resolveRuntimeAdapterOptions(options),
  );
}
