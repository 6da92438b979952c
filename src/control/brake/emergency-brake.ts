import * as v from "valibot";
import { fieldError } from "../../config/config-error.ts";
import { parseOptions } from "../../config/parse.ts";
import type { ResourceSample } from "../../monitor/sample.ts";
import { type ProcessHold, processHold, type Scheduler } from "../../monitor/scheduler.ts";
import { PRESSURE_LEVELS } from "../../monitor/thresholds.ts";
import type { PressureLevel } from "../../monitor/thresholds.ts";
import {
  checkCallKeys,
  checkCallMs,
  checkCallSignal,
  clockOption,
  monitorOption,
  type SampleEventSource,
  schedulerOption,
} from "../shared-options.ts";
import type { Decision } from "../types.ts";
import { orderedDispatch, subscribe } from "../../internal/events.ts";

/** Options of an {@link EmergencyBrake}. Defaults are the production settings of seed 004. */
export interface EmergencyBrakeOptions {
  /** Consecutive throttle signals that engage the brake. @default {3} */
  readonly threshold?: number;
  /** A sample at this pressure level or above is a throttle signal; below it, a calm one. @default {"high"} */
  readonly throttleLevel?: Exclude<PressureLevel, "none">;
  /** The brake stays engaged at least this long, even when pressure clears sooner. @default {8000} */
  readonly minPauseMs?: number;
  /** How long `waitForRecovery()` waits unless told otherwise. @default {45000} */
  readonly maxWaitMs?: number;
  /** A source of samples, such as a `ResourceMonitor`; each one is passed to `observe()`. */
  readonly monitor?: SampleEventSource;
  /** Names the brake in its `decision` events (`brake:<name>`). @default {"default"} */
  readonly name?: string;
  /** Milliseconds on a monotonic clock. @default {systemClock} */
  readonly clock?: () => number;
  /** Where the pause and wait timers come from; tests pass a manual one. @default {timerScheduler} */
  readonly scheduler?: Scheduler;
}

/** Detail of a `brake` event: the brake engaged or let go. */
export interface BrakeChange {
  /** `true` when the brake engaged, `false` when it let go. */
  readonly engaged: boolean;
  /** Why, for example `3 throttles in a row (last: high pressure)` or `pressure cleared`. */
  readonly reason: string;
  /** Throttle signals in a row when it happened. */
  readonly consecutive: number;
  /** Times the brake has engaged so far. */
  readonly engagements: number;
  /** When, in ms on the brake's clock. */
  readonly time: number;
}

/** What each event of an {@link EmergencyBrake} carries in `CustomEvent.detail`. */
export interface EmergencyBrakeEventMap {
  /** The brake engaged or let go. */
  readonly brake: BrakeChange;
  /** The same change as a decision: `from`/`to` are 0 (released) and 1 (engaged). */
  readonly decision: Decision;
}

const nonNegative = v.pipe(v.number(), v.minValue(0));

const schema = v.strictObject({
  threshold: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 3),
  throttleLevel: v.optional(v.picklist(["moderate", "high", "critical"]), "high"),
  minPauseMs: v.optional(v.pipe(nonNegative, v.finite()), 8000),
  maxWaitMs: v.optional(nonNegative, 45_000),
  monitor: monitorOption,
  name: v.optional(v.string(), "default"),
  clock: clockOption,
  scheduler: schedulerOption,
});

/** `waitForRecovery()`'s options, checked: a bad field is a `ConfigError` naming it. */
function checkWaitOptions(options: unknown): void {
  const where = "EmergencyBrake.waitForRecovery() options";
  if (typeof options !== "object" || options === null) {
    throw fieldError(where, "options", options, "an object");
  }
  checkCallKeys(where, options, ["maxWaitMs", "signal"]);
  const { maxWaitMs, signal } = options as { maxWaitMs?: unknown; signal?: unknown };
  checkCallMs(where, "maxWaitMs", maxWaitMs);
  checkCallSignal(where, signal);
}

interface RecoveryWaiter {
  readonly resolve: (recovered: boolean) => void;
  timer: unknown;
  cleanup: () => void;
}

