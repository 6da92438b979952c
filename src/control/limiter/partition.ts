import type { Permit } from "./permit.ts";

/** One call waiting for a permit: a node of its partition's doubly linked list. */
export interface Waiter {
  readonly partition: Partition;
  /** Arrival number across all partitions: FIFO serves the lowest, LIFO the highest. */
  readonly seq: number;
  readonly enqueuedAt: number;
  readonly resolve: (permit: Permit) => void;
  readonly reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** The max-wait timer's handle; `undefined` when the wait is unbounded. */
  timer: unknown;
  prev: Waiter | undefined;
  next: Waiter | undefined;
  /** Still in the queue: cleared by whichever of grant, abort or timeout comes first. */
  queued: boolean;
}

/**
 * The share of a limiter one operation type is guaranteed, its calls in
 * flight and its waiters. Unpartitioned calls form a partition too, named
 * `undefined`, whose share is what the named ones leave over.
 */
export class Partition {
  readonly name: string | undefined;
  readonly share: number;
  /** Permits this partition is first in line for: `ceil(limit × share)`. */
  guarantee = 0;
  inflight = 0;
  waiting = 0;
  head: Waiter | undefined = undefined;
  tail: Waiter | undefined = undefined;

  constructor(name: string | undefined, share: number) {
    this.name = name;
    this.share = share;
  }

  /** Recomputes the guarantee for a new limit. */
  resize(limit: number): void {
    // The epsilon keeps 0.3 × 10 at 3 rather than ceil(3.0000000000000004) = 4.
    this.guarantee = this.share <= 0 ? 0 : Math.ceil(limit * this.share - 1e-9);
  }

  /** Appends a waiter at the tail. */
  push(waiter: Waiter): void {
    waiter.prev = this.tail;
    waiter.next = undefined;
    if (this.tail === undefined) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    this.waiting++;
  }

  /** Unlinks a queued waiter from anywhere in the list. */
  remove(waiter: Waiter): void {
    const { prev, next } = waiter;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    waiter.queued = false;
    this.waiting--;
  }
}

/**
 * The waiter to admit next: a partition below its guarantee goes before one
 * that would borrow, and of those the one that holds the smallest part of
 * its guarantee (rounded up at small limits, the guarantees can add up to
 * more than the limit: a large partition must not keep the permits a small
 * one is owed); then the oldest waiter (FIFO) or the newest (LIFO) across
 * the partitions.
 */
export function nextWaiter(
  partitions: readonly Partition[],
  lifo: boolean,
): Waiter | undefined {
  let best: Waiter | undefined;
  // How much of its guarantee the best one's partition holds; Infinity when it would borrow.
  let bestFill = Infinity;
  for (const partition of partitions) {
    const candidate = lifo ? partition.tail : partition.head;
    if (candidate === undefined) continue;
    const fill = partition.inflight < partition.guarantee
      ? partition.inflight / partition.guarantee
      : Infinity;
    if (
      best === undefined || fill < bestFill ||
      (fill === bestFill && (lifo ? candidate.seq > best.seq : candidate.seq < best.seq))
    ) {
      best = candidate;
      bestFill = fill;
    }
  }
  return best;
}
