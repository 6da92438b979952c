import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createExample, type Example } from "../../examples/server/app.ts";
import { exportData, importBatch } from "../../examples/server/worker.ts";
import { QueueFullError } from "../../src/pool/errors.ts";
import { createRuntimeAdapter } from "../../src/runtime/mod.ts";

const TOKEN = "example-test-token";

function records(n: number): { id: string; quantity: number; price: number }[] {
  return Array.from({ length: n }, (_, i) => ({ id: `r${i}`, quantity: i % 7, price: 1.25 }));
}

describe("the example server", () => {
  let example: Example;
  before(() => {
    example = createExample({
      token: TOKEN,
      limit: "adaptive",
      downstreamMs: 5,
      sampleMs: 50,
      adapter: createRuntimeAdapter(),
    });
  });
  after(() => example.close());

  it("hashes generated data in the pool and returns the worker's checksum", async () => {
    const response = await example.app.request("/export/64?seed=7");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), exportData(64, 7));
    assert.ok(example.pool.stats().completed >= 1);
  });

  it("rejects a size outside 1-4096 with 400 naming it", async () => {
    for (const bad of ["0", "4097", "abc", "1.5"]) {
      const response = await example.app.request(`/export/${bad}`);
      assert.equal(response.status, 400, bad);
      const body = await response.json() as { error: string };
      assert.match(
        body.error,
        new RegExp(`kib must be an integer from 1 to 4096, received ${bad.replace(".", "\\.")}`),
      );
    }
  });

  it("reports after its downstream wait with the same checksum as /export", async () => {
    const response = await example.app.request("/report/64?seed=7");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), exportData(64, 7));
    const bad = await example.app.request("/report/4097");
    assert.equal(bad.status, 400);
    assert.match((await bad.json() as { error: string }).error, /received 4097/);
  });

  it("limits /report apart from the pool-only routes", async () => {
    const report = example.limiters.report!.stats().acquired;
    const work = example.limiters.work!.stats().acquired;
    assert.equal((await example.app.request("/report/1")).status, 200);
    assert.equal(example.limiters.report!.stats().acquired, report + 1);
    assert.equal((await example.app.request("/export/1")).status, 200);
    assert.equal(example.limiters.work!.stats().acquired, work + 1);
    assert.equal(example.limiters.report!.stats().acquired, report + 1);
    const metrics = await (await example.app.request("/_headroom/metrics")).text();
    assert.match(metrics, /headroom_limiter_limit\{limiter="report"\} \d+/);
  });

  it("imports records in batches the sizer chose, losing none", async () => {
    const input = records(2500);
    const response = await example.app.request("/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
    assert.equal(response.status, 200);
    const body = await response.json() as { records: number; batches: number[]; total: number };
    assert.equal(body.records, 2500);
    assert.equal(body.batches.reduce((a, b) => a + b, 0), 2500);
    assert.equal(body.total, importBatch(input).total);
  });

  it("names the bad field of an import", async () => {
    const input: unknown[] = records(3);
    (input[1] as { quantity: unknown }).quantity = "two";
    const response = await example.app.request("/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
    assert.equal(response.status, 400);
    assert.match((await response.json() as { error: string }).error, /^1\.quantity: /);
    const notJson = await example.app.request("/import", { method: "POST", body: "{" });
    assert.equal(notJson.status, 400);
  });

  it("refuses amounts whose sum would not be finite, and a declared body too large to read", async () => {
    const huge = [{ id: "a", quantity: 1e200, price: 1e200 }];
    const response = await example.app.request("/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(huge),
    });
    assert.equal(response.status, 400);
    assert.match((await response.json() as { error: string }).error, /^0\.quantity: /);
    const big = await example.app.request("/import", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(64 * 2 ** 20) },
      body: "[]",
    });
    assert.equal(big.status, 413);
  });

  it("answers a full work queue with 503 and Retry-After, and cancels the import's other batches", async () => {
    const pool = example.pool;
    const run = pool.run.bind(pool);
    let calls = 0;
    const cancelled: boolean[] = [];
    // The second batch finds the queue full; the others wait until they are cancelled.
    pool.run = ((_task: string, _payload: unknown, options?: { signal?: AbortSignal }) => {
      if (++calls === 2) return Promise.reject(new QueueFullError(1024, 1024, 3));
      return new Promise((_, reject) => {
        options?.signal?.addEventListener("abort", () => {
          cancelled.push(true);
          reject(options.signal!.reason);
        });
      });
    }) as typeof pool.run;
    try {
      example.sizer.register("import", { mode: "fixed", defaultSize: 100 });
      const response = await example.app.request("/import", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(records(300)),
      });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "1");
      assert.match((await response.json() as { error: string }).error, /queue is full/);
      assert.equal(cancelled.length, 2, "the batches still waiting were cancelled");
    } finally {
      pool.run = run;
      example.sizer.register("import", {
        budgetMs: 50,
        minSize: 100,
        maxSize: 20_000,
        defaultSize: 1000,
      });
    }
  });

  it("mounts the control surface at /_headroom", async () => {
    assert.equal((await example.app.request("/_headroom/healthz")).status, 200);
    for (const path of ["/_headroom", "/_headroom/"]) {
      const page = await example.app.request(path);
      assert.equal(page.status, 200, path);
      assert.match(await page.text(), /<canvas|<svg/, path);
    }
    const metrics = await (await example.app.request("/_headroom/metrics")).text();
    assert.match(metrics, /headroom_limiter_limit\{limiter="work"\} \d+/);
    assert.match(metrics, /headroom_pool_workers\{pool="work",state="max"\} \d+/);
    const unauthorised = await example.app.request("/_headroom/limiters/work", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "static", limit: 3 }),
    });
    assert.equal(unauthorised.status, 401);
  });
});

