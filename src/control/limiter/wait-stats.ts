/**
 * Running figures of how long calls waited for a permit: a mean over every
 * wait, and a p99 over the most recent {@link WAIT_WINDOW} waits.
 */
export const WAIT_WINDOW = 1024;

/** Wait times of a limiter; `record` is O(1), `p99` sorts a copy of the window. */
export class WaitStats {
  #count = 0;
  #sum = 0;
  readonly #window = new Float64Array(WAIT_WINDOW);
  #next = 0;
  #filled = 0;

  /** Adds one wait, in ms. */
  record(ms: number): void {
    this.#count++;
    this.#sum += ms;
    this.#window[this.#next] = ms;
    this.#next = (this.#next + 1) % WAIT_WINDOW;
    if (this.#filled < WAIT_WINDOW) this.#filled++;
  }

  /** Sum of every wait recorded, in ms: never goes down, unlike `mean` times a count. */
  get sum(): number {
    return this.#sum;
  }

  /** Mean of every wait recorded, in ms; 0 before the first. */
  get mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }

  /** 99th percentile of the recent waits (nearest rank), in ms; 0 before the first. */
  get p99(): number {
    if (this.#filled === 0) return 0;
    const sorted = this.#window.slice(0, this.#filled).sort();
    const rank = Math.ceil(0.99 * this.#filled) - 1;
    return sorted[rank] ?? 0;
  }
}
