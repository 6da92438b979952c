import { Histogram, type HistogramSnapshot } from "./histogram.ts";

/**
 * A {@link HistogramSnapshot} whose `count`, `sum` and `mean` cover every
 * value recorded, and whose `min`, `max` and quantiles cover a recent window:
 * the convention of a Prometheus summary, so that after hours of uptime a
 * change in latency still shows.
 */
export interface WindowedSnapshot extends HistogramSnapshot {
  /** Longest span the window covers, in ms; it covers at least `windowMs` less one slice. */
  readonly windowMs: number;
  /** Values recorded in the window; `min`, `max` and the quantiles are 0 when it is 0. */
  readonly windowCount: number;
}

/**
 * Durations in ms whose quantiles cover the last `windowMs`, kept as
 * `slices` histograms that each cover `windowMs / slices` and are reused in
 * turn; the oldest slice is dropped whole, so the window covers between
 * `windowMs` less one slice and `windowMs`. Time comes in as `now`, in ms on
 * any monotonic clock.
 */
export class WindowedHistogram {
  /** Longest span the quantiles cover, in ms. */
  readonly windowMs: number;
  readonly #sliceMs: number;
  readonly #slices: Histogram[];
  /** The slice number (`floor(now / sliceMs)`) each histogram holds, or -Infinity. */
  readonly #epochs: number[];
  readonly #merged = new Histogram();
  #count = 0;
  #sum = 0;

  constructor(windowMs = 60_000, slices = 6) {
    if (!(windowMs > 0) || !Number.isInteger(slices) || slices < 1) {
      throw new RangeError(`windowMs ${windowMs} and slices ${slices}: expected > 0 and >= 1`);
    }
    this.windowMs = windowMs;
    this.#sliceMs = windowMs / slices;
    this.#slices = Array.from({ length: slices }, () => new Histogram());
    this.#epochs = Array.from({ length: slices }, () => -Infinity);
  }

  /** Records one duration in ms at time `now`; negative and non-finite values are ignored. */
  record(ms: number, now: number): void {
    if (!(ms >= 0) || ms === Infinity) return;
    const epoch = Math.floor(now / this.#sliceMs);
    const i = ((epoch % this.#slices.length) + this.#slices.length) % this.#slices.length;
    if (this.#epochs[i] !== epoch) {
      this.#slices[i]!.reset();
      this.#epochs[i] = epoch;
    }
    this.#slices[i]!.record(ms);
    this.#count++;
    this.#sum += ms;
  }

  /** Every value's count, sum and mean; the window's min, max, p50, p95 and p99, at time `now`. */
  snapshot(now: number): WindowedSnapshot {
    const oldest = Math.floor(now / this.#sliceMs) - this.#slices.length + 1;
    const merged = this.#merged;
    merged.reset();
    for (let i = 0; i < this.#slices.length; i++) {
      if (this.#epochs[i]! >= oldest) merged.merge(this.#slices[i]!);
    }
    const recent = merged.snapshot();
    return {
      ...recent,
      count: this.#count,
      sum: this.#sum,
      mean: this.#count === 0 ? 0 : this.#sum / this.#count,
      windowMs: this.windowMs,
      windowCount: recent.count,
    };
  }
}
