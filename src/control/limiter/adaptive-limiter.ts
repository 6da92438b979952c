import { describe, fieldError } from "../../config/config-error.ts";
import { notAFunction } from "../../config/function-argument.ts";
import type { ResourceSample } from "../../monitor/sample.ts";
import { type ProcessHold, processHold, type Scheduler } from "../../monitor/scheduler.ts";
import type {
  Decision,
  Limit,
  ReportingLimit,
  ResourceAwareLimit,
  ResourcePolicy,
} from "../types.ts";
import { CallTimeoutError, LimiterQueueFullError, LimiterTimeoutError } from "./errors.ts";
import { resolveLimiterOptions } from "./options.ts";
import type { AdaptiveLimiterOptions, SampleEventSource } from "./options.ts";
import { nextWaiter, Partition } from "./partition.ts";
import type { Waiter } from "./partition.ts";
import type { Outcome, Permit } from "./permit.ts";
import { WaitStats } from "./wait-stats.ts";
import { orderedDispatch, subscribe } from "../../internal/events.ts";
import { checkCallKeys, checkCallMs, checkCallSignal } from "../shared-options.ts";

/** Options of {@link AdaptiveLimiter.acquire}. */
export interface AcquireOptions {
  /** Stops waiting: the promise rejects with `signal.reason` and the waiter leaves the queue. */
  readonly signal?: AbortSignal | undefined;
  /** The operation type, one of the limiter's `partitions`; omitted = unpartitioned. */
  readonly partition?: string | undefined;
  /** This call's longest wait, overriding the limiter's `maxWaitMs`. */
  readonly maxWaitMs?: number | undefined;
}

/** Options of {@link AdaptiveLimiter.run}. */
export interface LimiterRunOptions extends AcquireOptions {
  /**
   * Longest the call may run once it holds a permit; past it, `run` rejects
   * with `CallTimeoutError`, the call's signal aborts and the call counts as
   * dropped. With the default `scheduler` the process stays alive until the
   * call settles or times out, so a call that waits on nothing still ends in
   * its `CallTimeoutError`. @default {Infinity}
   */
  readonly timeoutMs?: number | undefined;
  /**
   * How a rejection counts: `dropped` (a congestion signal) or `ignore`.
   * Not called for a timeout (always `dropped`) nor after `signal` aborted
   * (always `ignore`). @default {() => "dropped"}
   */
  readonly classify?: ((error: unknown) => "dropped" | "ignore") | undefined;
}

/** Counters and wait figures of an {@link AdaptiveLimiter}. */
export interface LimiterStats {
  /** Permits that may be out at once. */
  readonly limit: number;
  /** Permits out now; can exceed `limit` for a while after the limit shrinks. */
  readonly inflight: number;
  /** Calls waiting for a permit. */
  readonly waiting: number;
  /** Permits given out. */
  readonly acquired: number;
  /** Calls refused at once: queue full, or `tryAcquire()` with no permit free. */
  readonly rejected: number;
  /** Waits that ran past `maxWaitMs`. */
  readonly timedOut: number;
  /** Waits ended by their signal. */
  readonly aborted: number;
  /** Permits released as `ok`, `dropped` and `ignore`. */
  readonly ok: number;
  /** Permits released as `dropped` (timed-out `run()` calls included). */
  readonly dropped: number;
  /** Permits released as `ignore`. */
  readonly ignored: number;
  /** Mean wait for a permit over every acquired permit, in ms (0 on the fast path). */
  readonly meanWaitMs: number;
  /**
   * Sum of the waits for every acquired permit, in ms: exact, so it never
   * goes down (`meanWaitMs * acquired` can, by rounding).
   */
  readonly totalWaitMs: number;
  /** 99th percentile wait over the last 1024 acquired permits, in ms. */
  readonly p99WaitMs: number;
}

