/**
 * Concurrency limit algorithms: small pure factories behind the `Limit`
 * interface. `headroomLimit()` is the default; the others are the published
 * designs it is measured against.
 *
 * @module
 */

export * from "./common.ts";
export * from "./fixed.ts";
export * from "./aimd.ts";
export * from "./gradient2.ts";
export * from "./vegas.ts";
export * from "./littles-law.ts";
export * from "./headroom-options.ts";
export * from "./resource-ceilings.ts";
export { headroomLimit } from "./headroom.ts";
