/**
 * `/proc/loadavg` and cgroup CPU time.
 *
 * @module
 */

import { decimalIn, lineCount, uintIn } from "./parse.ts";
import { garbled, tryRead } from "./read.ts";
import type { ReadText } from "./types.ts";

/** Parses `/proc/loadavg` (`0.26 0.10 0.03 1/83 3284`) into the three averages. */
export function parseLoadavg(text: string): readonly [number, number, number] | undefined {
  const first = text.indexOf(" ");
  const second = first < 0 ? -1 : text.indexOf(" ", first + 1);
  if (second < 0) return undefined;
  let third = text.indexOf(" ", second + 1);
  if (third < 0) third = text.length;
  const one = decimalIn(text, 0, first);
  const five = decimalIn(text, first + 1, second);
  const fifteen = decimalIn(text, second + 1, third);
  if (Number.isNaN(one) || Number.isNaN(five) || Number.isNaN(fifteen)) return undefined;
  return [one, five, fifteen];
}

/** Cumulative CPU µs from v2 `cpu.stat` (`usage_usec`). */
export function parseUsageUsec(text: string): number | undefined {
  const value = lineCount(text, "usage_usec ");
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** Cumulative CPU µs from v1 `cpuacct.usage` (nanoseconds). */
export function parseCpuacctUsage(text: string): number | undefined {
  const ns = uintIn(text, 0, text.length);
  return Number.isNaN(ns) ? undefined : ns / 1000;
}

/** A reading of one file that also remembers why the last call failed. */
export interface ProcReading<T> {
  /** Reads the figure; `undefined` when it cannot. */
  read(): T | undefined;
  /** Why the last {@link read} returned `undefined`, as `field: reason`. */
  problem(): string | undefined;
}

/**
 * Reads a figure from one file on every call. `locate` runs until it finds
 * the file, then no more; a string from it says why there is no such file
 * (yet), and `problem()` then says so.
 */
export function fileReading<T>(
  readText: ReadText,
  field: string,
  locate: () => { readonly path: string; readonly parse: (text: string) => T | undefined } | string,
): ProcReading<T> {
  let file: { readonly path: string; readonly parse: (text: string) => T | undefined } | undefined;
  let problem: string | undefined;
  return {
    read(): T | undefined {
      // A file not found yet is looked for again next time: the layout may come back.
      const found = file ?? locate();
      if (typeof found === "string") {
        problem = `${field}: ${found}`;
        return undefined;
      }
      file = found;
      const text = tryRead(readText, file.path);
      if (typeof text !== "string") {
        problem = `${field}: ${text.reason}`;
        return undefined;
      }
      const value = file.parse(text);
      problem = value === undefined ? `${field}: ${garbled(file.path, text)}` : undefined;
      return value;
    },
    problem: (): string | undefined => problem,
  };
}