/** Detail of a `reject` event: a call did not get a permit. */
export interface LimiterRejection {
  /**
   * `timeout`: no permit came within `maxWaitMs`; `queue-full`: `maxQueue` calls already waited.
   */
  readonly reason: "timeout" | "queue-full";
  /** The partition the call asked for; `undefined` for an unpartitioned call. */
  readonly partition: string | undefined;
  /** The error the call was rejected with. */
  readonly error: LimiterTimeoutError | LimiterQueueFullError;
}

/** What each event of an {@link AdaptiveLimiter} carries in `CustomEvent.detail`. */
export interface AdaptiveLimiterEventMap {
  /** The number of permits changed: old value, new value and why. */
  readonly decision: Decision;
  /** A call was refused or gave up waiting. */
  readonly reject: LimiterRejection;
}

type Release = (permit: LimiterPermit, outcome: Outcome) => void;

class LimiterPermit implements Permit {
  readonly #release: Release;
  readonly slot: Partition;
  readonly startedAt: number;
  readonly inflightAtStart: number;
  /** The limiter's count of refused calls when this permit was granted. */
  readonly rejectedAtStart: number;
  #released = false;

  constructor(
    release: Release,
    slot: Partition,
    startedAt: number,
    inflight: number,
    rejected: number,
  ) {
    this.#release = release;
    this.slot = slot;
    this.startedAt = startedAt;
    this.inflightAtStart = inflight;
    this.rejectedAtStart = rejected;
  }

  get partition(): string | undefined {
    return this.slot.name;
  }

  get released(): boolean {
    return this.#released;
  }