/**
 * Pauses work when the machine keeps saying it is overloaded. Each throttle
 * signal (a sample at `throttleLevel` or above, or a call to `throttle()`)
 * adds to a count that any calm signal resets; `threshold` in a row engage
 * the brake. It lets go at the first calm signal once `minPauseMs` has
 * passed. Workers call `waitForRecovery()` before starting more work.
 *
 * Seed 004 paused 8 s after 3 consecutive throttles and waited at most 45 s
 * for recovery; those are the defaults. (Its code braked on the fourth,
 * `consecutiveThrottles > 3`; `threshold: 4` does the same.)
 *
 * @example Pause a loop while pressure is high
 * ```ts
 * import { EmergencyBrake, ResourceMonitor } from "@headroom/headroom";
 *
 * const monitor = new ResourceMonitor();
 * monitor.start(1000);
 * const brake = new EmergencyBrake({ monitor });
 * for (const job of ["a", "b", "c"]) {
 *   if (brake.engaged && !(await brake.waitForRecovery({ maxWaitMs: 30_000 }))) {
 *     throw new Error("still overloaded after 30 s");
 *   }
 *   console.log("processing", job);
 * }
 * brake[Symbol.dispose]();
 * monitor.stop();
 * ```
 */
export class EmergencyBrake extends EventTarget {
  readonly #threshold: number;
  readonly #throttleRank: number;
  readonly #minPauseMs: number;
  readonly #maxWaitMs: number;
  readonly #monitor: SampleEventSource | undefined;
  readonly #source: string;
  readonly #clock: () => number;
  readonly #scheduler: Scheduler;
  readonly #onSample: (event: Event) => void;
  readonly #waiters = new Set<RecoveryWaiter>();
  #consecutive = 0;
  #engaged = false;
  #engagedAt = 0;
  #engagements = 0;
  #calm = false;
  #pauseTimer: unknown = undefined;
  #disposed = false;
  /** Holds the process open while anyone waits for recovery. */
  readonly #hold: ProcessHold;
  /** A listener that moves the brake announces that change after the one it heard. */
  readonly #dispatch: (...events: Event[]) => void = orderedDispatch(this);

  /** Validates `options` (throws `ConfigError`) and creates a released brake. */
  constructor(options: EmergencyBrakeOptions = {}) {
    super();
    const o = parseOptions(schema, options, "EmergencyBrake options");
    this.#threshold = o.threshold;
    this.#throttleRank = PRESSURE_LEVELS.indexOf(o.throttleLevel);
    this.#minPauseMs = o.minPauseMs;
    this.#maxWaitMs = o.maxWaitMs;
    this.#source = `brake:${o.name}`;
    this.#clock = o.clock;
    this.#scheduler = o.scheduler;
    this.#hold = processHold(o.scheduler);
    this.#monitor = o.monitor;
    this.#onSample = (event) => this.observe((event as CustomEvent<ResourceSample>).detail);
    this.#monitor?.addEventListener("sample", this.#onSample);
    if (o.monitor?.latest !== undefined) this.observe(o.monitor.latest);
  }

  /** Whether work should pause now. */
  get engaged(): boolean {
    return this.#engaged;
  }

  /** Throttle signals in a row since the last calm one. */
  get consecutive(): number {
    return this.#consecutive;
  }

  /** Times the brake has engaged; a caller can give up after a few, as seed 004 did after 3. */
  get engagements(): number {
    return this.#engagements;
  }

