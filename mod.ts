/**
 * headroom decides how much work to run at once from measurements of the
 * machine it runs on: container-aware CPU and memory limits, Linux pressure,
 * event-loop delay.
 *
 * @example Read the machine
 * ```ts
 * import { createRuntimeAdapter } from "@headroom/headroom";
 *
 * const adapter = createRuntimeAdapter();
 * console.log(adapter.cpu().effective, adapter.memory().limit);
 * ```
 *
 * @module
 */
export * from "./src/runtime/mod.ts";
export { ConfigError, type ConfigIssue } from "./src/config/config-error.ts";
export * from "./src/monitor/mod.ts";
export * from "./src/metrics/mod.ts";
export * from "./src/pool/mod.ts";
export * from "./src/control/mod.ts";
export * from "./src/observe/mod.ts";
export { type Clock, systemClock } from "./src/internal/clock.ts";
