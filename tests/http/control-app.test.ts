import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { ConfigError } from "../../src/config/config-error.ts";
import { DynamicBatchSizer } from "../../src/control/batch/dynamic-batch-sizer.ts";
import { CircuitBreaker } from "../../src/control/brake/circuit-breaker.ts";
import { EmergencyBrake } from "../../src/control/brake/emergency-brake.ts";
import { AdaptiveLimiter } from "../../src/control/limiter/adaptive-limiter.ts";
import { createControlApp } from "../../src/http/control-app.ts";
import { type ControlAppOptions, resolveControlAppOptions } from "../../src/http/options.ts";
import type { Figures } from "../../src/http/figures.ts";
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from "../../src/metrics/registry.ts";
import { ResourceMonitor } from "../../src/monitor/resource-monitor.ts";
import { observe } from "../../src/observe/mod.ts";
import type { DecisionRecord, Status } from "../../src/observe/mod.ts";
import { WorkerPool } from "../../src/pool/pool.ts";
import { createFakeAdapter } from "../../src/runtime/fake.ts";
import { ManualTime } from "../monitor/manual-time.ts";
import { workerFile } from "../pool/support/helpers.ts";
import { serve } from "./support/serve.ts";
import { SseReader } from "./support/sse.ts";

const TOKEN = "s3cret-token";

/** Every kind of component, on a fake machine and a manual clock. */
function setup(options: Partial<ControlAppOptions> = {}, token: string | null = TOKEN) {
  const time = new ManualTime();
  const adapter = createFakeAdapter({
    name: "workerd",
    cpu: { affinity: 2 },
    cpuTime: 0,
    memory: { limit: 1000, workingSet: 500 },
  });
  const monitor = new ResourceMonitor({
    adapter,
    loopDelay: false,
    clock: time.clock,
    scheduler: time.scheduler,
  });
  const limiter = new AdaptiveLimiter({
    name: "db",
    limit: 10,
    clock: time.clock,
    scheduler: time.scheduler,
  });
  const pool = new WorkerPool({
    worker: workerFile,
    adapter,
    inline: true,
    minWorkers: 0,
    maxWorkers: 2,
  });
  const sizer = new DynamicBatchSizer({ clock: time.clock });
  sizer.register("import", { budgetMs: 100, initialSize: 10 });
  const brake = new EmergencyBrake({
    name: "cpu",
    threshold: 2,
    clock: time.clock,
    scheduler: time.scheduler,
  });
  const breaker = new CircuitBreaker({
    name: "api",
    minCalls: 1,
    clock: time.clock,
    scheduler: time.scheduler,
  });
  const components = {
    monitor,
    pools: { hash: pool },
    limiters: { db: limiter },
    batchSizers: { batch: sizer },
    brakes: { cpu: brake, api: breaker },
  };
  const app = createControlApp({
    ...components,
    ...(token === null ? {} : { token }),
    ...options,
  });
  const close = async (): Promise<void> => {
    brake[Symbol.dispose]();
    breaker[Symbol.dispose]();
    sizer.close();
    await pool.close();
  };
  return { time, adapter, monitor, limiter, pool, sizer, brake, breaker, app, close };
}

function send(
  app: Hono,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const init: RequestInit = {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      "content-type": "application/json",
      ...headers,
    },
  };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  return Promise.resolve(app.request(path, init));
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return await response.json() as Record<string, unknown>;
}

/** Counts the listeners of each event type on `target`, live, as they are added and removed. */
function countListeners(target: EventTarget): Map<string, number> {
  const listening = new Map<string, number>();
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  target.addEventListener = (type: string, ...rest: unknown[]) => {
    listening.set(type, (listening.get(type) ?? 0) + 1);
    (add as (...args: unknown[]) => void)(type, ...rest);
  };
  target.removeEventListener = (type: string, ...rest: unknown[]) => {
    listening.set(type, (listening.get(type) ?? 0) - 1);
    (remove as (...args: unknown[]) => void)(type, ...rest);
  };
  return listening;
}

