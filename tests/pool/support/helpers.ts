import { WorkerPool } from "../../../src/pool/pool.ts";
import type { WorkerPoolOptions } from "../../../src/pool/options.ts";

export const workerFile: URL = new URL("./pool-worker.ts", import.meta.url);

/** A pool of the test worker; options override the test defaults. */
export function testPool(options: Partial<WorkerPoolOptions> = {}): WorkerPool {
  return new WorkerPool({ worker: workerFile, minWorkers: 1, maxWorkers: 2, ...options });
}

/** Waits until `condition()` holds, checking every few ms; fails after `ms`. */
export async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** How a promise settled, without throwing. */
export function outcome<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error) => ({ ok: false as const, error }),
  );
}
