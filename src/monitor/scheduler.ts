import { holdOpen, unrefTimer } from "../runtime/timers.ts";
import type { TimerHandle } from "../runtime/timers.ts";

/**
 * Where the monitor and the loop-delay sampler get their timers from. The
 * default, {@link timerScheduler}, uses `setTimeout` and never keeps the
 * process alive; tests pass a manual scheduler and move a fake clock instead
 * of sleeping.
 */
export interface Scheduler {
  /** Runs `callback` once, about `ms` milliseconds from now; returns a handle for `clear`. */
  set(callback: () => void, ms: number): unknown;
  /** Cancels a pending callback; a handle that already fired or was cleared is ignored. */
  clear(handle: unknown): void;
  /**
   * Keeps the process alive until the returned function is called. Its
   * timers do not, so a component whose waiters only those timers (or a
   * monitor's) can settle holds the process open while anyone waits.
   * Optional: a manual scheduler has no process to hold.
   */
  hold?(): () => void;
}

/** The longest delay `setTimeout` honours in every runtime. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** A delay longer than {@link MAX_DELAY_MS}, as a chain of timers; `timer` is the pending link. */
class LongTimer {
  timer: TimerHandle | undefined;
}

/**
 * The default {@link Scheduler}: one-shot `setTimeout` timers that are
 * unref'd, so a running monitor never keeps the process from exiting.
 *
 * @example Run a callback once without holding the process open
 * ```ts
 * import { timerScheduler } from "@headroom/headroom";
 *
 * const handle = timerScheduler.set(() => console.log("tick"), 1000);
 * timerScheduler.clear(handle);
 * ```
 */
export const timerScheduler: Scheduler = Object.freeze({
  set(callback: () => void, ms: number): unknown {
    if (!(ms > MAX_DELAY_MS)) return unrefTimer(setTimeout(callback, ms));
    // setTimeout fires at once for delays past 2^31 - 1 ms (about 24.8 days); chain shorter ones.
    const long = new LongTimer();
    let left = ms;
    const step = (): void => {
      const delay = Math.min(left, MAX_DELAY_MS);
      left -= delay;
      long.timer = unrefTimer(setTimeout(left > 0 ? step : callback, delay));
    };
    step();
    return long;
  },
  clear(handle: unknown): void {
    clearTimeout((handle instanceof LongTimer ? handle.timer : handle) as TimerHandle);
  },
  hold: holdOpen,
});

/** Counts what waits and holds the process open through a scheduler while anything does. */
export interface ProcessHold {
  /** One more thing waits; the first takes the scheduler's hold. */
  enter(): void;
  /** One thing stopped waiting; the last lets the process go. */
  leave(): void;
}

/**
 * A {@link ProcessHold} on `scheduler`: its `hold()` while `enter()`s
 * outnumber `leave()`s. A scheduler without `hold` holds nothing.
 */
export function processHold(scheduler: Scheduler): ProcessHold {
  let waiting = 0;
  let letGo: (() => void) | undefined;
  return {
    enter(): void {
      if (waiting++ === 0) letGo = scheduler.hold?.();
    },
    leave(): void {
      if (--waiting > 0) return;
      letGo?.();
      letGo = undefined;
    },
  };
}
