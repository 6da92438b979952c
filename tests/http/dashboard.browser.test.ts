// The dashboard in a real headless Chromium: it connects to GET /events,
// charts live data and logs decisions. The test scripts two minutes of a
// service (fake machine figures, a fake wall clock for the time axis, real
// limiter, pool, brake and batch sizer) and saves a screenshot to
// docs/dashboard.png when HEADROOM_SCREENSHOT=1. Skipped without Chromium at /usr/bin/chromium.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import process from "node:process";
import { chromium, type Page } from "playwright-core";
import { DynamicBatchSizer } from "../../src/control/batch/dynamic-batch-sizer.ts";
import { EmergencyBrake } from "../../src/control/brake/emergency-brake.ts";
import { AdaptiveLimiter } from "../../src/control/limiter/adaptive-limiter.ts";
import { aimd } from "../../src/control/limits/aimd.ts";
import type { Permit } from "../../src/control/limiter/permit.ts";
import { createControlApp } from "../../src/http/control-app.ts";
import { dashboardHtml, dashboardPolicy } from "../../src/http/dashboard.ts";
import type { Figures } from "../../src/http/figures.ts";
import { ResourceMonitor } from "../../src/monitor/resource-monitor.ts";
import { observe } from "../../src/observe/mod.ts";
import { WorkerPool } from "../../src/pool/pool.ts";
import { createFakeAdapter } from "../../src/runtime/fake.ts";
import { ManualTime } from "../monitor/manual-time.ts";
import { workerFile } from "../pool/support/helpers.ts";
import { serve } from "./support/serve.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM)
  ? false
  : `needs Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`;
const screenshot = new URL("../../docs/dashboard.png", import.meta.url);

const MiB = 2 ** 20;

/** Lets the event loop run once: queued writes reach the socket. Not a timed wait. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Every component on a fake machine; `wall` is the epoch clock of the events. */
function service() {
  const time = new ManualTime();
  const clocks = { clock: time.clock, scheduler: time.scheduler };
  // A fixed start, so the time axis of the screenshot is the same on every run.
  const clock = { wall: Date.UTC(2025, 0, 15, 9, 30, 0) };
  const adapter = createFakeAdapter({
    name: "node",
    cpu: { affinity: 4 },
    cpuTime: 0,
    memory: { limit: 2048 * MiB, workingSet: 700 * MiB },
  });
  const monitor = new ResourceMonitor({ adapter, loopDelay: false, halfLifeMs: 3000, ...clocks });
  const db = new AdaptiveLimiter({ name: "db", limit: aimd({ initial: 16, max: 40 }), ...clocks });
  const api = new AdaptiveLimiter({ name: "api", limit: 24, ...clocks });
  const pool = new WorkerPool({
    worker: workerFile,
    adapter,
    inline: true,
    minWorkers: 1,
    maxWorkers: 4,
    name: "hash",
  });
  const brake = new EmergencyBrake({ name: "memory", monitor, minPauseMs: 8000, ...clocks });
  const sizer = new DynamicBatchSizer({ clock: time.clock });
  sizer.register("import", { budgetMs: 100, initialSize: 10 });
  const components = {
    monitor,
    limiters: { db, api },
    pools: { hash: pool },
    brakes: { memory: brake },
    batchSizers: { batch: sizer },
  };
  const observatory = observe({ ...components, clock: () => clock.wall });
  const app = createControlApp({
    observatory,
    allowUnauthenticated: true,
    eventsHeartbeatMs: 60_000,
    clock: () => clock.wall,
  });
  const close = async (): Promise<void> => {
    observatory.close();
    brake[Symbol.dispose]();
    sizer.close();
    await pool.close();
  };
  return { time, clock, adapter, monitor, db, api, pool, sizer, app, close };
}

type Service = ReturnType<typeof service>;

/** Permits and tasks one scripted second leaves running into the next. */
interface Carry {
  db: Permit[];
  api: (Permit | undefined)[];
  tasks: Promise<unknown>[];
}

/**
 * One second of the scripted service: load and memory move, new calls take
 * permits and queue tasks, the monitor samples, then the previous second's
 * calls finish (one in five reporting to the limit: dropped while memory is
 * high, else ok).
 */
