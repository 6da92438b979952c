/** One server-sent event, or a comment line (`event` is `"comment"`). */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Reads server-sent events from a response body, one `next()` at a time.
 * Blocks that carry neither data nor a comment (a lone `retry:`) are skipped.
 */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  async next(): Promise<SseEvent> {
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const parsed = parse(block);
        if (parsed !== undefined) return parsed;
        continue;
      }
      const { done, value } = await this.#reader.read();
      if (done) throw new Error(`the event stream ended; unread: ${JSON.stringify(this.#buffer)}`);
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  /** The next event of type `event`, skipping others (ticks, heartbeats). */
  async nextOf(event: string): Promise<SseEvent> {
    for (;;) {
      const next = await this.next();
      if (next.event === event) return next;
    }
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

function parse(block: string): SseEvent | undefined {
  let event = "message";
  const data: string[] = [];
  let comment: string | undefined;
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) comment = line.slice(1).trim();
    else if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (data.length > 0) return { event, data: data.join("\n") };
  if (comment !== undefined) return { event: "comment", data: comment };
  return undefined;
}
