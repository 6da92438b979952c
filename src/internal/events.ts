/**
 * Typed subscriptions to the `CustomEvent`s an `EventTarget` dispatches.
 *
 * @module
 */

/**
 * Calls `listener` with the `detail` of each `type` event `target`
 * dispatches, until the returned function is called or `signal` aborts.
 */
export function subscribe<T>(
  target: EventTarget,
  type: string,
  listener: (detail: T) => void,
  signal?: AbortSignal,
): () => void {
  if (signal?.aborted) return () => {};
  const handler = (event: Event): void => listener((event as CustomEvent<T>).detail);
  // Not `{ signal }`: that leaves an abort listener on a long-lived signal after each unsubscribe.
  const off = (): void => {
    target.removeEventListener(type, handler);
    signal?.removeEventListener("abort", off);
  };
  target.addEventListener(type, handler);
  signal?.addEventListener("abort", off, { once: true });
  return off;
}
