/**
 * Batch sizer options from environment variables.
 *
 * @module
 */

import * as v from "valibot";
import { ConfigError } from "../../config/config-error.ts";
import type { ConfigIssue } from "../../config/config-error.ts";
import { requirement } from "../../config/custom.ts";
import { parseOptions } from "../../config/parse.ts";
import { resolveBatchOperation } from "./options.ts";
import type { BatchOperationOptions } from "./options.ts";
import { BATCH_MODES } from "./types.ts";

/**
 * Each variable (after the prefix) and the option it sets. The first six
 * are the variables of the load-proportional manager headroom grew from:
 * `ENABLE_DYNAMIC_BATCH_SIZE`, `MESSAGE_BATCH_SIZE`,
 * `DYNAMIC_BATCH_MIN_SIZE`, `DYNAMIC_BATCH_MAX_SIZE`,
 * `DYNAMIC_BATCH_LOW_LOAD_THRESHOLD` and `DYNAMIC_BATCH_HIGH_LOAD_THRESHOLD`.
 */
export const BATCH_ENV_VARIABLES: Readonly<Record<string, string>> = Object.freeze({
  ENABLED: "mode: false selects fixed (was ENABLE_DYNAMIC_BATCH_SIZE)",
  DEFAULT_SIZE: "defaultSize (was MESSAGE_BATCH_SIZE)",
  MIN_SIZE: "minSize (was DYNAMIC_BATCH_MIN_SIZE)",
  MAX_SIZE: "maxSize (was DYNAMIC_BATCH_MAX_SIZE)",
  LOW_LOAD_THRESHOLD: "lowLoadPercent (was DYNAMIC_BATCH_LOW_LOAD_THRESHOLD)",
  HIGH_LOAD_THRESHOLD: "highLoadPercent (was DYNAMIC_BATCH_HIGH_LOAD_THRESHOLD)",
  MODE: "mode: model, load, hill-climb or fixed",
  BUDGET_MS: "budgetMs",
  COOLDOWN_MS: "cooldownMs",
  INITIAL_SIZE: "initialSize",
});

const OPTION_OF: Readonly<Record<string, string>> = {
  DEFAULT_SIZE: "defaultSize",
  MIN_SIZE: "minSize",
  MAX_SIZE: "maxSize",
  LOW_LOAD_THRESHOLD: "lowLoadPercent",
  HIGH_LOAD_THRESHOLD: "highLoadPercent",
  MODE: "mode",
  BUDGET_MS: "budgetMs",
  COOLDOWN_MS: "cooldownMs",
  INITIAL_SIZE: "initialSize",
};

/** Plain decimal notation: `Number()` would also take `0x10`, `0b101` and `0o17`. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A check that the (trimmed) text is a finite decimal number, whose issue says `expects`. */
const numberText = (expects: string) =>
  requirement((s: string) => DECIMAL.test(s) && Number.isFinite(Number(s)), expects);

const numeric = (check: v.GenericSchema<number, number>, expects: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      numberText(expects),
      v.transform((s: string): number => Number(s)),
      check,
    ),
  );

const wholeNumber = numeric(
  v.pipe(v.number(), v.integer(), v.minValue(1)),
  "a whole number >= 1",
);
const ms = numeric(v.pipe(v.number(), v.minValue(0)), "a number of milliseconds");
const percent = numeric(v.pipe(v.number(), v.minValue(0), v.maxValue(100)), "a percentage 0-100");
const flag = v.optional(
  v.pipe(
    v.string(),
    v.trim(),
    v.toLowerCase(),
    v.picklist(["true", "false", "1", "0", "yes", "no", "on", "off"]),
  ),
);

function schemaFor(prefix: string) {
  return v.object({
    [`${prefix}ENABLED`]: flag,
    [`${prefix}DEFAULT_SIZE`]: wholeNumber,
    [`${prefix}MIN_SIZE`]: wholeNumber,
    [`${prefix}MAX_SIZE`]: wholeNumber,
    [`${prefix}INITIAL_SIZE`]: wholeNumber,
    [`${prefix}LOW_LOAD_THRESHOLD`]: percent,
    [`${prefix}HIGH_LOAD_THRESHOLD`]: percent,
    [`${prefix}MODE`]: v.optional(v.pipe(v.string(), v.trim(), v.picklist(BATCH_MODES))),
    [`${prefix}BUDGET_MS`]: ms,
    [`${prefix}COOLDOWN_MS`]: ms,
  });
}

const TARGET = "batch sizer environment";

/**
 * Reads batch sizer options from environment variables named
 * `${prefix}<NAME>` (see {@link BATCH_ENV_VARIABLES}); unset or empty
 * variables are left out. Pure: pass `process.env` or
 * `Deno.env.toObject()`. Throws a `ConfigError` whose issues name the
 * variable, the value and what was expected.
 *
 * @example Migrate the load-proportional manager's settings
 * ```ts
 * import { DynamicBatchSizer, batchSizerOptionsFromEnv } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const options = batchSizerOptionsFromEnv({
 *   HEADROOM_BATCH_MODE: "load",
 *   HEADROOM_BATCH_DEFAULT_SIZE: "50",
 *   HEADROOM_BATCH_MIN_SIZE: "10",
 *   HEADROOM_BATCH_MAX_SIZE: "200",
 *   HEADROOM_BATCH_LOW_LOAD_THRESHOLD: "40",
 *   HEADROOM_BATCH_HIGH_LOAD_THRESHOLD: "75",
 * });
 * assert.deepEqual(options, {
 *   mode: "load",
 *   defaultSize: 50,
 *   minSize: 10,
 *   maxSize: 200,
 *   lowLoadPercent: 40,
 *   highLoadPercent: 75,
 * });
 * const sizer = new DynamicBatchSizer({ defaults: options });
 * assert.equal(sizer.register("messages"), 50);
 * ```
 */
export function batchSizerOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  prefix = "HEADROOM_BATCH_",
): BatchOperationOptions {
  const input: Record<string, string> = {};
  for (const name of Object.keys(BATCH_ENV_VARIABLES)) {
    const value = env[`${prefix}${name}`];
    if (value !== undefined && value.trim() !== "") input[`${prefix}${name}`] = value;
  }
  const parsed = parseOptions(schemaFor(prefix), input, TARGET) as Record<
    string,
    string | number | undefined
  >;
  const options: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(OPTION_OF)) {
    const value = parsed[`${prefix}${name}`];
    if (value !== undefined) options[option] = value;
  }
  const enabled = parsed[`${prefix}ENABLED`];
  if (enabled !== undefined && ["false", "0", "no", "off"].includes(String(enabled))) {
    options["mode"] = "fixed";
  }
  // Fields that disagree (min above max, ...) are named by their variable.
  try {
    resolveBatchOperation(options, {}, TARGET);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const variableOf = (path: string): string => {
      const name = Object.entries(OPTION_OF).find(([, option]) => option === path)?.[0];
      return name === undefined ? path : `${prefix}${name}`;
    };
    const issues: ConfigIssue[] = error.issues.map((issue) => {
      const variable = variableOf(issue.path);
      const received = variable in input ? issue.received : `${issue.received} (its default)`;
      return {
        ...issue,
        path: variable,
        received,
        message: `\`${variable}\` received ${received}, expected ${issue.expected}`,
      };
    });
    throw new ConfigError(TARGET, issues);
  }
  return options as BatchOperationOptions;
}