  /**
   * Counts a sample at `throttleLevel` or above as a throttle signal, anything
   * lower as calm. A sample at that level only because a signal with no
   * reading holds its last level (`measuredLevel` lower) is neither: it says
   * nothing new.
   */
  observe(sample: ResourceSample): void {
    if (PRESSURE_LEVELS.indexOf(sample.level) < this.#throttleRank) {
      this.clear();
      return;
    }
    if (PRESSURE_LEVELS.indexOf(sample.measuredLevel ?? sample.level) < this.#throttleRank) return;
    const why = sample.reasons.length > 0 ? `: ${sample.reasons.join(", ")}` : "";
    this.throttle(`${sample.level} pressure${why}`);
  }

  /** One throttle signal (a rejected call, a slow-down from upstream, a hot sample). */
  throttle(reason = "throttled"): void {
    this.#consecutive++;
    this.#calm = false;
    if (this.#engaged || this.#consecutive < this.#threshold) return;
    this.#engaged = true;
    this.#engagedAt = this.#clock();
    this.#engagements++;
    // Once disposed, no timer: a later calm signal still lets go after `minPauseMs` (see `clear()`).
    if (!this.#disposed) {
      this.#pauseTimer = this.#scheduler.set(() => {
        this.#pauseTimer = undefined;
        if (this.#calm) this.#release("pressure cleared during the pause");
      }, this.#minPauseMs);
    }
    this.#announce(true, `${this.#consecutive} throttles in a row (last: ${reason})`);
  }

  /** One calm signal: resets the count, and lets go of the brake once `minPauseMs` has passed. */
  clear(): void {
    this.#consecutive = 0;
    this.#calm = true;
    if (this.#engaged && this.#clock() - this.#engagedAt >= this.#minPauseMs) {
      this.#release("pressure cleared");
    }
  }

  /** Lets go of the brake and forgets the count, whatever the pressure. */
  reset(): void {
    this.#consecutive = 0;
    if (this.#engaged) this.#release("reset");
  }

  /**
   * Resolves `true` once the brake lets go (at once when it is not engaged),
   * or `false` when `maxWaitMs` passes first; rejects with `signal.reason`
   * on abort. It never throws on a timeout: the caller decides whether to go
   * on or give up. While anyone waits, the default scheduler keeps the
   * process alive (the monitor's own timers do not). Once the brake is
   * disposed, an engaged brake answers `false` at once: nothing would tell
   * a waiter of its release.
   */
  waitForRecovery(
    options: { readonly maxWaitMs?: number; readonly signal?: AbortSignal } = {},
  ): Promise<boolean> {
    // Checked before anything changes: a look-alike signal used to fail only after the waiter had
    // taken its hold on the process, which then never exited; `maxWaitMs: true` was a 1 ms wait.
    try {
      checkWaitOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#engaged) return Promise.resolve(true);
    if (this.#disposed) return Promise.resolve(false);
    const maxWaitMs = options.maxWaitMs ?? this.#maxWaitMs;
    return new Promise<boolean>((resolve, reject) => {
      const onAbort = (): void => {
        waiter.cleanup();
        reject(signal?.reason);
      };
      const waiter: RecoveryWaiter = {
        resolve: (recovered) => {
          waiter.cleanup();
          resolve(recovered);
        },
        timer: undefined,
        cleanup: () => {
          if (this.#waiters.delete(waiter)) this.#hold.leave();
          if (waiter.timer !== undefined) this.#scheduler.clear(waiter.timer);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      // Only the monitor's samples (on unref'd timers) can free a waiter: hold the process open.
      this.#hold.enter();
      this.#waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (maxWaitMs !== Infinity) {
        waiter.timer = this.#scheduler.set(() => {
          waiter.timer = undefined;
          waiter.resolve(false);
        }, maxWaitMs);
      }
    });
  }

  /**
   * Calls `listener` with the `detail` of each `type` event until the
   * returned function is called or `options.signal` aborts.
   */
  on<K extends keyof EmergencyBrakeEventMap>(
    type: K,
    listener: (detail: EmergencyBrakeEventMap[K]) => void,
    options: { readonly signal?: AbortSignal } = {},
  ): () => void {
    return subscribe(this, type, listener, options.signal);
  }

  /**
   * Stops listening to the monitor and cancels the pause timer; the brake
   * keeps its state, and `throttle()` / `clear()` still move it, but it sets
   * no more timers: after `minPauseMs` only a calm signal lets it go. Anyone still waiting for recovery gets `false`: nothing
   * would tell them of it now; so does any later `waitForRecovery()` while
   * the brake is engaged.
   */
  [Symbol.dispose](): void {
    this.#disposed = true;
    this.#monitor?.removeEventListener("sample", this.#onSample);
    if (this.#pauseTimer !== undefined) this.#scheduler.clear(this.#pauseTimer);
    this.#pauseTimer = undefined;
    for (const waiter of [...this.#waiters]) waiter.resolve(false);
  }

  #release(reason: string): void {
    this.#engaged = false;
    this.#consecutive = 0;
    if (this.#pauseTimer !== undefined) this.#scheduler.clear(this.#pauseTimer);
    this.#pauseTimer = undefined;
    this.#announce(false, reason);
    // A listener that engaged the brake again has kept the waiters waiting for the next release.
    if (this.#engaged) return;
    for (const waiter of [...this.#waiters]) waiter.resolve(true);
  }

  #announce(engaged: boolean, reason: string): void {
    const time = this.#clock();
    const change: BrakeChange = {
      engaged,
      reason,
      consecutive: this.#consecutive,
      engagements: this.#engagements,
      time,
    };
    const decision: Decision = {
      source: this.#source,
      from: engaged ? 0 : 1,
      to: engaged ? 1 : 0,
      reason,
      time,
    };
    this.#dispatch(
      new CustomEvent("brake", { detail: change }),
      new CustomEvent("decision", { detail: decision }),
    );
  }
}