async function second(s: Service, i: number, carry: Carry): Promise<Carry> {
  s.clock.wall += 1000;
  s.time.advance(1000);
  const load = 0.45 + 0.3 * Math.sin(i / 9) + 0.1 * Math.sin(i / 2.3);
  s.adapter.machine.cpuTime = (s.adapter.machine.cpuTime ?? 0) + 4 * 1e6 * load;
  const memory = i < 50 ? 700 + 4 * i : i < 75 ? 900 + 36 * (i - 50) : 1800 - 25 * (i - 75);
  s.adapter.machine.memory.workingSet = Math.max(600, memory) * MiB;
  const db: Permit[] = [];
  const want = Math.round(s.db.limit * (0.3 + load / 3));
  for (let k = 0; k < want; k++) {
    const permit = s.db.tryAcquire();
    if (permit) db.push(permit);
  }
  const api = Array.from({ length: Math.round(4 + 8 * load) }, () => s.api.tryAcquire());
  const tasks = Array.from(
    { length: Math.round(24 * load) },
    (_, k) => s.pool.run("sleep", 1 + ((i + k) % 4)),
  );
  s.monitor.sample();
  const pressured = s.monitor.level === "high" || s.monitor.level === "critical";
  for (const [k, permit] of carry.db.entries()) {
    const reports = k === carry.db.length - 1 && i % 5 === 0;
    permit.release(reports ? (pressured ? "dropped" : "ok") : "ignore");
  }
  for (const permit of carry.api) permit?.release("ignore");
  if (i % 4 === 0) {
    const size = s.sizer.size("import");
    s.sizer.record("import", { items: size, durationMs: 12 + 0.45 * size * (0.8 + load / 2) });
  }
  await Promise.all(carry.tasks);
  await turn();
  return { db, api, tasks };
}

/** How a {@link scripted} server answers besides its events. */
interface Script {
  /** The first this many `GET /events` are answered 503, as a draining control app does. */
  readonly refuse?: number;
  /** The body of `GET /status`, when it comes. @default {an empty status, at once} */
  readonly status?: () => Promise<unknown>;
  /** Counts each `GET /events`. */
  readonly onEvents?: () => void;
}

/**
 * The dashboard page, an empty `status` and an event stream that sends
 * `events` (name and data) and stays open: a page fed exactly these figures.
 */
function scripted(
  events: [string, unknown][],
  script: Script = {},
): (request: Request) => Response | Promise<Response> {
  let refused = 0;
  return (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/") {
      const nonce = "dGVzdA==";
      return new Response(dashboardHtml(nonce), {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": dashboardPolicy(nonce),
        },
      });
    }
    if (pathname === "/status") {
      return script.status === undefined
        ? Response.json({})
        : script.status().then((body) => Response.json(body));
    }
    if (pathname === "/events") {
      script.onEvents?.();
      if (refused < (script.refuse ?? 0)) {
        refused++;
        return new Response("shutting down", { status: 503 });
      }
      const text = events
        .map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
        .join("");
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
        },
      });
      return new Response(body, {
        headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
      });
    }
    return new Response("not found", { status: 404 });
  };
}

