// What headroom sees on this machine: CPUs, memory, pressure, load,
// event-loop delay, and every figure it could not read.
// Run: npm run inspect | deno run -A examples/inspect.ts | bun examples/inspect.ts
import { createRuntimeAdapter, ResourceMonitor, type ResourceSample } from "../mod.ts";

const g = globalThis as {
  Deno?: { version: { deno: string } };
  Bun?: { version: string };
  process?: { version?: string; platform?: string };
};
const version = g.Deno?.version.deno ?? g.Bun?.version ?? g.process?.version ?? "unknown";

const adapter = createRuntimeAdapter();
const monitor = new ResourceMonitor({ adapter, intervalMs: 250 });
monitor.start();
const settled = new Promise<ResourceSample>((resolve) => {
  let ticks = 0;
  monitor.addEventListener("sample", (event) => {
    if (++ticks === 4) resolve((event as CustomEvent<ResourceSample>).detail);
  });
});
// Keep the process alive while the unref'd monitor timers sample for a second.
const keepAlive = setTimeout(() => {}, 5_000);
const sample = await settled;
clearTimeout(keepAlive);
monitor.stop();

const cpu = adapter.cpu();
const memory = adapter.memory();
const pressure = adapter.pressure();

const gib = (bytes: number | undefined): string =>
  bytes === undefined
    ? "—"
    : bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(2)} GiB`
    : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const pct = (
  value: number | undefined,
): string => (value === undefined ? "—" : `${value.toFixed(1)}%`);
const row = (label: string, value: string, source?: string): string =>
  `  ${label.padEnd(13)} ${value.padEnd(12)} ${source ?? ""}`.trimEnd();

const lines = [
  `headroom on ${adapter.name} ${version} (${g.process?.platform ?? "no platform"})`,
  "",
  "CPU",
  row("logical", String(cpu.logical ?? "—"), cpu.sources.logical),
  row("affinity", String(cpu.affinity ?? "—"), cpu.sources.affinity),
  row("cpuset", String(cpu.cpuset ?? "—"), cpu.sources.cpuset),
  row("quota", cpu.quota === undefined ? "none" : cpu.quota.toFixed(2), cpu.sources.quota),
  row("effective", String(cpu.effective), cpu.sources.effective),
  row(
    "throttled",
    cpu.throttling ? `${cpu.throttling.throttled}/${cpu.throttling.periods} periods` : "—",
    cpu.sources.throttling,
  ),
  row("in use", `${pct(sample.cpuPercent)} of ${sample.cpus}`, adapter.cpuTimeSource()),
  "",
  "Memory",
  row("host", gib(memory.total), memory.sources.total),
  row("available", gib(memory.available), memory.sources.available),
  row("limit", memory.limit === undefined ? "none" : gib(memory.limit), memory.sources.limit),
  row("high", memory.high === undefined ? "none" : gib(memory.high), memory.sources.high),
  row("usage", gib(memory.usage), memory.sources.usage),
  row("working set", gib(memory.workingSet), memory.sources.workingSet),
  row("rss", gib(memory.rss), memory.sources.rss),
  row("in use", `${pct(sample.memoryPercent)} of ${gib(sample.memoryLimit)}`, sample.memorySource),
  "",
  "Pressure (PSI some avg10)",
  row("cpu", pct(sample.psi.cpu), pressure?.sources.cpu),
  row("memory", pct(sample.psi.memory), pressure?.sources.memory),
  row("io", pct(sample.psi.io), pressure?.sources.io),
  "",
  row(
    "load average",
    sample.loadAverage ? sample.loadAverage.map((n) => n.toFixed(2)).join(" ") : "—",
  ),
  row(
    "loop delay",
    sample.loopDelayMs
      ? `max ${sample.loopDelayMs.max.toFixed(1)} ms, mean ${sample.loopDelayMs.mean.toFixed(2)} ms`
      : "—",
  ),
  row("level", sample.level, sample.reasons.join("; ")),
  "",
  sample.degraded.length === 0 ? "Degraded: nothing" : "Degraded",
  ...sample.degraded.map((entry) => `  - ${entry}`),
];
console.log(lines.join("\n"));
