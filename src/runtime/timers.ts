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

/**
 * Keeps the process alive until the returned function is called: a ref'd
 * timer that never fires. For a promise a caller awaits whose settling rests
 * only on unref'd timers (a monitor's samples), so the process does not exit
 * with it unsettled.
 */
export function holdOpen(): () => void {
  const handle = setInterval(() => {}, 0x7fffffff);
  return () => clearInterval(handle);
}
