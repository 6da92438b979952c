// Serves a fetch handler (a Hono app's `fetch`) on a real port with node:http,
// which Node, Deno and Bun all provide, streaming responses as they are
// written so server-sent events arrive live.
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Served {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Stops listening, ends open connections and waits for the server to close. */
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) { for (const v of value) headers.append(name, v); }
    else if (value !== undefined) headers.set(name, value);
  }
  const url = `http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const body = hasBody
    ? new ReadableStream<Uint8Array>({
      start(controller) {
        req.on("data", (chunk: Uint8Array) => controller.enqueue(new Uint8Array(chunk)));
        req.on("end", () => controller.close());
        req.on("error", (error) => controller.error(error));
      },
    })
    : null;
  return new Request(url, {
    method: req.method ?? "GET",
    headers,
    body,
    signal,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

async function respond(
  fetch: (request: Request) => Response | Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  const body: { reader?: ReadableStreamDefaultReader<Uint8Array> } = {};
  res.on("close", () => {
    controller.abort();
    void body.reader?.cancel().catch(() => undefined);
  });
  const response = await fetch(toRequest(req, controller.signal));
  res.writeHead(response.status, [...response.headers].flat());
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = body.reader = response.body.getReader();
  if (res.destroyed) void reader.cancel().catch(() => undefined);
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done || value === undefined) break;
    res.write(value);
  }
  res.end();
}

/** Listens on a free port of 127.0.0.1 and answers every request with `fetch`. */
export function serve(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<Served> {
  const server = createServer((req, res) => {
    respond(fetch, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}
