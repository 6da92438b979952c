/**
 * A log-linear histogram of durations: 16 linear sub-buckets per power of
 * two, so any quantile it reports is within about 3% of the true value (6%
 * at worst), from 1 µs to about 12 days, in a fixed 5 KB.
 * Recording is a few arithmetic operations; histograms merge by adding.
 *
 * @module
 */

const SUB_BITS = 4;
const SUB = 1 << SUB_BITS; // 16 linear sub-buckets per power of two
const UNITS_PER_MS = 16_000; // 62.5 ns units: the linear region ends at 1 µs
const MAX_EXPONENT = 44; // 2^44 units ≈ 12.7 days
const BUCKETS = (MAX_EXPONENT - SUB_BITS + 2) * SUB;

/** A summary of a {@link Histogram}, in milliseconds. */
export interface HistogramSnapshot {
  /** Values recorded. */
  readonly count: number;
  /**
   * Sum of the values, in ms: kept as recorded, so unlike `mean * count`
   * it never goes down as values are added.
   */
  readonly sum: number;
  /** Mean value, in ms. */
  readonly mean: number;
  /** Smallest value, in ms. */
  readonly min: number;
  /** Largest value, in ms. */
  readonly max: number;
  /** The median, in ms (within about 3%). */
  readonly p50: number;
  /** The 95th percentile, in ms (within about 3%). */
  readonly p95: number;
  /** The 99th percentile, in ms (within about 3%). */
  readonly p99: number;
}

function bucketOf(units: number): number {
  if (units < SUB) return units < 0 ? 0 : Math.floor(units);
  const exponent = Math.floor(Math.log2(units));
  if (exponent > MAX_EXPONENT) return BUCKETS - 1;
  const mantissa = Math.floor(units / 2 ** (exponent - SUB_BITS));
  // Math.log2 can round up just below a power of two; keep the mantissa in range.
  if (mantissa >= 2 * SUB) return bucketOf(2 ** exponent);
  if (mantissa < SUB) return (exponent - SUB_BITS - 1) * SUB + 2 * SUB - 1;
  return (exponent - SUB_BITS) * SUB + mantissa;
}

function lowerBound(index: number): number {
  if (index < SUB) return index;
  const group = Math.floor(index / SUB);
  return ((index % SUB) + SUB) * 2 ** (group - 1);
}

/**
 * Records durations in milliseconds and answers quantiles.
 *
 * @example Percentiles of task run times
 * ```ts
 * import { Histogram } from "@headroom/headroom";
 *
 * const runTime = new Histogram();
 * for (const ms of [1, 2, 3, 50]) runTime.record(ms);
 * console.log(runTime.quantile(0.5), runTime.snapshot().max); // about 2, 50
 * ```
 */
export class Histogram {
  #counts = new Float64Array(BUCKETS);
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;

  /** Values recorded. */
  get count(): number {
    return this.#count;
  }

  /** Sum of the values recorded, in ms. */
  get sum(): number {
    return this.#sum;
  }

  /** Records one duration in ms; negative and non-finite values are ignored. */
  record(ms: number): void {
    if (!(ms >= 0) || ms === Infinity) return;
    this.#counts[bucketOf(ms * UNITS_PER_MS)]!++;
    this.#count++;
    this.#sum += ms;
    if (ms < this.#min) this.#min = ms;
    if (ms > this.#max) this.#max = ms;
  }

  /** The value below which a fraction `q` (0–1) of the values fall, in ms; 0 when empty. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) {
        const low = lowerBound(i);
        const high = i + 1 < BUCKETS ? lowerBound(i + 1) : low;
        const mid = (low + high) / 2 / UNITS_PER_MS;
        return Math.min(this.#max, Math.max(this.#min, mid));
      }
    }
    return this.#max;
  }

  /** Adds another histogram's values to this one. */
  merge(other: Histogram): void {
    const counts = other.#counts;
    for (let i = 0; i < BUCKETS; i++) this.#counts[i]! += counts[i]!;
    this.#count += other.#count;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
  }

  /** Forgets every value. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#min = Infinity;
    this.#max = -Infinity;
  }

  /** Count, sum, mean, min, max, p50, p95 and p99 in ms; all 0 when empty. */
  snapshot(): HistogramSnapshot {
    const empty = this.#count === 0;
    return {
      count: this.#count,
      sum: this.#sum,
      mean: empty ? 0 : this.#sum / this.#count,
      min: empty ? 0 : this.#min,
      max: empty ? 0 : this.#max,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
    };
  }
}
