// Serves a fetch handler on every runtime: Deno.serve, Bun.serve, or on Node
// @hono/node-server, Hono's own adapter (it builds a Request only as far as
// the handler reads it, and writes a body it already holds in one piece).
import { serve as serveNode } from "@hono/node-server";

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
  // Node runs only this server, so @hono/node-server may put its lighter
  // Request and Response in place of the global ones: about a fifth less
  // main-thread time per request under load.
  return await serveNodeHttp(fetch, hostname, port, true);
}

/**
 * Serves `fetch` with node:http through @hono/node-server, which Node, Deno
 * and Bun all run: server-sent events stream as they are written, and
 * `close()` ends open connections (an event stream never ends by itself).
 * `port` 0 picks a free one. With `overrideGlobalObjects` the adapter's
 * lighter Request and Response replace the global ones for the whole
 * process; Bun.serve and Deno.serve in the same process then refuse the
 * responses, so only a process that serves nothing else should ask for it.
 */
export async function serveNodeHttp(
  fetch: Fetch,
  hostname: string,
  port: number,
  overrideGlobalObjects = false,
): Promise<Served> {
  let server!: ReturnType<typeof serveNode>;
  const actual = await new Promise<number>((resolve, reject) => {
    server = serveNode(
      { fetch, hostname, port, overrideGlobalObjects },
      (info) => resolve(info.port),
    );
    server.once("error", reject);
  });
  return {
    url: `http://${hostname}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
