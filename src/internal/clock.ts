/**
 * The default clock of components that take one as an option.
 *
 * @module
 */

/** A clock: milliseconds from any fixed origin, never going backwards. */
export type Clock = () => number;

/**
 * Monotonic milliseconds from `performance.now()`, available in Node, Deno,
 * Bun, browsers and edge runtimes. Controllers take a clock as an option and
 * fall back to this one; tests pass `() => t` instead.
 *
 * @example Measure an interval
 * ```ts
 * import { systemClock } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const start = systemClock();
 * assert.ok(systemClock() >= start);
 * ```
 */
export const systemClock: Clock = (): number => performance.now();
