/**
 * Smoothing factor of a time-aware exponentially weighted moving average:
 * `1 - 2^(-dtMs / halfLifeMs)`. After one half-life a new value has moved the
 * average halfway. A half-life of 0 means no smoothing (factor 1, whatever
 * `dtMs`); otherwise a non-positive `dtMs` leaves the average unchanged (factor 0).
 *
 * @example
 * ```ts
 * import { ewmaAlpha } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ewmaAlpha(5000, 5000), 0.5);
 * assert.equal(ewmaAlpha(10000, 5000), 0.75);
 * ```
 */
export function ewmaAlpha(dtMs: number, halfLifeMs: number): number {
  if (!(halfLifeMs >= 0)) {
    throw new RangeError(`Cannot smooth: halfLifeMs must be >= 0, received ${halfLifeMs}`);
  }
  if (halfLifeMs === 0) return 1;
  if (!(dtMs > 0)) return 0;
  return 1 - 2 ** (-dtMs / halfLifeMs);
}

/** A time-aware moving average; see {@link ewma}. */
export interface Ewma {
  /** The current average; `undefined` until the first finite update. */
  readonly value: number | undefined;
  /**
   * Adds `value` observed at `now` (ms) and returns the new average. A
   * non-finite `value` or `now` is ignored: the average stays as it was
   * (`undefined` before the first finite value).
   */
  update(value: number, now: number): number | undefined;
  /** Forgets every value; the next update is taken as is. */
  reset(): void;
}

/**
 * A time-aware EWMA whose memory is a half-life in milliseconds rather than a
 * sample count, so irregular sampling intervals weigh values correctly. The
 * first finite value is taken as is, and a non-finite one (a bad read) is
 * ignored rather than poisoning the average. Pure: it reads no clock, the
 * caller passes `now`.
 *
 * @example Halfway after one half-life
 * ```ts
 * import { ewma } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const average = ewma(1000);
 * average.update(0, 0);
 * assert.equal(average.update(100, 1000), 50);
 * ```
 */
export function ewma(halfLifeMs: number): Ewma {
  ewmaAlpha(1, halfLifeMs); // validates halfLifeMs once, up front
  let value: number | undefined;
  let last = 0;
  return {
    get value(): number | undefined {
      return value;
    },
    update(next: number, now: number): number | undefined {
      if (!Number.isFinite(next) || !Number.isFinite(now)) return value;
      if (value === undefined) {
        value = next;
      } else {
        value += ewmaAlpha(now - last, halfLifeMs) * (next - value);
      }
      last = now;
      return value;
    },
    reset(): void {
      value = undefined;
    },
  };
}