describe("createControlApp() probes and reports", () => {
  it("answers /healthz with 200", async () => {
    const s = setup();
    const response = await s.app.request("/healthz");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true });
    await s.close();
  });

  it("turns /readyz to 503 while a brake is engaged, and back after a reset", async () => {
    const s = setup();
    assert.equal((await s.app.request("/readyz")).status, 200);
    s.brake.throttle("429 from upstream");
    s.brake.throttle("429 from upstream");
    assert.equal(s.brake.engaged, true);
    const engaged = await s.app.request("/readyz");
    assert.equal(engaged.status, 503);
    const body = await json(engaged);
    assert.equal(body["ready"], false);
    assert.match(JSON.stringify(body["reasons"]), /cpu/);

    const reset = await send(s.app, "POST", "/brakes/cpu/reset");
    assert.equal(reset.status, 200);
    assert.equal((await json(reset))["engaged"], false);
    assert.equal((await s.app.request("/readyz")).status, 200);
    await s.close();
  });

  it("turns /readyz to 503 while memory pressure is critical", async () => {
    const s = setup();
    s.adapter.machine.memory.workingSet = 990;
    assert.equal(s.monitor.sample().level, "critical");
    const response = await s.app.request("/readyz");
    assert.equal(response.status, 503);
    assert.match(JSON.stringify(await response.json()), /critical/);
    await s.close();
  });

  it("reports every component and the last decisions on /status", async () => {
    const s = setup();
    s.monitor.sample();
    s.limiter.setStatic(3);
    const response = await s.app.request("/status");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /application\/json/);
    const status = await response.json() as Status;
    assert.deepEqual(
      status.components.map((c) => `${c.kind}:${c.name}`).sort(),
      ["batchSizer:batch", "brake:cpu", "breaker:api", "limiter:db", "pool:hash"],
    );
    assert.equal(typeof status.machine?.runtime, "string");
    assert.equal(status.sample?.memoryPercent, 50);
    const last = status.decisions.at(-1)!;
    assert.equal(last.component, "limiter:db");
    assert.deepEqual([last.from, last.to], [10, 3]);
    await s.close();
  });

  it("serves Prometheus text with its content type on /metrics", async () => {
    const s = setup();
    const response = await s.app.request("/metrics");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), PROMETHEUS_CONTENT_TYPE);
    const text = await response.text();
    assert.match(text, /^# TYPE headroom_limiter_limit gauge$/m);
    assert.match(text, /^headroom_limiter_limit\{limiter="db"\} 10$/m);
    await s.close();
  });

  it("answers a scrape that fails on the server with a JSON 500, not a 400", async () => {
    const registry = new MetricsRegistry();
    registry.gauge("queue_depth", "Jobs waiting.");
    // A collector that asks for the same metric with other label names: the server's bug.
    registry.collect(() => registry.gauge("queue_depth", "Jobs waiting.", ["queue"]));
    const limiter = new AdaptiveLimiter({ name: "db", limit: 2 });
    const app = createControlApp({ limiters: { db: limiter }, registry, token: TOKEN });
    const response = await app.request("/metrics");
    assert.equal(response.status, 500);
    assert.match(String((await json(response))["error"]), /Cannot GET \/metrics: internal error/);
  });

  it("serves the dashboard with its script and style allowed by nonce only", async () => {
    const s = setup();
    const response = await s.app.request("/");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
    const policy = response.headers.get("content-security-policy") ?? "";
    const nonce = /script-src 'nonce-([^']+)'/.exec(policy)?.[1];
    assert.ok(nonce, `a script nonce in ${policy}`);
    assert.match(policy, /default-src 'none'/);
    const html = await response.text();
    assert.ok(html.includes(`<script nonce="${nonce}">`));
    for (const id of ["chart-limits", "chart-latency", "chart-machine", "chart-pools"]) {
      assert.ok(html.includes(`data-testid="${id}"`), `${id} is on the page`);
    }
    assert.ok(html.includes('data-testid="decision-log"'));
    assert.doesNotMatch(html, /https?:\/\//, "the page fetches nothing from the network");
    assert.ok(html.includes('new EventSource(base + "events")'), "events are read relatively");
    const other = await s.app.request("/");
    assert.notEqual(
      /'nonce-([^']+)'/.exec(other.headers.get("content-security-policy") ?? "")?.[1],
      nonce,
      "every response gets a fresh nonce",
    );
    await s.close();
  });

  it("works mounted under a path", async () => {
    const s = setup();
    const outer = new Hono();
    outer.route("/_headroom", s.app);
    assert.equal((await outer.request("/_headroom")).status, 200);
    assert.equal((await outer.request("/_headroom/status")).status, 200);
    const response = await outer.request("/_headroom/limiters/db", {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ mode: "static", limit: 2 }),
    });
    assert.equal(response.status, 200);
    assert.equal(s.limiter.limit, 2);
    await s.close();
  });

  it("answers an unknown route with a 404 in JSON", async () => {
    const s = setup();
    const response = await s.app.request("/nope");
    assert.equal(response.status, 404);
    assert.match(String((await json(response))["error"]), /GET \/nope: no such route/);
    await s.close();
  });

  it("answers a known path with another method with 405 and Allow", async () => {
    const s = setup();
    const put = await s.app.request("/status", { method: "PUT" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("Allow"), "GET, HEAD");
    assert.match(String((await json(put))["error"]), /PUT \/status: \/status takes GET, HEAD/);
    const get = await s.app.request("/limiters/http");
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("Allow"), "PUT");
    await get.body?.cancel();
    const reset = await s.app.request("/brakes/pressure/reset");
    assert.equal(reset.headers.get("Allow"), "POST");
    await reset.body?.cancel();
    const head = await s.app.request("/healthz", { method: "HEAD" });
    assert.equal(head.status, 200);
    await s.close();
  });
});

