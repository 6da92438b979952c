import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createExample, type Example } from "../../examples/server/app.ts";
import {
  exportData,
  importBatch,
  type ImportRecord,
  type TimedImportResult,
} from "../../examples/server/worker.ts";
import { QueueFullError } from "../../src/pool/errors.ts";
import { createRuntimeAdapter } from "../../src/runtime/mod.ts";

const TOKEN = "example-test-token";

function records(n: number): { id: string; quantity: number; price: number }[] {
  return Array.from({ length: n }, (_, i) => ({ id: `r${i}`, quantity: i % 7, price: 1.25 }));
}

/** A promise with its resolve function outside. */
function later<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A POST of `body` streamed without a length, as a chunked upload arrives. */
function upload(path: string, body: ReadableStream<Uint8Array>): Request {
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);
}

/** Posts `n` records to `/import` with the batch size fixed at 100 (see {@link restoreSizer}). */
function importInBatchesOf100(example: Example, n: number): Promise<Response> {
  example.sizer.register("import", { mode: "fixed", defaultSize: 100 });
  return postImport(example, records(n));
}

/** Posts `body` to `/import` as JSON. */
async function postImport(example: Example, body: unknown): Promise<Response> {
  return await example.app.request("/import", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Registers the example's own `import` batch operation again, after a test replaced it. */
function restoreSizer(example: Example): void {
  example.sizer.register("import", {
    budgetMs: 50,
    minSize: 100,
    maxSize: 20_000,
    defaultSize: 1000,
  });
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
    const response = await postImport(example, input);
    assert.equal(response.status, 200);
    const body = await response.json() as { records: number; batches: number[]; total: number };
    assert.equal(body.records, 2500);
    assert.equal(body.batches.reduce((a, b) => a + b, 0), 2500);
    assert.equal(body.total, importBatch(input).total);
  });

  it("times an import batch in the worker and feeds the sizer that time, not the wait in the queue", async () => {
    const batch = records(10);
    const result = await example.pool.run<TimedImportResult>("import", batch);
    assert.equal(result.total, importBatch(batch).total);
    assert.ok(Number.isFinite(result.ms) && result.ms >= 0, `ms: ${result.ms}`);

    const pool = example.pool;
    const run = pool.run.bind(pool);
    // Every batch waits in the "queue" until the last one is submitted, then
    // reports 1 ms of work, as a busy pool's worker would.
    const submitted: (() => void)[] = [];
    pool.run =
      ((_task: string, payload: readonly ImportRecord[]) =>
        new Promise<TimedImportResult>((resolve) => {
          submitted.push(() => resolve({ ...importBatch(payload), ms: 1 }));
          if (submitted.length === 3) { for (const done of submitted) done(); }
        })) as typeof pool.run;
    try {
      const response = await importInBatchesOf100(example, 300);
      assert.equal(response.status, 200);
      assert.deepEqual((await response.json() as { batches: number[] }).batches, [100, 100, 100]);
      const stats = example.sizer.stats("import");
      assert.equal(stats.batches, 3);
      assert.equal(stats.meanDurationMs, 1, "the worker's time, without the wait");
    } finally {
      pool.run = run;
      restoreSizer(example);
    }
  });

  it("refuses a chunked import body past 16 MiB with 413, leaving the rest unread", async () => {
    const mib = new Uint8Array(2 ** 20).fill(0x20); // JSON whitespace
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode("["));
        controller.enqueue(mib.slice());
        if (++sent === 64) controller.close();
      },
    }, { highWaterMark: 0 });
    const response = await example.app.request(upload("/import", body));
    assert.equal(response.status, 413);
    assert.match((await response.json() as { error: string }).error, /larger than 16777216 bytes/);
    assert.ok(sent < 64, `read ${sent} MiB of 64`);
    const small = new TextEncoder().encode(JSON.stringify(records(20)));
    const chunked = await example.app.request(upload(
      "/import",
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(small.subarray(0, 7));
          controller.enqueue(small.subarray(7));
          controller.close();
        },
      }),
    ));
    assert.equal(chunked.status, 200);
    assert.equal((await chunked.json() as { records: number }).records, 20);
  });

  it("names the bad field of an import", async () => {
    const input: unknown[] = records(3);
    (input[1] as { quantity: unknown }).quantity = "two";
    const response = await postImport(example, input);
    assert.equal(response.status, 400);
    assert.match((await response.json() as { error: string }).error, /^1\.quantity: /);
    const notJson = await example.app.request("/import", { method: "POST", body: "{" });
    assert.equal(notJson.status, 400);
  });

  it("refuses amounts whose sum would not be finite, and a declared body too large to read", async () => {
    const huge = [{ id: "a", quantity: 1e200, price: 1e200 }];
    const response = await postImport(example, huge);
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
      const response = await importInBatchesOf100(example, 300);
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "1");
      assert.match((await response.json() as { error: string }).error, /queue is full/);
      assert.equal(cancelled.length, 2, "the batches still waiting were cancelled");
    } finally {
      pool.run = run;
      restoreSizer(example);
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

  it("reads an import's body before it takes a permit: a slow upload holds none", async () => {
    const example = createExample({ token: TOKEN, limit: 1, adapter: createRuntimeAdapter() });
    try {
      const input = new TextEncoder().encode(JSON.stringify(records(10)));
      const reading = later();
      const release = later();
      let pulls = 0;
      // The first bytes arrive; the rest wait for `release`.
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (pulls++ === 0) return controller.enqueue(input.slice(0, 5));
          reading.resolve();
          await release.promise;
          controller.enqueue(input.slice(5));
          controller.close();
        },
      }, { highWaterMark: 0 });
      const slow = Promise.resolve(example.app.request(upload("/import", body)));
      await reading.promise;
      const other = await example.app.request("/export/1");
      assert.equal(other.status, 200, "admitted while the upload is still arriving");
      assert.equal(example.limiters.work!.stats().inflight, 0);
      release.resolve();
      const response = await slow;
      assert.equal(response.status, 200);
      assert.equal((await response.json() as { records: number }).records, 10);
    } finally {
      await example.close();
    }
  });
});

describe("the example server shutting down", () => {
  it("ends the dashboard's event streams when its signal aborts, and opens no new ones", async () => {
    const stopping = new AbortController();
    const example = createExample({
      token: TOKEN,
      limit: "none",
      signal: stopping.signal,
      adapter: createRuntimeAdapter(),
    });
    try {
      const response = await example.app.request("/_headroom/events");
      assert.equal(response.status, 200);
      const reader = response.body!.getReader();
      assert.equal((await reader.read()).done, false, "the stream is open");
      stopping.abort();
      // Resolves only when the stream ends; without the signal the test times out.
      while (!(await reader.read()).done);
      assert.equal((await example.app.request("/_headroom/events")).status, 503);
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
