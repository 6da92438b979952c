/**
 * Durations as error messages and decision reasons print them.
 *
 * @module
 */

/**
 * `ms` rounded for a person to read: one decimal below 10 ms (`"2.5"`), whole
 * milliseconds from there (`"51"` for 50.75790999999998). Numeric fields keep
 * the exact figure; only the text is rounded.
 */
export function formatMs(ms: number): string {
  const rounded = Math.abs(ms) < 9.95 ? Math.round(ms * 10) / 10 : Math.round(ms);
  return String(Object.is(rounded, -0) ? 0 : rounded);
}
