import { WorkerPool } from "../../../src/pool/pool.ts";
import type { WorkerPoolOptions } from "../../../src/pool/options.ts";
import { createRuntimeAdapter } from "../../../src/runtime/detect.ts";
import { createFakeAdapter, type FakeAdapter } from "../../../src/runtime/fake.ts";

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

/** What `promise` resolves to, or `"timed out"` when it has not settled after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | "timed out"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"timed out">((resolve) => {
    timer = setTimeout(() => resolve("timed out"), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the pool did to one worker a {@link trackedAdapter} started. */
export interface TrackedWorker {
  /** Whether it keeps the process alive: its last ref() or unref(), ref'd at start. */
  refed: boolean;
  terminated: boolean;
}

/** An adapter starting real workers that records what the pool does to each. */
export function trackedAdapter(): { adapter: FakeAdapter; workers: TrackedWorker[] } {
  const real = createRuntimeAdapter();
  const adapter = createFakeAdapter({ cpu: { effective: 2 } });
  const workers: TrackedWorker[] = [];
  adapter.machine.spawn = (url, options) => {
    const worker = real.spawnWorker(url, options);
    const state: TrackedWorker = { refed: true, terminated: false };
    workers.push(state);
    return {
      ...worker,
      ref() {
        state.refed = true;
        worker.ref();
      },
      unref() {
        state.refed = false;
        worker.unref();
      },
      terminate() {
        state.terminated = true;
        return worker.terminate();
      },
    };
  };
  return { adapter, workers };
}
