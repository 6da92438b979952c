import type * as NodeFs from "node:fs";
import type * as NodeOs from "node:os";
import type * as NodeProcess from "node:process";
import type * as NodeWorkerThreads from "node:worker_threads";

interface BuiltinModules {
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
 * in browsers and on edge runtimes. Node >= 20.16, Deno 2 and Bun all have
 * `process.getBuiltinModule`; elsewhere the answer is `undefined`.
 */
export function builtin<K extends keyof BuiltinModules>(id: K): BuiltinModules[K] | undefined {
  const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
  if (typeof proc?.getBuiltinModule !== "function") return undefined;
  try {
    return proc.getBuiltinModule(id) as BuiltinModules[K] | undefined;
  } catch {
    return undefined;
  }
}
