/**
 * Resource policies: rules that map a monitor sample to a concurrency
 * ceiling, and {@link policyLimit} to run one as a limit.
 *
 * @module
 */

export * from "./seed-throttling.ts";
export * from "./threshold-rule.ts";
export * from "./policy-limit.ts";
