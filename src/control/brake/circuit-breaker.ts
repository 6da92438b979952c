import * as v from "valibot";
import { custom, requirement } from "../../config/custom.ts";
import { notAFunction } from "../../config/function-argument.ts";
import { parseOptions } from "../../config/parse.ts";
import type { Scheduler } from "../../monitor/scheduler.ts";
import { clockOption, schedulerOption } from "../shared-options.ts";
import type { Decision } from "../types.ts";
import { CIRCUIT_STATES, CircuitOpenError } from "./circuit-open-error.ts";
import type { CircuitState } from "./circuit-open-error.ts";
import { countWindow, timeWindow } from "./outcome-window.ts";
import type { OutcomeWindow } from "./outcome-window.ts";
import { orderedDispatch, subscribe } from "../../internal/events.ts";

/** Options of a {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** The circuit opens when failures / calls in the window reach this, in (0, 1]. @default {0.5} */
  readonly failureRatio?: number;
  /**
   * Fewest calls in the window before the ratio is judged; at most
   * `windowSize`. @default {10, or `windowSize` when that is smaller}
   */
  readonly minCalls?: number;
  /** A time-based window: the calls of the last `windowMs`. @default {10000} */
  readonly windowMs?: number;
  /** A count-based window instead: the last `windowSize` calls, however old. */
  readonly windowSize?: number;
  /** How long the circuit stays open before it half-opens. @default {5000} */
  readonly openMs?: number;
  /** Probe calls let through while half-open; all must succeed to close. @default {1} */
  readonly probes?: number;
  /**
   * Whether a rejection of `run()` counts as a failure; otherwise it is not
   * counted at all. @default {every error but an `AbortError`}
   */
  readonly isFailure?: (error: unknown) => boolean;
  /** Names the breaker in errors and `decision` events (`breaker:<name>`). @default {"default"} */
  readonly name?: string;
  /** Milliseconds on a monotonic clock. @default {systemClock} */
  readonly clock?: () => number;
  /** Where the half-open timer comes from; tests pass a manual one. @default {timerScheduler} */
  readonly scheduler?: Scheduler;
}

/** Detail of a `state` event. */
export interface CircuitChange {
  /** The state before the change. */
  readonly from: CircuitState;
  /** The state after the change. */
  readonly to: CircuitState;
  /** Why, for example `6 of 10 calls failed (60% >= 50%)` or `reset`. */
  readonly reason: string;
  /** When, in ms on the breaker's clock. */
  readonly time: number;
}

/** What each event of a {@link CircuitBreaker} carries in `CustomEvent.detail`. */
export interface CircuitBreakerEventMap {
  /** The circuit changed state: closed, half-open or open. */
  readonly state: CircuitChange;
  /** The same change; `from`/`to` are indexes in `CIRCUIT_STATES` (closed 0, half-open 1, open 2). */
  readonly decision: Decision;
}

/** One call let through by {@link CircuitBreaker.enter}; report how it ended exactly once. */
export interface CircuitCall {
  /** The call succeeded; in a half-open circuit, a passed probe. */
  success(): void;
  /** The call failed: counted in the window, and a failed probe reopens the circuit. */
  failure(): void;
  /** The call says nothing about the downstream (cancelled): not counted. */
  ignore(): void;
}

/** Figures of a {@link CircuitBreaker}'s window now. */
export interface CircuitStats {
  /** The state now; an open circuit past `openMs` reads `half-open`. */
  readonly state: CircuitState;
  /** Calls counted in the window (probe calls and ignored calls are not). */
  readonly calls: number;
  /** Failed calls in the window. */
  readonly failures: number;
  /** `failures / calls`, 0 when the window is empty. */
  readonly failureRatio: number;
}

const positive = v.pipe(v.number(), v.finite(), v.gtValue(0));
const whole = v.pipe(v.number(), v.integer(), v.minValue(1));

const schema = v.pipe(
  v.strictObject({
    failureRatio: v.optional(v.pipe(v.number(), v.gtValue(0), v.maxValue(1)), 0.5),
    minCalls: v.optional(whole),
    windowMs: v.optional(positive),
    windowSize: v.optional(whole),
    openMs: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0)), 5000),
    probes: v.optional(whole, 1),
    isFailure: v.optional(
      custom<(error: unknown) => boolean>((input) => typeof input === "function", "a function"),
    ),
    name: v.optional(v.string(), "default"),
    clock: clockOption,
    scheduler: schedulerOption,
  }),
  v.forward(
    requirement(
      (o) => o.windowMs === undefined || o.windowSize === undefined,
      "either `windowMs` or `windowSize`, not both",
    ),
    ["windowSize"],
  ),
  v.forward(
    requirement(
      (o) => o.minCalls === undefined || o.windowSize === undefined || o.minCalls <= o.windowSize,
      "at most `windowSize` (a window of that many calls never holds more)",
    ),
    ["minCalls"],
  ),
);