describe("createControlApp() mutations", () => {
  it("pins a limiter with PUT /limiters/:name and hands it back to the algorithm", async () => {
    const s = setup();
    const pinned = await send(s.app, "PUT", "/limiters/db", { mode: "static", limit: 4 });
    assert.equal(pinned.status, 200);
    const body = await json(pinned);
    assert.deepEqual([body["name"], body["mode"], body["limit"]], ["db", "static", 4]);
    assert.equal(s.limiter.limit, 4);
    assert.equal(s.limiter.mode, "static");

    const adaptive = await send(s.app, "PUT", "/limiters/db", { mode: "adaptive" });
    assert.equal(adaptive.status, 200);
    assert.equal((await json(adaptive))["mode"], "adaptive");
    assert.equal(s.limiter.limit, 10);
    await s.close();
  });

  it("resizes a pool with PUT /pools/:name, and logs it as a decision", async () => {
    const s = setup();
    const before = s.pool.stats().workers;
    const response = await send(s.app, "PUT", "/pools/hash", { min: 1, max: 3 });
    assert.equal(response.status, 200);
    const body = await json(response);
    assert.deepEqual(body["workers"], { ...s.pool.stats().workers, min: 1, max: 3 });
    assert.deepEqual([s.pool.stats().workers.min, s.pool.stats().workers.max], [1, 3]);
    const resizes = async (): Promise<DecisionRecord[]> =>
      ((await json(await s.app.request("/status")))["decisions"] as DecisionRecord[])
        .filter((d) => d.component === "pool:hash");
    const decisions = await resizes();
    assert.equal(decisions.length, 1, "the resize is in the decision log");
    assert.deepEqual([decisions[0]!.from, decisions[0]!.to], [before.max, 3]);
    assert.equal(
      decisions[0]!.reason,
      `PUT /pools/hash: min ${before.min} -> 1, max ${before.max} -> 3`,
    );
    await send(s.app, "PUT", "/pools/hash", { min: 1, max: 3 });
    assert.equal((await resizes()).length, 1, "the same bounds again change nothing");
    await s.close();
  });

  it("re-registers a batch operation with PUT /batch/:name", async () => {
    const s = setup();
    assert.equal(s.sizer.size("import"), 10);
    const fixed = await send(s.app, "PUT", "/batch/batch", {
      operation: "import",
      mode: "fixed",
      defaultSize: 42,
    });
    assert.equal(fixed.status, 200);
    const body = await json(fixed);
    assert.deepEqual([body["name"], body["operation"], body["mode"], body["size"]], [
      "batch",
      "import",
      "fixed",
      42,
    ]);
    assert.equal(s.sizer.size("import"), 42);

    const unknown = await send(s.app, "PUT", "/batch/batch", { operation: "export" });
    assert.equal(unknown.status, 404);
    const problem = await json(unknown);
    assert.match(String(problem["error"]), /no operation "export" \(known: import\)/);
    assert.deepEqual(problem["known"], ["import"]);

    const crossed = await send(s.app, "PUT", "/batch/batch", {
      operation: "import",
      minSize: 50,
      maxSize: 10,
    });
    assert.equal(crossed.status, 400, "the sizer's own check of min against max");
    assert.match(String((await json(crossed))["error"]), /minSize|maxSize/);
    assert.equal(s.sizer.size("import"), 42, "a refused change changes nothing");
    await s.close();
  });

  it("resets a brake and closes a circuit with POST /brakes/:name/reset", async () => {
    const s = setup();
    const call = s.breaker.enter();
    call.failure();
    assert.equal(s.breaker.state, "open");
    const response = await send(s.app, "POST", "/brakes/api/reset");
    assert.equal(response.status, 200);
    const body = await json(response);
    assert.deepEqual([body["kind"], body["state"]], ["breaker", "closed"]);
    assert.equal(s.breaker.state, "closed");
    await s.close();
  });

  it("turns a component's refusal into 400 and its failure into a JSON 500", async () => {
    const s = setup();
    s.limiter.setStatic = () => {
      throw new RangeError("Cannot set a static limit of 5: too many for this test");
    };
    const refused = await send(s.app, "PUT", "/limiters/db", { mode: "static", limit: 5 });
    assert.equal(refused.status, 400);
    assert.match(String((await json(refused))["error"]), /PUT \/limiters\/db: .*too many/);
    s.limiter.setStatic = () => {
      throw new Error("disk on fire");
    };
    const failed = await send(s.app, "PUT", "/limiters/db", { mode: "static", limit: 5 });
    assert.equal(failed.status, 500);
    assert.match(String((await json(failed))["error"]), /internal error: disk on fire/);
    await s.close();
  });

  it("names the unknown component and lists the known ones with 404", async () => {
    const s = setup();
    const cases: [string, string, unknown, RegExp, string[]][] = [
      ["PUT", "/limiters/cache", { mode: "adaptive" }, /no limiter named "cache"/, ["db"]],
      ["PUT", "/pools/resize", { min: 0, max: 1 }, /no pool named "resize"/, ["hash"]],
      ["PUT", "/batch/other", { operation: "x" }, /no batch sizer named "other"/, ["batch"]],
      ["POST", "/brakes/mem/reset", undefined, /no brake or circuit breaker named "mem"/, [
        "cpu",
        "api",
      ]],
    ];
    for (const [method, path, body, message, known] of cases) {
      const response = await send(s.app, method, path, body);
      assert.equal(response.status, 404, path);
      const problem = await json(response);
      assert.match(String(problem["error"]), message);
      assert.match(String(problem["error"]), new RegExp(`known: ${known.join(", ")}`));
      assert.deepEqual(problem["known"], known);
    }
    const none = createControlApp({ token: TOKEN });
    const response = await send(none, "PUT", "/limiters/db", { mode: "adaptive" });
    assert.equal(response.status, 404);
    assert.match(String((await json(response))["error"]), /none is configured/);
    await s.close();
  });
});

