/**
 * Linux pressure stall information: `/proc/pressure/*` and cgroup v2
 * `*.pressure` files.
 *
 * @module
 */

import type { PressureResource, PressureStall } from "../types.ts";
import { decimalIn, uintIn } from "./parse.ts";

/** The resources PSI reports on. */
export type PressureName = "cpu" | "memory" | "io";

/** Whether `text[start, start + key.length)` is `key`. */
function keyIs(text: string, start: number, length: number, key: string): boolean {
  if (length !== key.length) return false;
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(start + i) !== key.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Parses `avg10=.. avg60=.. avg300=.. total=..` in `text[start, end)`. It
 * scans characters in place rather than splitting: this runs on every
 * monitor tick.
 */
function parseStall(text: string, start: number, end: number): PressureStall | undefined {
  let avg10 = NaN;
  let avg60 = NaN;
  let avg300 = NaN;
  let total = NaN;
  let pos = start;
  while (pos < end) {
    if (text.charCodeAt(pos) === 32) {
      pos++;
      continue;
    }
    const keyStart = pos;
    while (pos < end && text.charCodeAt(pos) !== 61 && text.charCodeAt(pos) !== 32) pos++;
    if (pos >= end || text.charCodeAt(pos) !== 61) return undefined;
    const keyLength = pos - keyStart;
    const valueStart = ++pos;
    while (pos < end && text.charCodeAt(pos) !== 32) pos++;
    if (keyIs(text, keyStart, keyLength, "avg10")) avg10 = decimalIn(text, valueStart, pos);
    else if (keyIs(text, keyStart, keyLength, "avg60")) avg60 = decimalIn(text, valueStart, pos);
    else if (keyIs(text, keyStart, keyLength, "avg300")) avg300 = decimalIn(text, valueStart, pos);
    else if (keyIs(text, keyStart, keyLength, "total")) total = uintIn(text, valueStart, pos);
  }
  if (Number.isNaN(avg10) || Number.isNaN(avg60) || Number.isNaN(avg300) || Number.isNaN(total)) {
    return undefined;
  }
  return { avg10, avg60, avg300, total };
}

/**
 * Parses a PSI file: a `some` line and an optional `full` line. `undefined`
 * when `some` is missing or any line present is malformed.
 */
export function parsePressure(text: string): PressureResource | undefined {
  let some: PressureStall | undefined;
  let full: PressureStall | undefined;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (text.startsWith("some ", start)) {
      some = parseStall(text, start + 5, end);
      if (some === undefined) return undefined;
    } else if (text.startsWith("full ", start)) {
      full = parseStall(text, start + 5, end);
      if (full === undefined) return undefined;
    } else if (text.slice(start, end).trim() !== "") {
      return undefined;
    }
    start = end + 1;
  }
  return some === undefined ? undefined : { some, full };
}