  release(outcome: Outcome = "ok"): void {
    if (this.#released) return;
    this.#released = true;
    if (outcome === "ok" || outcome === "dropped" || outcome === "ignore") {
      this.#release(this, outcome);
      return;
    }
    // From JavaScript, a typo ("ignored", "timeout") must not count as a good call: the permit
    // still comes back, its sample is left out, and the caller hears why.
    this.#release(this, "ignore");
    throw new TypeError(
      `permit.release(): outcome received ${
        describe(outcome)
      }, expected "ok", "dropped" or "ignore"`,
    );
  }

  [Symbol.dispose](): void {
    this.release("ok");
  }
}

/**
 * The signal `run` passes a call that declares no parameter; see {@link runPlain}.
 * It never aborts, so a listener added to it could never run: it keeps none
 * (a wrapper such as `(...args) => f(...args)` declares no parameter yet hands
 * the signal on, and its `{ once: true }` listeners piled up for good).
 */
const NEVER_ABORTED: AbortSignal = new AbortController().signal;
Object.defineProperty(NEVER_ABORTED, "addEventListener", { value: (): void => {} });

/**
 * An algorithm's answer as a limit: whole, and at least 1 (an answer of 0 or
 * 0.5 sheds load to one permit, as 2.5 means 2); `fallback` for one that is
 * not a finite number.
 */
function sanitize(value: number, fallback: number): number {
  return Number.isFinite(value) ? Math.max(1, Math.floor(value)) : fallback;
}

function hasObserve(limit: Limit): limit is ResourceAwareLimit {
  return typeof (limit as Partial<ResourceAwareLimit>).observe === "function";
}

/** What `classify` said about `error`, checked: anything but "dropped" or "ignore" throws. */
function classified(
  classify: ((error: unknown) => "dropped" | "ignore") | undefined,
  error: unknown,
): Outcome {
  const outcome: unknown = classify?.(error) ?? "dropped";
  if (outcome === "dropped" || outcome === "ignore") return outcome;
  throw new TypeError(
    `classify() returned ${describe(outcome)}, expected "dropped" or "ignore"`,
    { cause: error },
  );
}

/** Runs `fn` under `permit` with no signal or timeout to watch. */
async function runPlain<T>(
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  permit: LimiterPermit,
  classify: ((error: unknown) => "dropped" | "ignore") | undefined,
): Promise<T> {
  let value: T;
  try {
    // A call that declares a parameter gets a signal of its own, dropped with the call: on one
    // shared signal, the listeners calls add and never remove (`{ once: true }` ones on a signal
    // that never aborts) would pile up across every limiter for good. A call declaring none
    // (`fn.length === 0`) can hardly listen, so it keeps the shared one and the hot path
    // allocates nothing (an AbortController costs ~40 ns on Node, ~370 ns on Bun).
    value = await fn(fn.length > 0 ? new AbortController().signal : NEVER_ABORTED);
  } catch (error) {
    let outcome: Outcome = "dropped";
    try {
      outcome = classified(classify, error);
    } finally {
      // A classify that throws still gives the permit back; its error is what `run` rejects with.
      permit.release(outcome);
    }
    throw error;
  }
  permit.release("ok");
  return value;
}

/** What a bad per-call option's `ConfigError` names. */
const CALL_OPTIONS = "AdaptiveLimiter call options";
const ACQUIRE_KEYS: readonly string[] = ["signal", "partition", "maxWaitMs"];
const RUN_KEYS: readonly string[] = [...ACQUIRE_KEYS, "timeoutMs", "classify"];

/** The `classify` in a call's options, checked up front rather than when the call fails. */
function checkClassify(value: unknown): void {
  if (value === undefined || typeof value === "function") return;
  throw fieldError(
    CALL_OPTIONS,
    "classify",
    value,
    'a function (error) => "dropped" | "ignore"',
  );
}

/**
 * A semaphore whose size a limit algorithm moves while it runs. Calls take a
 * permit with {@link acquire} (waiting, FIFO or LIFO, up to `maxWaitMs`),
 * {@link tryAcquire} (never waiting) or {@link run} (which also times the call
 * and reports how it ended). Each released permit feeds the limit one
 * sample: round-trip time, calls in flight at the start, and whether it was
 * dropped.
 *
 * When the limit grows, waiters get permits at once; when it shrinks, calls
 * in flight finish and no permit is given until fewer than the limit remain.
 * Partitions guarantee operation types a share of the limit: a partition may
 * borrow any free permit, and one below its share is first in line for the
 * next freed permit. A static override (`setStatic`) pins the limit, as a
 * configured thread count overrides adaptive threading.
 *
 * Every change of the limit dispatches a `decision` event with the old value,
 * the new one and the reason.
 *
 * @example Limit calls to a service
 * ```ts
 * import { AdaptiveLimiter } from "@headroom/headroom";
 *
 * const limiter = new AdaptiveLimiter({ limit: 4, maxWaitMs: 1000 });
 * limiter.addEventListener("decision", (event) => console.log((event as CustomEvent).detail));
 * const pages = await Promise.all(
 *   ["a", "b", "c"].map((id) =>
 *     limiter.run((signal) => fetch(`https://example.com/${id}`, { signal }), { timeoutMs: 5000 })
 *   ),
 * );
 * console.log(pages.length, limiter.stats().acquired);
 * ```
 */
export class AdaptiveLimiter extends EventTarget {
  readonly #algorithm: Limit;
  readonly #name: string;
  readonly #source: string;
  readonly #clock: () => number;
  readonly #scheduler: Scheduler;
  /** Held while any max-wait or call timer runs. */
  readonly #hold: ProcessHold;
  readonly #lifo: boolean;
  readonly #maxWaitMs: number;
  readonly #maxQueue: number;
  readonly #partitions: readonly Partition[];
  readonly #byName: ReadonlyMap<string, Partition>;
  readonly #unpartitioned: Partition;
  readonly #release: Release;
  readonly #monitor: SampleEventSource | undefined;
  readonly #policy: ResourcePolicy | undefined;
  readonly #onSample: (event: Event) => void;

  #limit: number;
  #algorithmLimit: number;
  #ceiling = Infinity;
  #staticLimit = 0;
  #inflight = 0;
  #waiting = 0;
  #seq = 0;