describe("createControlApp() request checks", () => {
  async function problem(
    response: Response,
    status: number,
  ): Promise<{ error: string; issues: { path: string; message: string }[] }> {
    assert.equal(response.status, status, await response.clone().text());
    return await response.json() as { error: string; issues: { path: string; message: string }[] };
  }

  it("names a field of the wrong type", async () => {
    const s = setup();
    const p = await problem(
      await send(s.app, "PUT", "/limiters/db", { mode: "static", limit: "4" }),
      400,
    );
    assert.deepEqual(p.issues.map((i) => i.path), ["limit"]);
    assert.match(p.error, /PUT \/limiters\/db: `limit` received "4", expected a whole number >= 1/);
    const fraction = await problem(
      await send(s.app, "PUT", "/pools/hash", { min: 0.5, max: 2 }),
      400,
    );
    assert.match(fraction.error, /`min` received 0.5, expected a whole number >= 0/);
    const mode = await problem(await send(s.app, "PUT", "/limiters/db", { mode: "fast" }), 400);
    assert.match(mode.error, /`mode` received "fast", expected \("adaptive" \| "static"\)/);
    assert.equal(s.limiter.limit, 10, "nothing changed");
    await s.close();
  });

  it("names a missing field", async () => {
    const s = setup();
    const p = await problem(await send(s.app, "PUT", "/limiters/db", { mode: "static" }), 400);
    assert.deepEqual(p.issues.map((i) => i.path), ["limit"]);
    assert.match(p.error, /`limit` is missing/);
    const pool = await problem(await send(s.app, "PUT", "/pools/hash", { max: 2 }), 400);
    assert.match(pool.error, /`min` is missing/);
    const batch = await problem(await send(s.app, "PUT", "/batch/batch", { mode: "fixed" }), 400);
    assert.match(batch.error, /`operation` is missing/);
    await s.close();
  });

  it("names an extra field", async () => {
    const s = setup();
    const p = await problem(
      await send(s.app, "PUT", "/limiters/db", { mode: "adaptive", limit: 3 }),
      400,
    );
    assert.deepEqual(p.issues.map((i) => i.path), ["limit"]);
    assert.match(p.error, /`limit` is not a known field/);
    const pool = await problem(
      await send(s.app, "PUT", "/pools/hash", { min: 0, max: 2, maxQueue: 9 }),
      400,
    );
    assert.match(pool.error, /`maxQueue` is not a known field/);
    await s.close();
  });

  it("says min may not exceed max", async () => {
    const s = setup();
    const p = await problem(await send(s.app, "PUT", "/pools/hash", { min: 3, max: 2 }), 400);
    assert.deepEqual(p.issues.map((i) => i.path), ["min"]);
    assert.match(p.error, /`min` received 3, expected at most `max`/);
    await s.close();
  });

  it("refuses invalid JSON, a body that is not an object, and another media type", async () => {
    const s = setup();
    const broken = await problem(await send(s.app, "PUT", "/limiters/db", "{mode: static"), 400);
    assert.match(broken.error, /the body is not valid JSON; expected a JSON object/);
    const empty = await problem(await send(s.app, "PUT", "/pools/hash", ""), 400);
    assert.match(empty.error, /not valid JSON/);
    const array = await problem(await send(s.app, "PUT", "/pools/hash", [1, 2]), 400);
    assert.match(
      array.error,
      /the body received \[1,2\], expected a JSON object such as \{"min":1,"max":4\}/,
    );
    const nil = await problem(await send(s.app, "PUT", "/limiters/db", "null"), 400);
    assert.match(nil.error, /the body received null/);
    const text = await send(s.app, "PUT", "/limiters/db", "mode=static", {
      "content-type": "text/plain",
    });
    assert.equal(text.status, 415);
    assert.match(
      String((await json(text))["error"]),
      /Content-Type received "text\/plain", expected application\/json/,
    );
    await s.close();
  });

  it("names a bad path parameter", async () => {
    const s = setup();
    const long = "x".repeat(201);
    const p = await problem(
      await send(s.app, "PUT", `/limiters/${long}`, { mode: "adaptive" }),
      400,
    );
    assert.deepEqual(p.issues.map((i) => i.path), ["name"]);
    assert.match(p.error, /`name` received "x+\.\.\.", expected a name of 1 to 200 characters/);
    await s.close();
  });

  it("refuses a body over maxBodyBytes with 413, declared or streamed", async () => {
    const s = setup({ maxBodyBytes: 64 });
    const big = JSON.stringify({ mode: "static", limit: 4, pad: "x".repeat(100) });
    const declared = await send(s.app, "PUT", "/limiters/db", big, {
      "content-length": String(big.length),
    });
    assert.equal(declared.status, 413);
    assert.match(String((await json(declared))["error"]), /larger than 64 bytes/);

    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 50));
        controller.enqueue(bytes.subarray(50));
        controller.close();
      },
    });
    const streamed = await s.app.request("/limiters/db", {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.equal(s.limiter.limit, 10);

    const small = await send(s.app, "PUT", "/limiters/db", { mode: "static", limit: 4 });
    assert.equal(small.status, 200, "a body under the cap passes");
    await s.close();
  });

  it("measures a body an outer app's middleware already read, from Hono's cache", async () => {
    const s = setup({ maxBodyBytes: 64 });
    const outer = new Hono();
    const audit: string[] = [];
    outer.use("*", async (c, next) => {
      if (c.req.method !== "GET") audit.push(await c.req.text());
      await next();
    });
    outer.route("/_headroom", s.app);
    const put = (body: string) =>
      outer.request("/_headroom/limiters/db", {
        method: "PUT",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body,
      });
    const small = JSON.stringify({ mode: "static", limit: 3 });
    const response = await put(small);
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(s.limiter.limit, 3);
    const big = await put(JSON.stringify({ mode: "static", limit: 4, pad: "x".repeat(100) }));
    assert.equal(big.status, 413);
    assert.equal(s.limiter.limit, 3);
    assert.equal(audit.length, 2);
    await s.close();
  });

  it("takes a body under the cap sent without a length (chunked) over a real socket", async () => {
    const s = setup({ maxBodyBytes: 64 });
    // node:http, serving through @hono/node-server without replacing the global Request.
    const served = await serve(s.app.fetch);
    try {
      const bytes = new TextEncoder().encode(JSON.stringify({ mode: "static", limit: 3 }));
      const chunked = (body: Uint8Array[]) =>
        fetch(`${served.origin}/limiters/db`, {
          method: "PUT",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: new ReadableStream<Uint8Array>({
            start(controller) {
              for (const chunk of body) controller.enqueue(chunk);
              controller.close();
            },
          }),
          duplex: "half",
        } as RequestInit);
      const response = await chunked([bytes.subarray(0, 10), bytes.subarray(10)]);
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(s.limiter.limit, 3);
      const big = await chunked([bytes, new Uint8Array(64).fill(32)]);
      assert.equal(big.status, 413);
      await big.body?.cancel();
    } finally {
      await served.close();
      await s.close();
    }
  });
});

