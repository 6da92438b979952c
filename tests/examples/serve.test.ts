// The example server's two ways to listen (examples/server/serve.ts), over a
// real socket in every runtime: `serve` (Deno.serve, Bun.serve, or
// @hono/node-server on Node; what `npm start` uses) and `serveNodeHttp`
// (@hono/node-server on any runtime; the dashboard test's server). Bodies
// pass both ways, event streams stream, the request's signal aborts when the
// client leaves before the response, and close() drains: requests in flight
// finish, up to its deadline.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { httpOrigin, serve, serveNodeHttp } from "../../examples/server/serve.ts";

type Handler = (request: Request) => Response | Promise<Response>;
type Listen = typeof serve;

/** A promise with its resolve function outside. */
function later<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

for (const [name, listen] of [["serve", serve], ["serveNodeHttp", serveNodeHttp]] as const) {
  describe(`the example server's ${name}()`, () => serverTests(listen));
}

describe("httpOrigin()", () => {
  it("writes an address a browser can visit: IPv6 in brackets, a wildcard as loopback", () => {
    assert.equal(httpOrigin("127.0.0.1", 8787), "http://127.0.0.1:8787");
    assert.equal(httpOrigin("localhost", 80), "http://localhost:80");
    assert.equal(httpOrigin("0.0.0.0", 8787), "http://127.0.0.1:8787");
    assert.equal(httpOrigin("::", 8787), "http://[::1]:8787");
    assert.equal(httpOrigin("::1", 8787), "http://[::1]:8787");
    assert.equal(httpOrigin("fe80::1", 8787), "http://[fe80::1]:8787");
    for (const host of ["::", "::1", "0.0.0.0"]) {
      assert.doesNotThrow(() => new URL(httpOrigin(host, 1)), host);
    }
  });
});

function serverTests(listen: Listen): void {
  /** Serves `handler` on a free port for the length of `body`, then closes every connection. */
  async function withServer(handler: Handler, body: (url: string) => Promise<void>): Promise<void> {
    const served = await listen(handler, "127.0.0.1", 0);
    try {
      await body(served.url);
    } finally {
      await served.close();
    }
  }

  it("prints a URL that reaches it when it listens on every address", async () => {
    const served = await listen(() => new Response("here"), "0.0.0.0", 0);
    try {
      assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(await (await fetch(`${served.url}/`)).text(), "here");
    } finally {
      await served.close();
    }
  });

  it("sends a JSON response intact", async () => {
    const data = { items: Array.from({ length: 200 }, (_, i) => i), note: "ü" };
    await withServer(() => Response.json(data), async (url) => {
      const response = await fetch(`${url}/data`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
      assert.deepEqual(await response.json(), data);
    });
  });

  it("passes the request body in and the status and headers out", async () => {
    const handler: Handler = async (request) =>
      new Response(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`, {
        status: 201,
        headers: { "x-seen": request.headers.get("x-sent") ?? "none" },
      });
    await withServer(handler, async (url) => {
      const response = await fetch(`${url}/echo`, {
        method: "POST",
        headers: { "x-sent": "yes" },
        body: "a".repeat(100_000),
      });
      assert.equal(response.status, 201);
      assert.equal(response.headers.get("x-seen"), "yes");
      assert.equal(await response.text(), `POST /echo ${"a".repeat(100_000)}`);
    });
  });

  it("sends a 204 without a body", async () => {
    await withServer(() => new Response(null, { status: 204 }), async (url) => {
      const response = await fetch(`${url}/nothing`);
      assert.equal(response.status, 204);
      assert.equal(await response.text(), "");
    });
  });

  it("aborts the request's signal when the client leaves before the response", async () => {
    const entered = later<AbortSignal>();
    const aborted = later();
    const handler: Handler = async (request) => {
      request.signal.addEventListener("abort", () => aborted.resolve(), { once: true });
      entered.resolve(request.signal);
      await aborted.promise;
      return new Response("too late");
    };
    await withServer(handler, async (url) => {
      const client = new AbortController();
      const fetching = fetch(`${url}/slow`, { signal: client.signal }).catch((e: unknown) => e);
      const signal = await entered.promise;
      assert.equal(signal.aborted, false);
      client.abort();
      assert.ok((await fetching) instanceof Error);
      // Resolves only when the server aborts the signal; without it the test times out.
      await aborted.promise;
      assert.equal(signal.aborted, true);
    });
  });

  it("streams an event stream: the first event arrives while the stream is still open", async () => {
    const release = later();
    const encoder = new TextEncoder();
    const handler: Handler = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          async start(stream) {
            stream.enqueue(encoder.encode("data: first\n\n"));
            await release.promise;
            stream.enqueue(encoder.encode("data: second\n\n"));
            stream.close();
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      );
    await withServer(handler, async (url) => {
      const response = await fetch(`${url}/events`);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      // Only the first event is written until `release`: reading it proves it streamed.
      while (!text.includes("\n\n")) {
        const { done, value } = await reader.read();
        assert.equal(done, false, `the stream ended after ${JSON.stringify(text)}`);
        text += decoder.decode(value, { stream: true });
      }
      assert.equal(text, "data: first\n\n");
      release.resolve();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      assert.equal(text, "data: first\n\ndata: second\n\n");
    });
  });

  it("close() lets a request in flight finish and send its whole response", async () => {
    const entered = later();
    const release = later();
    const body = "x".repeat(200_000);
    const handler: Handler = async () => {
      entered.resolve();
      await release.promise;
      return new Response(body);
    };
    const served = await listen(handler, "127.0.0.1", 0);
    try {
      const answer = fetch(`${served.url}/slow`).then(async (r) => [r.status, await r.text()]);
      await entered.promise;
      const closing = served.close(60_000);
      // The handler answers only after close() began.
      release.resolve();
      const [status, text] = await answer;
      assert.equal(status, 200);
      assert.equal(text, body);
      await closing;
    } finally {
      release.resolve();
      await served.close();
    }
  });

  it("close() resolves at its deadline while a request never finishes", async () => {
    const entered = later();
    const release = later();
    const handler: Handler = async () => {
      entered.resolve();
      await release.promise;
      return new Response("too late");
    };
    const served = await listen(handler, "127.0.0.1", 0);
    const answer = fetch(`${served.url}/stuck`).then((r) => r.text(), (e: unknown) => e);
    try {
      await entered.promise;
      // Resolves only at the deadline: without one the test times out.
      await served.close(50);
    } finally {
      // Node and Bun cut the request off; Deno, which cannot, answers it now.
      release.resolve();
      await answer;
    }
  });
}
