import { createBunAdapter } from "./bun.ts";
import { createDenoAdapter } from "./deno.ts";
import { createNodeAdapter } from "./node.ts";
import type { RuntimeAdapterOptions } from "./options.ts";
import type { RuntimeAdapter, RuntimeName } from "./types.ts";
import { createWebAdapter } from "./web.ts";

/** Which runtime this code runs on, from the globals each one defines. */
export function detectRuntime(): RuntimeName {
  const g = globalThis as {
    Deno?: unknown;
    Bun?: unknown;
    process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string };
    document?: unknown;
    importScripts?: unknown;
  };
  if (g.Deno !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "workerd";
  if (typeof g.process?.versions?.node === "string") return "node";
  if (g.document !== undefined || typeof g.importScripts === "function") return "browser";
  return "unknown";
}

/**
 * The adapter for the runtime this code runs on. Reading never throws: a
 * figure that cannot be read is `undefined` and named in `degraded`.
 *
 * @example What does this machine give me?
 * ```ts
 * import { createRuntimeAdapter } from "@headroom/headroom";
 *
 * const adapter = createRuntimeAdapter();
 * const cpu = adapter.cpu();
 * console.log(`${cpu.effective} CPUs (quota ${cpu.quota ?? "none"}, from ${cpu.sources.quota})`);
 * ```
 */
export function createRuntimeAdapter(options: RuntimeAdapterOptions = {}): RuntimeAdapter {
  switch (detectRuntime()) {
    case "deno":
      return createDenoAdapter(options);
    case "bun":
      return createBunAdapter(options);
    case "node":
      return createNodeAdapter(options);
    case "workerd":
      return createWebAdapter({ ...options, name: "workerd" });
    case "browser":
      return createWebAdapter({ ...options, name: "browser" });
    default:
      return createWebAdapter({ ...options, name: "unknown" });
  }
}
