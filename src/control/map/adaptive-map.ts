import * as v from "valibot";
import { custom, requirement } from "../../config/custom.ts";
import { fieldError } from "../../config/config-error.ts";
import { notAFunction } from "../../config/function-argument.ts";
import { parseOptions } from "../../config/parse.ts";
import { AdaptiveLimiter } from "../limiter/adaptive-limiter.ts";
import type { Permit } from "../limiter/permit.ts";
import type { Limit } from "../types.ts";

/** Options of {@link adaptiveMap} and {@link forEachAdaptive}. */
export interface AdaptiveMapOptions {
  /**
   * The limiter whose permits the calls take, shared with other work or
   * steered by a limit algorithm. Without one, the map makes its own from
   * `limit`.
   */
  readonly limiter?: AdaptiveLimiter;
  /** The limit of the map's own limiter, when no `limiter` is given. @default {headroomLimit()} */
  readonly limit?: Limit | number;
  /** Stops the map: nothing new starts, running calls see their signal abort. */
  readonly signal?: AbortSignal;
  /**
   * `true`: results in the order of `items`; `false`: in the order the calls
   * finished. @default {true}
   */
  readonly ordered?: boolean;
  /** The limiter partition the calls count against. */
  readonly partition?: string;
  /**
   * Longest wait for each permit, in ms; past it the map stops with a
   * `LimiterTimeoutError`. The limiter's own `maxWaitMs` is for callers that
   * must answer in time; a map waits its turn, mostly on its own calls.
   * @default {Infinity}
   */
  readonly maxWaitMs?: number;
}

/** The function each item goes through: the item, its index, and a signal that aborts when the map stops. */
export type MapFn<T, R> = (item: T, index: number, signal: AbortSignal) => R | PromiseLike<R>;

const optionsSchema = v.pipe(
  v.strictObject({
    limiter: v.optional(
      custom<AdaptiveLimiter>((input) => input instanceof AdaptiveLimiter, "an AdaptiveLimiter"),
    ),
    limit: v.optional(v.unknown()),
    signal: v.optional(
      custom<AbortSignal>((input) => input instanceof AbortSignal, "an AbortSignal"),
    ),
    ordered: v.optional(v.boolean(), true),
    partition: v.optional(v.string()),
    maxWaitMs: v.optional(v.pipe(v.number(), v.minValue(0)), Infinity),
  }),
  v.forward(
    requirement(
      (o) => o.limiter === undefined || o.limit === undefined,
      "either `limiter` or `limit`, not both",
    ),
    ["limit"],
  ),
);

type Pull<T> = () => IteratorResult<T> | Promise<IteratorResult<T>>;

/** What {@link unlessAborted} gives when the map stopped first: no source can give this. */
const ABORTED: unique symbol = Symbol("aborted");

/**
 * Runs `fn` over `items` with as many calls at once as `limiter` admits,
 * and resolves with the results. Items are pulled one at a time, only when
 * the previous one has started (and before waiting for its own permit:
 * an item pulled when the map stops never reaches `fn`), so an endless or
 * lazy source is fine. Each
 * call holds a permit while it runs, so the parallelism follows the
 * limiter's limit as it moves during the run: a larger limit starts more
 * calls at once, a smaller one lets running calls finish first.
 *
 * The first error (from `fn`, from `items`, or a permit that could not be
 * had) or an abort of `signal` stops the map: no new call starts, the
 * signal passed to running calls aborts, and the map rejects with that error
 * (or the signal's reason) once every running call has settled. Nothing is
 * left running when the promise settles; an async source still waiting for
 * its next item is asked to `return()`, without waiting for it.
 *
 * @example Fetch pages, at most as many at once as the limiter allows
 * ```ts
 * import { AdaptiveLimiter, adaptiveMap } from "@headroom/headroom";
 *
 * const limiter = new AdaptiveLimiter({ limit: 4 });
 * const sizes = await adaptiveMap(
 *   ["a", "b", "c"],
 *   async (id, _index, signal) => (await fetch(`https://example.com/${id}`, { signal })).status,
 *   { limiter },
 * );
 * console.log(sizes);
 * ```
 */
export async function adaptiveMap<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  fn: MapFn<T, R>,
  options: AdaptiveMapOptions = {},
): Promise<R[]> {
  const results: R[] = [];
  await drive(
    "adaptiveMap()",
    items,
    fn,
    options,
    (ordered) =>
      ordered ? (index, value) => void (results[index] = value) : (_, value) => results.push(value),
  );
  return results;
}

/**
 * {@link adaptiveMap} without the results: runs `fn` over `items` as the
 * limiter admits, and resolves once every call has finished.
 *
 * @example Process records with a live limit
 * ```ts
 * import { AdaptiveLimiter, forEachAdaptive } from "@headroom/headroom";
 *
 * const limiter = new AdaptiveLimiter({ limit: 2 });
 * let done = 0;
 * await forEachAdaptive([1, 2, 3, 4], async (n) => {
 *   if (n === 2) limiter.setStatic(4); // parallelism rises at once
 *   done++;
 * }, { limiter });
 * console.log(done); // 4
 * ```
 */
