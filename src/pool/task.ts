import type { TimerHandle } from "../runtime/timers.ts";
import type { WorkerSlot } from "./worker-slot.ts";
import type { Transferable } from "../runtime/types.ts";

/** Where a task is in its life. */
export const QUEUED = 0;
export const POSTED = 1;
export const SETTLED = 2;

/** One submitted task, from `run()` until it settles. */
export class Task {
  readonly id: number;
  readonly name: string;
  readonly payload: unknown;
  readonly transfer: readonly Transferable[] | undefined;
  readonly priority: number;
  readonly key: string | undefined;
  readonly submittedAt: number;
  readonly signal: AbortSignal | undefined;
  state: number = QUEUED;
  /** The worker it was posted to, while posted. */
  slot: WorkerSlot | undefined = undefined;
  /** Its claim slot in that worker's claims array. */
  claim = 0;
  /** Counted against its key's cap (posted, or running after a cancel). */
  holdsKey = false;
  timer: TimerHandle | undefined = undefined;
  /** Cancelled while running: by when (`performance.now()`) it must stop, or its worker is replaced. */
  stopBy: number = Infinity;
  onAbort: (() => void) | undefined = undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;

  constructor(
    id: number,
    name: string,
    payload: unknown,
    options: {
      transfer?: readonly Transferable[] | undefined;
      priority?: number | undefined;
      key?: string | undefined;
      signal?: AbortSignal | undefined;
    },
    submittedAt: number,
    resolve: (value: unknown) => void,
    reject: (reason: unknown) => void,
  ) {
    this.id = id;
    this.name = name;
    this.payload = payload;
    this.transfer = options.transfer;
    this.priority = options.priority ?? 0;
    this.key = options.key;
    this.signal = options.signal;
    this.submittedAt = submittedAt;
    this.resolve = resolve;
    this.reject = reject;
  }

  /**
   * Its payload's buffers were transferred to the worker it was posted to,
   * so it cannot be posted anywhere else.
   */
  get pinned(): boolean {
    return this.slot !== undefined && this.transfer !== undefined && this.transfer.length > 0;
  }
}
