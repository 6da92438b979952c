/**
 * adaptiveMap and forEachAdaptive: run a function over items with the
 * parallelism an AdaptiveLimiter allows, following its limit live.
 *
 * @module
 */

export { adaptiveMap, forEachAdaptive } from "./adaptive-map.ts";
export type { AdaptiveMapOptions, MapFn } from "./adaptive-map.ts";
