/**
 * A cap on request bodies that reads a body without a declared length once,
 * counting bytes, and hands the text to Hono's body cache.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";

/**
 * Answers `tooLarge(c)` for a body over `maxBytes`: at once when its
 * `Content-Length` says so, else as soon as the bytes read pass it.
 *
 * A body read here is left in `c.req.bodyCache` as text, so `c.req.json()`
 * and validators read it from there; a body an earlier middleware read
 * through `c.req` is measured from that cache. The request is never rebuilt around
 * the bytes read (as Hono's `bodyLimit` does): `new Request(raw, ...)`
 * throws on the light request object `@hono/node-server` passes when it does
 * not override the global `Request`.
 */
export function capBody(
  maxBytes: number,
  tooLarge: (c: Context) => Response,
): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (raw.body === null) return next();
    const declared = raw.headers.get("content-length");
    if (declared !== null && !raw.headers.has("transfer-encoding")) {
      return Number(declared) > maxBytes ? tooLarge(c) : next();
    }
    if (Object.keys(c.req.bodyCache).length > 0) {
      // Read before us (a parent app's audit log): the stream is spent, the cache has it.
      const size = new TextEncoder().encode(await c.req.text()).byteLength;
      return size > maxBytes ? tooLarge(c) : next();
    }
    const reader = raw.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        return tooLarge(c);
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    // Hono's cache holds each body as a promise, whatever its declared type says.
    const cache = c.req.bodyCache as unknown as { text?: Promise<string> };
    cache.text = Promise.resolve(new TextDecoder().decode(bytes));
    return next();
  };
}
