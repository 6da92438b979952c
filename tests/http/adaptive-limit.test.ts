import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { timeout } from "hono/timeout";
import { ConfigError } from "../../src/config/config-error.ts";
import { AdaptiveLimiter } from "../../src/control/limiter/adaptive-limiter.ts";
import type { Outcome } from "../../src/control/limiter/permit.ts";
import { adaptiveLimit } from "../../src/http/adaptive-limit.ts";
import type { AdaptiveLimitOptions } from "../../src/http/adaptive-limit.ts";
import { ManualTime } from "../monitor/manual-time.ts";
import { flush } from "../control/limiter/helpers.ts";

/** A promise the test settles by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * An app whose `/work` route holds its permit until the test opens the gate
 * the request names (`/work?gate=n`), then answers with `?status=`.
 */
function setup(limit: number, options?: AdaptiveLimitOptions, limiterOptions = {}) {
  const time = new ManualTime();
  const limiter = new AdaptiveLimiter({
    name: "api",
    limit,
    clock: time.clock,
    scheduler: time.scheduler,
    ...limiterOptions,
  });
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const gate = (id: string) => {
    let g = gates.get(id);
    if (g === undefined) gates.set(id, g = deferred());
    return g;
  };
  const entered: string[] = [];
  const app = new Hono();
  app.onError((error, c) => c.text(`failed: ${(error as Error).message}`, 500));
  app.use("/work", adaptiveLimit(limiter, options));
  app.get("/work", async (c) => {
    const id = c.req.query("gate") ?? "none";
    entered.push(id);
    if (id !== "none") await gate(id).promise;
    if (c.req.query("throw") !== undefined) throw new Error("handler bug");
    return c.text("done", Number(c.req.query("status") ?? 200) as 200);
  });
  return { time, limiter, app, gate, entered };
}

function get(app: Hono, path: string, signal?: AbortSignal): Promise<Response> {
  const request = new Request(`http://localhost${path}`, signal ? { signal } : {});
  return Promise.resolve(app.request(request));
}