describe("the example server with a fixed limit", () => {
  it("sheds a request it cannot admit in time with 503 and Retry-After", async () => {
    const example = createExample({ token: TOKEN, limit: 1, adapter: createRuntimeAdapter() });
    try {
      const permit = await example.limiters.work!.acquire();
      const response = await example.app.request("/export/1");
      permit.release();
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "1");
      const after = await example.app.request("/export/1");
      assert.equal(after.status, 200);
      assert.equal(example.limiters.work!.stats().timedOut, 0, "shed at once, without a wait");
    } finally {
      await example.close();
    }
  });

  it("with queueMs, admits a request whose permit comes free while it waits", async () => {
    const example = createExample({
      token: TOKEN,
      limit: 1,
      queueMs: 60_000,
      adapter: createRuntimeAdapter(),
    });
    try {
      const permit = await example.limiters.work!.acquire();
      let answered = false;
      const waiting = Promise.resolve(example.app.request("/export/1")).finally(() => {
        answered = true;
      });
      // Poll until the request waits for the permit (no timed assertion).
      while (example.limiters.work!.stats().waiting === 0 && !answered) {
        await new Promise((r) => setTimeout(r, 1));
      }
      permit.release();
      assert.equal((await waiting).status, 200);
    } finally {
      await example.close();
    }
  });
});

describe("the example server's /report", () => {
  it("lets a client that leaves during the downstream wait go, with its permit and no task", async () => {
    const example = createExample({
      token: TOKEN,
      limit: 4,
      downstreamMs: 60_000,
      adapter: createRuntimeAdapter(),
    });
    try {
      const client = new AbortController();
      const answer = Promise.resolve(
        example.app.request(new Request("http://localhost/report/1", { signal: client.signal })),
      );
      const report = example.limiters.report!;
      // Poll until the request holds its permit (no timed assertion).
      while (report.stats().inflight === 0) await new Promise((r) => setTimeout(r, 1));
      client.abort();
      assert.equal((await answer).status, 499);
      assert.equal(report.stats().inflight, 0, "the permit came back");
      const pool = example.pool.stats();
      assert.equal(pool.completed + pool.failed + pool.cancelled + pool.running, 0, "no task ran");
    } finally {
      await example.close();
    }
  });

  it("serves without limiters when told no limit", async () => {
    const example = createExample({
      token: TOKEN,
      limit: "none",
      downstreamMs: 1,
      adapter: createRuntimeAdapter(),
    });
    try {
      assert.deepEqual(example.limiters, { work: undefined, report: undefined });
      const response = await example.app.request("/report/2?seed=3");
      assert.deepEqual(await response.json(), exportData(2, 3));
      const metrics = await (await example.app.request("/_headroom/metrics")).text();
      assert.doesNotMatch(metrics, /headroom_limiter_limit/);
    } finally {
      await example.close();
    }
  });
});
