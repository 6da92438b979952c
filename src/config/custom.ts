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

/**
 * A check across fields (or on a whole value) whose `ConfigError` says
 * `expects` was expected; a bare `v.check` would report only "check".
 */
export function requirement<T>(
  check: (input: T) => boolean,
  expects: string,
): v.CheckAction<T, string> {
  // valibot reports a check action's `expects` as the issue's `expected`.
  return Object.assign(v.check<T, string>(check, expects), { expects }) as v.CheckAction<
    T,
    string
  >;
}

/** Whether `input` is an object with a function under each of `names`. */
export function hasMethods(input: unknown, names: readonly string[]): boolean {
  if (typeof input !== "object" || input === null) return false;
  const record = input as Record<string, unknown>;
  return names.every((name) => typeof record[name] === "function");
}
