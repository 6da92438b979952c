import * as v from "valibot";
import { ConfigError, type ConfigIssue, describe, unknownOptionIssue } from "./config-error.ts";

type AnySchema = v.BaseSchema<unknown, unknown, v.BaseIssue<unknown>>;

/**
 * The message an issue gets when neither its schema nor its action was given one (valibot's
 * own reads "Invalid type: Expected … but received …"): parsing with it as the fallback tells
 * those issues from the ones whose schema says, in its author's words, what it takes.
 */
const NO_MESSAGE = "\u0000no message";

/** Checks whose issues carry a sentence of their own (rawCheck) or name the rule (check). */
const CHECKS: ReadonlySet<string> = new Set(["check", "raw_check", "partial_check"]);

/** The parts of a schema {@link ownMessage} and {@link schemaAt} look into. */
interface SchemaParts {
  readonly type?: unknown;
  readonly expects?: unknown;
  readonly message?: unknown;
  readonly pipe?: readonly unknown[];
  readonly options?: readonly unknown[];
  readonly wrapped?: unknown;
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly item?: unknown;
}

function parts(schema: unknown): SchemaParts | undefined {
  return typeof schema === "object" && schema !== null ? schema as SchemaParts : undefined;
}

/**
 * The message given to `schema` or to a schema or format action inside it (a union's option, a
 * pipe's step, an optional's wrapped schema): what the field takes, as the schema's author put
 * it, for example "a URL (use workerUrl('./worker.ts', import.meta.url))". Checks are left out:
 * their messages state one rule, not what the field is.
 */
function ownMessage(schema: unknown): string | undefined {
  const s = parts(schema);
  if (s === undefined || CHECKS.has(String(s.type))) return undefined;
  if (typeof s.message === "string") return s.message;
  for (const inner of [...(s.pipe ?? []), ...(s.options ?? []), s.wrapped]) {
    if (inner === schema) continue; // a pipe's first step is the schema it was built from
    const message = ownMessage(inner);
    if (message !== undefined) return message;
  }
  return undefined;
}

/** The schema of the field at `issue`'s path inside `root`, when it can be found. */
function schemaAt(root: unknown, issue: v.BaseIssue<unknown>): unknown {
  let schema = root;
  for (const { key } of issue.path ?? []) {
    schema = fieldOf(schema, key);
    if (schema === undefined) return undefined;
  }
  return schema;
}

/** The schema of `key` in an object (or array) schema, also inside an optional or a union. */
function fieldOf(schema: unknown, key: unknown): unknown {
  const s = parts(schema);
  if (s === undefined) return undefined;
  if (s.wrapped !== undefined) return fieldOf(s.wrapped, key);
  if (typeof key === "number") return s.item;
  if (typeof key !== "string") return undefined;
  if (s.entries !== undefined) return Object.hasOwn(s.entries, key) ? s.entries[key] : undefined;
  for (const option of s.options ?? []) {
    const found = fieldOf(option, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The value an issue is about: the field's own value, also for a check across fields that
 * `v.forward` moved onto a field (whose input is the whole object).
 */
export function issueValue(issue: v.BaseIssue<unknown>): unknown {
  const last = issue.path?.at(-1);
  return last && "value" in last ? last.value : issue.input;
}

function toIssue(issue: v.BaseIssue<unknown>, root: AnySchema): ConfigIssue {
  const path = v.getDotPath(issue) ?? "";
  const last = issue.path?.at(-1);
  if (issue.type === "strict_object" && issue.expected === "never") {
    // valibot reports a key the schema does not know as the key itself, "expected never".
    return unknownOptionIssue(path, last?.value);
  }
  const fallback = issue.expected ?? issue.type;
  if (
    issue.kind === "schema" && last?.origin === "key" && issue.input === undefined &&
    issue.expected === `"${String(last.key)}"`
  ) {
    // valibot reports a missing key as the key itself: `expected "worker"`. Say what it takes.
    const field = schemaAt(root, issue);
    const expects = parts(field)?.expects;
    const expected = ownMessage(field) ?? (typeof expects === "string" ? expects : fallback);
    const message = `\`${path}\` is required, expected ${expected}`;
    return { path, expected, received: "undefined", message };
  }
  // The schema's own words first: a message given to the schema or action that failed, or, for
  // a value of the wrong type, to the field's schema (a union whose string option wants a URL).
  // A rawCheck's issues bring their own `expected` (and a whole sentence as their message).
  let expected = fallback;
  if (issue.type !== "raw_check" && issue.message !== NO_MESSAGE) expected = issue.message;
  else if (issue.kind === "schema" && path !== "") {
    expected = ownMessage(schemaAt(root, issue)) ?? fallback;
  }
  const received = describe(issueValue(issue));
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
 * expected: in the words of the schema's own message where it was given one
 * (`v.url("a URL (…)")`), else in valibot's (`>=1`, `number`).
 * `target` names the options object in the message.
 */
export function parseOptions<const S extends AnySchema>(
  schema: S,
  input: unknown,
  target: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortEarly: false, message: NO_MESSAGE });
  if (result.success) return result.output;
  throw new ConfigError(target, result.issues.map((issue) => toIssue(issue, schema)));
}
