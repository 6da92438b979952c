// Cost of taking and giving back a permit: headroom's AdaptiveLimiter next to
// p-limit, in the same run, for 1,000 calls of an async no-op at concurrency 8.
// Run: node bench/limiter.bench.ts | deno run -A --v8-flags=--expose-gc bench/limiter.bench.ts |
//      bun bench/limiter.bench.ts
import "./support/expose-gc.ts"; // before mitata: see there
import { bench, run, summary } from "mitata";
import pLimit from "p-limit";
import { AdaptiveLimiter } from "../src/control/limiter/mod.ts";

const CALLS = 1000;
const CONCURRENCY = 8;
const WARMUP_ROUNDS = 300;

const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined"
  ? `deno ${(globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno}`
  : typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
  ? `bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}`
  : `node ${(globalThis as unknown as { process: { version: string } }).process.version}`;
console.log(`${runtime} on ${navigator.hardwareConcurrency} CPUs`);

const noop = async (): Promise<void> => {};

const limiter = new AdaptiveLimiter({ limit: CONCURRENCY });
const limit = pLimit(CONCURRENCY);

const cases: Record<string, () => Promise<void>> = {
  "headroom acquire() + release(), 1,000 sequential calls": async () => {
    for (let i = 0; i < CALLS; i++) {
      const permit = await limiter.acquire();
      await noop();
      permit.release();
    }
  },
  "headroom run(fn), 1,000 calls at concurrency 8": async () => {
    const calls: Promise<void>[] = [];
    for (let i = 0; i < CALLS; i++) calls.push(limiter.run(noop));
    await Promise.all(calls);
  },
  "headroom acquire() + release(), 1,000 calls at concurrency 8": async () => {
    const calls: Promise<void>[] = [];
    for (let i = 0; i < CALLS; i++) {
      calls.push(
        limiter.acquire().then(async (permit) => {
          await noop();
          permit.release();
        }),
      );
    }
    await Promise.all(calls);
  },
  "p-limit limit(fn), 1,000 sequential calls": async () => {
    for (let i = 0; i < CALLS; i++) await limit(noop);
  },
  "p-limit limit(fn), 1,000 calls at concurrency 8": async () => {
    const calls: Promise<void>[] = [];
    for (let i = 0; i < CALLS; i++) calls.push(limit(noop));
    await Promise.all(calls);
  },
};

// Whichever case runs first would also pay for warming up the runtime's promise machinery (its
// mean came out 1.4x to 4x higher in that position, for either library): every case runs
// round-robin before any is measured.
for (let round = 0; round < WARMUP_ROUNDS; round++) {
  for (const fn of Object.values(cases)) await fn();
}

summary(() => {
  for (const [name, fn] of Object.entries(cases)) bench(name, fn);
});

const { benchmarks } = await run();
// The figures docs/limiter.md quotes, mean / median of each case, in µs (mitata's are in ns).
console.log("\nmean / p50 per 1,000 calls:");
for (const trial of benchmarks) {
  const stats = trial.runs[0]?.stats;
  if (stats === undefined) continue;
  console.log(
    `  ${trial.alias}: ${(stats.avg / 1000).toFixed(0)} / ${(stats.p50 / 1000).toFixed(0)} µs`,
  );
}
