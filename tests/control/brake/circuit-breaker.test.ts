import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CircuitBreaker } from "../../../src/control/brake/circuit-breaker.ts";
import type { CircuitBreakerOptions } from "../../../src/control/brake/circuit-breaker.ts";
import { CircuitOpenError } from "../../../src/control/brake/circuit-open-error.ts";
import { countWindow, timeWindow } from "../../../src/control/brake/outcome-window.ts";
import type { Decision } from "../../../src/control/types.ts";
import { ConfigError } from "../../../src/config/config-error.ts";
import { ManualTime } from "../../monitor/manual-time.ts";

function setup(options: CircuitBreakerOptions = {}) {
  const time = new ManualTime();
  const breaker = new CircuitBreaker({ clock: time.clock, scheduler: time.scheduler, ...options });
  const states: string[] = [];
  const decisions: Decision[] = [];
  breaker.on("state", (c) => states.push(`${c.from} -> ${c.to}: ${c.reason}`));
  breaker.on("decision", (d) => decisions.push(d));
  return { time, breaker, states, decisions };
}

const ok = (): Promise<string> => Promise.resolve("ok");
const boom = (): Promise<never> => Promise.reject(new Error("boom"));

async function calls(breaker: CircuitBreaker, outcomes: string): Promise<void> {
  for (const c of outcomes) {
    await breaker.run(c === "x" ? boom : ok).catch(() => {});
  }
}

