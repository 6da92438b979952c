import type { WorkerHandlers, WorkerLike } from "../runtime/types.ts";
import { createExecutor, type TaskHandlers } from "./executor.ts";
import { OP_HELLO, OP_INIT } from "./protocol.ts";
import type { Transferable } from "../runtime/types.ts";

// Handlers defined on this thread, in the order their modules ran, with the stack of the call.
const defined: { readonly handlers: TaskHandlers; readonly stack: string }[] = [];
const loaded = new Map<string, Promise<TaskHandlers>>();
// The last import started. A module's handlers are the first defined after its import starts,
// which holds only while no other worker module is being imported: imports go one at a time.
let loading: Promise<unknown> = Promise.resolve();

/** How to combine the handlers of several modules, for errors about a second `defineWorker()`. */
export const CALL_ONCE: string = "call it once, with every handler " +
  "(to combine modules, export their handler objects and pass defineWorker({ ...a, ...b }))";

/** Called by `defineWorker` when it runs on a thread that is not a worker. */
export function registerInline(handlers: TaskHandlers): void {
  defined.push({ handlers, stack: new Error().stack ?? "" });
}

/**
 * The handlers an already-imported module defined: the one call whose stack
 * runs through `url` (the module's frame, where it called `defineWorker()`).
 */
function definedEarlier(url: URL, before: number): TaskHandlers | undefined {
  const names = [url.href, decodeURIComponent(url.pathname)];
  const found = defined.slice(0, before).filter(({ stack }) =>
    names.some((name) => stack.includes(`${name}:`))
  );
  return found.length === 1 ? found[0]!.handlers : undefined;
}

function load(url: URL): Promise<TaskHandlers> {
  let handlers = loaded.get(url.href);
  if (handlers === undefined) {
    handlers = loading.then(async () => {
      const before = defined.length;
      await import(url.href);
      // A module the application imported before ran then, and does not run again.
      const found = defined[before]?.handlers ?? definedEarlier(url, before);
      if (found === undefined) {
        throw new TypeError(
          `Cannot run ${url.href} inline: the module did not call defineWorker() when imported`,
        );
      }
      // In a worker the second call throws; inline, both calls return before we look.
      if (defined.length > before + 1) {
        throw new TypeError(
          `Cannot run ${url.href} inline: defineWorker() was called ${
            defined.length - before
          } times when it was imported; ${CALL_ONCE}`,
        );
      }
      return found;
    });
    loading = handlers.catch(() => {});
    loaded.set(url.href, handlers);
  }
  return handlers;
}

/** `message` as the other side of a worker gets it; throws a `DataCloneError` as `postMessage` does. */
function copy(message: unknown, transfer: readonly Transferable[] = []): unknown {
  // The runtime's own Transferable (the DOM's, or Node's) names the same objects ours stands for.
  return structuredClone(message, { transfer: [...transfer] as never[] });
}

/**
 * A {@link WorkerLike} that runs the worker module on the calling thread:
 * the pool's `inline: true` mode, for runtimes without workers. Messages are
 * delivered in later macrotasks, so the pool's code runs exactly as it does
 * with a real worker, and a long queue still lets I/O through between
 * messages.
 */
export function spawnInlineWorker(url: URL): WorkerLike {
  let handlers: WorkerHandlers | undefined;
  let execute: ((data: unknown) => void) | undefined;
  let stopped = false;
  const pending: unknown[] = [];
  const deliver = (data: unknown): void => {
    setTimeout(() => {
      if (!stopped) handlers?.message(data);
    }, 0);
  };
  load(url).then(
    (found) => {
      // Results are cloned (and moved) as a worker's are, so one that could not cross
      // from a worker fails here too, and handler and caller never share an object.
      execute = createExecutor(found, (message, transfer) => deliver(copy(message, transfer)));
      for (const message of pending.splice(0)) execute(message);
      deliver([OP_HELLO]);
    },
    (error: unknown) => {
      if (stopped) return;
      stopped = true;
      handlers?.error(error instanceof Error ? error : new Error(String(error)));
      handlers?.exit(1);
    },
  );
  return {
    kind: "web",
    postMessage(message: unknown, transfer?: readonly Transferable[]): void {
      if (stopped) return;
      // The first message hands over the claims array, which an inline pool keeps in a plain
      // ArrayBuffer (one thread, so one memory); a copy of it would claim nothing. Tasks'
      // payloads are cloned as they would be for a worker.
      if ((message as unknown[])[0] !== OP_INIT) message = copy(message, transfer);
      if (execute === undefined) pending.push(message);
      else {
        setTimeout(() => {
          if (!stopped) execute!(message);
        }, 0);
      }
    },
    listen(next: WorkerHandlers): void {
      handlers = next;
    },
    terminate(): Promise<void> {
      if (!stopped) {
        stopped = true;
        handlers?.exit(0);
      }
      return Promise.resolve();
    },
    unref(): void {},
    ref(): void {},
  };
}