describe("createControlApp() authentication", () => {
  it("answers 401 without a token and 403 with a wrong one, changing nothing", async () => {
    const s = setup();
    const missing = await s.app.request("/limiters/db", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "static", limit: 1 }),
    });
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.match(String((await json(missing))["error"]), /no Authorization header/);

    const basic = await send(s.app, "PUT", "/limiters/db", { mode: "static", limit: 1 }, {
      authorization: "Basic dXNlcjpwYXNz",
    });
    assert.equal(basic.status, 401);
    assert.match(String((await json(basic))["error"]), /not of the form `Bearer <token>`/);

    const wrong = await send(s.app, "PUT", "/limiters/db", { mode: "static", limit: 1 }, {
      authorization: `Bearer ${TOKEN}x`,
    });
    assert.equal(wrong.status, 403);
    assert.match(String((await json(wrong))["error"]), /token is wrong/);

    const reset = await s.app.request("/brakes/cpu/reset", { method: "POST" });
    assert.equal(reset.status, 401, "every mutation route is guarded");
    assert.equal(s.limiter.limit, 10);
    assert.equal(s.limiter.mode, "adaptive");
    await s.close();
  });

  it("checks the token before the body and the name", async () => {
    const s = setup();
    const response = await send(s.app, "PUT", "/limiters/unknown", "{", {
      authorization: "Bearer nope",
    });
    assert.equal(response.status, 403);
    await s.close();
  });

  it("refuses mutations when no token is configured, saying how to configure one", async () => {
    const s = setup({}, null);
    const response = await send(s.app, "PUT", "/limiters/db", { mode: "static", limit: 1 });
    assert.equal(response.status, 403);
    assert.match(String((await json(response))["error"]), /no token is configured.*token/);
    assert.equal(s.limiter.limit, 10);
    assert.equal((await s.app.request("/status")).status, 200, "reads stay open");
    await s.close();
  });

  it("accepts mutations without a token when explicitly allowed", async () => {
    const s = setup({ allowUnauthenticated: true }, null);
    const response = await s.app.request("/limiters/db", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "static", limit: 1 }),
    });
    assert.equal(response.status, 200);
    assert.equal(s.limiter.limit, 1);
    await s.close();
  });
});

