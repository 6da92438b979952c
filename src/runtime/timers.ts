/** A handle from `setTimeout` / `setInterval` in any runtime. */
export type TimerHandle = ReturnType<typeof setTimeout>;

interface DenoTimers {
  unrefTimer(id: number): void;
}

/**
 * Lets the process exit while `handle` is pending: `.unref()` on Node and Bun,
 * `Deno.unrefTimer(id)` on Deno, nothing in browsers (a page never waits on timers).
 * Returns the handle.
 */
export function unrefTimer(handle: TimerHandle): TimerHandle {
  const h: unknown = handle;
  if (typeof h === "object" && h !== null && "unref" in h && typeof h.unref === "function") {
    h.unref();
    return handle;
  }
  const deno = (globalThis as { Deno?: DenoTimers }).Deno;
  if (typeof h === "number" && deno && typeof deno.unrefTimer === "function") deno.unrefTimer(h);
  return handle;
}
