// The worker module the pool tests run: one handler per behaviour under test.
import { defineWorker, transfer } from "../../../worker.ts";
import type { TaskContext } from "../../../worker.ts";

function spin(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* busy */ }
}

class CodedError extends RangeError {
  code = "E_TEST";
}

const threadTag = Math.random();

defineWorker({
  inc: (x: number): number => x + 1,
  echo: (x: unknown): unknown => x,
  tag: (): number => threadTag,
  fail: (message: string): never => {
    throw new CodedError(message);
  },
  spin: (ms: number): number => {
    spin(ms);
    return ms;
  },
  sleep: (ms: number, { signal }: TaskContext): Promise<number> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(ms), ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    }),
  /** Waits for its signal and reports that it saw it, through a shared flag. */
  awaitAbort: (flag: Int32Array, { signal }: TaskContext): Promise<void> =>
    new Promise((_, reject) => {
      signal.addEventListener("abort", () => {
        Atomics.store(flag, 0, 1);
        reject(signal.reason);
      });
    }),
  /** Keeps its worker busy until the main thread stores 1 in `gate[0]`. */
  block: (gate: Int32Array): number => {
    while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0, 100);
    return 1;
  },
  blockForever: (): never => {
    for (;;) { /* never returns and never yields */ }
  },
  exit: (): void => {
    const scope = globalThis as { close?: () => void; process?: { exit(code: number): void } };
    const threads = scope.process && (globalThis as unknown as {
      process: { getBuiltinModule?(id: string): { isMainThread?: boolean } | undefined };
    }).process.getBuiltinModule?.("node:worker_threads");
    if (threads && threads.isMainThread === false) scope.process!.exit(3);
    else if (typeof scope.close === "function") scope.close();
    else scope.process?.exit(3);
  },
  /** Exits the worker with `code`: `Deno.exit()` on Deno, `process.exit()` elsewhere. */
  exitWith: (code: number): void => {
    const scope = globalThis as {
      Deno?: { exit(code: number): void };
      process?: { exit(code: number): void };
    };
    if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "undefined") {
      const threads = (globalThis as unknown as {
        process?: { getBuiltinModule?(id: string): { isMainThread?: boolean } | undefined };
      }).process?.getBuiltinModule?.("node:worker_threads");
      if (threads?.isMainThread !== false) throw new Error("exitWith runs only in a worker");
    }
    if (scope.Deno !== undefined) scope.Deno.exit(code);
    else scope.process?.exit(code);
  },
  throwLater: (): Promise<never> => {
    setTimeout(() => {
      throw new Error("uncaught in the worker");
    }, 0);
    return new Promise<never>(() => {});
  },
  /** Ignores its signal and never settles, without blocking its thread. */
  hang: (): Promise<never> => new Promise<never>(() => {}),
  /** Takes the next number from a counter shared by every worker: the order tasks ran in. */
  ticket: (counter: Int32Array): number => Atomics.add(counter, 0, 1),
  /** Throws an object that is not an Error, as some libraries do. */
  throwObject: (): never => {
    throw { code: "E_RATE_LIMIT", message: "too many requests", retryAfter: 3, nested: {} };
  },
  /** Posts a message of its own to the parent (a heartbeat, say), then answers. */
  postOwn: (value: unknown): number => {
    const threads = (globalThis as unknown as {
      process?: {
        getBuiltinModule?(id: string): { parentPort?: { postMessage(v: unknown): void } };
      };
    }).process?.getBuiltinModule?.("node:worker_threads");
    const port = threads?.parentPort ?? (globalThis as { postMessage?: (v: unknown) => void });
    port.postMessage!(value);
    return 1;
  },
  /** Returns what cannot be sent back to the pool. */
  uncloneable: (): unknown => () => 1,
  byteLength: (bytes: Uint8Array): number => bytes.byteLength,
  makeBytes: (size: number) => {
    const bytes = new Uint8Array(size).fill(7);
    return transfer(bytes, [bytes.buffer]);
  },
  /** Counts concurrent runs per key in a shared array: [running, maxSeen]. */
  keyed: ({ counter, ms }: { counter: Int32Array; ms: number }): void => {
    const running = Atomics.add(counter, 0, 1) + 1;
    let max = Atomics.load(counter, 1);
    while (running > max) {
      Atomics.compareExchange(counter, 1, max, running);
      max = Atomics.load(counter, 1);
    }
    spin(ms);
    Atomics.sub(counter, 0, 1);
  },
});