describe("createControlApp() options", () => {
  it("names each bad option", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ token: "" }, "token"],
      [{ token: "two words" }, "token"],
      // No client can put this in a header as it is.
      [{ token: "pass\u20acword" }, "token"],
      [{ maxBodyBytes: 0 }, "maxBodyBytes"],
      [{ eventsHeartbeatMs: -1 }, "eventsHeartbeatMs"],
      [{ eventsHeartbeatMs: 2 ** 31 }, "eventsHeartbeatMs"],
      [{ allowUnauthenticated: "yes" }, "allowUnauthenticated"],
      [{ limiters: [] }, "limiters"],
      [{ signal: new AbortController() }, "signal"],
      [{ tokn: "x" }, "tokn"],
    ];
    for (const [options, path] of cases) {
      assert.throws(
        () => createControlApp(options as ControlAppOptions),
        (error: unknown) =>
          error instanceof ConfigError && error.issues.some((issue) => issue.path === path),
        path,
      );
    }
  });

  it("sends heartbeats on /events more often than Bun.serve's 10-s idle timeout", () => {
    assert.ok(resolveControlAppOptions({}).eventsHeartbeatMs < 10_000);
  });

  it("takes no options at all, as an app with every field defaulted", async () => {
    for (const none of [undefined, null]) {
      const app = createControlApp(none as unknown as ControlAppOptions);
      assert.equal((await app.request("/healthz")).status, 200);
    }
    assert.equal((await createControlApp().request("/healthz")).status, 200);
  });

  it("refuses components next to an observatory", () => {
    const limiter = new AdaptiveLimiter({ name: "db" });
    const observatory = observe({ limiters: { db: limiter } });
    assert.throws(
      () => createControlApp({ observatory, limiters: { db: limiter } }),
      (error: unknown) =>
        error instanceof ConfigError && error.issues[0]?.path === "limiters" &&
        /next to `observatory`/.test(error.message),
    );
    observatory.close();
  });
});

