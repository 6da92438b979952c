import * as v from "valibot";
import { custom } from "../config/custom.ts";
import { parseOptions } from "../config/parse.ts";
import type { CpuRounding } from "./effective.ts";

/** Options of {@link createRuntimeAdapter} and the per-runtime adapter factories. */
export interface RuntimeAdapterOptions {
  /**
   * Prefix for every `/proc` and `/sys` path read, so tests and tools can
   * point the adapter at a copied or fixture tree. @default {"/"}
   */
  readonly root?: string;
  /** How a fractional CPU quota becomes whole CPUs in `cpu().effective`. @default {"floor"} */
  readonly rounding?: CpuRounding;
  /**
   * Container limits (CPU quota, cpuset, memory limits) are re-read at most
   * this often, in ms; usage, CPU time and pressure are read on every call.
   * `0` re-reads everything every time. @default {5000}
   */
  readonly limitRefreshMs?: number;
}

/** {@link RuntimeAdapterOptions} with defaults filled in. */
export interface ResolvedRuntimeAdapterOptions {
  readonly root: string;
  readonly rounding: CpuRounding;
  readonly limitRefreshMs: number;
}

const schema = v.strictObject({
  root: v.optional(
    custom<string>(
      (input) => typeof input === "string" && input.startsWith("/"),
      "an absolute path starting with /",
    ),
    "/",
  ),
  rounding: v.optional(v.picklist(["floor", "ceil"]), "floor"),
  limitRefreshMs: v.optional(
    v.pipe(v.number(), v.finite(), v.minValue(0)),
    5000,
  ),
});

/** Validates adapter options (throws `ConfigError`) and fills in defaults. */
export function resolveRuntimeAdapterOptions(
  options: RuntimeAdapterOptions = {},
): ResolvedRuntimeAdapterOptions {
  return parseOptions(schema, options, "runtime adapter options");
}
