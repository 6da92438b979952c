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
  return await serveNode(fetch, hostname, port);
}

async function serveNode(fetch: Fetch, hostname: string, port: number): Promise<Served> {
  const http = await import("node:http");
  const { Readable } = await import("node:stream");
  const server = http.createServer(async (req, res) => {
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    try {
      const method = req.method ?? "GET";
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) { for (const v of value) headers.append(name, v); }
        else if (value !== undefined) headers.set(name, value);
      }
      const hasBody = method !== "GET" && method !== "HEAD";
      const request = new Request(`http://${req.headers.host ?? hostname}${req.url ?? "/"}`, {
        method,
        headers,
        signal: controller.signal,
        ...(hasBody
          ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" }
          : {}),
      } as RequestInit);
      const response = await fetch(request);
      res.writeHead(response.status, [...response.headers].flat());
      res.flushHeaders();
      if (response.body === null) {
        res.end();
        return;
      }
      const reader = response.body.getReader();
      controller.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}));
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
      res.end();
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end(`Internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      } else res.destroy();
    }
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
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