describe("adaptiveLimit()", () => {
  it("admits requests within the limit and counts them ok", async () => {
    const { app, limiter, gate, entered } = setup(2);
    const a = get(app, "/work?gate=a");
    const b = get(app, "/work?gate=b");
    await flush();
    assert.deepEqual(entered, ["a", "b"]);
    assert.equal(limiter.inflight, 2);
    gate("a").resolve();
    gate("b").resolve();
    assert.deepEqual([(await a).status, (await b).status], [200, 200]);
    assert.equal(await (await a).text(), "done");
    assert.equal(limiter.inflight, 0);
    assert.equal(limiter.stats().ok, 2);
  });

  it("queues a request briefly and admits it when a permit frees up", async () => {
    const { app, limiter, gate, entered } = setup(1);
    const first = get(app, "/work?gate=a");
    const second = get(app, "/work?gate=b");
    await flush();
    assert.deepEqual(entered, ["a"]);
    assert.equal(limiter.waiting, 1);
    gate("a").resolve();
    await first;
    await flush();
    assert.deepEqual(entered, ["a", "b"], "the queued request runs once a permit is free");
    gate("b").resolve();
    assert.equal((await second).status, 200);
    assert.equal(limiter.stats().ok, 2);
  });

  it("sheds a request that waited past maxWaitMs with 503 and Retry-After", async () => {
    const { app, limiter, gate, time } = setup(1, { queue: { maxWaitMs: 50 }, retryAfter: 1.5 });
    const first = get(app, "/work?gate=a");
    const second = get(app, "/work?gate=b");
    await flush();
    assert.equal(limiter.waiting, 1);
    time.advance(50);
    const shed = await second;
    assert.equal(shed.status, 503);
    assert.equal(shed.headers.get("retry-after"), "2", "whole seconds, rounded up");
    assert.match(
      String((await shed.json() as { error: string }).error),
      /GET \/work now: no permit of limiter "api" came free within 50 ms; retry in 2 s/,
    );
    assert.equal(limiter.stats().timedOut, 1);
    gate("a").resolve();
    assert.equal((await first).status, 200);
    assert.equal(limiter.inflight, 0);
  });

  it("sheds at once with queue: false", async () => {
    const { app, limiter, gate } = setup(1, { queue: false });
    const first = get(app, "/work?gate=a");
    await flush();
    const shed = await get(app, "/work?gate=b");
    assert.equal(shed.status, 503);
    assert.equal(shed.headers.get("retry-after"), "1");
    assert.match(await shed.text(), /all 1 permits of limiter \\"api\\" are taken/);
    assert.equal(limiter.stats().rejected, 1);
    gate("a").resolve();
    assert.equal((await first).status, 200);
  });

  it("with queue: true waits as the limiter allows: its full queue sheds", async () => {
    const { app, limiter, gate } = setup(1, { queue: true }, { maxQueue: 0 });
    const first = get(app, "/work?gate=a");
    await flush();
    const shed = await get(app, "/work?gate=b");
    assert.equal(shed.status, 503);
    assert.match(await shed.text(), /the queue of limiter \\"api\\" is full/);
    gate("a").resolve();
    await first;
    assert.equal(limiter.inflight, 0);
  });

  it("releases the permit as ignore when the handler throws", async () => {
    const { app, limiter } = setup(1);
    const response = await get(app, "/work?throw");
    assert.equal(response.status, 500);
    assert.equal(limiter.inflight, 0);
    assert.deepEqual([limiter.stats().ignored, limiter.stats().ok, limiter.stats().dropped], [
      1,
      0,
      0,
    ]);
    assert.equal((await get(app, "/work")).status, 200, "the permit came back");
  });

  it("counts 503, 504 and 429 as dropped, other 5xx as ignore, the rest as ok", async () => {
    const { app, limiter } = setup(4);
    for (const status of [503, 504, 429, 500, 502, 200, 404]) {
      assert.equal((await get(app, `/work?status=${status}`)).status, status);
    }
    const stats = limiter.stats();
    assert.deepEqual([stats.dropped, stats.ignored, stats.ok], [3, 2, 2]);
    assert.equal(stats.inflight, 0);
  });

  it("counts a thrown HTTPException by its status: an outer timeout()'s 504 is dropped", async () => {
    const limiter = new AdaptiveLimiter({ name: "api", limit: 4 });
    const app = new Hono();
    const slow = deferred();
    app.use("/api/*", timeout(1));
    app.use("/api/*", adaptiveLimit(limiter));
    app.get("/api/slow", async (c) => {
      await slow.promise;
      return c.text("late");
    });
    app.get("/api/busy", () => {
      throw new HTTPException(503, { message: "downstream overloaded" });
    });
    app.get("/api/gone", () => {
      throw new HTTPException(410);
    });
    // Deno aborts a request's signal once its response has gone out, the 504 included.
    const controller = new AbortController();
    const answered = await app.request("/api/slow", { signal: controller.signal });
    assert.equal(answered.status, 504);
    controller.abort();
    assert.equal(limiter.inflight, 1, "the handler still runs, so its permit stays out");
    slow.resolve();
    await flush();
    assert.equal((await app.request("/api/busy")).status, 503);
    assert.equal((await app.request("/api/gone")).status, 410);
    const stats = limiter.stats();
    assert.deepEqual([stats.dropped, stats.ignored, stats.ok], [2, 0, 1]);
    assert.equal(stats.inflight, 0);
  });

  it("with timeout() outside, runs no more than the limit, nor what timed out while it waited", async () => {
    const limiter = new AdaptiveLimiter({ name: "api", limit: 1 });
    const app = new Hono();
    const gate = deferred();
    const ran: string[] = [];
    let running = 0;
    let peak = 0;
    app.use("/api/*", timeout(5));
    app.use("/api/*", adaptiveLimit(limiter, { queue: { maxWaitMs: 60_000 } }));
    app.get("/api/:id", async (c) => {
      ran.push(c.req.param("id"));
      peak = Math.max(peak, ++running);
      await gate.promise;
      running--;
      return c.text("done");
    });
    const statuses = await Promise.all(
      ["a", "b", "c"].map(async (id) => (await app.request(`/api/${id}`)).status),
    );
    assert.deepEqual(statuses, [504, 504, 504]);
    assert.deepEqual([limiter.inflight, limiter.stats().waiting], [1, 2]);
    gate.resolve();
    await flush();
    assert.deepEqual(ran, ["a"], "b and c were answered before a permit came free");
    assert.equal(peak, 1);
    const stats = limiter.stats();
    assert.deepEqual([stats.inflight, stats.waiting, stats.dropped, stats.ignored], [0, 0, 1, 2]);
  });

  it("counts a classify() result it does not know as ignore and keeps the response", async () => {
    const { app, limiter } = setup(2, { classify: () => "drop" as Outcome });
    const response = await get(app, "/work?status=503");
    assert.equal(response.status, 503);
    assert.equal(await response.text(), "done");
    const stats = limiter.stats();
    assert.deepEqual([stats.ignored, stats.dropped, stats.inflight], [1, 0, 0]);
  });

  it("releases exactly once, as ignore, when the client goes away mid-request", async () => {
    const outcomes: Outcome[] = [];
    const { app, limiter, gate } = setup(1, {
      classify: () => {
        outcomes.push("ok");
        return "ok";
      },
    });
    const controller = new AbortController();
    const request = get(app, "/work?gate=a", controller.signal);
    await flush();
    assert.equal(limiter.inflight, 1);
    controller.abort();
    await flush();
    assert.equal(limiter.inflight, 1, "the handler still runs, so the permit stays out");
    gate("a").resolve();
    await request.catch(() => undefined);
    await flush();
    assert.equal(limiter.inflight, 0);
    assert.equal(limiter.stats().ignored, 1);
    assert.equal(limiter.stats().ok, 0);
    assert.deepEqual(outcomes, [], "an aborted request is not classified");
  });

  it("leaves the queue when the client goes away while waiting", async () => {
    const { app, limiter, gate, entered } = setup(1);
    const first = get(app, "/work?gate=a");
    const controller = new AbortController();
    const second = get(app, "/work?gate=b", controller.signal);
    await flush();
    assert.equal(limiter.waiting, 1);
    controller.abort();
    assert.equal((await second).status, 503);
    assert.equal(limiter.waiting, 0);
    assert.equal(limiter.stats().aborted, 1);
    gate("a").resolve();
    await first;
    assert.deepEqual(entered, ["a"], "the aborted request never ran");
    assert.equal(limiter.inflight, 0);
  });

  it("uses a custom classify, and releases as ignore when it throws", async () => {
    const seen: number[] = [];
    const { app, limiter } = setup(2, {
      classify: (c: Context, error: unknown) => {
        seen.push(c.res.status);
        if (error !== undefined) throw new Error("classify bug");
        return c.res.status === 404 ? "dropped" : "ok";
      },
    });
    await get(app, "/work?status=404");
    await get(app, "/work?throw");
    assert.deepEqual([limiter.stats().dropped, limiter.stats().ignored], [1, 1]);
    assert.equal(limiter.inflight, 0);
    assert.equal(seen.length, 2);
  });

  it("names a bad option", () => {
    const limiter = new AdaptiveLimiter({ name: "api" });
    for (
      const [options, path] of [
        [{ queue: "yes" }, "queue"],
        [{ queue: { maxWaitMs: -1 } }, "queue.maxWaitMs"],
        [{ retryAfter: -1 }, "retryAfter"],
        [{ retryAfter: 1e21 }, "retryAfter"],
        [{ classify: "ok" }, "classify"],
        [{ retry: 1 }, "retry"],
      ] as const
    ) {
      assert.throws(
        () => adaptiveLimit(limiter, options as unknown as AdaptiveLimitOptions),
        (error: unknown) =>
          error instanceof ConfigError && error.issues.some((issue) => issue.path === path),
        path,
      );
    }
    assert.throws(
      () => adaptiveLimit({} as AdaptiveLimiter),
      /limiter received \[object Object\], expected an AdaptiveLimiter/,
    );
  });
});
