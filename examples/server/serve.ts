// Serves a fetch handler on every runtime: Deno.serve, Bun.serve, or
// node:http with a small Request/Response bridge (streaming bodies, so
// server-sent events flow, and the request's signal aborts when the client
// goes away).
type Fetch = (request: Request) => Response | Promise<Response>;

/** A running server. */
export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

interface DenoServe {
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: Fetch,
  ): { finished: Promise<void>; shutdown(): Promise<void>; addr: { port: number } };
}
interface BunServe {
  serve(options: { hostname: string; port: number; fetch: Fetch; idleTimeout?: number }): {
    port: number;
    stop(force?: boolean): Promise<void> | void;
  };
}

/** Listens on `hostname:port` (port 0 picks a free one). */
export async function serve(fetch: Fetch, hostname: string, port: number): Promise<Served> {
  const g = globalThis as { Deno?: DenoServe; Bun?: BunServe };
  if (g.Deno) {
    const server = g.Deno.serve({ hostname, port, onListen: () => {} }, fetch);
    return {
      url: `http://${hostname}:${server.addr.port}`,
      close: () => server.shutdown(),
    };
  }
  if (g.Bun) {
    // idleTimeout 0: server-sent event streams stay open.
    const server = g.Bun.serve({ hostname, port, fetch, idleTimeout: 0 });
    return {
      url: `http://${hostname}:${server.port}`,
      close: async () => void await server.stop(true),
    };
  }
  return await serveNodeHttp(fetch, hostname, port);
}

/**
 * Serves `fetch` with node:http, which Node, Deno and Bun all provide: the
 * request body and the response body stream (server-sent events flow as
 * they are written), and the request's signal aborts when the client goes
 * away. `port` 0 picks a free one.
 */
export async function serveNodeHttp(fetch: Fetch, hostname: string, port: number): Promise<Served> {
  const http = await import("node:http");
  const respond = async (
    req: import("node:http").IncomingMessage,
    res: import("node:http").ServerResponse,
  ): Promise<void> => {
    const controller = new AbortController();
    // Set once the response has a body; "close" cancels it if the client left.
    const streaming: { reader?: ReadableStreamDefaultReader<Uint8Array> } = {};
    res.on("close", () => {
      controller.abort();
      void streaming.reader?.cancel().catch(() => {});
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) { for (const v of value) headers.append(name, v); }
      else if (value !== undefined) headers.set(name, value);
    }
    const method = req.method ?? "GET";
    const hasBody = method !== "GET" && method !== "HEAD";
    const body = hasBody
      ? new ReadableStream<Uint8Array>({
        start(stream) {
          req.on("data", (chunk: Uint8Array) => stream.enqueue(new Uint8Array(chunk)));
          req.on("end", () => stream.close());
          req.on("error", (error) => stream.error(error));
        },
      })
      : null;
    const request = new Request(`http://${req.headers.host ?? hostname}${req.url ?? "/"}`, {
      method,
      headers,
      body,
      signal: controller.signal,
      ...(hasBody ? { duplex: "half" } : {}),
    } as RequestInit);
    const response = await fetch(request);
    res.writeHead(response.status, [...response.headers].flat());
    res.flushHeaders();
    if (response.body === null) {
      res.end();
      return;
    }
    const reader = streaming.reader = response.body.getReader();
    if (res.destroyed) void reader.cancel().catch(() => {});
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done || value === undefined) break;
      res.write(value);
    }
    res.end();
  };
  const server = http.createServer((req, res) => {
    respond(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end(`Internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  const address = server.address();
  const actual = typeof address === "object" && address !== null ? address.port : port;
  return {
    url: `http://${hostname}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
