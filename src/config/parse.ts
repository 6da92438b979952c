import * as v from "valibot";
import { ConfigError, type ConfigIssue, describe } from "./config-error.ts";

type AnySchema = v.BaseSchema<unknown, unknown, v.BaseIssue<unknown>>;

/**
 * The value an issue is about: the field's own value, also for a check across fields that
 * `v.forward` moved onto a field (whose input is the whole object).
 */
export function issueValue(issue: v.BaseIssue<unknown>): unknown {
  const last = issue.path?.at(-1);
  return last && "value" in last ? last.value : issue.input;
}

function toIssue(issue: v.BaseIssue<unknown>): ConfigIssue {
  const path = v.getDotPath(issue) ?? "";
  if (issue.type === "strict_object" && issue.expected === "never") {
    // valibot reports a key the schema does not know as the key itself, "expected never".
    const received = describe(issue.path?.at(-1)?.value);
    const expected = "no such option (check the spelling)";
    return { path, expected, received, message: `\`${path}\` received ${received}, ${expected}` };
  }
  const received = describe(issueValue(issue));
  const expected = issue.expected ?? issue.type;
  const field = path === "" ? "options" : `\`${path}\``;
  return {
    path,
    expected,
    received,
    message: `${field} received ${received}, expected ${expected}`,
  };
}

/**
 * Validates `input` against `schema` and returns the parsed output, or throws
 * a {@link ConfigError} that names every bad field, its value and what was
 * expected. `target` names the options object in the message.
 */
export function parseOptions<const S extends AnySchema>(
  schema: S,
  input: unknown,
  target: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return result.output;
  throw new ConfigError(target, result.issues.map(toIssue));
}
