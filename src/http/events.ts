/**
 * `GET /events`: the Observatory's samples and decisions as server-sent
 * events.
 *
 * @module
 */

import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { SSEStreamingApi } from "hono/streaming";
import type { Scheduler } from "../monitor/scheduler.ts";
import type { Observatory } from "../observe/mod.ts";
import { readFigures } from "./figures.ts";

/** Writes not yet taken by a slow client past which `sample` and `tick` events are skipped. */
const MAX_PENDING_WRITES = 64;

/**
 * Plain `setTimeout` timers. Unlike the monitor's timers they keep the
 * process alive: a client is connected and waiting for its next event.
 */
const heartbeatScheduler: Scheduler = {
  set: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clear: (handle: unknown): void => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A stream's handlers for the two events it forwards. */
interface StreamListener {
  readonly sample: (event: Event) => void;
  readonly decision: (event: Event) => void;
}

/** The open streams of one observatory, and how to stop feeding them. */
interface Feed {
  readonly streams: Set<StreamListener>;
  readonly stop: () => void;
}

/** Each observatory's feed, with one listener per event type between all its streams. */
const feeds = new WeakMap<Observatory, Feed>();

/**
 * Adds `stream` to those `observatory` feeds; returns the function that takes it off. However many
 * clients watch, the observatory has one `sample` and one `decision` listener, so Node does not
 * warn of an EventTarget leak from its eleventh dashboard on.
 */
function follow(observatory: Observatory, stream: StreamListener): () => void {
  let feed = feeds.get(observatory);
  if (feed === undefined) {
    const streams = new Set<StreamListener>();
    // A copy: a stream that ends while it handles an event leaves the set mid-loop.
    const onSample = (event: Event): void => [...streams].forEach((s) => s.sample(event));
    const onDecision = (event: Event): void => [...streams].forEach((s) => s.decision(event));
    observatory.addEventListener("sample", onSample);
    observatory.addEventListener("decision", onDecision);
    feed = {
      streams,
      stop: () => {
        observatory.removeEventListener("sample", onSample);
        observatory.removeEventListener("decision", onDecision);
        feeds.delete(observatory);
      },
    };
    feeds.set(observatory, feed);
  }
  const joined = feed;
  joined.streams.add(stream);
  return () => {
    if (joined.streams.delete(stream) && joined.streams.size === 0) joined.stop();
  };
}

/** How `GET /events` streams. */
export interface EventsOptions {
  /** Milliseconds between keep-alive comments (each followed by a `tick`). */
  readonly heartbeatMs: number;
  /** Where the heartbeat timer comes from. @default {setTimeout} */
  readonly scheduler?: Scheduler;
  /** Epoch milliseconds, stamped on `tick` and `sample` events. @default {Date.now} */
  readonly now?: () => number;
  /** Ends the stream when it aborts (a server shutting down). */
  readonly signal?: AbortSignal;
}

/**
 * Streams `observatory` to one client until it disconnects:
 *
 * - `status` once, first: the whole {@link Observatory.status} report;
 * - `tick`: compact figures of every limiter, pool, sizer and brake
 *   (`Figures`), right after `status`, after each sample and decision, and
 *   with each heartbeat;
 * - `sample`: `{ at, sample }`, each monitor sample with the epoch ms it arrived;
 * - `decision`: each `DecisionRecord` as it happens;
 * - a `: heartbeat` comment every `heartbeatMs`, so proxies keep the
 *   connection open.
 *
 * The stream ends when `signal` aborts. Listeners and the heartbeat timer
 * are removed when the client goes away or the stream ends.
 * A client too slow to take its events loses `sample` and `tick` events,
 * never `decision` ones.
 */
export function streamEvents(
  c: Context,
  observatory: Observatory,
  options: EventsOptions,
): Response {
  const scheduler = options.scheduler ?? heartbeatScheduler;
  const now = options.now ?? Date.now;
  return streamSSE(c, async (stream: SSEStreamingApi) => {
    let pending = 0;
    const write = (text: string, droppable: boolean): void => {
      if (stream.aborted || stream.closed) return;
      if (droppable && pending >= MAX_PENDING_WRITES) return;
      pending++;
      void stream.write(text).finally(() => pending--);
    };
    const send = (event: string, data: unknown, droppable: boolean): void => {
      let json: string;
      try {
        json = JSON.stringify(data);
      } catch (error) {
        json = JSON.stringify({ error: `Cannot serialise a ${event} event: ${String(error)}` });
      }
      write(`event: ${event}\ndata: ${json}\n\n`, droppable);
    };
    const tick = (droppable: boolean): void => {
      send("tick", readFigures(observatory.components, now()), droppable);
    };
    const onSample = (event: Event): void => {
      send("sample", { at: now(), sample: (event as CustomEvent).detail }, true);
      tick(true);
    };
    const onDecision = (event: Event): void => {
      send("decision", (event as CustomEvent).detail, false);
      tick(true);
    };
    let unfollow = (): void => {};
    let timer: unknown;
    const heartbeat = (): void => {
      write(": heartbeat\n\n", true);
      tick(true);
      timer = scheduler.set(heartbeat, options.heartbeatMs);
    };
    const signal = options.signal;
    if (signal?.aborted) return;
    // Returning from this callback ends the response; a client's disconnect aborts the stream.
    const closed = new Promise<void>((resolve) => {
      const finish = (): void => {
        signal?.removeEventListener("abort", finish);
        unfollow();
        scheduler.clear(timer);
        resolve();
      };
      stream.onAbort(finish);
      signal?.addEventListener("abort", finish);
    });
    write("retry: 2000\n\n", false);
    send("status", observatory.status(), false);
    tick(false);
    unfollow = follow(observatory, { sample: onSample, decision: onDecision });
    timer = scheduler.set(heartbeat, options.heartbeatMs);
    await closed;
  });
}