  #acquired = 0;
  #rejected = 0;
  #timedOut = 0;
  #aborted = 0;
  #ok = 0;
  #dropped = 0;
  #ignored = 0;
  readonly #waits = new WaitStats();
  /** A listener that changes the limit is announced after the change it heard. */
  readonly #dispatch: (...events: Event[]) => void = orderedDispatch(this);

  /** Validates `options` (throws `ConfigError`) and creates a limiter with no permit out. */
  constructor(options: AdaptiveLimiterOptions = {}) {
    super();
    const o = resolveLimiterOptions(options);
    this.#algorithm = o.limit;
    this.#name = o.name;
    this.#source = `limiter:${o.name}`;
    this.#clock = o.clock;
    this.#scheduler = o.scheduler;
    this.#hold = processHold(o.scheduler);
    this.#lifo = o.order === "lifo";
    this.#maxWaitMs = o.maxWaitMs;
    this.#maxQueue = o.maxQueue;
    const named = o.partitions.map(([name, share]) => new Partition(name, share));
    const taken = o.partitions.reduce((sum, [, share]) => sum + share, 0);
    this.#unpartitioned = new Partition(undefined, Math.max(0, 1 - taken));
    this.#partitions = [this.#unpartitioned, ...named];
    this.#byName = new Map(named.map((p) => [p.name as string, p]));
    this.#release = (permit, outcome) => this.#onRelease(permit, outcome);
    this.#algorithmLimit = sanitize(o.limit.limit, 1);
    this.#staticLimit = o.staticLimit > 0 ? o.staticLimit : 0;
    this.#limit = this.#effective();
    for (const p of this.#partitions) p.resize(this.#limit);
    this.#policy = o.policy;
    this.#monitor = o.monitor;
    this.#onSample = (event) => this.observe((event as CustomEvent<ResourceSample>).detail);
    if (o.monitor !== undefined) {
      o.monitor.addEventListener("sample", this.#onSample);
      if (o.monitor.latest !== undefined) this.observe(o.monitor.latest);
    }
  }

  /** The limiter's name, as in errors and `decision` events. */
  get name(): string {
    return this.#name;
  }

  /** Permits that may be out at once right now. */
  get limit(): number {
    return this.#limit;
  }

  /** Permits out now; can exceed `limit` for a while after the limit shrinks. */
  get inflight(): number {
    return this.#inflight;
  }

  /** Calls waiting for a permit. */
  get waiting(): number {
    return this.#waiting;
  }

  /** `static` while `setStatic()` pins the limit, else `adaptive`. */
  get mode(): "adaptive" | "static" {
    return this.#staticLimit > 0 ? "static" : "adaptive";
  }

  /** The partition names, in the order they were configured. */
  get partitions(): readonly string[] {
    return [...this.#byName.keys()];
  }

  /**
   * Waits for a permit. Resolves at once when one is free; otherwise joins
   * the queue until a permit frees up, the wait passes `maxWaitMs`
   * (`LimiterTimeoutError`) or `signal` aborts (rejects with its reason). A
   * full queue rejects at once with `LimiterQueueFullError`, an unknown
   * partition with a `RangeError`.
   */
  acquire(options?: AcquireOptions): Promise<Permit> {
    if (options === undefined) {
      if (this.#inflight < this.#limit) {
        return Promise.resolve(this.#grant(this.#unpartitioned, this.#clock(), 0));
      }
      return this.#enqueue(this.#unpartitioned, undefined, this.#maxWaitMs);
    }
    try {
      checkCallKeys(CALL_OPTIONS, options, ACQUIRE_KEYS);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#acquire(options);
  }

  /** `acquire()` with options whose keys were checked. */
  #acquire(options: AcquireOptions): Promise<Permit> {
    let slot: Partition;
    try {
      checkCallMs(CALL_OPTIONS, "maxWaitMs", options.maxWaitMs);
      checkCallSignal(CALL_OPTIONS, options.signal);
      slot = this.#partition(options.partition);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options.signal;
    if (signal?.aborted) {
      this.#aborted++;
      return Promise.reject(signal.reason);
    }
    if (this.#inflight < this.#limit) return Promise.resolve(this.#grant(slot, this.#clock(), 0));
    return this.#enqueue(slot, signal, options.maxWaitMs ?? this.#maxWaitMs);
  }

  /** A permit if one is free right now, else `undefined` (counted as rejected). */
  tryAcquire(options?: { readonly partition?: string | undefined }): Permit | undefined {
    if (options !== undefined) checkCallKeys(CALL_OPTIONS, options, ["partition"]);
    const slot = this.#partition(options?.partition);
    if (this.#inflight < this.#limit) return this.#grant(slot, this.#clock(), 0);
    this.#rejected++;
    return undefined;
  }

  /**
   * Runs `fn` under a permit: waits like {@link acquire}, then calls `fn`
   * with a signal that aborts on `options.signal` or after `timeoutMs`. The
   * call is timed on the limiter's clock and counted `ok` when it resolves,
   * `dropped` when it rejects or times out, and `ignore` when the caller's
   * signal aborted it. `run` settles as soon as the call does, the timeout
   * passes or the signal aborts; the permit returns when `fn` settles, so
   * work that ignores its signal still counts as in flight. A `fn` that is
   * not a function (a promise, `undefined`) rejects with a `ConfigError` at
   * once: it takes no permit and counts as nothing.
   */
  run<T>(fn: (signal: AbortSignal) => T | PromiseLike<T>, options?: LimiterRunOptions): Promise<T> {
    const notFn = notAFunction("AdaptiveLimiter.run()", "fn", fn);
    if (notFn !== undefined) return Promise.reject(notFn);
    if (options === undefined) {
      if (this.#inflight < this.#limit) {
        return runPlain(fn, this.#grant(this.#unpartitioned, this.#clock(), 0), undefined);
      }
      return this.#enqueue(this.#unpartitioned, undefined, this.#maxWaitMs).then((permit) =>
        runPlain(fn, permit as LimiterPermit, undefined)
      );
    }
    try {
      checkCallKeys(CALL_OPTIONS, options, RUN_KEYS);
      checkCallMs(CALL_OPTIONS, "timeoutMs", options.timeoutMs);
      checkClassify(options.classify);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#acquire(options).then((permit) => {
      const timeoutMs = options.timeoutMs ?? Infinity;
      const signal = options.signal;
      if (signal === undefined && timeoutMs === Infinity) {
        return runPlain(fn, permit as LimiterPermit, options.classify);
      }
      return this.#guarded(fn, permit as LimiterPermit, signal, timeoutMs, options.classify);
    });
  }

  /**
   * Pins the limit at `limit` permits, whatever the algorithm says, until
   * {@link setAdaptive}; 0 or less means adaptive again (a configured count
   * of 0 meaning "adaptive"). Anything else but a whole number is a
   * `ConfigError`.
   */
  setStatic(limit: number): void {
    if (typeof limit === "number" && limit <= 0) return this.setAdaptive();
    if (!Number.isInteger(limit)) {
      throw fieldError("setStatic()", "limit", limit, "a whole number >= 1, or <= 0 for adaptive");
    }
    this.#staticLimit = limit;
    this.#apply(`static override: ${limit} permits`);
  }

  /** Ends a static override: the limit algorithm (and policy ceiling) decide again. */
  setAdaptive(): void {
    if (this.#staticLimit === 0) return;
    this.#staticLimit = 0;
    this.#apply(`adaptive again: the limit algorithm says ${this.#algorithmLimit}`);
  }

  /**
   * Feeds one monitor sample: to the limit algorithm when it observes
   * samples, then to the `policy`, whose ceiling caps the limit. A limiter
   * with a `monitor` calls this on each of its samples.
   */
  observe(sample: ResourceSample): void {
    const algorithm = this.#algorithm;
    if (hasObserve(algorithm)) {
      this.#algorithmLimit = sanitize(algorithm.observe(sample), this.#algorithmLimit);
    }
    const policy = this.#policy;
    let reason = `limit algorithm at ${this.#algorithmLimit} after a ${sample.level} sample`;
    if (policy !== undefined) {
      const ceiling: unknown = policy.ceiling(sample, this.#algorithmLimit);
      // A NaN or non-number ceiling (a JavaScript policy that returns nothing) says nothing: the
      // ceiling stays, as `sanitize` keeps the algorithm's limit. Infinity is no ceiling at all.
      if (typeof ceiling === "number" && !Number.isNaN(ceiling)) {
        this.#ceiling = Math.max(1, Math.floor(ceiling));
      }
      const why = sample.reasons.length > 0 ? ` (${sample.reasons.join(", ")})` : "";
      reason = `policy ceiling ${this.#ceiling} at ${sample.level} pressure${why}`;
    }
    this.#apply(reason);
  }

  /** Counters and wait figures since the limiter was created. */
  stats(): LimiterStats {
    return {
      limit: this.#limit,
      inflight: this.#inflight,
      waiting: this.#waiting,
      acquired: this.#acquired,
      rejected: this.#rejected,
      timedOut: this.#timedOut,
      aborted: this.#aborted,
      ok: this.#ok,
      dropped: this.#dropped,
      ignored: this.#ignored,
      meanWaitMs: this.#waits.mean,
      totalWaitMs: this.#waits.sum,
      p99WaitMs: this.#waits.p99,
    };
  }

  /**
   * Calls `listener` with the `detail` of each `type` event until the
   * returned function is called or `options.signal` aborts.
   */
  on<K extends keyof AdaptiveLimiterEventMap>(
    type: K,
    listener: (detail: AdaptiveLimiterEventMap[K]) => void,
    options: { readonly signal?: AbortSignal } = {},
  ): () => void {
    return subscribe(this, type, listener, options.signal);
  }

  /** Stops listening to the `monitor`; permits out and waiters are left alone. */
  [Symbol.dispose](): void {
    this.#monitor?.removeEventListener("sample", this.#onSample);
  }

  #partition(name: string | undefined): Partition {
    if (name === undefined) return this.#unpartitioned;
    const slot = this.#byName.get(name);
    if (slot !== undefined) return slot;
    const known = this.#byName.size === 0 ? "none" : [...this.#byName.keys()].join(", ");
    throw new RangeError(
      `Cannot acquire a permit from limiter "${this.#name}": no partition "${name}" (known: ${known})`,
    );
  }

  #grant(slot: Partition, now: number, waitedMs: number): LimiterPermit {
    const inflight = ++this.#inflight;
    slot.inflight++;
    this.#acquired++;
    this.#waits.record(waitedMs);
    return new LimiterPermit(this.#release, slot, now, inflight, this.#rejected);
  }

  #enqueue(slot: Partition, signal: AbortSignal | undefined, maxWaitMs: number): Promise<Permit> {
    if (this.#waiting >= this.#maxQueue) {
      this.#rejected++;
      const error = new LimiterQueueFullError(
        this.#name,
        slot.name,
        this.#waiting,
        this.#maxQueue,
        this.#limit,
      );
      this.#emit("reject", { reason: "queue-full", partition: slot.name, error });
      return Promise.reject(error);
    }
    if (maxWaitMs <= 0) return Promise.reject(this.#timeoutError(slot, 0, 0));
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        partition: slot,
        seq: this.#seq++,
        enqueuedAt: this.#clock(),
        resolve,
        reject,
        signal,
        onAbort: undefined,
        timer: undefined,
        prev: undefined,
        next: undefined,
        queued: true,
      };
      slot.push(waiter);
      this.#waiting++;
      if (signal !== undefined) {
        waiter.onAbort = () => {
          if (!waiter.queued) return;
          this.#dequeue(waiter);
          this.#aborted++;
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      if (maxWaitMs !== Infinity) {
        waiter.timer = this.#setTimer(() => {
          if (!waiter.queued) return;
          this.#dequeue(waiter);
          reject(this.#timeoutError(slot, this.#clock() - waiter.enqueuedAt, maxWaitMs));
        }, maxWaitMs);
      }
    });
  }

  /**
   * A max-wait or call timer that keeps the process open until it fires or is
   * cleared (the default scheduler's timers do not by themselves): a bounded
   * wait ends in its timeout error, not in an exit with the promise unsettled.
   */
  #setTimer(callback: () => void, ms: number): unknown {
    this.#hold.enter();
    return this.#scheduler.set(callback, ms);
  }

  /** Clears (or, after it fired, retires) a timer from {@link #setTimer}. */
  #clearTimer(timer: unknown): void {
    this.#scheduler.clear(timer);
    this.#hold.leave();
  }

  #timeoutError(slot: Partition, waitedMs: number, maxWaitMs: number): LimiterTimeoutError {
    this.#timedOut++;
    const error = new LimiterTimeoutError(
      this.#name,
      slot.name,
      waitedMs,
      maxWaitMs,
      this.#limit,
      this.#inflight,
    );
    this.#emit("reject", { reason: "timeout", partition: slot.name, error });
    return error;
  }

  /** Takes a waiter out of its queue and drops its abort listener and timer. */
  #dequeue(waiter: Waiter): void {
    waiter.partition.remove(waiter);
    this.#waiting--;
    if (waiter.onAbort !== undefined) {
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.onAbort = undefined;
    }
    if (waiter.timer !== undefined) {
      this.#clearTimer(waiter.timer);
      waiter.timer = undefined;
    }
  }

  /**
   * Admits waiters while permits are free. The clock is read once per call
   * (by the caller when it already has `now`): waiters admitted together
   * start together, and a permit costs fewer clock reads.
   */
  #drain(now: number = this.#clock()): void {
    while (this.#waiting > 0 && this.#inflight < this.#limit) {
      const waiter = nextWaiter(this.#partitions, this.#lifo);
      if (waiter === undefined) return;
      this.#dequeue(waiter);
      waiter.resolve(this.#grant(waiter.partition, now, now - waiter.enqueuedAt));
    }
  }

  #onRelease(permit: LimiterPermit, outcome: Outcome): void {
    this.#inflight--;
    permit.slot.inflight--;
    // An ignored call needs no time; a sampled one shares its reading with the waiters it frees.
    let now: number | undefined;
    try {
      if (outcome === "ignore") {
        this.#ignored++;
      } else {
        now = this.#clock();
        this.#feed(permit, outcome === "dropped", now);
      }
    } finally {
      // A limit algorithm that throws does not strand the waiters: the freed permit is handed on.
      if (this.#waiting > 0) this.#drain(now);
    }
  }

  /** Counts a released, sampled permit and feeds its sample to the limit algorithm. */
  #feed(permit: LimiterPermit, dropped: boolean, now: number): void {
    if (dropped) this.#dropped++;
    else this.#ok++;
    const rttMs = now - permit.startedAt;
    // A call refused while this one ran (tryAcquire, a full queue) proves the limit was full, even
    // if this call found a free permit or two: shed-at-once admission lets calls in one by one as
    // permits free, so few of them start with the limit full, and the limit never grew.
    const full = this.#rejected !== permit.rejectedAtStart;
    const next = this.#algorithm.update({
      now,
      rttMs,
      inflight: full ? Math.max(permit.inflightAtStart, this.#limit) : permit.inflightAtStart,
      dropped,
    });
    if (next !== this.#algorithmLimit) {
      this.#algorithmLimit = sanitize(next, this.#algorithmLimit);
      if (this.#staticLimit === 0) {
        this.#apply(
          this.#algorithmReason(next, now) ?? (
            `limit algorithm: ${dropped ? "dropped" : "ok"} call, rtt ${rttMs.toFixed(1)} ms ` +
            `at inflight ${permit.inflightAtStart}`
          ),
        );
      }
    }
  }

  /** The algorithm's own reason, when it reports one for this very change. */
  #algorithmReason(to: number, now: number): string | undefined {
    const last = (this.#algorithm as Partial<ReportingLimit>).lastDecision;
    if (last === undefined || last.to !== to || last.time !== now) return undefined;
    return `${last.source}: ${last.reason}`;
  }

  #effective(): number {
    if (this.#staticLimit > 0) return this.#staticLimit;
    return Math.min(this.#algorithmLimit, this.#ceiling);
  }

  /** Recomputes the limit; on a change, resizes the partitions, tells listeners and admits waiters. */
  #apply(reason: string): void {
    const to = this.#effective();
    const from = this.#limit;
    if (to === from) return;
    this.#limit = to;
    for (const p of this.#partitions) p.resize(to);
    const decision: Decision = { source: this.#source, from, to, reason, time: this.#clock() };
    // Waiters first: a listener that acquires must not take a new permit ahead of them.
    if (to > from) this.#drain();
    this.#emit("decision", decision);
  }

  #emit<K extends keyof AdaptiveLimiterEventMap>(
    type: K,
    detail: AdaptiveLimiterEventMap[K],
  ): void {
    this.#dispatch(new CustomEvent(type, { detail }));
  }

  #guarded<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    permit: LimiterPermit,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    classify: ((error: unknown) => "dropped" | "ignore") | undefined,
  ): Promise<T> {
    if (signal?.aborted) {
      // Aborted after the permit was granted, before the call began: it never starts. The permit
      // comes back as ignored; `aborted` counts only waits that ended without one, so the call is
      // counted once.
      permit.release("ignore");
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const controller = new AbortController();
      let timedOut = false;
      let timer: unknown;
      const stopTimer = (): void => {
        if (timer === undefined) return;
        this.#clearTimer(timer);
        timer = undefined;
      };
      // Whichever comes first, the caller's abort or the timeout, decides how the call counts.
      const onAbort = (): void => {
        stopTimer();
        controller.abort(signal?.reason);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeoutMs !== Infinity) {
        timer = this.#setTimer(() => {
          stopTimer();
          timedOut = true;
          signal?.removeEventListener("abort", onAbort);
          const error = new CallTimeoutError(this.#name, timeoutMs);
          controller.abort(error);
          reject(error);
        }, timeoutMs);
      }
      // The permit comes back once; if the limit algorithm throws on it, `run` rejects with that.
      const finish = (outcome: Outcome, end: () => void): void => {
        stopTimer();
        signal?.removeEventListener("abort", onAbort);
        try {
          permit.release(outcome);
        } catch (error) {
          reject(error);
          return;
        }
        end();
      };
      const failed = (error: unknown): void => {
        if (timedOut || signal?.aborted) {
          finish(timedOut ? "dropped" : "ignore", () => reject(error));
          return;
        }
        let outcome: Outcome = "dropped";
        let thrown = error;
        try {
          outcome = classified(classify, error);
        } catch (classifyError) {
          thrown = classifyError;
        }
        finish(outcome, () => reject(thrown));
      };
      try {
        Promise.resolve(fn(controller.signal)).then((value) => {
          finish(timedOut ? "dropped" : signal?.aborted ? "ignore" : "ok", () => resolve(value));
        }, failed);
      } catch (error) {
        failed(error);
      }
    });
  }
}
