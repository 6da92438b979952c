import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { AdaptiveLimiter } from "../../../src/control/limiter/adaptive-limiter.ts";
import { adaptiveMap, forEachAdaptive } from "../../../src/control/map/adaptive-map.ts";
import type { AdaptiveMapOptions } from "../../../src/control/map/adaptive-map.ts";
import { ConfigError } from "../../../src/config/config-error.ts";
import { ManualTime } from "../../monitor/manual-time.ts";
import { deferred, flush, watch } from "../limiter/helpers.ts";
import type { Deferred } from "../limiter/helpers.ts";

function limiter(limit: number): AdaptiveLimiter {
  const time = new ManualTime();
  return new AdaptiveLimiter({ limit, clock: time.clock, scheduler: time.scheduler });
}

/** Calls that wait until the test finishes them, counting how many run at once. */
function gate() {
  const open = new Map<number, Deferred<number>>();
  const started: number[] = [];
  const aborted: number[] = [];
  let running = 0;
  let peak = 0;
  const fn = async (item: number, _index: number, signal: AbortSignal): Promise<number> => {
    started.push(item);
    running++;
    peak = Math.max(peak, running);
    const d = deferred<number>();
    open.set(item, d);
    const onAbort = (): number => aborted.push(item);
    signal.addEventListener("abort", onAbort);
    try {
      return await d.promise;
    } finally {
      signal.removeEventListener("abort", onAbort);
      running--;
      open.delete(item);
    }
  };
  return {
    fn,
    started,
    aborted,
    get running() {
      return running;
    },
    get peak() {
      return peak;
    },
    resetPeak() {
      peak = running;
    },
    finish(item: number, value = item * 10) {
      open.get(item)?.resolve(value);
    },
    fail(item: number, error: unknown) {
      open.get(item)?.reject(error);
    },
    /** Finishes the oldest running call. */
    finishOldest() {
      const first = open.keys().next();
      if (!first.done) this.finish(first.value);
    },
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe("adaptiveMap()", () => {
  it("maps every item, in input order by default", async () => {
    const result = await adaptiveMap([3, 1, 2], async (n, i) => {
      await flush(n);
      return `${i}:${n * 2}`;
    }, { limiter: limiter(2) });
    assert.deepEqual(result, ["0:6", "1:2", "2:4"]);
  });

  it("returns results in completion order with ordered: false", async () => {
    const g = gate();
    const run = adaptiveMap([1, 2, 3], g.fn, { limiter: limiter(3), ordered: false });
    await flush();
    g.finish(3);
    await flush();
    g.finish(1);
    await flush();
    g.finish(2);
    assert.deepEqual(await run, [30, 10, 20]);
  });

  it("follows the limit as it moves during the run", async () => {
    const l = limiter(2);
    const g = gate();
    const run = adaptiveMap(range(40), g.fn, { limiter: l });
    await flush();
    assert.equal(g.running, 2);
    assert.equal(g.peak, 2);

    l.setStatic(5);
    await flush();
    assert.equal(g.running, 5, "a larger limit starts more calls at once");

    l.setStatic(1);
    g.resetPeak();
    for (let i = 0; i < 4; i++) {
      g.finishOldest();
      await flush();
    }
    assert.equal(g.running, 1, "running calls finished, none started in their place");
    for (let i = 0; i < 5; i++) {
      g.finishOldest();
      await flush();
      assert.equal(g.running, 1);
    }
    assert.equal(g.peak, 5, "no call started above the new limit");

    l.setStatic(3);
    await flush();
    assert.equal(g.running, 3);
    while (g.started.length < 40 || g.running > 0) {
      g.finishOldest();
      await flush();
      assert.ok(g.running <= 3);
    }
    const result = await run;
    assert.deepEqual(result, range(40).map((n) => n * 10));
    assert.equal(l.inflight, 0);
  });

  it("pulls items lazily, only as calls start", async () => {
    const pulled: number[] = [];
    function* source(): Generator<number> {
      for (let i = 0; i < 100; i++) {
        pulled.push(i);
        yield i;
      }
    }
    const g = gate();
    const run = adaptiveMap(source(), g.fn, { limiter: limiter(2) });
    await flush();
    assert.deepEqual(g.started, [0, 1]);
    assert.ok(pulled.length <= 3, `pulled ${pulled.length} items for 2 calls`);
    g.fail(0, new Error("stop"));
    g.finish(1);
    await assert.rejects(run, /stop/);
    assert.ok(pulled.length <= 3, `pulled ${pulled.length} items in all`);
  });

  it("maps an async iterable", async () => {
    async function* source(): AsyncGenerator<number> {
      for (let i = 1; i <= 3; i++) {
        await flush(1);
        yield i;
      }
    }
    assert.deepEqual(await adaptiveMap(source(), (n) => n + 1, { limit: 2 }), [2, 3, 4]);
  });

  it("rejects with the first error once every running call settled, aborting the rest", async () => {
    const l = limiter(3);
    const g = gate();
    const run = watch(adaptiveMap(range(10), g.fn, { limiter: l }));
    await flush();
    assert.deepEqual(g.started, [0, 1, 2]);
    g.fail(1, new Error("boom"));
    await flush();
    assert.deepEqual(g.aborted.sort(), [0, 2], "running calls see their signal abort");
    assert.equal(run.state, "pending", "calls 0 and 2 still run");
    g.fail(0, new Error("aborted"));
    g.finish(2);
    await flush();
    assert.equal(run.state, "rejected");
    assert.equal((run.reason as Error).message, "boom");
    assert.deepEqual(g.started, [0, 1, 2], "nothing started after the error");
    assert.equal(l.inflight, 0);
    assert.equal(l.stats().dropped, 1);
  });

  it("gives each call a signal of its own, so listeners a call leaves do not pile up", async () => {
    const seen: AbortSignal[] = [];
    await adaptiveMap(range(50), (i, _index, signal) => {
      seen.push(signal);
      signal.addEventListener("abort", () => {}, { once: true }); // never removed
      return i;
    }, { limiter: limiter(4) });
    assert.equal(new Set(seen).size, 50, "one map-wide signal gathered every call's listener");
    assert.ok(seen.every((signal) => !signal.aborted));
  });

  it("rejects with a sync throw of fn", async () => {
    await assert.rejects(
      adaptiveMap([1, 2], () => {
        throw new TypeError("sync");
      }, { limit: 1 }),
      TypeError,
    );
  });

  it("closes the source and rejects when items throws", async () => {
    let closed = false;
    const items: Iterable<number> = {
      [Symbol.iterator]() {
        let i = 0;
        return {
          next(): IteratorResult<number> {
            if (i === 2) throw new Error("source broke");
            return { done: false, value: i++ };
          },
          return(): IteratorResult<number> {
            closed = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    await assert.rejects(adaptiveMap(items, (n) => n, { limit: 4 }), /source broke/);
    assert.equal(closed, true);
  });

  it("stops on abort: rejects with the reason after running calls settle, and closes the source", async () => {
    let closed = false;
    function* source(): Generator<number> {
      try {
        for (let i = 0;; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const l = limiter(2);
    const g = gate();
    const controller = new AbortController();
    const run = watch(adaptiveMap(source(), g.fn, { limiter: l, signal: controller.signal }));
    await flush();
    controller.abort("enough");
    await flush();
    assert.deepEqual(g.aborted, [0, 1]);
    assert.equal(run.state, "pending");
    g.finish(0);
    g.finish(1);
    await flush();
    assert.equal(run.reason, "enough");
    assert.equal(closed, true);
    assert.equal(l.inflight, 0);
    assert.equal(l.waiting, 0);
  });

  it("stops on abort while an async source waits for its next item", async () => {
    let returned = false;
    const never = new Promise<IteratorResult<number>>(() => {});
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => never,
        return: () => {
          returned = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const controller = new AbortController();
    const run = watch(adaptiveMap(source, (n) => n, { limit: 2, signal: controller.signal }));
    await flush();
    controller.abort("enough");
    await flush();
    assert.equal(run.reason, "enough");
    assert.equal(returned, true);
  });

  it("waits for running calls and rejects with the abort reason when a stalled source's return() throws", async () => {
    let pulls = 0;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          pulls++ === 0
            ? Promise.resolve({ done: false, value: 0 })
            : new Promise<IteratorResult<number>>(() => {}),
        return: () => {
          throw new Error("return() failed");
        },
      }),
    };
    const l = limiter(2);
    const g = gate();
    const controller = new AbortController();
    const run = watch(adaptiveMap(source, g.fn, { limiter: l, signal: controller.signal }));
    await flush();
    assert.deepEqual(g.started, [0]);
    controller.abort("enough");
    await flush();
    assert.equal(run.state, "pending", "call 0 still runs");
    g.finish(0);
    await flush();
    assert.equal(run.state, "rejected");
    assert.equal(run.reason, "enough");
    assert.equal(l.inflight, 0);
  });

  it("rejects with a TypeError when the source gives a result that is not an object", async () => {
    const items: Iterable<number> = {
      [Symbol.iterator]() {
        let i = 0;
        return {
          next: () => (i < 2 ? { done: false, value: i++ } : undefined) as IteratorResult<number>,
        };
      },
    };
    await assert.rejects(
      adaptiveMap(items, (n) => n, { limit: 2 }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message === "Iterator result undefined is not an object",
    );

    const l = limiter(2);
    const g = gate();
    let pulls = 0;
    const asyncItems: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          Promise.resolve(
            (pulls++ === 0 ? { done: false, value: 0 } : null) as IteratorResult<number>,
          ),
      }),
    };
    const run = watch(adaptiveMap(asyncItems, g.fn, { limiter: l }));
    await flush();
    assert.equal(run.state, "pending", "call 0 still runs");
    g.finish(0);
    await flush();
    assert.ok(run.reason instanceof TypeError);
    assert.equal(run.reason.message, "Iterator result null is not an object");
    assert.equal(l.inflight, 0);
  });

  it("rejects with fn's error when the limit algorithm throws on the failed call's sample", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): number => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const l = new AdaptiveLimiter({
      limit: {
        limit: 2,
        update(sample) {
          if (sample.dropped) throw new Error("algorithm broke");
          return 2;
        },
      },
    });
    await assert.rejects(
      adaptiveMap([1, 2, 3], (n) => {
        if (n === 1) throw new Error("fn failed");
        return n;
      }, { limiter: l }),
      /fn failed/,
    );
    // Unhandled rejections are reported after a macrotask.
    await new Promise((resolve) => setTimeout(resolve, 5));
    process.off("unhandledRejection", onUnhandled);
    assert.deepEqual(unhandled, [], "the algorithm's error does not escape");
    assert.equal(l.inflight, 0);
    assert.equal(l.stats().dropped, 1);
  });

  it("rejects at once, calling nothing, with an already aborted signal", async () => {
    let calls = 0;
    await assert.rejects(
      adaptiveMap([1], () => calls++, { signal: AbortSignal.abort(new Error("early")) }),
      /early/,
    );
    assert.equal(calls, 0);
  });

  it("takes permits from the given partition", async () => {
    const l = new AdaptiveLimiter({ limit: 2, partitions: { batch: { share: 0.5 } } });
    assert.deepEqual(await adaptiveMap([1, 2], (n) => n, { limiter: l, partition: "batch" }), [
      1,
      2,
    ]);
    assert.equal(l.stats().acquired, 2);
    await assert.rejects(
      adaptiveMap([1], (n) => n, { limiter: l, partition: "bulk" }),
      (error: unknown) => error instanceof RangeError && /no partition "bulk"/.test(error.message),
    );
    assert.equal(l.inflight, 0);
  });

  it("waits for its permits however long the limiter's maxWaitMs, unless given its own", async () => {
    // A limiter shared with callers that must answer in time: 2 permits, a 50 ms wait at most.
    const l = new AdaptiveLimiter({ limit: 2, maxWaitMs: 50 });
    const slow = (n: number) => new Promise<number>((resolve) => setTimeout(() => resolve(n), 80));
    assert.deepEqual(await adaptiveMap([1, 2, 3, 4], slow, { limiter: l }), [1, 2, 3, 4]);
    assert.equal(l.stats().timedOut, 0, "the map waited on its own calls, past 50 ms");
    await assert.rejects(
      adaptiveMap([1, 2, 3, 4], slow, { limiter: l, maxWaitMs: 10 }),
      { name: "LimiterTimeoutError" },
    );
    assert.equal(l.inflight, 0);
  });

  it("validates its options", async () => {
    await assert.rejects(
      adaptiveMap([1], (n) => n, { limiter: limiter(1), limit: 2 }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /`limit` received 2, expected either `limiter` or `limit`/.test(error.message) &&
        !/"limiter"/.test(error.message), // not the whole options object
    );
    await assert.rejects(
      adaptiveMap([1], (n) => n, { signal: {} as AbortSignal }),
      (error: unknown) =>
        error instanceof ConfigError && /`signal` received \{\}, expected an AbortSignal/
          .test(error.message),
    );
    await assert.rejects(adaptiveMap([1], (n) => n, { ordered: "yes" as unknown as boolean }), {
      name: "ConfigError",
    });
    await assert.rejects(
      adaptiveMap([1], (n) => n, { maxWaitMs: -1 }),
      (error: unknown) =>
        error instanceof ConfigError && /`maxWaitMs` received -1, expected >=0/.test(error.message),
    );
    await assert.rejects(adaptiveMap([1], (n) => n, null as unknown as AdaptiveMapOptions), {
      name: "ConfigError",
      message: /adaptiveMap\(\) options/,
    });
  });

  it("names a bad `items` or `fn` in a ConfigError, hinting when fn is a promise", async () => {
    const pending = Promise.resolve(1);
    const calls: [string, () => Promise<unknown>, RegExp][] = [
      [
        "items",
        () => adaptiveMap(42 as unknown as number[], (n) => n),
        /^Cannot use adaptiveMap\(\): .*\n {2}- `items` received 42, expected an iterable or async iterable$/,
      ],
      [
        "items",
        () => adaptiveMap(null as unknown as number[], (n) => n),
        /^Cannot use adaptiveMap\(\): .*\n {2}- `items` received null, expected an iterable or async iterable$/,
      ],
      [
        "items",
        () => forEachAdaptive(undefined as unknown as number[], () => {}),
        /^Cannot use forEachAdaptive\(\): .*\n {2}- `items` received undefined, expected an iterable or async iterable$/,
      ],
      [
        "fn",
        () => adaptiveMap([1], pending as unknown as (n: number) => number),
        /^Cannot use adaptiveMap\(\): .*\n {2}- `fn` received a Promise, expected a function: pass a function, not its result \(a promise\)$/,
      ],
      [
        "fn",
        () => forEachAdaptive([1], undefined as unknown as (n: number) => void),
        /^Cannot use forEachAdaptive\(\): .*\n {2}- `fn` received undefined, expected a function$/,
      ],
    ];
    for (const [field, call, message] of calls) {
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof ConfigError, `${field}: ${error}`);
        assert.match(error.message, message);
        assert.deepEqual(error.issues.map((i) => i.path), [field]);
        return true;
      });
    }
  });
});

describe("forEachAdaptive()", () => {
  it("runs every item and resolves with nothing", async () => {
    const seen: number[] = [];
    const result = await forEachAdaptive([1, 2, 3], (n) => void seen.push(n), { limit: 2 });
    assert.equal(result, undefined);
    assert.deepEqual(seen, [1, 2, 3]);
  });
});
