/**
 * Small, regex-free, allocation-light parsers for the number formats of
 * `/proc` and cgroup files. They scan the text in place, so the hot reads
 * (usage, PSI, CPU time) cost well under a microsecond each.
 *
 * @module
 */

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/**
 * Parses the non-negative decimal integer in `text[start, end)`, surrounding
 * whitespace allowed: the value, or `NaN` when the range holds anything else
 * (or nothing).
 */
export function uintIn(text: string, start: number, end: number): number {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (start === end || end - start > 20) return NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  // Beyond 15 digits repeated multiply-add can round differently from a parse.
  return end - start > 15 ? Number(text.slice(start, end)) : value;
}

/**
 * Parses a non-negative decimal such as `0.25` or `12` in `text[start, end)`
 * (no sign, no exponent); `NaN` otherwise.
 */
export function decimalIn(text: string, start: number, end: number): number {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (start === end || end - start > 32) return NaN;
  let digits = 0;
  let scale = 1;
  let dot = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (dot >= 0 || i === start || i === end - 1) return NaN;
      dot = i;
    } else if (c >= 48 && c <= 57) {
      digits = digits * 10 + (c - 48);
      if (dot >= 0) scale *= 10;
    } else {
      return NaN;
    }
  }
  // digits / 10^k is correctly rounded while both are exact (< 2^53).
  return end - start > 15 ? Number(text.slice(start, end)) : digits / scale;
}

/** Parses a non-negative decimal integer (digits only, surrounding whitespace allowed). */
export function parseCount(text: string): number | undefined {
  const value = uintIn(text, 0, text.length);
  return Number.isNaN(value) ? undefined : value;
}

/** Parses a decimal integer that may start with `-` (surrounding whitespace allowed). */
export function parseInteger(text: string): number | undefined {
  const s = text.trim();
  if (s.charCodeAt(0) !== 45) return parseCount(s);
  const magnitude = parseCount(s.slice(1));
  return magnitude === undefined ? undefined : -magnitude;
}

/** Parses a non-negative decimal such as `0.25` (surrounding whitespace allowed). */
export function parseDecimal(text: string): number | undefined {
  const value = decimalIn(text, 0, text.length);
  return Number.isNaN(value) ? undefined : value;
}

/**
 * Where the value of the line starting with `key` begins (just after `key`,
 * which includes its separator: `"inactive_file "`, `"MemTotal:"`), or -1.
 * A match must start a line, so `inactive_file ` does not match inside
 * `total_inactive_file `.
 */
export function lineStart(text: string, key: string): number {
  let at = text.indexOf(key);
  while (at > 0 && text.charCodeAt(at - 1) !== 10) at = text.indexOf(key, at + 1);
  return at < 0 ? -1 : at + key.length;
}

/** The end of the line that `start` is on (its `\n`, or the text's length). */
export function lineEnd(text: string, start: number): number {
  const end = text.indexOf("\n", start);
  return end < 0 ? text.length : end;
}

/** The trimmed value of the line starting with `key`, or `undefined` when no line does. */
export function lineValue(text: string, key: string): string | undefined {
  const start = lineStart(text, key);
  return start < 0 ? undefined : text.slice(start, lineEnd(text, start)).trim();
}

/**
 * The integer on the line starting with `key`: `undefined` when no line
 * does, `NaN` when its value is not a non-negative integer.
 */
export function lineCount(text: string, key: string): number | undefined {
  const start = lineStart(text, key);
  return start < 0 ? undefined : uintIn(text, start, lineEnd(text, start));
}

/** Counts the CPUs in a list such as `0-4,6,8-10`; `undefined` if malformed or empty. */
export function countCpuList(text: string): number | undefined {
  const s = text.trim();
  if (s === "") return undefined;
  let count = 0;
  for (const part of s.split(",")) {
    const dash = part.indexOf("-");
    if (dash < 0) {
      if (parseCount(part) === undefined) return undefined;
      count += 1;
      continue;
    }
    const first = parseCount(part.slice(0, dash));
    const last = parseCount(part.slice(dash + 1));
    if (first === undefined || last === undefined || last < first) return undefined;
    count += last - first + 1;
  }
  return count;
}
