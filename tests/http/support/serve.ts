// Serves a fetch handler (a Hono app's `fetch`) on a free port of 127.0.0.1
// with node:http, which Node, Deno and Bun all provide, the way the example
// server does on Node: responses stream as they are written, so server-sent
// events arrive live.
import { serveNodeHttp } from "../../../examples/server/serve.ts";

export interface Served {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Stops listening, ends open connections and waits for the server to close. */
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 and answers every request with `fetch`. */
export async function serve(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<Served> {
  const served = await serveNodeHttp(fetch, "127.0.0.1", 0);
  return { origin: served.url, close: () => served.close() };
}
