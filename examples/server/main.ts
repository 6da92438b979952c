// The example server: `npm start` (Node), `deno task start`, `bun run start`.
// Environment: HOST (127.0.0.1), PORT (8787), HEADROOM_TOKEN (random when
// unset; printed), HEADROOM_LIMIT ("adaptive", "none" or a number),
// HEADROOM_NICE (0-19, added to the worker threads' nice value; 10),
// HEADROOM_QUEUE_MS (0-1000, how long a request may wait for a permit; 0),
// HEADROOM_DOWNSTREAM_MS (0-10000, how long /report waits on its downstream; 20).
import { createExample, type LimitMode } from "./app.ts";
import { serve } from "./serve.ts";

const env = (name: string): string | undefined =>
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[name];

const host = env("HOST") ?? "127.0.0.1";
const port = Number(env("PORT") ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new Error(`PORT must be an integer from 0 to 65535, received ${env("PORT")}`);
}
const limitText = env("HEADROOM_LIMIT") ?? "adaptive";
const limit: LimitMode = limitText === "adaptive" || limitText === "none"
  ? limitText
  : Number(limitText);
if (typeof limit === "number" && !(Number.isInteger(limit) && limit > 0)) {
  throw new Error(
    `HEADROOM_LIMIT must be "adaptive", "none" or a positive integer, received ${limitText}`,
  );
}
const niceText = env("HEADROOM_NICE") ?? "10";
const niceIncrement = Number(niceText);
if (!(Number.isInteger(niceIncrement) && niceIncrement >= 0 && niceIncrement <= 19)) {
  throw new Error(`HEADROOM_NICE must be an integer from 0 to 19, received ${niceText}`);
}
const queueText = env("HEADROOM_QUEUE_MS") ?? "0";
const queueMs = Number(queueText);
if (!(Number.isInteger(queueMs) && queueMs >= 0 && queueMs <= 1000)) {
  throw new Error(`HEADROOM_QUEUE_MS must be an integer from 0 to 1000, received ${queueText}`);
}
const downstreamText = env("HEADROOM_DOWNSTREAM_MS") ?? "20";
const downstreamMs = Number(downstreamText);
if (!(Number.isInteger(downstreamMs) && downstreamMs >= 0 && downstreamMs <= 10_000)) {
  throw new Error(
    `HEADROOM_DOWNSTREAM_MS must be an integer from 0 to 10000, received ${downstreamText}`,
  );
}
const token = env("HEADROOM_TOKEN") ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0"))
    .join("");

const example = createExample({ limit, token, niceIncrement, queueMs, downstreamMs });
const served = await serve(example.app.fetch, host, port);

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
      limit === "adaptive"
        ? "adaptive (headroomLimit), one for /export and /import, one for /report"
        : limit
    }`,
    `  serving ${served.url}/  (try ${served.url}/export/256)`,
    `  dashboard ${served.url}/_headroom/`,
    `  control token: ${env("HEADROOM_TOKEN") === undefined ? token : "(from HEADROOM_TOKEN)"}`,
  ].join("\n"),
);

let closing = false;
const shutdown = async (): Promise<void> => {
  if (closing) return;
  closing = true;
  await served.close();
  await example.close();
};
const proc = (globalThis as {
  process?: { on(signal: string, fn: () => void): void; exit(code: number): void };
}).process;
for (const signal of ["SIGINT", "SIGTERM"]) {
  proc?.on(signal, () => void shutdown().then(() => proc.exit(0)));
}
