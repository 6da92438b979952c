import type * as NodeFs from "node:fs";
import type * as NodeOs from "node:os";
import type * as NodeProcess from "node:process";
import type * as NodeWorkerThreads from "node:worker_threads";

interface BuiltinModules {
  "node:events": { setMaxListeners?(n: number, ...targets: EventTarget[]): void };
  "node:fs": typeof NodeFs;
  "node:os": typeof NodeOs;
  "node:process": typeof NodeProcess;
  "node:worker_threads": typeof NodeWorkerThreads;
}

interface ProcessWithBuiltins {
  getBuiltinModule?(id: string): unknown;
}

/**
 * Loads a Node built-in without a static import, so this package also loads
 * in browsers and on edge runtimes. Node >= 20.16, Deno 2 and Bun >= 1.2.10
 * have `process.getBuiltinModule`; older Bun releases (the `oven/bun:1.1`
 * images) get it through `import.meta.require`. Elsewhere the answer is
 * `undefined`.
 */
export function builtin<K extends keyof BuiltinModules>(id: K): BuiltinModules[K] | undefined {
  const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
  const load = typeof proc?.getBuiltinModule === "function"
    ? (name: string) => proc.getBuiltinModule?.(name)
    : bunRequire();
  if (load === undefined) return undefined;
  try {
    return load(id) as BuiltinModules[K] | undefined;
  } catch {
    return undefined;
  }
}

/** Bun's synchronous `import.meta.require`, on Bun only (a bundler may define one elsewhere). */
function bunRequire(): ((id: string) => unknown) | undefined {
  if ((globalThis as { Bun?: unknown }).Bun === undefined) return undefined;
  const require = (import.meta as { require?: unknown }).require;
  return typeof require === "function" ? (require as (id: string) => unknown) : undefined;
}

/**
 * Lets any number of listeners subscribe to `target` without Node's
 * `MaxListenersExceededWarning` ("possible EventTarget memory leak") from
 * the eleventh on: for a hub many components listen to, such as a monitor.
 * Does nothing where `node:events` is missing.
 */
export function allowManyListeners(target: EventTarget): void {
  try {
    builtin("node:events")?.setMaxListeners?.(0, target);
  } catch {
    // A runtime whose setMaxListeners does not take an EventTarget has no such warning either.
  }
}
