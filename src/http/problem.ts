/**
 * The JSON bodies of the control surface's error responses, and the
 * valibot check that turns a bad request into one.
 *
 * @module
 */

import * as v from "valibot";
import { ConfigError, describe as shown } from "../config/config-error.ts";
import { issueValue } from "../config/parse.ts";

/** One wrong field of a request: which, what came and what was expected. */
export interface FieldIssue {
  /** Dotted path in the body (`limit`) or the parameter name (`name`); `""` for the body itself. */
  readonly path: string;
  /** What was expected, for example `a whole number >= 1`. */
  readonly expected: string;
  /** What was received, for example `"3"` or `undefined`. */
  readonly received: string;
  /** The whole sentence for this field. */
  readonly message: string;
}

/** The body of every error response of the control surface. */
export interface Problem {
  /** One sentence: what could not be done and why. */
  readonly error: string;
  /** Each wrong field, for a 400. */
  readonly issues?: readonly FieldIssue[];
  /** The names that do exist, for a 404. */
  readonly known?: readonly string[];
}

type AnySchema = v.BaseSchema<unknown, unknown, v.BaseIssue<unknown>>;

/** `value` as a `ConfigError` shows it, cut to 80 characters for a response. */
export function describe(value: unknown): string {
  if (typeof value === "string" && value.length > 80) return shown(`${value.slice(0, 77)}...`);
  const text = shown(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function fieldIssue(issue: v.BaseIssue<unknown>, where: string): FieldIssue {
  const path = v.getDotPath(issue) ?? "";
  const field = path === "" ? where : `\`${path}\``;
  const objectIssue = issue.type === "strict_object" || issue.type === "object";
  if (objectIssue && issue.expected === "never") {
    const received = describe(issue.path?.at(-1)?.key);
    const expected = "no such field (check the spelling)";
    return { path, expected, received, message: `${field} is not a known field` };
  }
  if (objectIssue && path !== "" && issue.input === undefined) {
    const expected = "a value: the field is required";
    return { path, expected, received: "undefined", message: `${field} is missing` };
  }
  const received = describe(issueValue(issue));
  const expected = issue.type === "check" ? issue.message : (issue.expected ?? issue.type);
  return {
    path,
    expected,
    received,
    message: `${field} received ${received}, expected ${expected}`,
  };
}

/** A failed request check: `issues` name each wrong field. */
export class RequestError extends Error {
  readonly issues: readonly FieldIssue[];
  constructor(action: string, issues: readonly FieldIssue[]) {
    super(`Cannot ${action}: ${issues.map((issue) => issue.message).join("; ")}`);
    this.name = "RequestError";
    this.issues = issues;
  }
}

/**
 * Checks `input` against `schema`; returns the output or throws a
 * {@link RequestError} naming every wrong field. `where` names the input as
 * a whole in messages (`the body`), `action` what the request wanted.
 */
export function check<const S extends AnySchema>(
  schema: S,
  input: unknown,
  action: string,
  where: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return result.output;
  throw new RequestError(action, result.issues.map((issue) => fieldIssue(issue, where)));
}

/** The issues of a `ConfigError` a component threw, as request issues. */
export function fromConfigError(error: ConfigError): FieldIssue[] {
  return error.issues.map(({ path, expected, received }) => ({
    path,
    expected,
    received,
    message: `${
      path === "" ? "the body" : `\`${path}\``
    } received ${received}, expected ${expected}`,
  }));
}

/**
 * `error` as a 400 problem when it is a request error or a component's
 * `ConfigError`, and with `argumentErrors` also a `RangeError` or
 * `TypeError` (how components refuse an argument); else `undefined`.
 */
export function badRequest(
  error: unknown,
  action: string,
  argumentErrors = false,
): Problem | undefined {
  if (error instanceof RequestError) return { error: error.message, issues: error.issues };
  if (error instanceof ConfigError) {
    const issues = fromConfigError(error);
    return {
      error: `Cannot ${action}: ${issues.map((issue) => issue.message).join("; ")}`,
      issues,
    };
  }
  if (argumentErrors && (error instanceof RangeError || error instanceof TypeError)) {
    return { error: `Cannot ${action}: ${error.message}` };
  }
  return undefined;
}
