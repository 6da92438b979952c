/**
 * Schemas for option values no built-in valibot schema describes: functions,
 * and objects known by the methods they have.
 *
 * @module
 */

import * as v from "valibot";

/**
 * A schema accepting what `check` accepts; for anything else, a
 * `ConfigError` says a value like `expects` was expected.
 */
export function custom<T>(
  check: (input: unknown) => boolean,
  expects: string,
): v.CustomSchema<T, undefined> & { readonly expects: string } {
  return Object.assign(v.custom<T>(check), { expects });
}

/** Whether `input` is an object with a function under each of `names`. */
export function hasMethods(input: unknown, names: readonly string[]): boolean {
  if (typeof input !== "object" || input === null) return false;
  const record = input as Record<string, unknown>;
  return names.every((name) => typeof record[name] === "function");
}
