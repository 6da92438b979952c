// Serves a fetch handler on every runtime: Deno.serve, Bun.serve, or on Node
// @hono/node-server, Hono's own adapter (it builds a Request only as far as
// the handler reads it, and writes a body it already holds in one piece).
import { serve as serveNode } from "@hono/node-server";

type Fetch = (request: Request) => Response | Promise<Response>;

/** A running server. */
export interface Served {
  readonly url: string;
  /**
   * Stops taking connections, lets requests in flight finish for up to
   * `drainMs` (0, the default: none), then cuts off what remains; resolves
   * when the server is closed or, on Deno, which cannot cut requests off,
   * at the deadline.
   */
  close(drainMs?: number): Promise<void>;
}

/**
 * Settles with `closed` or, after `drainMs`, runs `force` and settles with
 * what it returns; the deadline's timer does not outlive the drain.
 */
function drain(
  closed: Promise<void>,
  drainMs: number,
  force: () => Promise<void> | void,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(force());
      } catch (error) {
        reject(error);
      }
    }, drainMs);
  });
  return Promise.race([closed, deadline]).finally(() => clearTimeout(timer));
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

/**
 * The address to visit a server on `hostname:port` at: an IPv6 address in
 * brackets, and a wildcard (`0.0.0.0`, `::`) as the loopback address.
 */
export function httpOrigin(hostname: string, port: number): string {
  const host = hostname === "0.0.0.0" ? "127.0.0.1" : hostname === "::" ? "::1" : hostname;
  return `http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
}

/** Listens on `hostname:port` (port 0 picks a free one). */
export async function serve(fetch: Fetch, hostname: string, port: number): Promise<Served> {
  const g = globalThis as { Deno?: DenoServe; Bun?: BunServe };
  if (g.Deno) {
    const server = g.Deno.serve({ hostname, port, onListen: () => {} }, fetch);
    let closing: Promise<void> | undefined;
    return {
      url: httpOrigin(hostname, server.addr.port),
      // shutdown() stops listening and waits for the requests in flight;
      // Deno has nothing to end them sooner, so past the deadline they are
      // left to the process's exit.
      close: (drainMs = 0) => drain(closing ??= server.shutdown(), drainMs, () => {}),
    };
  }
  if (g.Bun) {
    // idleTimeout 0: server-sent event streams stay open.
    const server = g.Bun.serve({ hostname, port, fetch, idleTimeout: 0 });
    let stopping: Promise<void> | undefined;
    return {
      url: httpOrigin(hostname, server.port),
      // stop(false) stops listening and resolves once the requests in
      // flight are answered; stop(true) ends them.
      close: (drainMs = 0) =>
        drain(
          stopping ??= Promise.resolve(server.stop(false)),
          drainMs,
          async () => void await server.stop(true),
        ),
    };
  }
  // Node runs only this server, so @hono/node-server may put its lighter
  // Request and Response in place of the global ones: about a fifth less
  // main-thread time per request under load.
  return await serveNodeHttp(fetch, hostname, port, true);
}

/** What a drain needs of node:http's ServerResponse. */
interface NodeResponse {
  shouldKeepAlive: boolean;
  readonly headersSent: boolean;
  once(event: "close", listener: () => void): unknown;
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
  let closed: Promise<void> | undefined;
  const idle = (): void => {
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  };
  // The responses being written, so a drain can close each kept-alive
  // connection as its response ends rather than at its idle timeout.
  const writing = new Set<NodeResponse>();
  server.on("request", (_request: unknown, response: NodeResponse) => {
    if (closed !== undefined) response.shouldKeepAlive = false;
    writing.add(response);
    response.once("close", () => {
      writing.delete(response);
      if (closed !== undefined) idle();
    });
  });
  return {
    url: httpOrigin(hostname, actual),
    close: (drainMs = 0) => {
      // close() stops listening and resolves once every connection has
      // ended: idle ones end now, busy ones once their responses are
      // written (with "Connection: close") or at the deadline.
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const response of writing) {
          if (!response.headersSent) response.shouldKeepAlive = false;
        }
        idle();
      });
      return drain(closed, drainMs, () => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        return closed;
      });
    },
  };
}
