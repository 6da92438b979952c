// The example server's CPU work, run in WorkerPool workers: the same file is a
// worker_threads worker on Node and a module Web Worker on Deno and Bun.
import { defineWorker } from "../../worker.ts";

/** One imported record, as `/import` accepts it. */
export interface ImportRecord {
  readonly id: string;
  readonly quantity: number;
  readonly price: number;
}

/** What an `export` task returns. */
export interface ExportResult {
  readonly bytes: number;
  /** FNV-1a of the generated data, as 8 hex digits. */
  readonly checksum: string;
}

/** What an `import` task returns for one batch. */
export interface ImportResult {
  readonly records: number;
  readonly total: number;
}

/** What an `import` task returns: the batch's result and how long it took. */
export interface TimedImportResult extends ImportResult {
  /** The batch's run time in the worker, in ms, without its wait in the pool's queue. */
  readonly ms: number;
}

/**
 * Generates `kib` KiB of pseudo-random bytes from `seed` (xorshift32) and
 * hashes them with FNV-1a, `rounds` times over: CPU work in proportion to
 * `kib * rounds`, with a result the caller can check.
 */
export function exportData(kib: number, seed: number, rounds = 4): ExportResult {
  const data = new Uint8Array(kib * 1024);
  let x = seed | 0 || 1;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  let hash = 0x811c9dc5;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i]!, 0x01000193);
  }
  return { bytes: data.length, checksum: (hash >>> 0).toString(16).padStart(8, "0") };
}

/** Sums one batch of records (already validated by the route). */
export function importBatch(records: readonly ImportRecord[]): ImportResult {
  let total = 0;
  for (const r of records) total += r.quantity * r.price;
  return { records: records.length, total: Math.round(total * 100) / 100 };
}

defineWorker({
  export: ({ kib, seed }: { kib: number; seed: number }) => exportData(kib, seed),
  import: (records: readonly ImportRecord[]): TimedImportResult => {
    const started = performance.now();
    const result = importBatch(records);
    return { ...result, ms: performance.now() - started };
  },
});
