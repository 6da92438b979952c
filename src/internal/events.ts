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

/**
 * Returns a function that dispatches events on `target` in order. Events
 * dispatched from inside a listener (a listener that changes the target,
 * which then announces the change) wait until the ones already on their way
 * have gone, so every listener sees the changes in the order they happened.
 */
export function orderedDispatch(target: EventTarget): (...events: Event[]) => void {
  const queue: Event[] = [];
  let dispatching = false;
  return (...events) => {
    queue.push(...events);
    if (dispatching) return;
    dispatching = true;
    try {
      for (let event = queue.shift(); event; event = queue.shift()) target.dispatchEvent(event);
    } finally {
      dispatching = false;
      queue.length = 0;
    }
  };
}
