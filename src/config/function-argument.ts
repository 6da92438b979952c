/**
 * The check of a function argument, such as the `fn` of `limiter.run(fn)`.
 *
 * @module
 */

import { type ConfigError, fieldError } from "./config-error.ts";

/**
 * A `ConfigError` naming `path` of `target` when `value` is not a function, else `undefined`.
 * A thenable gets a hint: the caller most likely called the function and passed its result,
 * as in `breaker.run(fetchPrice())`.
 */
export function notAFunction(
  target: string,
  path: string,
  value: unknown,
): ConfigError | undefined {
  if (typeof value === "function") return undefined;
  const thenable = typeof value === "object" && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
  const expected = thenable
    ? "a function: pass a function, not its result (a promise)"
    : "a function";
  return fieldError(target, path, value, expected);
}
