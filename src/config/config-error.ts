/** One problem found in an options object. */
export interface ConfigIssue {
  /** Dotted path of the field, for example `pressure.high.enter`; `""` for the object itself. */
  readonly path: string;
  /**
   * What was expected: the schema's own message where it was given one, for example
   * `a URL (use workerUrl('./worker.ts', import.meta.url))`, else valibot's words, for example
   * `>=1`, `number` or `finite`.
   */
  readonly expected: string;
  /** What was received, for example `-5` or `"fast"`. */
  readonly received: string;
  /** The whole sentence for this field. */
  readonly message: string;
}

/**
 * Options that do not fit their schema. `issues` names every field that is
 * wrong, the value received and what was expected.
 *
 * @example Catch a bad option
 * ```ts
 * import { ConfigError, ResourceMonitor, createFakeAdapter } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => new ResourceMonitor({ adapter: createFakeAdapter(), halfLifeMs: -1 }),
 *   (error: unknown) => error instanceof ConfigError && error.issues[0]?.path === "halfLifeMs",
 * );
 * ```
 */
export class ConfigError extends TypeError {
  /** Which options object was rejected, for example `ResourceMonitor options`. */
  readonly target: string;
  /** Each problem found: the field's path, what it received and what was expected. */
  readonly issues: readonly ConfigIssue[];
  /** Builds the message from `target` and one line per issue. */
  constructor(target: string, issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.message}`).join("\n");
    super(`Cannot use ${target}: ${issues.length} invalid field(s)\n${lines}`);
    this.name = "ConfigError";
    this.target = target;
    this.issues = issues;
  }
}

/** A {@link ConfigError} about one field of `target`: the `value` it received and what was `expected`. */
export function fieldError(
  target: string,
  path: string,
  value: unknown,
  expected: string,
): ConfigError {
  const received = describe(value);
  const message = `\`${path}\` received ${received}, expected ${expected}`;
  return new ConfigError(target, [{ path, expected, received, message }]);
}

/**
 * The issue of an option no schema knows, `path` holding `value`: "no such
 * option (check the spelling)", then `more` (the options there are) if given.
 */
export function unknownOptionIssue(path: string, value: unknown, more = ""): ConfigIssue {
  const received = describe(value);
  const expected = `no such option (check the spelling)${more}`;
  return { path, expected, received, message: `\`${path}\` received ${received}, ${expected}` };
}

/**
 * `value` as a `ConfigError` shows it: JSON where it can, a function as "a
 * function", an instance of a class by its class ("a Map", "an
 * AdaptiveLimiter"; as JSON most would read `{}`).
 */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype && !Array.isArray(value)) {
    const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === "string" && name !== "" && name !== "Object") {
      return `${/^[AEIO]/.test(name) ? "an" : "a"} ${name}`; // "a URL", "a Uint8Array"
    }
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
