/**
 * Option schemas shared by the control components that read a clock, set
 * timers or listen to a monitor.
 *
 * @module
 */

import * as v from "valibot";
import { ConfigError, fieldError, unknownOptionIssue } from "../config/config-error.ts";
import { custom, hasMethods } from "../config/custom.ts";
import { type Clock, systemClock } from "../internal/clock.ts";
import type { ResourceSample } from "../monitor/sample.ts";
import { type Scheduler, timerScheduler } from "../monitor/scheduler.ts";

/** Anything that dispatches `sample` events carrying a `ResourceSample`, such as a `ResourceMonitor`. */
export interface SampleEventSource {
  /**
   * Subscribes `listener` to `sample` events; each is a `CustomEvent` whose `detail` is the sample.
   */
  addEventListener(type: "sample", listener: (event: Event) => void): void;
  /** Unsubscribes a listener added with `addEventListener`. */
  removeEventListener(type: "sample", listener: (event: Event) => void): void;
  /** The most recent sample, applied when the component is created. */
  readonly latest?: ResourceSample | undefined;
}

/** `clock`: a function returning milliseconds; {@link systemClock} when left out. */
export const clockOption: v.GenericSchema<Clock | undefined, Clock> = v.optional(
  custom<Clock>((input) => typeof input === "function", "a function returning ms"),
  () => systemClock,
);

/** `scheduler`: where timers are set; real timers when left out. */
export const schedulerOption: v.GenericSchema<Scheduler | undefined, Scheduler> = v.optional(
  custom<Scheduler>((input) => hasMethods(input, ["set", "clear"]), "a Scheduler (set, clear)"),
  () => timerScheduler,
);

/** `monitor`: a source of resource samples, optional. */
export const monitorOption: v.GenericSchema<
  SampleEventSource | undefined,
  SampleEventSource | undefined
> = v.optional(
  custom<SampleEventSource>(
    (input) => hasMethods(input, ["addEventListener", "removeEventListener"]),
    "an EventTarget dispatching `sample` events, such as a ResourceMonitor",
  ),
);

/**
 * A wait or timeout in a call's options, checked: a bad one is a `ConfigError` naming `field`
 * in `target`, not a 1 ms timer.
 */
export function checkCallMs(target: string, field: string, value: unknown): void {
  if (value === undefined || (typeof value === "number" && value >= 0)) return;
  throw fieldError(target, field, value, "a number >= 0 (or Infinity)");
}

/**
 * A call's options hold only `known` keys: p-queue's `timeout`, say, is a
 * `ConfigError` naming it, not an option silently ignored.
 */
export function checkCallKeys(target: string, options: object, known: readonly string[]): void {
  for (const key in options) {
    if (known.includes(key)) continue;
    const takes = `; it takes ${known.map((k) => `\`${k}\``).join(", ")}`;
    const value = (options as Record<string, unknown>)[key];
    throw new ConfigError(target, [unknownOptionIssue(key, value, takes)]);
  }
}

/**
 * The signal in a call's options, checked before anything changes: a `null` or a look-alike
 * would fail only once the call had started waiting, leaving a dead waiter behind.
 */
export function checkCallSignal(target: string, value: unknown): void {
  if (value === undefined || value instanceof AbortSignal) return;
  throw fieldError(target, "signal", value, "an AbortSignal");
}
