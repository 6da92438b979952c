import type * as NodeWorkerThreads from "node:worker_threads";
import { builtin } from "./builtins.ts";
import type { SpawnOptions, WorkerHandlers, WorkerLike } from "./types.ts";
import type { Transferable } from "./types.ts";

const ignore: WorkerHandlers = { message() {}, error() {}, exit() {} };

function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === "object" && value !== null && "message" in value) {
    return new Error(String((value as { message: unknown }).message));
  }
  return new Error(String(value));
}

/**
 * An error from an `ErrorEvent`'s message alone. Bun's message is the source frame, then
 * `error: <message>` (or `TypeError: <message>`, for an error thrown as the module loads),
 * then the stack: the error's own line becomes the message, its name the name, and the whole
 * text stays as its `cause`.
 */
function fromMessage(message: string | undefined): Error {
  if (!message) return new Error("worker error");
  const own = /^(?:error|([A-Z]\w*Error)): (.+)$/m.exec(message);
  if (own === null || own[2] === message) return new Error(message);
  const error = new Error(own[2], { cause: message });
  if (own[1] !== undefined) error.name = own[1];
  return error;
}

/**
 * Starts `url` as a Node `worker_threads` worker (ES module) and wraps it as a
 * {@link WorkerLike}. Throws where `node:worker_threads` is missing.
 */
export function spawnThreadWorker(url: URL, options: SpawnOptions = {}): WorkerLike {
  const threads = builtin("node:worker_threads");
  if (!threads) {
    throw new Error(`Cannot spawn worker ${url.href}: node:worker_threads is not available here`);
  }
  const workerOptions: ConstructorParameters<typeof threads.Worker>[1] = {};
  if (options.name !== undefined) workerOptions.name = options.name;
  if (options.resourceLimits !== undefined) workerOptions.resourceLimits = options.resourceLimits;
  const worker: NodeWorkerThreads.Worker = new threads.Worker(url, workerOptions);
  let handlers = ignore;
  let exited = false;
  worker.on("message", (data: unknown) => handlers.message(data));
  worker.on("messageerror", (error: unknown) => handlers.error(toError(error)));
  worker.on("error", (error: unknown) => handlers.error(toError(error)));
  worker.on("exit", (code: number) => {
    exited = true;
    handlers.exit(code);
  });
  return {
    kind: "worker_threads",
    postMessage(message: unknown, transfer?: readonly Transferable[]): void {
      worker.postMessage(message, transfer as NodeWorkerThreads.TransferListItem[] | undefined);
    },
    listen(next: WorkerHandlers): void {
      handlers = next;
    },
    async terminate(): Promise<void> {
      if (!exited) await worker.terminate();
    },
    unref(): void {
      worker.unref();
    },
    ref(): void {
      worker.ref();
    },
  };
}

interface WebWorkerLike extends EventTarget {
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
  unref?(): void;
  ref?(): void;
}

type WebWorkerConstructor = new (
  url: URL,
  options: { type: "module"; name?: string; deno?: unknown },
) => WebWorkerLike;

/**
 * Starts `url` as a module Web Worker (Deno, Bun, browsers) and wraps it as a
 * {@link WorkerLike}. `exit` is reported on `terminate()` and, where the
 * runtime fires it (Bun), on the worker's own `close`. Throws where there is
 * no global `Worker`.
 */
export function spawnWebWorker(url: URL, options: SpawnOptions = {}): WorkerLike {
  const Ctor = (globalThis as { Worker?: WebWorkerConstructor }).Worker;
  if (typeof Ctor !== "function") {
    throw new Error(`Cannot spawn worker ${url.href}: this runtime has no Worker`);
  }
  const worker = new Ctor(
    url,
    options.name === undefined ? { type: "module" } : { type: "module", name: options.name },
  );
  let handlers = ignore;
  let exited = false;
  const exit = (code: number): void => {
    if (exited) return;
    exited = true;
    handlers.exit(code);
  };
  worker.addEventListener("message", (event) => handlers.message((event as MessageEvent).data));
  worker.addEventListener("messageerror", (event) => {
    handlers.error(
      new Error(`Cannot deserialise a message from worker ${url.href}`, { cause: event }),
    );
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    const e = event as ErrorEvent;
    handlers.error(e.error != null ? toError(e.error) : fromMessage(e.message));
  });
  // Bun's close event carries the worker's exit code.
  worker.addEventListener("close", (event) => {
    const code = (event as { code?: unknown }).code;
    exit(typeof code === "number" ? code : 0);
  });
  return {
    kind: "web",
    postMessage(message: unknown, transfer?: readonly Transferable[]): void {
      worker.postMessage(message, transfer ? [...transfer] : []);
    },
    listen(next: WorkerHandlers): void {
      handlers = next;
    },
    terminate(): Promise<void> {
      worker.terminate();
      exit(1);
      return Promise.resolve();
    },
    unref(): void {
      worker.unref?.();
    },
    ref(): void {
      worker.ref?.();
    },
  };
}