function notAbort(error: unknown): boolean {
  return !(error instanceof Error && error.name === "AbortError") &&
    !(typeof DOMException !== "undefined" && error instanceof DOMException &&
      error.name === "AbortError");
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

/**
 * Stops calling a downstream that keeps failing. Closed, it counts calls and
 * failures over a rolling window (time- or count-based); a failure that
 * finds at least `minCalls` in the window and the failure ratio at
 * `failureRatio` or above opens it (a success never does): calls fail fast with {@link CircuitOpenError}, which says how
 * long is left. After `openMs` it half-opens and lets `probes` calls
 * through: if all succeed it closes, if one fails it opens again.
 *
 * Each change dispatches a `state` event and a `decision` event.
 *
 * @example Guard calls to a flaky service
 * ```ts
 * import { CircuitBreaker } from "@headroom/headroom";
 *
 * const breaker = new CircuitBreaker({ failureRatio: 0.5, minCalls: 20, openMs: 10_000 });
 * breaker.addEventListener("state", (event) => console.log((event as CustomEvent).detail));
 * const response = await breaker.run(() => fetch("https://example.com/"));
 * console.log(response.status, breaker.state);
 * ```
 */
export class CircuitBreaker extends EventTarget {
  readonly #failureRatio: number;
  readonly #minCalls: number;
  readonly #openMs: number;
  readonly #probes: number;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #name: string;
  readonly #clock: () => number;
  readonly #scheduler: Scheduler;
  readonly #window: OutcomeWindow;
  #state: CircuitState = "closed";
  /** Bumped on every change, so a call let through in an earlier state is not counted in this one. */
  #generation = 0;
  #openedAt = 0;
  #reason = "";
  #timer: unknown = undefined;
  #disposed = false;
  /** A listener that moves the circuit is announced after the change it heard. */
  readonly #dispatch: (...events: Event[]) => void = orderedDispatch(this);
  #probesStarted = 0;
  #probesPassed = 0;

  /** Validates `options` (throws `ConfigError`) and creates a closed breaker. */
  constructor(options: CircuitBreakerOptions = {}) {
    super();
    const o = parseOptions(schema, options, "CircuitBreaker options");
    this.#failureRatio = o.failureRatio;
    this.#minCalls = o.minCalls ?? Math.min(10, o.windowSize ?? 10);
    this.#openMs = o.openMs;
    this.#probes = o.probes;
    this.#isFailure = o.isFailure ?? notAbort;
    this.#name = o.name;
    this.#clock = o.clock;
    this.#scheduler = o.scheduler;
    this.#window = o.windowSize !== undefined
      ? countWindow(o.windowSize)
      : timeWindow(o.windowMs ?? 10_000);
  }

  /** The state now; an open circuit past `openMs` reads (and turns) `half-open`. */
  get state(): CircuitState {
    this.#due();
    return this.#state;
  }

  /** Milliseconds until an open circuit half-opens; 0 otherwise. */
  get remainingMs(): number {
    this.#due();
    return this.#state === "open" ? Math.max(0, this.#openedAt + this.#openMs - this.#clock()) : 0;
  }

  /** Calls and failures in the window now. */
  stats(): CircuitStats {
    const { calls, failures } = this.#window.counts(this.#clock());
    return { state: this.state, calls, failures, failureRatio: calls === 0 ? 0 : failures / calls };
  }

  /**
   * Lets one call through, or throws {@link CircuitOpenError}. Report how
   * the call ended on the returned handle; `run()` does this for you.
   */
  enter(): CircuitCall {
    this.#due();
    const generation = this.#generation;
    if (this.#state === "open") {
      const remaining = Math.max(0, this.#openedAt + this.#openMs - this.#clock());
      throw new CircuitOpenError(this.#name, "open", remaining, this.#reason);
    }
    const probe = this.#state === "half-open";
    if (probe) {
      if (this.#probesStarted >= this.#probes) {
        throw new CircuitOpenError(this.#name, "half-open", 0, this.#reason);
      }
      this.#probesStarted++;
    }
    let done = false;
    const finish = (outcome: "success" | "failure" | "ignore"): void => {
      if (done) return;
      done = true;
      if (generation !== this.#generation) return;
      if (probe) this.#probeEnded(outcome);
      else if (outcome !== "ignore") this.#record(outcome === "failure");
    };
    return {
      success: () => finish("success"),
      failure: () => finish("failure"),
      ignore: () => finish("ignore"),
    };
  }

  /**
   * Runs `fn` if the circuit lets it through (else rejects with
   * {@link CircuitOpenError}) and counts how it ended: resolved is a
   * success, a rejection a failure unless `isFailure` says otherwise. A
   * `fn` that is not a function (a promise, `undefined`) rejects with a
   * `ConfigError` before the circuit is asked: a bug, not a failed call.
   */
  async run<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    const notFn = notAFunction("CircuitBreaker.run()", "fn", fn);
    if (notFn !== undefined) throw notFn;
    const call = this.enter();
    try {
      const value = await fn();
      call.success();
      return value;
    } catch (error) {
      let failed = true;
      try {
        failed = this.#isFailure(error);
      } finally {
        // An isFailure that throws counts the call as failed (and its error is what rejects).
        if (failed) call.failure();
        else call.ignore();
      }
      throw error;
    }
  }

  /** Closes the circuit and empties its window. */
  reset(): void {
    this.#window.clear();
    if (this.#state !== "closed") this.#change("closed", "reset");
  }

  /**
   * Calls `listener` with the `detail` of each `type` event until the
   * returned function is called or `options.signal` aborts.
   */
  on<K extends keyof CircuitBreakerEventMap>(
    type: K,
    listener: (detail: CircuitBreakerEventMap[K]) => void,
    options: { readonly signal?: AbortSignal } = {},
  ): () => void {
    return subscribe(this, type, listener, options.signal);
  }

  /**
   * Cancels the half-open timer and sets no more (a call that fails later still opens the
   * circuit); the state is still read correctly from the clock.
   */
  [Symbol.dispose](): void {
    this.#disposed = true;
    if (this.#timer !== undefined) this.#scheduler.clear(this.#timer);
    this.#timer = undefined;
  }

  #record(failed: boolean): void {
    const now = this.#clock();
    this.#window.record(failed, now);
    if (!failed) return;
    const { calls, failures } = this.#window.counts(now);
    if (calls < this.#minCalls) return;
    const ratio = failures / calls;
    if (ratio < this.#failureRatio) return;
    this.#open(
      `${failures} of ${calls} calls failed (${percent(ratio)} >= ${percent(this.#failureRatio)})`,
    );
  }

  #probeEnded(outcome: "success" | "failure" | "ignore"): void {
    if (outcome === "failure") {
      this.#open("a probe call failed");
    } else if (outcome === "ignore") {
      this.#probesStarted--;
    } else if (++this.#probesPassed >= this.#probes) {
      this.#window.clear();
      this.#change("closed", `${this.#probesPassed} probe call(s) succeeded`);
    }
  }

  #open(reason: string): void {
    this.#reason = reason;
    this.#openedAt = this.#clock();
    this.#change("open", reason);
    this.#arm(this.#generation, this.#openMs);
  }

  /** Half-opens the circuit when `openMs` has passed; a timer that fires early waits out the rest. */
  #arm(generation: number, ms: number): void {
    if (this.#disposed) return;
    this.#timer = this.#scheduler.set(() => {
      this.#timer = undefined;
      if (generation !== this.#generation) return;
      this.#due();
      if (this.#state === "open") this.#arm(generation, Math.ceil(this.remainingMs) + 1);
    }, ms);
  }

  /** Half-opens an open circuit whose `openMs` has passed. */
  #due(): void {
    if (this.#state !== "open" || this.#clock() - this.#openedAt < this.#openMs) return;
    this.#change(
      "half-open",
      `open for ${this.#openMs} ms: letting ${this.#probes} probe(s) through`,
    );
  }

  #change(to: CircuitState, reason: string): void {
    const from = this.#state;
    this.#state = to;
    this.#generation++;
    this.#probesStarted = 0;
    this.#probesPassed = 0;
    if (this.#timer !== undefined) this.#scheduler.clear(this.#timer);
    this.#timer = undefined;
    const time = this.#clock();
    const change: CircuitChange = { from, to, reason, time };
    const decision: Decision = {
      source: `breaker:${this.#name}`,
      from: CIRCUIT_STATES.indexOf(from),
      to: CIRCUIT_STATES.indexOf(to),
      reason,
      time,
    };
    this.#dispatch(
      new CustomEvent("state", { detail: change }),
      new CustomEvent("decision", { detail: decision }),
    );
  }
}
