import { timerScheduler } from "./scheduler.ts";
import type { Scheduler } from "./scheduler.ts";

/** Options of a {@link LoopDelaySampler}. */
export interface LoopDelaySamplerOptions {
  /** How often the probe timer is due, in ms; the smallest delay it can tell apart. @default {20} */
  readonly resolutionMs?: number;
  /** Milliseconds from any origin. @default {() => performance.now()} */
  readonly clock?: () => number;
  /** Where timers come from. @default {timerScheduler} */
  readonly scheduler?: Scheduler;
}

/** Event-loop delay seen since the previous {@link LoopDelaySampler.take}. */
export interface LoopDelayReading {
  /** Longest delay, in ms; 0 when nothing was late. */
  readonly maxMs: number;
  /** Mean delay over the observations, in ms; 0 without observations. */
  readonly meanMs: number;
  /** Observations in the window: fired probes, plus the pending one when it is already late. */
  readonly samples: number;
}

/**
 * Measures event-loop delay by timer drift: a probe timer is due every
 * `resolutionMs`, and each time it fires the delay is how much later than
 * expected it ran (never negative). It works the same on every runtime,
 * unlike `monitorEventLoopDelay`, which misses whole blocks on one runtime.
 *
 * `take()` also counts the lateness, so far, of the probe that is still
 * pending, so a block that outlasts the window (a 300 ms block seen by a
 * reader whose timer happens to run first) is not missed. That lateness is
 * credited once: when the late probe finally fires it only adds what came
 * after the `take()`.
 *
 * @example Catch a blocked event loop
 * ```ts
 * import { LoopDelaySampler } from "@headroom/headroom";
 *
 * const sampler = new LoopDelaySampler({ resolutionMs: 10 });
 * sampler.start();
 * const end = performance.now() + 50;
 * while (performance.now() < end) {
 *   // block the event loop for 50 ms
 * }
 * console.log(sampler.take().maxMs); // about 40: the probe was due after 10 ms
 * sampler.stop();
 * ```
 */
export class LoopDelaySampler {
  readonly #resolutionMs: number;
  readonly #clock: () => number;
  readonly #scheduler: Scheduler;
  #running = false;
  #handle: unknown = undefined;
  /** When the pending probe is due. */
  #expected = 0;
  /** Lateness of the pending probe is already reported up to this time. */
  #creditedUntil = 0;
  #max = 0;
  #sum = 0;
  #count = 0;

  /** Creates a stopped sampler; call {@link LoopDelaySampler.start}. */
  constructor(options: LoopDelaySamplerOptions = {}) {
    const resolutionMs = options.resolutionMs ?? 20;
    if (!(resolutionMs > 0) || !Number.isFinite(resolutionMs)) {
      throw new RangeError(
        `Cannot create LoopDelaySampler: resolutionMs must be a finite number > 0, received ${resolutionMs}`,
      );
    }
    this.#resolutionMs = resolutionMs;
    this.#clock = options.clock ?? (() => performance.now());
    this.#scheduler = options.scheduler ?? timerScheduler;
  }

  /** Whether the probe timer is running. */
  get running(): boolean {
    return this.#running;
  }

  /** The probe interval in ms. */
  get resolutionMs(): number {
    return this.#resolutionMs;
  }

  /**
   * Starts probing with an empty window, so what was seen before a `stop()`
   * is not reported after it; a second call does nothing.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#max = 0;
    this.#sum = 0;
    this.#count = 0;
    this.#arm(this.#clock());
  }

  /** Stops probing and drops the pending probe; what was seen stays for `take()` until `start()`. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#scheduler.clear(this.#handle);
    this.#handle = undefined;
  }

  /** Stops probing. */
  [Symbol.dispose](): void {
    this.stop();
  }

  /** Returns the delay seen since the previous call and starts a new window. */
  take(): LoopDelayReading {
    let max = this.#max;
    let sum = this.#sum;
    let count = this.#count;
    if (this.#running) {
      const now = this.#clock();
      const pending = now - Math.max(this.#expected, this.#creditedUntil);
      if (pending > 0) {
        max = Math.max(max, pending);
        sum += pending;
        count += 1;
        this.#creditedUntil = now;
      }
    }
    this.#max = 0;
    this.#sum = 0;
    this.#count = 0;
    return { maxMs: max, meanMs: count === 0 ? 0 : sum / count, samples: count };
  }

  #arm(now: number): void {
    this.#expected = now + this.#resolutionMs;
    this.#creditedUntil = this.#expected;
    this.#handle = this.#scheduler.set(() => this.#fire(), this.#resolutionMs);
  }

  #fire(): void {
    if (!this.#running) return;
    const now = this.#clock();
    const delay = Math.max(0, now - Math.max(this.#expected, this.#creditedUntil));
    if (delay > this.#max) this.#max = delay;
    this.#sum += delay;
    this.#count += 1;
    this.#arm(now);
  }
}
