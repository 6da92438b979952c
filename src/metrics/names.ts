/**
 * The naming rules of the Prometheus text format, checked when a metric is
 * registered so a bad name fails at start-up rather than at the first scrape.
 *
 * @module
 */

import { type ConfigError, describe, fieldError } from "../config/config-error.ts";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What a metric name must look like, as said in errors. */
export const METRIC_NAME_RULE = "a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*";
/** What a label name must look like, as said in errors. */
export const LABEL_NAME_RULE = "a label name matching [a-zA-Z_][a-zA-Z0-9_]* not starting with __";

/** A {@link ConfigError} about one field of `target`. */
export function invalid(
  target: string,
  path: string,
  value: unknown,
  expected: string,
): ConfigError {
  return fieldError(target, path, value, expected);
}

/** Whether `name` is a valid metric name (an empty string is not). */
export function isMetricName(name: unknown): name is string {
  return typeof name === "string" && METRIC_NAME.test(name);
}

/** Whether `name` is a valid label name that is not reserved (`__` prefix). */
export function isLabelName(name: unknown): name is string {
  return typeof name === "string" && LABEL_NAME.test(name) && !name.startsWith("__");
}

/**
 * Checks a metric's name, help text (not blank) and label names; throws a
 * {@link ConfigError} naming the first bad one. `reserved` label names (such
 * as `quantile` on a summary) are refused too. Returns the label names frozen.
 */
export function checkDefinition(
  name: unknown,
  help: unknown,
  labelNames: unknown,
  reserved: readonly string[],
): readonly string[] {
  const target = `metric ${describe(name)}`;
  if (!isMetricName(name)) throw invalid(target, "name", name, METRIC_NAME_RULE);
  // promtool lint refuses a metric with no help text.
  if (typeof help !== "string" || help.trim() === "") {
    throw invalid(target, "help", help, "a non-empty string");
  }
  if (labelNames === undefined) return Object.freeze([]);
  if (!Array.isArray(labelNames)) {
    throw invalid(target, "labelNames", labelNames, "an array of label names");
  }
  const seen = new Set<string>();
  // An index loop, not forEach: a hole (["pool", , "outcome"]) must be checked too.
  for (let i = 0; i < labelNames.length; i++) {
    const label: unknown = labelNames[i];
    const path = `labelNames.${i}`;
    if (!isLabelName(label)) throw invalid(target, path, label, LABEL_NAME_RULE);
    if (reserved.includes(label)) {
      throw invalid(target, path, label, `a label name other than ${reserved.join(", ")}`);
    }
    if (seen.has(label)) throw invalid(target, path, label, "each label name once");
    seen.add(label);
  }
  return Object.freeze([...labelNames] as string[]);
}
