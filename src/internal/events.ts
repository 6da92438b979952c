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
  const handler = (event: Event): void => listener((event as CustomEvent<T>).detail);
  target.addEventListener(type, handler, signal === undefined ? {} : { signal });
  return () => target.removeEventListener(type, handler);
}