describe("createControlApp() GET /events", () => {
  it("streams a status event, then ticks, samples and decisions as they happen", async () => {
    let now = 1_700_000_000_000;
    const s = setup({ clock: () => now });
    const response = await s.app.request("/events");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const events = new SseReader(response.body!);

    const first = await events.next();
    assert.equal(first.event, "status");
    const status = JSON.parse(first.data) as Status;
    assert.equal(status.components.length, 5);
    const tick = await events.next();
    assert.equal(tick.event, "tick");
    const figures = JSON.parse(tick.data) as Figures;
    assert.equal(figures.time, now);
    assert.deepEqual(figures.limiters["db"], {
      mode: "adaptive",
      limit: 10,
      inflight: 0,
      waiting: 0,
      meanWaitMs: 0,
      p99WaitMs: 0,
      rejected: 0,
    });
    assert.deepEqual(figures.batch["batch"], { import: 10 });
    assert.deepEqual(figures.brakes["cpu"], { kind: "brake", engaged: false, state: "released" });

    now += 1000;
    s.limiter.setStatic(3);
    const decision = await events.next();
    assert.equal(decision.event, "decision");
    const record = JSON.parse(decision.data) as DecisionRecord;
    assert.deepEqual([record.component, record.from, record.to], ["limiter:db", 10, 3]);
    assert.match(record.reason, /static override/);
    const after = JSON.parse((await events.nextOf("tick")).data) as Figures;
    assert.equal(after.limiters["db"]?.limit, 3);
    assert.equal(after.time, now);

    s.monitor.sample();
    const sample = JSON.parse((await events.nextOf("sample")).data) as {
      at: number;
      sample: { memoryPercent: number };
    };
    assert.equal(sample.at, now);
    assert.equal(sample.sample.memoryPercent, 50);
    await events.cancel();
    await s.close();
  });

  it("sends heartbeat comments", async () => {
    const s = setup({ eventsHeartbeatMs: 1 });
    const response = await s.app.request("/events");
    const events = new SseReader(response.body!);
    const heartbeat = await events.nextOf("comment");
    assert.equal(heartbeat.data, "heartbeat");
    await events.cancel();
    await s.close();
  });

  it("removes its listeners when the client disconnects", async () => {
    const limiter = new AdaptiveLimiter({ name: "db", limit: 5 });
    const observatory = observe({ limiters: { db: limiter } });
    const listening = countListeners(observatory);
    const app = createControlApp({ observatory, token: TOKEN });
    const response = await app.request("/events");
    const events = new SseReader(response.body!);
    await events.nextOf("tick");
    assert.deepEqual(Object.fromEntries(listening), { sample: 1, decision: 1 });
    await events.cancel();
    assert.deepEqual(Object.fromEntries(listening), { sample: 0, decision: 0 });
    // HEAD gets the headers and no stream: nothing is left listening for a body nobody reads.
    const head = await app.request("/events", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), "text/event-stream");
    assert.equal(head.body, null);
    assert.deepEqual(Object.fromEntries(listening), { sample: 0, decision: 0 });
    observatory.close();
  });

  it("feeds any number of streams from one sample and one decision listener", async () => {
    const limiter = new AdaptiveLimiter({ name: "db", limit: 5 });
    const observatory = observe({ limiters: { db: limiter } });
    const listening = countListeners(observatory);
    const app = createControlApp({ observatory, token: TOKEN });
    // Twelve dashboards: Node warns of a leak past ten listeners of one type on an EventTarget.
    const streams: SseReader[] = [];
    // A failed assertion must not leave streams open (and the test process with them).
    const cleanup = async () => {
      for (const events of streams) await events.cancel().catch(() => {});
      observatory.close();
    };
    try {
      for (let i = 0; i < 12; i++) {
        const events = new SseReader((await app.request("/events")).body!);
        await events.nextOf("tick");
        streams.push(events);
      }
      assert.deepEqual(Object.fromEntries(listening), { sample: 1, decision: 1 });
      limiter.setStatic(3);
      for (const events of streams) {
        const record = JSON.parse((await events.nextOf("decision")).data) as DecisionRecord;
        assert.deepEqual([record.component, record.to], ["limiter:db", 3]);
      }
      await streams[0]!.cancel();
      limiter.setStatic(4);
      for (const events of streams.slice(1)) {
        const record = JSON.parse((await events.nextOf("decision")).data) as DecisionRecord;
        assert.equal(record.to, 4, "the others still hear after one leaves");
      }
      for (const events of streams.slice(1)) await events.cancel();
      assert.deepEqual(Object.fromEntries(listening), { sample: 0, decision: 0 });
      // The next client starts the feed again.
      const again = new SseReader((await app.request("/events")).body!);
      streams.push(again);
      await again.nextOf("tick");
      limiter.setStatic(5);
      assert.equal(
        (JSON.parse((await again.nextOf("decision")).data) as DecisionRecord).to,
        5,
      );
      await again.cancel();
      assert.deepEqual(Object.fromEntries(listening), { sample: 0, decision: 0 });
    } finally {
      await cleanup();
    }
  });

  it("ends open streams when its signal aborts, and answers new ones with 503", async () => {
    const limiter = new AdaptiveLimiter({ name: "db", limit: 5 });
    const observatory = observe({ limiters: { db: limiter } });
    let listening = 0;
    const add = observatory.addEventListener.bind(observatory);
    const remove = observatory.removeEventListener.bind(observatory);
    observatory.addEventListener = (...args: unknown[]) => {
      listening++;
      (add as (...args: unknown[]) => void)(...args);
    };
    observatory.removeEventListener = (...args: unknown[]) => {
      listening--;
      (remove as (...args: unknown[]) => void)(...args);
    };
    const shutdown = new AbortController();
    const app = createControlApp({ observatory, token: TOKEN, signal: shutdown.signal });
    const reader = (await app.request("/events")).body!.getReader();
    const chunks: string[] = [];
    const decoder = new TextDecoder();
    const rest = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        chunks.push(decoder.decode(value));
      }
    })();
    // Wait until the stream has started (its status event), then shut down.
    while (!chunks.join("").includes("event: status")) await new Promise((r) => setTimeout(r, 1));
    assert.equal(listening, 2);
    shutdown.abort();
    await rest; // the body ends: a server draining its connections can finish
    assert.equal(listening, 0, "sample and decision listeners are removed");
    const late = await app.request("/events");
    assert.equal(late.status, 503);
    assert.match(String((await json(late))["error"]), /shutting down/);
    assert.equal((await app.request("/status")).status, 200, "other reads still answer");
    observatory.close();
  });
});
