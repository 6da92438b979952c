import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AdaptiveLimiter } from "../../../src/control/limiter/adaptive-limiter.ts";
import type { AdaptiveLimiterOptions } from "../../../src/control/limiter/options.ts";
import {
  CallTimeoutError,
  LimiterQueueFullError,
  LimiterTimeoutError,
} from "../../../src/control/limiter/errors.ts";
import type { Permit } from "../../../src/control/limiter/permit.ts";
import type { Decision, ResourcePolicy } from "../../../src/control/types.ts";
import { ConfigError } from "../../../src/config/config-error.ts";
import { ManualTime } from "../../monitor/manual-time.ts";
import { deferred, flush, holdingScheduler, sampleAt, steeredLimit, watch } from "./helpers.ts";

function setup(options: AdaptiveLimiterOptions = {}) {
  const time = new ManualTime();
  const limiter = new AdaptiveLimiter({
    clock: time.clock,
    scheduler: time.scheduler,
    ...options,
  });
  const decisions: Decision[] = [];
  limiter.on("decision", (d) => decisions.push(d));
  return { time, limiter, decisions };
}

describe("AdaptiveLimiter", () => {
  describe("acquire() and release()", () => {
    it("gives permits while fewer than the limit are out, then queues", async () => {
      const { limiter } = setup({ limit: 2 });
      const a = await limiter.acquire();
      const b = await limiter.acquire();
      assert.equal(limiter.inflight, 2);
      const c = watch(limiter.acquire());
      await flush();
      assert.equal(c.state, "pending");
      assert.equal(limiter.waiting, 1);
      a.release();
      await flush();
      assert.equal(c.state, "fulfilled");
      assert.equal(limiter.inflight, 2);
      assert.equal(limiter.waiting, 0);
      b.release();
      c.value?.release();
      assert.equal(limiter.inflight, 0);
    });

    it("serves waiters oldest first by default, newest first with order: lifo", async () => {
      for (const [order, expected] of [["fifo", [1, 2, 3]], ["lifo", [3, 2, 1]]] as const) {
        const { limiter } = setup({ limit: 1, order });
        const held = await limiter.acquire();
        const served: number[] = [];
        const waits = [1, 2, 3].map((n) =>
          limiter.acquire().then((permit) => {
            served.push(n);
            permit.release();
          })
        );
        held.release();
        await Promise.all(waits);
        assert.deepEqual(served, expected, order);
      }
    });

    it("counts a double release once, and dispose after release does nothing", async () => {
      const { limiter } = setup({ limit: 1 });
      const permit = await limiter.acquire();
      const waiter = watch(limiter.acquire());
      permit.release("dropped");
      permit.release();
      permit[Symbol.dispose]();
      assert.equal(permit.released, true);
      await flush();
      assert.equal(waiter.state, "fulfilled");
      assert.equal(limiter.inflight, 1);
      const stats = limiter.stats();
      assert.equal(stats.dropped, 1);
      assert.equal(stats.ok, 0);
    });

    it("releases as ok when a `using` block ends", async () => {
      const limit = steeredLimit(3);
      const { limiter, time } = setup({ limit });
      {
        using permit = await limiter.acquire();
        assert.equal(permit.released, false);
        time.block(7);
      }
      assert.equal(limiter.inflight, 0);
      assert.deepEqual(limit.samples, [{ now: 7, rttMs: 7, inflight: 1, dropped: false }]);
    });

    it("feeds each released permit to the limit: rtt, inflight at start, dropped; not ignore", async () => {
      const limit = steeredLimit(4);
      const { limiter, time } = setup({ limit });
      const a = await limiter.acquire();
      time.block(2);
      const b = await limiter.acquire();
      time.block(3);
      b.release("dropped");
      a.release("ignore");
      assert.deepEqual(limit.samples, [{ now: 5, rttMs: 3, inflight: 2, dropped: true }]);
      const stats = limiter.stats();
      assert.deepEqual([stats.ok, stats.dropped, stats.ignored], [0, 1, 1]);
    });

    it("rejects at once with the signal's reason when it is already aborted", async () => {
      const { limiter } = setup({ limit: 1 });
      const reason = new Error("stop");
      await assert.rejects(limiter.acquire({ signal: AbortSignal.abort(reason) }), reason);
      assert.equal(limiter.inflight, 0);
      assert.equal(limiter.stats().aborted, 1);
    });

    it("removes an aborted waiter at once and rejects with the reason", async () => {
      const { limiter, time } = setup({ limit: 1, maxWaitMs: 100 });
      const held = await limiter.acquire();
      const controller = new AbortController();
      const waiting = watch(limiter.acquire({ signal: controller.signal }));
      const next = watch(limiter.acquire());
      assert.equal(limiter.waiting, 2);
      assert.equal(time.pending, 2);
      controller.abort("gone");
      assert.equal(limiter.waiting, 1);
      assert.equal(time.pending, 1, "its max-wait timer is cleared");
      held.release();
      await flush();
      assert.equal(waiting.state, "rejected");
      assert.equal(waiting.reason, "gone");
      assert.equal(next.state, "fulfilled", "the permit went to the next waiter");
      assert.equal(limiter.inflight, 1);
    });

    it("refuses a signal that is not an AbortSignal with a ConfigError, before it queues", async () => {
      const { limiter } = setup({ limit: 1 });
      const held = await limiter.acquire();
      const notSignal = (value: unknown) => (error: unknown) =>
        error instanceof ConfigError && error.issues[0]?.path === "signal" &&
        error.message.includes(`\`signal\` received ${value}, expected an AbortSignal`);
      await assert.rejects(
        limiter.acquire({ signal: null as unknown as AbortSignal }),
        notSignal("null"),
      );
      await assert.rejects(
        limiter.run(() => 1, { signal: {} as AbortSignal }),
        notSignal("{}"),
      );
      assert.equal(limiter.waiting, 0, "no dead waiter is left in the queue");
      held.release();
      await flush();
      assert.equal(limiter.inflight, 0, "the freed permit went to no one");
      const permit = limiter.tryAcquire();
      assert.ok(permit);
      permit.release();
    });

    it("rejects with LimiterTimeoutError after maxWaitMs, with the facts", async () => {
      const { limiter, time } = setup({ limit: 1, maxWaitMs: 50, name: "db" });
      const rejects: string[] = [];
      limiter.on("reject", (r) => rejects.push(r.reason));
      const held = await limiter.acquire();
      const waiting = watch(limiter.acquire());
      time.advance(49);
      await flush();
      assert.equal(waiting.state, "pending");
      time.advance(1);
      await flush();
      assert.equal(waiting.state, "rejected");
      const error = waiting.reason;
      assert.ok(error instanceof LimiterTimeoutError);
      assert.equal(error.waitedMs, 50);
      assert.equal(error.maxWaitMs, 50);
      assert.equal(error.limit, 1);
      assert.equal(error.inflight, 1);
      assert.equal(error.limiter, "db");
      assert.match(error.message, /waited 50 ms \(maxWaitMs 50\)/);
      assert.equal(limiter.waiting, 0);
      assert.deepEqual(rejects, ["timeout"]);
      held.release();
      assert.equal(limiter.inflight, 0, "the timed-out waiter got no permit");
      assert.equal(limiter.stats().timedOut, 1);
    });

    it("rounds the durations its error messages print, not the figures they carry", () => {
      const timeout = new LimiterTimeoutError("db", "reads", 50.75790999999998, 50, 4, 4);
      assert.equal(timeout.waitedMs, 50.75790999999998);
      assert.match(timeout.message, /: waited 51 ms \(maxWaitMs 50\) while 4 calls/);
      assert.match(
        new LimiterTimeoutError("db", undefined, 2.5417, 2.5, 1, 1).message,
        /waited 2\.5 ms/,
      );
      const call = new CallTimeoutError("db", 12.000000000000002);
      assert.equal(call.timeoutMs, 12.000000000000002);
      assert.match(call.message, /ran past timeoutMs 12; /);
    });

    it("lets a call override maxWaitMs, and 0 means never wait", async () => {
      const { limiter, time } = setup({ limit: 1, maxWaitMs: 1000 });
      const held = await limiter.acquire();
      await assert.rejects(limiter.acquire({ maxWaitMs: 0 }), LimiterTimeoutError);
      const short = watch(limiter.acquire({ maxWaitMs: 10 }));
      time.advance(10);
      await flush();
      assert.ok(short.reason instanceof LimiterTimeoutError);
      held.release();
    });

    it("holds the process open while a bounded wait or a call timeout runs", async () => {
      const time = new ManualTime();
      const scheduler = holdingScheduler(time);
      const limiter = new AdaptiveLimiter({ limit: 1, clock: time.clock, scheduler });
      const permit = await limiter.acquire();
      const forever = watch(limiter.acquire());
      assert.equal(scheduler.held, 0, "an unbounded wait has no timer to end it");
      const bounded = watch(limiter.acquire({ maxWaitMs: 100 }));
      assert.equal(scheduler.held, 1);
      time.advance(100);
      await flush();
      assert.ok(bounded.reason instanceof LimiterTimeoutError);
      assert.equal(scheduler.held, 0);
      permit.release();
      await flush();
      (forever.value as Permit).release();
      const call = watch(limiter.run(() => new Promise(() => {}), { timeoutMs: 50 }));
      await flush();
      assert.equal(scheduler.held, 1);
      time.advance(50);
      await flush();
      assert.ok(call.reason instanceof CallTimeoutError);
      assert.equal(scheduler.held, 0);
    });

    it("refuses with LimiterQueueFullError once maxQueue calls wait", async () => {
      const { limiter } = setup({ limit: 1, maxQueue: 1 });
      const held = await limiter.acquire();
      const first = watch(limiter.acquire());
      await assert.rejects(limiter.acquire(), (error: unknown) => {
        assert.ok(error instanceof LimiterQueueFullError);
        assert.equal(error.waiting, 1);
        assert.equal(error.maxQueue, 1);
        assert.match(error.message, /maxQueue 1/);
        return true;
      });
      assert.equal(limiter.stats().rejected, 1);
      held.release();
      await flush();
      assert.equal(first.state, "fulfilled");
    });
  });

  describe("tryAcquire()", () => {
    it("returns a permit only while one is free", () => {
      const { limiter } = setup({ limit: 1 });
      const permit = limiter.tryAcquire();
      assert.ok(permit);
      assert.equal(limiter.tryAcquire(), undefined);
      assert.equal(limiter.stats().rejected, 1);
      permit.release();
      assert.ok(limiter.tryAcquire());
    });

    it("tells the algorithm the limit was full while calls were refused", () => {
      const seen: number[] = [];
      const limit = { limit: 4, update: (s: { inflight: number }) => (seen.push(s.inflight), 4) };
      const { limiter } = setup({ limit });
      // No refusal: each call reports what it found in flight.
      for (const permit of [limiter.tryAcquire()!, limiter.tryAcquire()!]) permit.release();
      assert.deepEqual(seen.splice(0), [1, 2]);
      // A refusal while they ran: the limit was full, whatever each found when it started.
      const permits = [1, 2, 3, 4].map(() => limiter.tryAcquire()!);
      assert.equal(limiter.tryAcquire(), undefined);
      for (const permit of permits) permit.release();
      assert.deepEqual(seen.splice(0), [4, 4, 4, 4]);
      limiter.tryAcquire()!.release();
      assert.deepEqual(seen, [1], "a call after the refusals has only its own");
    });

    it("grows the default limit when shedding at once keeps it full", () => {
      const { limiter, time } = setup();
      const start = limiter.limit;
      // Flat 10 ms calls, more callers than permits, every surplus call refused at once.
      for (let round = 0; round < 400; round++) {
        const permits = [];
        for (let permit = limiter.tryAcquire(); permit; permit = limiter.tryAcquire()) {
          permits.push(permit);
          if (permits.length === 2) time.advance(1); // admitted a little apart, as requests are
        }
        time.advance(10);
        for (const permit of permits) permit.release("ok");
      }
      assert.ok(limiter.limit > start, `stayed at ${limiter.limit}`);
    });
  });

  describe("a moving limit", () => {
    it("admits waiters at once when the limit grows", async () => {
      const limit = steeredLimit(1);
      const { limiter, decisions } = setup({ limit });
      const held = await limiter.acquire();
      const waiters = [1, 2, 3].map(() => watch(limiter.acquire()));
      limit.limit = 4;
      held.release();
      await flush();
      assert.deepEqual(waiters.map((w) => w.state), ["fulfilled", "fulfilled", "fulfilled"]);
      assert.equal(limiter.inflight, 3);
      assert.equal(decisions.length, 1);
      assert.equal(decisions[0]?.from, 1);
      assert.equal(decisions[0]?.to, 4);
      assert.equal(decisions[0]?.source, "limiter:default");
      assert.match(decisions[0]?.reason ?? "", /limit algorithm: ok call/);
    });

    it("lets in-flight work finish when the limit shrinks, and gives no permit until below it", async () => {
      const { limiter } = setup({ limit: 4 });
      const permits = await Promise.all([1, 2, 3, 4].map(() => limiter.acquire()));
      limiter.setStatic(2);
      assert.equal(limiter.limit, 2);
      assert.equal(limiter.inflight, 4);
      const waiter = watch(limiter.acquire());
      permits[0]?.release();
      permits[1]?.release();
      await flush();
      assert.equal(waiter.state, "pending", "2 still in flight at limit 2");
      permits[2]?.release();
      await flush();
      assert.equal(waiter.state, "fulfilled");
      assert.equal(limiter.inflight, 2);
    });

    it("hands a freed permit to a waiter even when the limit algorithm throws", async () => {
      const limit = steeredLimit(1);
      const { limiter } = setup({ limit });
      const held = await limiter.acquire();
      const waiter = watch(limiter.acquire());
      limit.update = () => {
        throw new Error("algorithm broke");
      };
      assert.throws(() => held.release(), /algorithm broke/);
      await flush();
      assert.equal(waiter.state, "fulfilled");
      assert.deepEqual([limiter.inflight, limiter.waiting], [1, 0]);
      assert.throws(() => (waiter.value as Permit).release(), /algorithm broke/);
      await assert.rejects(limiter.run(() => "ok"), /algorithm broke/, "run() reports it too");
      await assert.rejects(
        limiter.run(() => "ok", { timeoutMs: 50 }),
        /algorithm broke/,
        "and so does a run with a timeout",
      );
      assert.equal(limiter.inflight, 0);
    });

    it("serves waiters before a decision listener that acquires", async () => {
      const { limiter } = setup({ limit: 1 });
      await limiter.acquire();
      const order: string[] = [];
      void limiter.acquire().then(() => order.push("waiter"));
      limiter.on("decision", () => void limiter.acquire().then(() => order.push("listener")));
      limiter.setStatic(2);
      await flush();
      assert.deepEqual(order, ["waiter"]);
      assert.equal(limiter.waiting, 1);
    });

    it("takes the algorithm's own reason when it reports one", async () => {
      let limit = 2;
      const reporting = {
        get limit() {
          return limit;
        },
        lastDecision: undefined as Decision | undefined,
        update(s: { now: number }): number {
          limit = 3;
          reporting.lastDecision = { source: "aimd", from: 2, to: 3, reason: "+1", time: s.now };
          return limit;
        },
      };
      const { limiter, decisions } = setup({ limit: reporting });
      (await limiter.acquire()).release();
      assert.equal(decisions[0]?.reason, "aimd: +1");
    });

    it("pins the limit with setStatic() and hands back to the algorithm with setAdaptive()", async () => {
      const limit = steeredLimit(5);
      const { limiter, decisions } = setup({ limit });
      assert.equal(limiter.mode, "adaptive");
      limiter.setStatic(2);
      assert.equal(limiter.mode, "static");
      limit.limit = 9;
      (await limiter.acquire()).release();
      assert.equal(limiter.limit, 2, "the algorithm does not move a static limit");
      assert.equal(limit.samples.length, 1, "but keeps seeing calls");
      limiter.setAdaptive();
      assert.equal(limiter.limit, 9);
      limiter.setStatic(3);
      limiter.setStatic(0);
      assert.equal(limiter.mode, "adaptive", "0 means adaptive");
      assert.deepEqual(
        decisions.map((d) => [d.from, d.to]),
        [[5, 2], [2, 9], [9, 3], [3, 9]],
      );
      assert.match(decisions[0]?.reason ?? "", /static override: 2 permits/);
      for (
        const [bad, shown] of [[1.5, "1.5"], [Number.NaN, "NaN"], ["3", '"3"'], [
          Infinity,
          "Infinity",
        ]]
      ) {
        assert.throws(
          () => limiter.setStatic(bad as number),
          (e: unknown) =>
            e instanceof ConfigError &&
            e.message.includes(
              `\`limit\` received ${shown}, expected a whole number >= 1, or <= 0 for adaptive`,
            ),
          String(bad),
        );
      }
      assert.equal(limiter.mode, "adaptive", "a bad value changes nothing");
    });

    it("takes an algorithm's answer below 1 as 1 permit, and one that is not a number as none", async () => {
      const answers = [0, 0.5, Number.NaN, -3, 2.5];
      const custom = { limit: 10, update: (): number => answers.shift()! };
      const { limiter } = setup({ limit: custom });
      const seen: number[] = [];
      for (let i = 0; i < 5; i++) {
        (await limiter.acquire()).release();
        seen.push(limiter.limit);
      }
      assert.deepEqual(seen, [1, 1, 1, 1, 2], "0 and 0.5 shed load to 1; NaN keeps 1; 2.5 is 2");
    });

    it("starts static when staticLimit is configured above 0", () => {
      assert.equal(setup({ limit: 8, staticLimit: 3 }).limiter.limit, 3);
      assert.equal(setup({ limit: 8, staticLimit: 0 }).limiter.limit, 8);
    });

    it("caps the limit at the policy's ceiling on each monitor sample", () => {
      const monitor = new EventTarget() as EventTarget & { latest?: undefined };
      const policy: ResourcePolicy = {
        ceiling: (sample, current) => (sample.level === "high" ? 2 : current),
      };
      const { limiter, decisions } = setup({ limit: 6, monitor, policy });
      monitor.dispatchEvent(
        new CustomEvent("sample", { detail: sampleAt("high", 0, ["memory 91% >= 85% (high)"]) }),
      );
      assert.equal(limiter.limit, 2);
      assert.equal(
        decisions[0]?.reason,
        "policy ceiling 2 at high pressure (memory 91% >= 85% (high))",
      );
      monitor.dispatchEvent(new CustomEvent("sample", { detail: sampleAt("none") }));
      assert.equal(limiter.limit, 6);
      limiter[Symbol.dispose]();
      monitor.dispatchEvent(new CustomEvent("sample", { detail: sampleAt("high") }));
      assert.equal(limiter.limit, 6, "a disposed limiter no longer listens");
    });

    it("ignores a policy ceiling that is NaN or not a number", async () => {
      const ceilings: unknown[] = [2, undefined, Number.NaN, "3", null];
      const policy = { ceiling: () => ceilings.shift() } as unknown as ResourcePolicy;
      const { limiter } = setup({ limit: 4, policy });
      limiter.observe(sampleAt("high"));
      assert.equal(limiter.limit, 2);
      for (let i = 0; i < 4; i++) {
        limiter.observe(sampleAt("none"));
        assert.equal(limiter.limit, 2, "the last good ceiling holds");
      }
      const permits = [await limiter.acquire(), await limiter.acquire()];
      for (const permit of permits) permit.release();
    });

    it("feeds samples to a limit that observes them", () => {
      let seen = 0;
      const aware = {
        limit: 4,
        update: (): number => aware.limit,
        observe(): number {
          seen++;
          aware.limit = 1;
          return 1;
        },
      };
      const { limiter } = setup({ limit: aware });
      limiter.observe(sampleAt("critical"));
      assert.equal(seen, 1);
      assert.equal(limiter.limit, 1);
    });
  });

  describe("run()", () => {
    it("times the call and counts it ok", async () => {
      const limit = steeredLimit(2);
      const { limiter, time } = setup({ limit });
      const result = await limiter.run(async () => {
        await flush(1);
        time.block(12);
        return "done";
      });
      assert.equal(result, "done");
      assert.deepEqual(limit.samples, [{ now: 12, rttMs: 12, inflight: 1, dropped: false }]);
      assert.equal(limiter.inflight, 0);
    });

    it("counts a rejection or a sync throw as dropped, or as classified", async () => {
      const limit = steeredLimit(2);
      const { limiter } = setup({ limit });
      await assert.rejects(limiter.run(() => Promise.reject(new Error("503"))), /503/);
      await assert.rejects(
        limiter.run(() => {
          throw new Error("sync");
        }),
        /sync/,
      );
      await assert.rejects(
        limiter.run(() => Promise.reject(new Error("bad input")), { classify: () => "ignore" }),
      );
      assert.deepEqual(limit.samples.map((s) => s.dropped), [true, true]);
      assert.equal(limiter.stats().ignored, 1);
      assert.equal(limiter.inflight, 0);
    });

    it("rejects with CallTimeoutError after timeoutMs, aborts the call and counts it dropped", async () => {
      const limit = steeredLimit(2);
      const { limiter, time } = setup({ limit });
      const work = deferred<string>();
      let seen: AbortSignal | undefined;
      const result = watch(limiter.run((signal) => {
        seen = signal;
        return work.promise;
      }, { timeoutMs: 100 }));
      await flush();
      time.advance(100);
      await flush();
      assert.ok(result.reason instanceof CallTimeoutError);
      assert.equal(seen?.aborted, true);
      assert.equal(seen?.reason, result.reason);
      assert.equal(limiter.inflight, 1, "the permit returns when the call settles");
      work.resolve("late");
      await flush();
      assert.equal(limiter.inflight, 0);
      assert.deepEqual(limit.samples.map((s) => s.dropped), [true]);
      assert.equal(time.pending, 0);
    });

    it("settles at once when the caller aborts, and counts the call as ignored", async () => {
      const limit = steeredLimit(2);
      const { limiter, time } = setup({ limit });
      const controller = new AbortController();
      const work = deferred<string>();
      let seen: AbortSignal | undefined;
      const result = watch(limiter.run((signal) => {
        seen = signal;
        return work.promise;
      }, { signal: controller.signal, timeoutMs: 100 }));
      await flush();
      controller.abort("cancelled");
      await flush();
      assert.equal(result.reason, "cancelled");
      assert.equal(seen?.reason, "cancelled");
      work.reject(new Error("aborted"));
      await flush();
      assert.equal(limiter.inflight, 0);
      assert.equal(limit.samples.length, 0);
      assert.equal(limiter.stats().ignored, 1);
      assert.equal(time.pending, 0, "the timeout timer is cleared");
    });

    it("counts a call aborted by its caller as ignored even when it then runs past timeoutMs", async () => {
      const limit = steeredLimit(2);
      const { limiter, time } = setup({ limit });
      const controller = new AbortController();
      const work = deferred<string>();
      const result = watch(limiter.run(() => work.promise, {
        signal: controller.signal,
        timeoutMs: 100,
      }));
      await flush();
      controller.abort("cancelled");
      time.advance(150);
      work.resolve("late");
      await flush();
      assert.equal(result.reason, "cancelled");
      assert.equal(limit.samples.length, 0, "no congestion sample for the caller's abort");
      assert.deepEqual([limiter.stats().ignored, limiter.stats().dropped], [1, 0]);
    });

    it("does not start the call when the signal aborts between the grant and the start", async () => {
      const { limiter } = setup({ limit: 1 });
      const held = await limiter.acquire();
      const controller = new AbortController();
      let called = false;
      const result = watch(limiter.run(() => {
        called = true;
      }, { signal: controller.signal }));
      held.release(); // grants the waiter; run() starts the call a microtask later
      controller.abort("late");
      await flush();
      assert.equal(result.reason, "late");
      assert.equal(called, false);
      // It got its permit, so it did not give up waiting: counted once, as an ignored permit.
      const stats = limiter.stats();
      assert.deepEqual([stats.inflight, stats.aborted, stats.ignored], [0, 0, 1]);
    });

    it("does not call classify for a timeout", async () => {
      const { limiter, time } = setup({ limit: 1 });
      const seen: unknown[] = [];
      const work = deferred<string>();
      const result = watch(limiter.run(() => work.promise, {
        timeoutMs: 10,
        classify: (error) => (seen.push(error), "ignore"),
      }));
      await flush();
      time.advance(10);
      work.reject(new Error("gave up"));
      await flush();
      assert.ok(result.reason instanceof CallTimeoutError);
      assert.deepEqual(seen, []);
      assert.equal(limiter.stats().dropped, 1);
    });

    it("gives the permit back and rejects with classify's error when classify throws", async () => {
      const { limiter } = setup({ limit: 1 });
      const classify = (): "dropped" => {
        throw new Error("classify broke");
      };
      const fail = () => Promise.reject(new Error("503"));
      await assert.rejects(limiter.run(fail, { classify }), /classify broke/);
      await assert.rejects(limiter.run(fail, { classify, timeoutMs: 50 }), /classify broke/);
      assert.equal(limiter.inflight, 0);
      assert.equal(limiter.stats().dropped, 2);
    });

    it("refuses a classify result it does not know, still giving the permit back", async () => {
      const { limiter } = setup({ limit: 1 });
      const classify = (() => "ignored") as unknown as () => "ignore";
      const fail = () => Promise.reject(new Error("503"));
      for (const options of [{ classify }, { classify, timeoutMs: 50 }]) {
        await assert.rejects(
          limiter.run(fail, options),
          (error: unknown) =>
            error instanceof TypeError && (error.cause as Error).message === "503" &&
            /classify\(\) returned "ignored", expected "dropped" or "ignore"/.test(error.message),
        );
      }
      assert.equal(limiter.inflight, 0);
      assert.deepEqual([limiter.stats().ok, limiter.stats().dropped], [0, 2]);
    });

    it("refuses a release outcome it does not know, still giving the permit back", async () => {
      const { limiter } = setup({ limit: 1 });
      const permit = await limiter.acquire();
      assert.throws(
        () => permit.release("timeout" as never),
        /permit.release\(\): outcome received "timeout", expected "ok", "dropped" or "ignore"/,
      );
      assert.equal(permit.released, true);
      assert.equal(limiter.inflight, 0);
      assert.deepEqual([limiter.stats().ok, limiter.stats().ignored], [0, 1]);
      assert.doesNotThrow(() => permit.release("timeout" as never)); // released once, as documented
    });

    it("refuses a bad per-call maxWaitMs or timeoutMs with a ConfigError", async () => {
      const { limiter } = setup({ limit: 1 });
      await assert.rejects(
        limiter.acquire({ maxWaitMs: Number.NaN }),
        (error: unknown) =>
          error instanceof ConfigError && /`maxWaitMs` received NaN/.test(error.message),
      );
      await assert.rejects(
        limiter.run(() => 1, { timeoutMs: -5 }),
        (error: unknown) =>
          error instanceof ConfigError && /`timeoutMs` received -5, expected a number >= 0/
            .test(error.message),
      );
      assert.equal(limiter.inflight, 0);
    });

    it("refuses a per-call option it does not know, as p-queue's timeout, naming it", async () => {
      const { limiter } = setup({ limit: 1 });
      let calls = 0;
      await assert.rejects(
        limiter.run(() => calls++, { timeout: 10 } as never),
        (error: unknown) =>
          error instanceof ConfigError &&
          /`timeout` received 10, no such option \(check the spelling\); it takes `signal`, `partition`, `maxWaitMs`, `timeoutMs`, `classify`/
            .test(error.message),
      );
      await assert.rejects(
        limiter.acquire({ maxWait: 5 } as never),
        (error: unknown) =>
          error instanceof ConfigError && /`maxWait` received 5/.test(error.message),
      );
      assert.throws(
        () => limiter.tryAcquire({ partiton: "a" } as never),
        (error: unknown) => error instanceof ConfigError && /`partiton`/.test(error.message),
      );
      assert.equal(calls, 0);
      assert.equal(limiter.inflight, 0);
      // The options it does take still work, run()'s through its own acquire.
      assert.equal(await limiter.run(() => 7, { timeoutMs: 1000, maxWaitMs: 10 }), 7);
    });

    it("refuses a classify that is not a function with a ConfigError, before the call runs", async () => {
      const { limiter } = setup({ limit: 1 });
      let calls = 0;
      await assert.rejects(
        limiter.run(() => calls++, { classify: "ignore" as never }),
        (error: unknown) =>
          error instanceof ConfigError &&
          /`classify` received "ignore", expected a function/.test(error.message),
      );
      assert.equal(calls, 0);
      assert.equal(limiter.stats().acquired, 0);
    });

    it("refuses an fn that is not a function with a ConfigError, counting nothing", async () => {
      const { limiter, decisions } = setup();
      const before = limiter.stats();
      const price = Promise.resolve(42);
      const namesFn = (received: string, hint: RegExp) => (error: unknown): boolean =>
        error instanceof ConfigError && error.issues[0]?.path === "fn" &&
        error.issues[0]?.received === received && hint.test(error.message);
      // Twenty calls the old way counted as dropped took the default limit from 4 to 1.
      for (let i = 0; i < 20; i++) {
        await assert.rejects(
          limiter.run(undefined as never),
          namesFn("undefined", /`fn` received undefined, expected a function$/),
        );
        await assert.rejects(
          limiter.run(price as never, { timeoutMs: 100, classify: () => "dropped" }),
          namesFn(
            "a Promise",
            /expected a function: pass a function, not its result \(a promise\)/,
          ),
        );
      }
      assert.deepEqual(limiter.stats(), before);
      assert.deepEqual(decisions, []);
    });

    it("refuses an fn that is not a function at once, even with no permit free", async () => {
      const { limiter } = setup({ limit: 1, partitions: { reads: { share: 0.5 } } });
      const held = await limiter.acquire();
      const plain = watch(limiter.run("fetchPrice" as never));
      const partitioned = watch(limiter.run(Promise.resolve(1) as never, { partition: "reads" }));
      await flush();
      assert.equal(plain.state, "rejected");
      assert.equal(partitioned.state, "rejected");
      assert.ok(plain.reason instanceof ConfigError && partitioned.reason instanceof ConfigError);
      assert.equal(limiter.waiting, 0);
      held.release();
      assert.deepEqual([limiter.stats().acquired, limiter.stats().ok, limiter.stats().dropped], [
        1,
        1,
        0,
      ]);
    });

    it("gives a call that takes a signal one of its own, and one that takes none the shared one", async () => {
      const { limiter } = setup({ limit: 2 });
      const other = setup({ limit: 2 }).limiter;
      const seen: AbortSignal[] = [];
      const call = (signal: AbortSignal): void => {
        seen.push(signal);
        // A listener the call never removes goes away with its signal.
        signal.addEventListener("abort", () => {}, { once: true });
      };
      await limiter.run(call);
      await limiter.run(call, {});
      await other.run(call);
      assert.equal(new Set(seen).size, 3, "no two calls share a signal");
      assert.ok(seen.every((signal) => signal instanceof AbortSignal && !signal.aborted));
      // `fn.length === 0`: nothing allocated per call; a rest parameter still sees the signal.
      const shared: unknown[] = [];
      await limiter.run((...args: unknown[]) => shared.push(args[0]));
      await other.run((...args: unknown[]) => shared.push(args[0]));
      assert.ok(shared[0] instanceof AbortSignal && !shared[0].aborted);
      assert.equal(shared[0], shared[1]);
      // A wrapper that declares no parameter but hands the signal on: the shared signal, which
      // never aborts, keeps none of its listeners (they piled up there for good).
      let heard = 0;
      const listen = (signal: AbortSignal): void => {
        signal.addEventListener("abort", () => heard++, { once: true });
      };
      for (let i = 0; i < 3; i++) {
        await limiter.run((...args: unknown[]) => listen(args[0] as never));
      }
      (shared[0] as AbortSignal).dispatchEvent(new Event("abort"));
      assert.equal(heard, 0);
    });

    it("resolves with the value and clears its timer when the call beats timeoutMs", async () => {
      const { limiter, time } = setup({ limit: 1 });
      assert.equal(await limiter.run(() => 42, { timeoutMs: 100 }), 42);
      assert.equal(time.pending, 0);
      assert.equal(limiter.stats().ok, 1);
    });

    it("waits for a permit like acquire() and passes its rejection on", async () => {
      const { limiter, time } = setup({ limit: 1, maxWaitMs: 10 });
      const held = await limiter.acquire();
      const queued = watch(limiter.run(() => "ran"));
      const timed = watch(limiter.run(() => "never", { maxWaitMs: 5 }));
      time.advance(5);
      held.release();
      await flush();
      assert.equal(queued.value, "ran");
      assert.ok(timed.reason instanceof LimiterTimeoutError);
    });
  });

  describe("stats()", () => {
    it("reports mean and p99 wait on the limiter's clock", async () => {
      const { limiter, time } = setup({ limit: 1 });
      const held = await limiter.acquire();
      const waiter = limiter.acquire();
      time.block(40);
      held.release();
      (await waiter).release();
      const stats = limiter.stats();
      assert.equal(stats.acquired, 2);
      assert.equal(stats.meanWaitMs, 20);
      assert.equal(stats.p99WaitMs, 40);
    });

    it("reads the clock once to admit waiters together, however many", async () => {
      let t = 0;
      let reads = 0;
      const clock = () => {
        reads++;
        return t;
      };
      const limiter = new AdaptiveLimiter({ limit: 2, clock });
      const held = [await limiter.acquire(), await limiter.acquire()];
      const queued = [limiter.acquire(), limiter.acquire(), limiter.acquire()];
      t = 30;
      // A release reads once for its sample and hands that time to the waiter it admits.
      let before = reads;
      held[0]!.release();
      assert.equal(reads - before, 1);
      // A new limit reads once to admit the two left, and once to stamp its decision.
      before = reads;
      limiter.setStatic(4);
      assert.equal(reads - before, 2);
      const permits = await Promise.all(queued);
      assert.equal(limiter.stats().totalWaitMs, 3 * 30);
      for (const permit of [held[1]!, ...permits]) permit.release();
      assert.equal(limiter.inflight, 0);
    });
  });

  describe("options", () => {
    it("throws a ConfigError naming each bad field", () => {
      assert.throws(
        () =>
          new AdaptiveLimiter({
            limit: 0,
            order: "random" as "fifo",
            maxQueue: -1,
            partitions: { a: { share: 0.7 }, b: { share: 0.7 } },
          }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.deepEqual(error.issues.map((i) => i.path).sort(), [
            "limit",
            "maxQueue",
            "order",
            "partitions",
          ]);
          return true;
        },
      );
      assert.throws(() => new AdaptiveLimiter({ limt: 3 } as AdaptiveLimiterOptions), ConfigError);
      assert.throws(
        () =>
          new AdaptiveLimiter({ limit: 2.5, partitions: { a: { share: 0.7 }, b: { share: 0.7 } } }),
        (error: unknown) =>
          error instanceof ConfigError &&
          /`limit` received 2.5, expected a Limit .* or a whole number >= 1/.test(error.message) &&
          /`partitions` received .*, expected shares that add up to at most 1/.test(error.message),
      );
    });

    it("refuses partitions given as an array or a Map, naming the field", () => {
      for (const bad of [[{ share: 0.5 }], new Map([["reads", { share: 0.5 }]])]) {
        assert.throws(
          () => new AdaptiveLimiter({ limit: 2, partitions: bad as never }),
          (error: unknown) =>
            error instanceof ConfigError &&
            /`partitions` received .*, expected an object \{ \[name\]: \{ share \} \}/
              .test(error.message),
          String(bad),
        );
      }
    });

    it("refuses a Limit whose starting limit is not a whole number >= 1", () => {
      for (const bad of [0, -3, Number.NaN, Infinity, 2.5]) {
        assert.throws(
          () => new AdaptiveLimiter({ limit: { limit: bad, update: () => bad } }),
          (error: unknown) => {
            assert.ok(error instanceof ConfigError);
            assert.equal(
              error.issues[0]?.message,
              `\`limit.limit\` received ${bad}, expected a whole number >= 1 ` +
                "(a Limit's starting number of permits)",
            );
            return true;
          },
          String(bad),
        );
      }
      assert.equal(new AdaptiveLimiter({ limit: steeredLimit(3) }).limit, 3);
    });

    it("rejects an unknown partition with a RangeError naming the known ones", () => {
      const { limiter } = setup({ partitions: { read: { share: 0.5 } } });
      assert.throws(() => limiter.tryAcquire({ partition: "raed" }), /known: read/);
      assert.deepEqual(limiter.partitions, ["read"]);
    });

    it("uses headroom's default limit without one: 4 at first, more while latency stays flat", () => {
      const { limiter, time } = setup();
      assert.equal(limiter.limit, 4);
      const permits: Permit[] = [];
      for (let i = 0; i < 6; i++) {
        const permit = limiter.tryAcquire();
        if (permit) permits.push(permit);
      }
      assert.equal(permits.length, 4);
      // A busy service: each call takes 10 ms and its slot is taken again at once, so every
      // call starts with the limit full. Slow start doubles the limit.
      for (let step = 0; step < 400 && limiter.limit === 4; step++) {
        time.advance(2.5);
        permits.shift()!.release();
        permits.push(limiter.tryAcquire()!);
      }
      assert.equal(limiter.limit, 8);
      for (const permit of permits) permit.release();
    });
  });
});

describe("AdaptiveLimiter decisions from inside a listener", () => {
  it("announces a change a decision listener makes after the decision it heard", () => {
    const limiter = new AdaptiveLimiter({ name: "db", limit: 10 });
    const heard: string[] = [];
    // An operator's floor, wired before anything else listens.
    limiter.on("decision", (d) => {
      if (d.to < 4) limiter.setStatic(4);
    });
    limiter.on("decision", (d) => heard.push(`${d.from}->${d.to}`));
    limiter.setStatic(2);
    assert.equal(limiter.limit, 4);
    assert.deepEqual(heard, ["10->2", "2->4"], "the last decision heard is the limit in force");
  });
});
