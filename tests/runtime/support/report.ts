// Prints what createRuntimeAdapter() reads, as JSON, for tests that run it in
// a child process (Deno without permissions).
import { createRuntimeAdapter } from "../../../mod.ts";

const adapter = createRuntimeAdapter();
const cpu = adapter.cpu();
const memory = adapter.memory();
console.log(JSON.stringify({
  name: adapter.name,
  cpu: {
    effective: cpu.effective,
    affinity: cpu.affinity,
    quota: cpu.quota,
    degraded: cpu.degraded,
  },
  memory: { rss: memory.rss, limit: memory.limit, degraded: memory.degraded },
  cpuTime: adapter.cpuTime(),
  cpuTimeSource: adapter.cpuTimeSource(),
  pressure: adapter.pressure()?.cpu?.some.avg10,
}));
