// Cost of one full ResourceMonitor sample on this machine, and of each
// adapter read behind it, next to the naive probe seed monitors use
// (os.cpus() + process.memoryUsage(), which sees neither quotas nor pressure).
// Run: node bench/monitor.bench.ts | deno run -A --v8-flags=--expose-gc bench/monitor.bench.ts |
//      bun bench/monitor.bench.ts
import "./support/expose-gc.ts"; // before mitata: see there
import { bench, do_not_optimize, group, run, summary } from "mitata";
import os from "node:os";
import process from "node:process";
import { createRuntimeAdapter, ResourceMonitor } from "../mod.ts";

const adapter = createRuntimeAdapter();
const uncached = createRuntimeAdapter({ limitRefreshMs: 0 });
const monitor = new ResourceMonitor({ adapter, loopDelay: false });
const monitorUncached = new ResourceMonitor({
  adapter: uncached,
  loopDelay: false,
  limitRefreshMs: 0,
});
monitor.sample();
monitorUncached.sample();

const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined"
  ? "deno"
  : typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
  ? "bun"
  : "node";
console.log(
  `${runtime} ${runtime === "node" ? process.version : ""} on ${os.availableParallelism()} CPUs`,
);

summary(() => {
  bench("headroom ResourceMonitor.sample()", () => do_not_optimize(monitor.sample()));
  bench(
    "headroom ResourceMonitor.sample(), limits re-read every call",
    () => do_not_optimize(monitorUncached.sample()),
  );
  bench(
    "naive os.cpus() + process.memoryUsage()",
    () => do_not_optimize([os.cpus().length, process.memoryUsage().rss]),
  );
});

group("adapter reads", () => {
  bench("cpuTime()", () => do_not_optimize(adapter.cpuTime()));
  bench("memory()", () => do_not_optimize(adapter.memory()));
  bench("pressure()", () => do_not_optimize(adapter.pressure()));
  bench("loadAverage()", () => do_not_optimize(adapter.loadAverage()));
  bench("cpu() (limits cached)", () => do_not_optimize(adapter.cpu()));
  bench("cpu() (limits re-read)", () => do_not_optimize(uncached.cpu()));
});

await run();