/** Each chart's y-axis labels as last drawn, bottom to top, once the page has had every event. */
async function ticks(
  page: Page,
  points: number,
): Promise<Record<string, string[]>> {
  await page.waitForFunction(
    (n) => (window as unknown as { __headroom?: { points: number } }).__headroom?.points === n,
    points,
  );
  // The chart redraw waits for the next frame; two frames later it has drawn.
  await page.evaluate(() =>
    new Promise<void>((resolve) =>
      requestAnimationFrame(() => requestAnimationFrame(() => resolve()))
    )
  );
  return await page.evaluate(() => {
    const labels: Record<string, string[]> = {};
    for (const id of ["limits", "latency", "machine", "pools"]) {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="chart-${id}"]`)!;
      labels[id] = canvas.dataset["ticks"]?.split("|") ?? [];
    }
    return labels;
  });
}

/**
 * Opens `origin` in headless Chromium and runs `check` on the page with the
 * errors its scripts and content policy report so far; closes the browser.
 */
async function withDashboard(
  origin: string,
  check: (page: Page, errors: string[]) => Promise<void>,
): Promise<void> {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: root ? ["--no-sandbox"] : [],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(`${origin}/`);
    await check(page, errors);
  } finally {
    await browser.close();
  }
}

describe("dashboard in headless Chromium", { skip }, () => {
  it("charts live data and logs decisions as they arrive", { timeout: 120_000 }, async () => {
    const s = service();
    const served = await serve((request) => s.app.fetch(request));
    try {
      await withDashboard(served.origin, async (page, errors) => {
        await page.waitForFunction(() => {
          const h = (window as unknown as { __headroom?: { connected: boolean; points: number } })
            .__headroom;
          return h !== undefined && h.connected && h.points > 0;
        });

        const points = (): Promise<number> =>
          page.evaluate(() =>
            (window as unknown as { __headroom: { points: number } }).__headroom.points
          );
        const before = await points();
        s.monitor.sample();
        await page.waitForFunction(
          (n) => (window as unknown as { __headroom: { points: number } }).__headroom.points > n,
          before,
        );

        s.db.setStatic(12);
        const row = page.locator('[data-testid="decision-row"]').first();
        await row.waitFor();
        assert.match(await row.innerText(), /limiter:db\s+16 → 12\s+static override: 12 permits/);
        s.db.setAdaptive();

        let carry: Carry = { db: [], api: [], tasks: [] };
        for (let i = 0; i < 120; i++) carry = await second(s, i, carry);
        await page.waitForFunction(
          (t) => (window as unknown as { __headroom: { last: number } }).__headroom.last >= t,
          s.clock.wall,
        );
        assert.ok(await points() >= before + 120, "a point per scripted second at least");
        const rows = await page.locator('[data-testid="decision-row"]').count();
        assert.ok(rows >= 5, `the decision log shows the run's decisions, found ${rows}`);
        const log = await page.locator('[data-testid="decision-log"]').innerText();
        assert.match(log, /brake:memory\s+released → engaged/);
        assert.match(log, /batchSizer:batch · batch:import/);

        const legend = await page.locator('[data-testid="chart-limits-legend"]').innerText();
        assert.match(legend, /db limit/);
        assert.match(legend, /api in flight/);
        assert.match(
          await page.locator('[data-testid="chart-pools-legend"]').innerText(),
          /hash queue depth/,
        );
        assert.match(
          await page.locator('[data-testid="chart-machine-legend"]').innerText(),
          /CPU %/,
        );
        const inked = await page.evaluate(() => {
          const canvas = document.querySelector<HTMLCanvasElement>(
            '[data-testid="chart-machine"]',
          )!;
          const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
          let coloured = 0;
          for (let i = 0; i < data.length; i += 4) {
            // Series colours are saturated; grid lines and text are grey.
            const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
            if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
          }
          return coloured;
        });
        assert.ok(inked > 500, `the CPU and memory lines are drawn (${inked} coloured pixels)`);
        assert.deepEqual(errors, [], "no script or policy error on the page");

        await page.evaluate(() => scrollTo(0, 0));
        const png = await page.screenshot();
        assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG");
        // HEADROOM_SCREENSHOT=1 refreshes the committed picture; plain runs leave the tree clean.
        if (process.env["HEADROOM_SCREENSHOT"] === "1") {
          mkdirSync(new URL(".", screenshot), { recursive: true });
          writeFileSync(screenshot, png);
          assert.ok(existsSync(screenshot));
        }
      });
    } finally {
      await served.close();
      await s.pool.drain();
      await s.close();
    }
  });

  it("labels every y-axis tick exactly, sub-millisecond and thousands scales included", {
    timeout: 120_000,
  }, async () => {
    // Three ticks a second apart: a limit of 2250 (axis to 2500), a permit wait
    // p99 of 0.08 ms (axis to 0.1 ms), a queue of 2 (axis to 2.5); one sample at 40 % CPU.
    const start = Date.UTC(2025, 0, 15, 9, 30, 0);
    const figures = (k: number): Figures => ({
      time: start + 1000 * k,
      level: "none",
      limiters: {
        db: {
          mode: "adaptive",
          limit: 2250,
          inflight: 3,
          waiting: 0,
          meanWaitMs: 0.02,
          p99WaitMs: 0.06 + 0.01 * k,
          rejected: 0,
        },
      },
      pools: {
        hash: {
          queueDepth: k,
          running: 1,
          live: 1,
          min: 1,
          max: 4,
          runP50: 0,
          runP99: 0,
          waitP50: 0,
          waitP99: 0,
          loadFactor: 0.5,
          completed: 0,
        },
      },
      batch: {},
      brakes: {},
    });
    const events: [string, unknown][] = [
      ["tick", figures(0)],
      ["sample", { at: start, sample: { cpuPercent: 40, memoryPercent: 30, level: "none" } }],
      ["tick", figures(1)],
      ["tick", figures(2)],
    ];
    const served = await serve(scripted(events));
    try {
      await withDashboard(served.origin, async (page, errors) => {
        const labels = await ticks(page, events.length);
        assert.deepEqual(labels, {
          limits: ["0", "625", "1.25k", "1.875k", "2.5k"],
          latency: ["0", "0.025", "0.05", "0.075", "0.1"],
          machine: ["0%", "25%", "50%", "75%", "100%"],
          pools: ["0", "0.625", "1.25", "1.875", "2.5"],
        });
        for (const [id, chart] of Object.entries(labels)) {
          assert.equal(new Set(chart).size, 5, `${id}: five distinct labels, ${chart.join(" ")}`);
        }
        assert.deepEqual(errors, [], "no script or policy error on the page");
      });
    } finally {
      await served.close();
    }
  });

  it("connects again after the stream is refused, as a draining server refuses it", {
    timeout: 120_000,
  }, async () => {
    let requests = 0;
    const events: [string, unknown][] = [["tick", emptyFigures(Date.UTC(2025, 0, 15, 9, 30))]];
    const served = await serve(scripted(events, { refuse: 2, onEvents: () => requests++ }));
    try {
      await withDashboard(served.origin, async (page) => {
        // The browser gives up on a 503 for good; the page starts again, waiting 1 s, then 2 s.
        await page.waitForFunction(
          () =>
            (window as unknown as { __headroom?: { connected: boolean } }).__headroom?.connected ===
              true,
          undefined,
          { timeout: 60_000 },
        );
        assert.equal(requests, 3, "two refused, then the stream");
        assert.equal(await page.locator('[data-testid="connection"]').innerText(), "live");
        const retries = await page.evaluate(() =>
          (window as unknown as { __headroom: { retries: number } }).__headroom.retries
        );
        assert.equal(retries, 2);
      });
    } finally {
      await served.close();
    }
  });

  it("keeps decisions from the stream when the one-off GET /status answers after it", {
    timeout: 120_000,
  }, async () => {
    const at = Date.UTC(2025, 0, 15, 9, 30);
    let answer: (body: unknown) => void = () => {};
    const late = new Promise<unknown>((resolve) => (answer = resolve));
    const older = { source: "limiter:db", from: 8, to: 10, reason: "older", time: at, at };
    const live = {
      source: "limiter:db",
      from: 10,
      to: 12,
      reason: "live",
      time: at + 1,
      at: at + 1,
    };
    const events: [string, unknown][] = [
      ["status", { decisions: [older] }],
      ["decision", live],
    ];
    const served = await serve(scripted(events, { status: () => late }));
    try {
      await withDashboard(served.origin, async (page) => {
        await page.waitForFunction(() =>
          (window as unknown as { __headroom?: { decisions: number } }).__headroom?.decisions === 2
        );
        const answered = page.waitForResponse((r) => r.url().endsWith("/status"));
        answer({ decisions: [] }); // a snapshot taken before the stream's
        await answered;
        // Let the page run what the answer set off: two frames and a task.
        await page.evaluate(() =>
          new Promise<void>((resolve) =>
            requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 100)))
          )
        );
        const rows = await page.locator('[data-testid="decision-log"] tbody tr').count();
        assert.equal(rows, 2, "the late snapshot did not wipe the log");
      });
    } finally {
      answer({});
      await served.close();
    }
  });

  it("tells a limiter and a pool of the same name apart, and scales to what is on screen", {
    timeout: 120_000,
  }, async () => {
    const start = Date.UTC(2025, 0, 15, 9, 30, 0);
    const figures = (k: number, limit: number): Figures => {
      const f = emptyFigures(start + 1000 * k);
      return {
        ...f,
        limiters: {
          work: {
            mode: "adaptive",
            limit,
            inflight: 1,
            waiting: 0,
            meanWaitMs: 1,
            p99WaitMs: 2,
            rejected: 0,
          },
        },
        pools: { work: { ...f.pools["work"]!, runP50: 1, runP99: 2 } },
      };
    };
    // A limit of 2000 at the start, then 10 every 10 s for seven minutes: the spike scrolls off.
    const events: [string, unknown][] = [["tick", figures(0, 2000)]];
    for (let k = 10; k <= 420; k += 10) events.push(["tick", figures(k, 10)]);
    const served = await serve(scripted(events));
    try {
      await withDashboard(served.origin, async (page) => {
        const labels = await ticks(page, events.length);
        assert.deepEqual(labels["limits"], ["0", "5", "10", "15", "20"]);
        const legend = await page.evaluate(() =>
          [...document.querySelectorAll('[data-testid="chart-latency-legend"] span')].map((e) => ({
            text: e.textContent,
            color: (e as HTMLElement).style.getPropertyValue("--c"),
          }))
        );
        assert.deepEqual(legend.map((e) => e.text), [
          "limiter work wait p99",
          "pool work run p50",
          "pool work run p99",
        ]);
        assert.notEqual(legend[0]!.color, legend[2]!.color, "the limiter and the pool differ");
      });
    } finally {
      await served.close();
    }
  });
});

/** Figures of one limiter-less pool named `work`, at `time`. */
function emptyFigures(time: number): Figures {
  return {
    time,
    level: "none",
    limiters: {},
    pools: {
      work: {
        queueDepth: 0,
        running: 0,
        live: 1,
        min: 1,
        max: 1,
        runP50: null,
        runP99: null,
        waitP50: null,
        waitP99: null,
        loadFactor: 0,
        completed: 0,
      },
    },
    batch: {},
    brakes: {},
  };
}
