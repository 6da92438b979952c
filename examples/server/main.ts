// The example server: `npm start` (Node), `deno task start`, `bun run start`.
// Environment: HOST (127.0.0.1), PORT (8787), HEADROOM_TOKEN (random when
// unset; printed), HEADROOM_LIMIT ("adaptive", "none" or a number),
// HEADROOM_NICE (0-19, added to the worker threads' nice value; 10),
// HEADROOM_QUEUE_MS (0-1000, how long a request may wait for a permit; 0),
// HEADROOM_DOWNSTREAM_MS (0-10000, how long /report waits on its downstream; 20),
// HEADROOM_DRAIN_MS (0-600000, how long shutdown lets requests in flight
// finish before it cuts them off; 10000). Numbers are plain decimal digits;
// a variable set but empty is an error.
import { createExample } from "./app.ts";
import { parseEnv } from "./env.ts";
import { serve } from "./serve.ts";

const proc = (globalThis as {
  process?: {
    env: Record<string, string | undefined>;
    on(signal: string, fn: () => void): void;
    exit(code: number): void;
  };
}).process;
const env = parseEnv(proc?.env ?? {});
const token = env.token ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0"))
    .join("");

// Aborted when shutdown starts: open dashboard event streams end, or the
// drain would wait on them to the deadline.
const stopping = new AbortController();
const example = createExample({
  limit: env.limit,
  token,
  niceIncrement: env.niceIncrement,
  queueMs: env.queueMs,
  downstreamMs: env.downstreamMs,
  signal: stopping.signal,
});
const served = await serve(example.app.fetch, env.host, env.port);

const cpu = example.adapter.cpu();
const memory = example.adapter.memory();
const gib = (bytes: number | undefined): string =>
  bytes === undefined ? "none" : `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
console.log(
  [
    `headroom example on ${example.adapter.name}`,
    `  CPUs: ${cpu.logical ?? "?"} logical, quota ${
      cpu.quota ?? "none"
    }, effective ${cpu.effective}`,
    `  memory: container limit ${gib(memory.limit)}, host ${gib(memory.total)}`,
    `  workers: up to ${example.pool.stats().workers.max}; request limits: ${
      env.limit === "adaptive"
        ? "adaptive (headroomLimit), one for /export and /import, one for /report"
        : env.limit
    }`,
    `  serving ${served.url}/  (try ${served.url}/export/256)`,
    `  dashboard ${served.url}/_headroom/`,
    `  control token: ${env.token === undefined ? token : "(from HEADROOM_TOKEN)"}`,
  ].join("\n"),
);

// Shutdown drains: no new connections, requests in flight get up to
// HEADROOM_DRAIN_MS to finish, then what remains is cut off and the pool
// closes (its tasks' requests are gone by then).
let closing = false;
const shutdown = async (): Promise<void> => {
  if (closing) return;
  closing = true;
  stopping.abort();
  await served.close(env.drainMs);
  await example.close();
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  proc?.on(signal, () => void shutdown().then(() => proc.exit(0)));
}
