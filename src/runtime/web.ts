import { composeAdapter } from "./compose.ts";
import { resolveRuntimeAdapterOptions, type RuntimeAdapterOptions } from "./options.ts";
import type { RuntimeAdapter, RuntimeName } from "./types.ts";
import { spawnWebWorker } from "./workers.ts";

interface NavigatorLike {
  hardwareConcurrency?: number;
  deviceMemory?: number;
  userAgent?: string;
}

interface ChromeMemory {
  memory?: { usedJSHeapSize?: number };
}

/**
 * The adapter for browsers and edge runtimes: `navigator.hardwareConcurrency`
 * for CPUs, `navigator.deviceMemory` (an approximate figure, Chromium only)
 * for host memory, the JS heap as the closest thing to RSS where exposed, and
 * module Web Workers where `Worker` exists. There are no cgroups, load
 * average or PSI here: those figures are `undefined`, which means "none",
 * not a failed read, so `degraded` stays empty. On workerd
 * (`navigator.userAgent` "Cloudflare-Workers") the CPU count of 1 is what
 * the platform reports, and there are no workers.
 *
 * @example
 * ```ts
 * import { createWebAdapter } from "@headroom/headroom/runtime";
 *
 * const adapter = createWebAdapter();
 * console.log(adapter.cpu().effective);
 * ```
 */
export function createWebAdapter(
  options: RuntimeAdapterOptions & { readonly name?: RuntimeName } = {},
): RuntimeAdapter {
  const { name, ...rest } = options;
  const nav = (globalThis as { navigator?: NavigatorLike }).navigator;
  const perf = (globalThis as { performance?: ChromeMemory }).performance;
  const runtime: RuntimeName = name ??
    (nav?.userAgent === "Cloudflare-Workers" ? "workerd" : "browser");
  return composeAdapter(
    {
      name: runtime,
      linux: false,
      logical: {
        source: "navigator.hardwareConcurrency",
        read: () => nav?.hardwareConcurrency || undefined,
      },
      totalMemory: {
        source: "navigator.deviceMemory (approximate)",
        read: () => (nav?.deviceMemory ? nav.deviceMemory * 2 ** 30 : undefined),
      },
      rss: {
        source: "performance.memory.usedJSHeapSize (JS heap only)",
        read: () => perf?.memory?.usedJSHeapSize,
      },
      spawn: spawnWebWorker,
      canSpawn: () => typeof (globalThis as { Worker?: unknown }).Worker === "function",
    },
    resolveRuntimeAdapterOptions(rest),
  );
}
