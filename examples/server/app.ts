// The example server as a Hono app: real CPU work in a WorkerPool behind
// adaptive limits, batches sized by the batch sizer, and headroom's control
// surface at /_headroom. main.ts serves it; tests call app.request().
import { type Context, Hono } from "hono";
import * as v from "valibot";
import {
  AdaptiveLimiter,
  createRuntimeAdapter,
  DynamicBatchSizer,
  EmergencyBrake,
  headroomLimit,
  type Limit,
  PoolClosedError,
  QueueFullError,
  ResourceMonitor,
  type RuntimeAdapter,
  WorkerPool,
  workerUrl,
} from "../../mod.ts";
import { adaptiveLimit, createControlApp } from "../../http.ts";
import { readBody } from "./read-body.ts";
import type { ExportResult, ImportRecord, TimedImportResult } from "./worker.ts";

/** How the example limits concurrent requests: headroom's default, a fixed number, or not at all. */
export type LimitMode = "adaptive" | "none" | number;

/** Options of {@link createExample}. */
export interface ExampleOptions {
  /** @default {"adaptive"} */
  readonly limit?: LimitMode;
  /** Bearer token for the control surface's mutations. */
  readonly token: string;
  /** Run tasks on the calling thread (tests, edge runtimes). @default {false} */
  readonly inline?: boolean;
  /** Added to the worker threads' nice value (Linux; see WorkerPool `niceIncrement`). @default {10} */
  readonly niceIncrement?: number;
  /**
   * How long a request may wait for a permit before it is shed, in ms; 0
   * sheds at once when every permit is taken. @default {0}
   */
  readonly queueMs?: number;
  /**
   * How long `/report` waits on its downstream, in ms: a stand-in for the
   * database query or service call most routes make before their CPU work.
   * @default {20}
   */
  readonly downstreamMs?: number;
  /** Monitor interval in ms. @default {1000} */
  readonly sampleMs?: number;
  readonly adapter?: RuntimeAdapter;
  /**
   * Aborting it ends the dashboard's open `/_headroom/events` streams (and
   * refuses new ones), so a server shutting down can drain.
   */
  readonly signal?: AbortSignal;
}

/** The running example: its app and the parts it is made of. */
export interface Example {
  readonly app: Hono;
  readonly pool: WorkerPool;
  /**
   * The request limits, none with `limit: "none"`: `work` for the routes that
   * are pool work alone (`/export`, `/import`), `report` for `/report`.
   */
  readonly limiters: {
    readonly work: AdaptiveLimiter | undefined;
    readonly report: AdaptiveLimiter | undefined;
  };
  readonly monitor: ResourceMonitor;
  readonly sizer: DynamicBatchSizer;
  readonly adapter: RuntimeAdapter;
  close(): Promise<void>;
}

const MAX_KIB = 4096;
const MAX_RECORDS = 50_000;
/**
 * 50,000 records take about 3 MB of JSON; a body past this is refused, unread
 * when its Content-Length says so, else as soon as the bytes read pass it.
 */
const MAX_IMPORT_BYTES = 16 * 1024 * 1024;
/** Bounds that keep a sum of 50,000 products finite. */
const MAX_AMOUNT = 1e9;

const Record = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_AMOUNT)),
  price: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_AMOUNT)),
});
const Records = v.pipe(v.array(Record), v.minLength(1), v.maxLength(MAX_RECORDS));

function issuesText(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues.slice(0, 5).map((issue) => {
    const path = issue.path?.map((p) => String(p.key)).join(".") ?? "";
    return `${path === "" ? "body" : path}: ${issue.message}`;
  }).join("; ");
}

/** Waits `ms` as a downstream call would; a client that leaves ends the wait. */
function downstream(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = (): void => {
      signal.removeEventListener("abort", abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
  });
}