describe("CircuitBreaker", () => {
  it("stays closed below minCalls, then opens at the failure ratio", async () => {
    const { breaker, states, decisions } = setup({ minCalls: 4, failureRatio: 0.5 });
    await calls(breaker, "xxx");
    assert.equal(breaker.state, "closed", "3 calls < minCalls 4");
    await calls(breaker, "o");
    assert.equal(breaker.state, "closed", "3 of 4 failed, but the last call succeeded");
    await calls(breaker, "x");
    assert.equal(breaker.state, "open");
    assert.deepEqual(states, ["closed -> open: 4 of 5 calls failed (80% >= 50%)"]);
    assert.deepEqual(decisions.map((d) => [d.source, d.from, d.to]), [["breaker:default", 0, 2]]);
  });

  it("fails fast while open with a CircuitOpenError saying how long is left", async () => {
    const { breaker, time } = setup({ minCalls: 1, openMs: 5000, name: "prices" });
    await calls(breaker, "x");
    time.advance(1200);
    let ran = false;
    await assert.rejects(
      breaker.run(() => (ran = true)),
      (error: unknown) => {
        assert.ok(error instanceof CircuitOpenError);
        assert.equal(error.state, "open");
        assert.equal(error.remainingMs, 3800);
        assert.equal(error.breaker, "prices");
        assert.match(error.message, /open for another 3800 ms \(1 of 1 calls failed/);
        return true;
      },
    );
    assert.equal(ran, false);
    assert.equal(breaker.remainingMs, 3800);
  });

  it("half-opens after openMs on its timer, closes when the probes succeed", async () => {
    const { breaker, time, states } = setup({ minCalls: 1, openMs: 1000, probes: 2 });
    await calls(breaker, "x");
    time.advance(999);
    assert.deepEqual(states.length, 1);
    time.advance(1);
    assert.equal(states.at(-1), "open -> half-open: open for 1000 ms: letting 2 probe(s) through");
    const first = breaker.enter();
    const second = breaker.enter();
    assert.throws(() => breaker.enter(), (e: unknown) => {
      return e instanceof CircuitOpenError && e.state === "half-open" && e.remainingMs === 0;
    });
    first.success();
    assert.equal(breaker.state, "half-open");
    second.success();
    assert.equal(breaker.state, "closed");
    assert.equal(breaker.stats().calls, 0, "the window starts afresh");
  });

  it("half-opens on time when its timer fires a little early", async () => {
    const time = new ManualTime();
    // Real timers can fire up to a millisecond before the clock says they are due.
    const early = {
      set: (callback: () => void, ms: number) => time.scheduler.set(callback, ms - 1),
      clear: (handle: unknown) => time.scheduler.clear(handle),
    };
    const breaker = new CircuitBreaker({
      clock: time.clock,
      scheduler: early,
      minCalls: 1,
      openMs: 1000,
    });
    const states: string[] = [];
    breaker.on("state", (c) => states.push(c.to));
    await calls(breaker, "x");
    time.advance(999);
    assert.deepEqual(states, ["open"]);
    time.advance(1);
    assert.deepEqual(states, ["open", "half-open"], "the event comes without anyone reading state");
  });

  it("counts a call as failed when isFailure throws, and rejects with its error", async () => {
    const { breaker, time } = setup({
      minCalls: 1,
      openMs: 1000,
      isFailure: () => {
        throw new Error("isFailure broke");
      },
    });
    await assert.rejects(breaker.run(boom), /isFailure broke/);
    assert.equal(breaker.state, "open");
    time.advance(1000);
    await assert.rejects(breaker.run(boom), /isFailure broke/);
    assert.equal(breaker.state, "open", "the failed probe reopened it instead of holding its slot");
  });

  it("refuses an fn that is not a function with a ConfigError, counting no call", async () => {
    const { breaker, states } = setup({ minCalls: 1 });
    const price = Promise.resolve(42);
    await assert.rejects(breaker.run(price as never), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual([error.issues[0]?.path, error.issues[0]?.received], ["fn", "a Promise"]);
      assert.match(error.message, /pass a function, not its result \(a promise\)/);
      return true;
    });
    await assert.rejects(
      breaker.run(undefined as never),
      (error: unknown) =>
        error instanceof ConfigError && /`fn` received undefined/.test(error.message),
    );
    assert.equal(breaker.state, "closed", "a bug in the caller is not a failing downstream");
    assert.deepEqual(breaker.stats(), { state: "closed", calls: 0, failures: 0, failureRatio: 0 });
    assert.deepEqual(states, []);
    assert.equal(await breaker.run(ok), "ok");
  });

  it("refuses an fn that is not a function without taking a probe slot", async () => {
    const { breaker, time } = setup({ minCalls: 1, openMs: 1000, probes: 1 });
    await calls(breaker, "x");
    await assert.rejects(breaker.run(undefined as never), ConfigError, "open, still a ConfigError");
    time.advance(1000);
    await assert.rejects(breaker.run(Promise.resolve(1) as never), ConfigError);
    assert.equal(breaker.state, "half-open");
    assert.equal(await breaker.run(ok), "ok", "the probe slot is still free");
    assert.equal(breaker.state, "closed");
  });

  it("opens again when a probe fails", async () => {
    const { breaker, time, states } = setup({ minCalls: 1, openMs: 1000 });
    await calls(breaker, "x");
    time.advance(1000);
    await calls(breaker, "x");
    assert.equal(breaker.state, "open");
    assert.equal(states.at(-1), "half-open -> open: a probe call failed");
    assert.equal(breaker.remainingMs, 1000);
  });

  it("half-opens on read even without its timer", async () => {
    const { breaker, time } = setup({ minCalls: 1, openMs: 1000 });
    await calls(breaker, "x");
    breaker[Symbol.dispose]();
    assert.equal(time.pending, 0);
    time.advance(1000);
    assert.equal(breaker.state, "half-open");
  });

  it("announces a change a state listener makes after the change it heard", async () => {
    const { breaker, states, decisions } = setup({ minCalls: 1 });
    breaker.on("state", (c) => {
      if (c.to === "open") breaker.reset();
    });
    await calls(breaker, "x");
    assert.equal(breaker.state, "closed");
    assert.deepEqual(states.map((s) => s.split(":")[0]), ["closed -> open", "open -> closed"]);
    assert.deepEqual(decisions.map((d) => `${d.from}->${d.to}`), ["0->2", "2->0"]);
  });

  it("sets no timer and announces nothing from one once disposed", async () => {
    const { breaker, time, states } = setup({ minCalls: 1, openMs: 1000 });
    breaker[Symbol.dispose]();
    await calls(breaker, "x");
    assert.equal(breaker.state, "open", "a failure still opens it");
    assert.equal(time.pending, 0, "no half-open timer");
    const heard = states.length;
    time.advance(1000);
    assert.equal(states.length, heard, "no timer fired a change");
    assert.equal(breaker.state, "half-open", "read from the clock");
  });

  it("frees a probe slot for an ignored probe, and ignores aborts by default", async () => {
    const { breaker, time } = setup({ minCalls: 1, openMs: 10 });
    await calls(breaker, "x");
    time.advance(10);
    await breaker.run(() => Promise.reject(new DOMException("stop", "AbortError"))).catch(() => {});
    assert.equal(breaker.state, "half-open", "an aborted probe neither closes nor opens it");
    await calls(breaker, "o");
    assert.equal(breaker.state, "closed");
  });

  it("does not count a call from before the last change", async () => {
    const { breaker } = setup({ minCalls: 2 });
    const stale = breaker.enter();
    await calls(breaker, "xx");
    assert.equal(breaker.state, "open");
    breaker.reset();
    stale.failure();
    stale.failure();
    assert.equal(breaker.stats().calls, 0);
    assert.equal(breaker.state, "closed");
  });

  it("counts over a time window: old failures leave it", async () => {
    const { breaker, time } = setup({ minCalls: 3, windowMs: 1000 });
    await calls(breaker, "xx");
    time.advance(1000);
    await calls(breaker, "ox");
    assert.equal(breaker.stats().calls, 2);
    assert.equal(breaker.state, "closed");
  });

  it("counts over the last windowSize calls with a count window", async () => {
    const { breaker, time } = setup({ minCalls: 4, windowSize: 4, failureRatio: 0.75 });
    await calls(breaker, "xxoo");
    time.advance(60_000);
    await calls(breaker, "oo");
    assert.deepEqual(breaker.stats(), { state: "closed", calls: 4, failures: 0, failureRatio: 0 });
    await calls(breaker, "xxx");
    assert.equal(breaker.state, "open");
  });

  it("uses isFailure to decide what counts", async () => {
    const { breaker } = setup({ minCalls: 1, isFailure: (e) => (e as Error).message !== "404" });
    await breaker.run(() => Promise.reject(new Error("404"))).catch(() => {});
    assert.equal(breaker.stats().calls, 0);
    assert.equal(breaker.state, "closed");
  });

  it("judges a count window smaller than 10 calls once it is full", async () => {
    const { breaker } = setup({ windowSize: 5 });
    await calls(breaker, "xxxx");
    assert.equal(breaker.state, "closed");
    await calls(breaker, "x");
    assert.equal(breaker.state, "open");
    assert.throws(
      () => new CircuitBreaker({ windowSize: 5, minCalls: 6 }),
      (error: unknown) =>
        error instanceof ConfigError && error.issues[0]?.path === "minCalls" &&
        /expected at most `windowSize`/.test(error.message),
    );
    assert.throws(
      () => new CircuitBreaker({ windowMs: 30_000, windowSize: 20 }),
      (error: unknown) =>
        error instanceof ConfigError && error.issues.length === 1 &&
        /`windowSize` received 20, expected either `windowMs` or `windowSize`/.test(error.message),
    );
  });

  it("rejects bad options with a ConfigError", () => {
    assert.throws(() => new CircuitBreaker({ windowMs: 10, windowSize: 10 }), ConfigError);
    assert.throws(() => new CircuitBreaker({ failureRatio: 1.5 }), ConfigError);
  });
});

describe("outcome windows", () => {
  it("countWindow keeps the last size calls", () => {
    const w = countWindow(3);
    for (const failed of [true, true, false, false]) w.record(failed, 0);
    assert.deepEqual(w.counts(0), { calls: 3, failures: 1 });
  });

  it("timeWindow drops a slice once it is older than the window", () => {
    const w = timeWindow(100, 10);
    w.record(true, 5);
    w.record(false, 55);
    assert.deepEqual(w.counts(99), { calls: 2, failures: 1 });
    assert.deepEqual(w.counts(100), { calls: 1, failures: 0 });
    assert.deepEqual(w.counts(1000), { calls: 0, failures: 0 });
  });
});
