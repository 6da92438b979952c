import { builtin } from "./builtins.ts";
import type { Transferable } from "./types.ts";

/** The channel from inside a worker back to the thread that started it. */
export interface ParentChannel {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  /** Calls `handler` with each message the parent posts; call once. */
  onMessage(handler: (data: unknown) => void): void;
  /**
   * Calls `callback` just before the worker closes itself (`self.close()`,
   * `process.exit()`), where the runtime would not tell the parent.
   */
  beforeClose(callback: (code: number) => void): void;
}

interface NodePort {
  on(event: "message", listener: (data: unknown) => void): void;
  off(event: "message", listener: (data: unknown) => void): void;
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
}

interface WebScope {
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

function nodeParentPort(): NodePort | undefined {
  // Deno and Bun also have node:worker_threads; it decides nothing on its own.
  const threads = builtin("node:worker_threads");
  if (!threads || threads.isMainThread) return undefined;
  return (threads.parentPort as unknown as NodePort | null) ?? undefined;
}

function webScope(): WebScope | undefined {
  const scope = (globalThis as { self?: unknown }).self as Partial<WebScope> | undefined;
  if (
    scope === undefined || typeof scope.postMessage !== "function" ||
    typeof scope.addEventListener !== "function"
  ) {
    return undefined;
  }
  // A window, and Bun's main thread, also have postMessage and message events.
  const g = globalThis as { WorkerGlobalScope?: unknown; Bun?: { isMainThread?: boolean } };
  const inWorker = typeof g.WorkerGlobalScope === "function"
    ? scope instanceof (g.WorkerGlobalScope as new () => object)
    : g.Bun?.isMainThread === false;
  return inWorker ? scope as WebScope : undefined;
}

/**
 * Connects a worker to its parent, whether it runs as a Node
 * `worker_threads` worker or as a module Web Worker. Runtimes disagree on
 * which listener receives the parent's messages (Bun's `worker_threads`
 * workers have a `self` that never hears them; Deno's deliver to both), so
 * both are listened to and the first one to hear from the parent is kept;
 * replies go back the same way. Returns `undefined` on a main thread.
 */
export function connectParent(): ParentChannel | undefined {
  const port = nodeParentPort();
  const scope = webScope();
  if (!port && !scope) return undefined;
  let chosen: "port" | "web" | undefined;
  return {
    postMessage(message: unknown, transfer?: readonly Transferable[]): void {
      if (port && chosen !== "web") port.postMessage(message, transfer);
      else scope!.postMessage(message, transfer ? [...transfer] : []);
    },
    onMessage(handler: (data: unknown) => void): void {
      const fromPort = (data: unknown): void => {
        if (chosen === undefined) choose("port");
        if (chosen === "port") handler(data);
      };
      const fromScope = (event: MessageEvent): void => {
        if (chosen === undefined) choose("web");
        if (chosen === "web") handler(event.data);
      };
      const choose = (which: "port" | "web"): void => {
        chosen = which;
        if (which === "port") scope?.removeEventListener("message", fromScope);
        else port?.off("message", fromPort);
      };
      port?.on("message", fromPort);
      scope?.addEventListener("message", fromScope);
    },
    beforeClose(callback: (code: number) => void): void {
      const target = globalThis as {
        close?: () => void;
        process?: { exit?: unknown };
        Deno?: { exit?: unknown };
      };
      const close = target.close;
      if (typeof close === "function") {
        target.close = function (this: unknown): void {
          callback(0);
          close.call(this);
        };
      }
      // process.exit(), and Deno.exit(), after which a Deno worker dies without a word to its parent.
      for (const owner of [target.process, target.Deno]) {
        const holder = owner as { exit?: (code?: number) => never } | undefined;
        const exit = holder?.exit;
        if (holder === undefined || typeof exit !== "function") continue;
        holder.exit = function (this: unknown, code?: number): never {
          callback(code ?? 0);
          return exit.call(this, code);
        };
      }
    },
  };
}
