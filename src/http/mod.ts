/**
 * The optional Hono control surface: `createControlApp()` serves probes,
 * status, Prometheus metrics, live events, a dashboard and authenticated
 * mutations; `adaptiveLimit()` runs your own routes under an adaptive limiter.
 *
 * @module
 */
export { createControlApp } from "./control-app.ts";
export type { ControlAppOptions } from "./options.ts";
export { adaptiveLimit, classifyResponse } from "./adaptive-limit.ts";
export type { AdaptiveLimitOptions } from "./adaptive-limit.ts";
export type { BrakeFigures, Figures, LimiterFigures, PoolFigures } from "./figures.ts";
export type { FieldIssue, Problem } from "./problem.ts";
export type { BatchBody, LimiterBody, PoolBody } from "./schemas.ts";
