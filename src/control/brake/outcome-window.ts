/** Calls and failures over a rolling window, as a {@link CircuitBreaker} counts them. */
export interface OutcomeWindow {
  record(failed: boolean, now: number): void;
  /** Calls and failures inside the window at `now`. */
  counts(now: number): { readonly calls: number; readonly failures: number };
  clear(): void;
}

/** The last `size` calls, whenever they happened. */
export function countWindow(size: number): OutcomeWindow {
  const failedAt = new Uint8Array(size);
  let next = 0;
  let calls = 0;
  let failures = 0;
  return {
    record(failed: boolean): void {
      if (calls === size) failures -= failedAt[next] ?? 0;
      else calls++;
      failedAt[next] = failed ? 1 : 0;
      if (failed) failures++;
      next = (next + 1) % size;
    },
    counts(): { calls: number; failures: number } {
      return { calls, failures };
    },
    clear(): void {
      failedAt.fill(0);
      next = 0;
      calls = 0;
      failures = 0;
    },
  };
}

/**
 * The calls of the last `ms` milliseconds, kept in `buckets` slices: a call
 * leaves the window once the start of its slice is `ms` old, so it counts
 * for between `ms - ms / buckets` and `ms`.
 */
export function timeWindow(ms: number, buckets = 10): OutcomeWindow {
  const width = ms / buckets;
  const calls = new Float64Array(buckets);
  const failures = new Float64Array(buckets);
  let current = -Infinity;
  const slot = (index: number): number => ((index % buckets) + buckets) % buckets;
  const advance = (now: number): number => {
    const index = Math.floor(now / width);
    if (index <= current) return slot(current);
    if (index - current >= buckets) {
      calls.fill(0);
      failures.fill(0);
    } else {
      for (let i = current + 1; i <= index; i++) {
        calls[slot(i)] = 0;
        failures[slot(i)] = 0;
      }
    }
    current = index;
    return slot(index);
  };
  return {
    record(failed: boolean, now: number): void {
      const s = advance(now);
      calls[s] = (calls[s] ?? 0) + 1;
      if (failed) failures[s] = (failures[s] ?? 0) + 1;
    },
    counts(now: number): { calls: number; failures: number } {
      advance(now);
      let c = 0;
      let f = 0;
      for (let i = 0; i < buckets; i++) {
        c += calls[i] ?? 0;
        f += failures[i] ?? 0;
      }
      return { calls: c, failures: f };
    },
    clear(): void {
      calls.fill(0);
      failures.fill(0);
    },
  };
}
