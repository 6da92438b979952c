/**
 * Concurrency limit algorithms: small pure factories behind the `Limit`
 * interface. `headroomLimit()` is the default; the others are the published
 * designs it is measured against.
 *
 * @module
 */

export type { Random } from "../../internal/random.ts";
export * from "./fixed.ts";
export * from "./aimd.ts";
export * from "./gradient2.ts";
export * from "./vegas.ts";
export * from "./littles-law.ts";
export type { HeadroomLimitOptions } from "./headroom-options.ts";
export { headroomLimit } from "./headroom.ts";
