/**
 * Medians of latency samples with their standard errors, as headroom's
 * default limit judges them.
 *
 * @module
 */

const MIN_SE = 0.005; // floor, so a run of identical latencies still has some doubt

/** The median of a set of latencies and its relative standard error. */
export interface Spread {
  readonly median: number;
  readonly count: number;
  /** Standard error of the median over the median, from the interquartile range. */
  readonly se: number;
}

export function median(values: Float64Array, count: number): number {
  if (count === 0) return 0;
  const sorted = values.slice(0, count).sort();
  return sorted[count >> 1]!;
}

/**
 * Median and its standard error of the first `count` values of `scratch`
 * (sorted in place). The standard error of a median is about
 * 1.25 sigma / sqrt(n) for a normal sample, with sigma = IQR / 1.35; the
 * interquartile range keeps it honest for skewed and heavy-tailed latencies.
 */
function spread(scratch: Float64Array, count: number): Spread {
  if (count === 0) return { median: 0, count: 0, se: Infinity };
  const sorted = scratch.subarray(0, count).sort();
  const middle = sorted[count >> 1]!;
  const iqr = sorted[(3 * count) >> 2]! - sorted[count >> 2]!;
  const se = middle > 0 ? Math.max(MIN_SE, (0.93 * iqr) / (middle * Math.sqrt(count))) : Infinity;
  return { median: middle, count, se };
}

/**
 * The latencies in `rtts` of the calls that started in `(from, cutoff]`.
 * Picking calls by finish time favours short ones (right after a change only
 * they have finished); picking by start time, over a span whose calls have
 * all finished and all been kept, does not.
 */
export function settled(
  starts: Float64Array,
  rtts: Float64Array,
  count: number,
  from: number,
  cutoff: number,
  scratch: Float64Array,
): Spread {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const start = starts[i]!;
    if (start > from && start <= cutoff) scratch[n++] = rtts[i]!;
  }
  return spread(scratch, n);
}
