/**
 * Controllers: limit algorithms, seed policies, the adaptive limiter,
 * adaptiveMap, the batch sizer, the emergency brake and the circuit breaker.
 * Pure: time and samples come in as arguments.
 *
 * @module
 */
export type {
  Decision,
  DecisionListener,
  DecisionOptions,
  Limit,
  LimitSample,
  ReportingLimit,
  ReportingResourceAwareLimit,
  ResourceAwareLimit,
  ResourcePolicy,
} from "./types.ts";
export type { LoadFigure } from "./load-figures.ts";
export * from "./limits/mod.ts";
export * from "./policies/mod.ts";
export * from "./limiter/mod.ts";
export * from "./map/mod.ts";
export * from "./brake/mod.ts";
export * from "./batch/mod.ts";