export async function forEachAdaptive<T>(
  items: Iterable<T> | AsyncIterable<T>,
  fn: MapFn<T, unknown>,
  options: AdaptiveMapOptions = {},
): Promise<void> {
  await drive("forEachAdaptive()", items, fn, options, () => () => {});
}

function puller<T>(target: string, items: Iterable<T> | AsyncIterable<T>): {
  next: Pull<T>;
  close: () => unknown;
} {
  // `?.`: null and undefined are bad input like 42, not a TypeError of our own.
  if (typeof (items as AsyncIterable<T> | null)?.[Symbol.asyncIterator] === "function") {
    const iterator = (items as AsyncIterable<T>)[Symbol.asyncIterator]();
    return { next: () => iterator.next(), close: () => iterator.return?.() };
  }
  if (typeof (items as Iterable<T> | null)?.[Symbol.iterator] === "function") {
    const iterator = (items as Iterable<T>)[Symbol.iterator]();
    return { next: () => iterator.next(), close: () => iterator.return?.() };
  }
  throw fieldError(target, "items", items, "an iterable or async iterable");
}

/**
 * The item `pulled` gives, or `ABORTED` as soon as `signal` aborts: a
 * source that has nothing to give yet must not hold a stopped map open.
 */
function unlessAborted<T>(
  pulled: IteratorResult<T> | Promise<IteratorResult<T>>,
  signal: AbortSignal,
): IteratorResult<T> | Promise<IteratorResult<T> | typeof ABORTED> {
  if (!(pulled instanceof Promise)) return pulled;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    pulled.then((item) => {
      signal.removeEventListener("abort", onAbort);
      resolve(item);
    }, (error: unknown) => {
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}

/**
 * The map itself, for `target` (`adaptiveMap()` or `forEachAdaptive()`, as
 * errors name it): `collect` makes the function that keeps each result.
 */
async function drive<T, R>(
  target: string,
  items: Iterable<T> | AsyncIterable<T>,
  fn: MapFn<T, R>,
  options: AdaptiveMapOptions,
  collect: (ordered: boolean) => (index: number, value: R) => void,
): Promise<void> {
  const notFn = notAFunction(target, "fn", fn);
  if (notFn !== undefined) throw notFn;
  const o = parseOptions(optionsSchema, options, `${target} options`);
  const store = collect(o.ordered);
  const limiter = o.limiter ??
    new AdaptiveLimiter(o.limit === undefined ? {} : { limit: o.limit as Limit | number });
  const source = puller(target, items);
  const controller = new AbortController();
  const signal = controller.signal;
  const outer = o.signal;
  let failure: { readonly error: unknown } | undefined;
  const fail = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = { error };
    controller.abort(error);
  };
  const onAbort = (): void => fail(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener("abort", onAbort, { once: true });

  let active = 0;
  let idle: (() => void) | undefined;
  const start = async (item: T, index: number, permit: Permit): Promise<void> => {
    // Each call gets a signal of its own that aborts with the map's: listeners a call leaves on
    // it go with the call, instead of piling up on the map's signal (each add then slower).
    const own = new AbortController();
    const relay = (): void => own.abort(signal.reason);
    signal.addEventListener("abort", relay, { once: true });
    try {
      const value = await fn(item, index, own.signal);
      permit.release("ok");
      if (failure === undefined) store(index, value);
    } catch (error) {
      const outcome = signal.aborted ? "ignore" : "dropped";
      // Stop first, so the permit this frees does not start another item.
      fail(error);
      try {
        permit.release(outcome);
      } catch {
        // A limit algorithm that throws on the sample: the permit is back, and fn's error stands.
      }
    } finally {
      signal.removeEventListener("abort", relay);
      if (--active === 0) idle?.();
    }
  };

  const acquire = o.partition === undefined
    ? { signal, maxWaitMs: o.maxWaitMs }
    : { signal, maxWaitMs: o.maxWaitMs, partition: o.partition };
  let exhausted = false;
  let stalled = false; // stopped while the source was still producing its next item
  try {
    for (let index = 0; failure === undefined; index++) {
      const next = await unlessAborted(source.next(), signal);
      if (next === ABORTED) {
        stalled = true;
        break;
      }
      if (Object(next) !== next) {
        // As a for-of does: a source breaking the protocol is an error, not the end of the items.
        throw new TypeError(`Iterator result ${String(next)} is not an object`);
      }
      if (next.done) {
        exhausted = true;
        break;
      }
      if (failure !== undefined) break;
      const permit = await limiter.acquire(acquire);
      if (failure !== undefined) {
        permit.release("ignore");
        break;
      }
      active++;
      start(next.value, index, permit);
    }
  } catch (error) {
    fail(error);
  }
  if (stalled) {
    // An async generator answers return() only after its pending next(): ask, do not wait.
    // Its failure, even a synchronous throw, is dropped: the map already has its error.
    new Promise((resolve) => resolve(source.close())).catch(() => {});
  } else if (!exhausted) {
    try {
      await source.close();
    } catch (error) {
      fail(error);
    }
  }
  if (active > 0) await new Promise<void>((resolve) => (idle = resolve));
  outer?.removeEventListener("abort", onAbort);
  if (failure !== undefined) throw failure.error;
}