/** Builds the example app and its parts; call `close()` when done. */
export function createExample(options: ExampleOptions): Example {
  const adapter = options.adapter ?? createRuntimeAdapter();
  const monitor = new ResourceMonitor({ adapter, intervalMs: options.sampleMs ?? 1000 });
  const pool = new WorkerPool({
    worker: workerUrl("./worker.ts", import.meta.url),
    inline: options.inline ?? false,
    adapter,
    maxQueue: 1024,
    // Workers yield the CPU to the main thread, which parses HTTP, sheds
    // excess requests and feeds the pool: under overload the event loop
    // stays quick and the workers take every cycle it leaves (Linux).
    niceIncrement: options.niceIncrement ?? 10,
  });
  const mode = options.limit ?? "adaptive";
  const downstreamMs = options.downstreamMs ?? 20;
  const workers = pool.stats().workers.max;
  const limit = (name: string, adaptive: () => Limit): AdaptiveLimiter | undefined =>
    mode === "none"
      ? undefined
      : new AdaptiveLimiter({ name, limit: mode === "adaptive" ? adaptive() : mode, monitor });
  // `/export` and `/import` are pool tasks and nothing else. The workers
  // already bound the CPU, so the limit has no CPU ceiling of its own; it
  // stays between one request per worker (fewer leaves a worker idle) and two
  // (one running, one at hand, as the pool pipelines). Within that band
  // latency up to twice the no-load latency is the pipeline at work, not
  // overload: the loop backs off only past three times (a slow worker, a
  // pause, a noisy neighbour). It starts at one per worker, so its first
  // calls measure the no-load latency with nothing queued, and re-measures
  // that only every five minutes: a pool task's no-load latency is its own
  // CPU time, which changes only with the machine, and each probe halves the
  // limit for a second or two.
  const workLimiter = limit("work", () =>
    headroomLimit({
      initial: workers,
      min: workers,
      max: 2 * workers,
      cpuBound: false,
      growBelow: 2.1,
      shrinkAbove: 3,
      probeIntervalMs: 300_000,
    }));
  // `/report` waits on its downstream before its pool task, so how many
  // requests keep the workers busy depends on that wait, which no formula
  // knows: headroom's default delay loop finds it, growing while latency
  // stays within 10 % of the no-load latency. No CPU ceiling either: the
  // requests' CPU is the pool's. A downstream's latency drifts more than a
  // pool task's CPU time, so the no-load latency is re-measured every two
  // minutes rather than five. Each probe halves the limit for about a second:
  // every 30 s, the default, the load bench measured 0.88 of capacity, every
  // two minutes 0.91 and 0.96.
  const reportLimiter = limit(
    "report",
    () =>
      headroomLimit({
        initial: workers,
        min: workers,
        cpuBound: false,
        probeIntervalMs: 120_000,
      }),
  );
  const sizer = new DynamicBatchSizer({ monitor });
  sizer.register("import", { budgetMs: 50, minSize: 100, maxSize: 20_000, defaultSize: 1000 });
  const brake = new EmergencyBrake({ monitor });

  // strict: false, so /_headroom/ serves the dashboard as /_headroom does.
  const app = new Hono({ strict: false });
  app.get("/", (c) =>
    c.text(
      "headroom example server\n\n" +
        "GET  /export/:kib   generate and hash :kib KiB in a worker (1-4096)\n" +
        `GET  /report/:kib   the same after a ${downstreamMs} ms downstream call\n` +
        "POST /import        JSON array of { id, quantity, price }, summed in batches\n" +
        "GET  /_headroom/    the dashboard\n",
    ));

  // `importBody`: the text of a `/import` body, read before the request takes a permit.
  const work = new Hono<{ Variables: { importBody: string } }>();
  // Shed a request that finds every permit taken with 503 and Retry-After: a
  // fast "no" keeps latency low for the requests that are admitted. The limit
  // already lets a task wait in the pool behind each running one, so the pool
  // never idles between requests without a second queue here; `queueMs` adds
  // one (each queued request then costs a timer, and a timed-out one an error).
  const queueMs = options.queueMs ?? 0;
  const queue = queueMs > 0 ? { maxWaitMs: queueMs } : false;
  const limited = (path: string, limiter: AdaptiveLimiter | undefined): void => {
    if (limiter !== undefined) work.use(path, adaptiveLimit(limiter, { queue, retryAfter: 1 }));
  };
  limited("/export/*", workLimiter);
  // An upload arrives at the client's pace: read it whole, and cap it, before
  // the request takes a permit, so a slow or endless body holds none while it
  // trickles in. Parsing waits for the permit, being CPU work.
  work.post("/import", async (c, next) => {
    let text: string | undefined;
    try {
      text = await readBody(c.req.raw, MAX_IMPORT_BYTES);
    } catch (error) {
      if (c.req.raw.signal.aborted) throw error;
      return c.json({ error: "body: could not be read" }, 400);
    }
    if (text === undefined) {
      return c.json({ error: `body: larger than ${MAX_IMPORT_BYTES} bytes` }, 413);
    }
    c.set("importBody", text);
    await next();
  });
  limited("/import", workLimiter);
  limited("/report/*", reportLimiter);
  const exportTask = async (c: Context, wait: number): Promise<Response> => {
    const kib = Number(c.req.param("kib"));
    if (!Number.isInteger(kib) || kib < 1 || kib > MAX_KIB) {
      return c.json(
        { error: `kib must be an integer from 1 to ${MAX_KIB}, received ${c.req.param("kib")}` },
        400,
      );
    }
    const seed = Number(c.req.query("seed") ?? kib) | 0;
    if (wait > 0) await downstream(wait, c.req.raw.signal);
    const result = await pool.run<ExportResult>("export", { kib, seed }, {
      signal: c.req.raw.signal,
    });
    return c.json(result);
  };
  work.get("/export/:kib", (c) => exportTask(c, 0));
  work.get("/report/:kib", (c) => exportTask(c, downstreamMs));
  work.post("/import", async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(c.get("importBody"));
    } catch {
      return c.json({ error: "body: expected a JSON array of { id, quantity, price }" }, 400);
    }
    const parsed = v.safeParse(Records, body);
    if (!parsed.success) return c.json({ error: issuesText(parsed.issues) }, 400);
    const records: readonly ImportRecord[] = parsed.output;
    // When one batch fails, the rest of this request's batches are cancelled, not left to run.
    const failed = new AbortController();
    const signal = AbortSignal.any([c.req.raw.signal, failed.signal]);
    const batches: Promise<TimedImportResult>[] = [];
    const sizes: number[] = [];
    for (let i = 0; i < records.length;) {
      const size = sizer.size("import");
      const batch = records.slice(i, i + size);
      i += batch.length;
      sizes.push(batch.length);
      // The sizer is fed the batch's run time as the worker measured it: time
      // spent waiting in the pool's queue behind other batches says nothing
      // about how long a batch of this size takes, and counted, it would
      // shrink batches under load to the minimum.
      batches.push(
        pool.run<TimedImportResult>("import", batch, { signal }).then((r) => {
          sizer.record("import", { items: batch.length, durationMs: r.ms });
          return r;
        }),
      );
    }
    const results = await Promise.all(batches).catch(async (error: unknown) => {
      failed.abort(error);
      await Promise.allSettled(batches);
      throw error;
    });
    const total = results.reduce((sum, r) => sum + r.total, 0);
    return c.json({
      records: records.length,
      batches: sizes,
      total: Math.round(total * 100) / 100,
    });
  });
  app.route("/", work);
  // A client that went away aborted its task: nothing to report, nobody to tell.
  app.onError((error, c) => {
    if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
    if (error instanceof PoolClosedError) return c.json({ error: "shutting down" }, 503);
    if (error instanceof QueueFullError) {
      c.header("Retry-After", "1");
      return c.json({ error: `the work queue is full (${error.maxQueue} tasks wait)` }, 503);
    }
    console.error(error);
    return c.json({ error: "internal error" }, 500);
  });

  const limiters = { work: workLimiter, report: reportLimiter };
  const control = createControlApp({
    monitor,
    pools: { work: pool },
    limiters: Object.fromEntries(
      Object.entries(limiters).filter((entry): entry is [string, AdaptiveLimiter] =>
        entry[1] !== undefined
      ),
    ),
    batchSizers: { import: sizer },
    brakes: { pressure: brake },
    token: options.token,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  app.route("/_headroom", control);
  monitor.start();

  return {
    app,
    pool,
    limiters,
    monitor,
    sizer,
    adapter,
    async close() {
      monitor.stop();
      sizer.close();
      brake[Symbol.dispose]();
      workLimiter?.[Symbol.dispose]();
      reportLimiter?.[Symbol.dispose]();
      await pool.close();
    },
  };
}
