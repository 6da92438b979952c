// Reads a request body up to a cap, counting bytes as they arrive, so a body
// sent without a Content-Length (chunked) is capped too and one past the cap
// is refused without reading the rest. Hono's `bodyLimit` would do this, but
// it rebuilds the request around the bytes read, and `new Request(raw, ...)`
// throws on the light request @hono/node-server passes when it does not
// override the global Request.

/**
 * The text of `request`'s body (UTF-8), or `undefined` when it is larger
 * than `maxBytes`: at once when its Content-Length says so, else as soon as
 * the bytes read pass the cap, and the rest is left unread. A body that
 * cannot be read (the client went away) rejects.
 */
export async function readBody(request: Request, maxBytes: number): Promise<string | undefined> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) return undefined;
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => {});
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}
