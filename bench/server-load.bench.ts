// The example server under about twice its capacity, three ways in one run:
// headroom's adaptive limit, a fixed limit of 2x the CPU count, and no limit.
// autocannon drives each server (a separate process) from this process.
//
// Run:     node bench/server-load.bench.ts
// Options: LOAD_ROUTE=/export/512   the route under load
//          LOAD_SECONDS=15          seconds of overload per server
//
// Per server, with autocannon: a warm-up, the unloaded p99 (1 connection) and
// the peak goodput (2xx per second at 8 x CPUs connections). Capacity is the
// best of those peaks; then every server, fresh, gets the same overload:
// twice that capacity, open loop (see paced()). Goodput counts 2xx only; p99
// covers every response, shed ones included, since a fast 503 is the point.
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import http from "node:http";
import os from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Histogram } from "../src/metrics/histogram.ts";

const ROUTE = process.env["LOAD_ROUTE"] ?? "/export/512";
const SECONDS = Number(process.env["LOAD_SECONDS"] ?? 15);
const CPUS = os.availableParallelism();
const MAIN = fileURLToPath(new URL("../examples/server/main.ts", import.meta.url));

interface Load {
  readonly goodput: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly shed: number;
  readonly errors: number;
}

async function load(url: string, connections: number, seconds: number): Promise<Load> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 30,
  });
  return {
    goodput: result["2xx"] / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    shed: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Open-loop load: requests leave on a steady schedule (every 2 ms, as many as
 * are due), whatever the responses do, as independent clients would send
 * them. autocannon's own rate limit is a per-second budget per connection:
 * a connection answered fast by a 503 spends its budget in the first few
 * milliseconds of each second and then waits, so the server would see one
 * burst a second instead of twice its capacity.
 */
async function paced(url: string, perSecond: number, seconds: number): Promise<Load> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const latency = new Histogram();
  let ok = 0, shed = 0, errors = 0, sent = 0;
  const pending = new Set<Promise<void>>();
  const one = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const request = http.get(url, { agent }, (response) => {
        response.resume();
        response.on("end", () => {
          latency.record(performance.now() - started);
          if (response.statusCode === 200) ok++;
          else shed++;
          resolve();
        });
      });
      request.setTimeout(30_000, () => request.destroy(new Error("timeout")));
      request.on("error", () => {
        errors++;
        resolve();
      });
    });
  const begin = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = (performance.now() - begin) / 1000;
      if (elapsed >= seconds) {
        clearInterval(tick);
        resolve();
        return;
      }
      for (const due = Math.floor(elapsed * perSecond); sent < due; sent++) {
        const p = one().then(() => void pending.delete(p));
        pending.add(p);
      }
    }, 2);
  });
  await Promise.all(pending);
  agent.destroy();
  const snapshot = latency.snapshot();
  return { goodput: ok / seconds, p50: snapshot.p50, p99: snapshot.p99, ok, shed, errors };
}

async function start(limit: string, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: String(port), HEADROOM_LIMIT: limit, HEADROOM_TOKEN: "bench" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /serving (http:\/\/\S+?)\/ /.exec(text);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`server (${limit}) exited with ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

const fmt = (x: number, digits = 0): string => x.toFixed(digits);
const modes = [
  { name: "headroom adaptive", limit: "adaptive" },
  { name: `fixed ${2 * CPUS} (2x CPUs)`, limit: String(2 * CPUS) },
  { name: "no limit", limit: "none" },
];

console.log(`# example server under load: node ${process.versions.node}, ${CPUS} CPUs, ${ROUTE}`);
const rows: string[][] = [];
let port = 18787;

// Pass 1: each server's unloaded p99 and closed-loop peak.
const measured: { unloaded: Load; peak: Load }[] = [];
for (const mode of modes) {
  const server = await start(mode.limit, port++);
  try {
    const target = server.url + ROUTE;
    await load(target, 2 * CPUS, 3); // warm-up: workers started, JIT warm, limit settled
    const unloaded = await load(target, 1, 5);
    const peak = await load(target, 8 * CPUS, 5);
    console.log(
      `  ${mode.name}: unloaded p99 ${fmt(unloaded.p99)} ms, peak ${fmt(peak.goodput)} 2xx/s`,
    );
    measured.push({ unloaded, peak });
  } finally {
    await server.stop();
  }
}

// Pass 2: every server gets the same offered load, twice the best peak of pass 1.
const capacity = Math.max(...measured.map((m) => m.peak.goodput));
const rate = 2 * capacity;
console.log(`  overload: ${fmt(rate)} requests/s, open loop, ${SECONDS} s each`);
for (const [i, mode] of modes.entries()) {
  const server = await start(mode.limit, port++);
  try {
    const target = server.url + ROUTE;
    await load(target, 2 * CPUS, 3);
    const over = await paced(target, rate, SECONDS);
    const { unloaded } = measured[i]!;
    const row = [
      mode.name,
      fmt(unloaded.p99),
      fmt(measured[i]!.peak.goodput),
      fmt(over.goodput),
      `${fmt(over.goodput / capacity, 2)}`,
      fmt(over.p99),
      `${fmt(over.p99 / Math.max(1, unloaded.p99), 1)}x`,
      String(over.shed),
      String(over.errors),
    ];
    console.log(`  ${row.join("  ")}`);
    rows.push(row);
  } finally {
    await server.stop();
  }
}

const header = [
  "server",
  "unloaded p99 ms",
  "peak 2xx/s",
  "2xx/s at 2x",
  "vs capacity",
  "p99 ms at 2x",
  "vs unloaded",
  "shed (503)",
  "errors",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: readonly string[]): string =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
for (const row of rows) console.log(line(row));
console.log(
  `\ncapacity = the best peak, ${fmt(capacity)} 2xx/s; every server was offered ${fmt(rate)}/s.` +
    "\ngoal: headroom keeps >= 0.90 of capacity and p99 within 3x its unloaded p99",
);
