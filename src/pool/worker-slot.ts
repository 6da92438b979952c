import type { TimerHandle } from "../runtime/timers.ts";
import type { WorkerLike } from "../runtime/types.ts";
import { CLAIM_DONE, CLAIM_SLOTS, CLAIM_STARTED, CLAIM_TAKEN } from "./protocol.ts";
import type { Task } from "./task.ts";

/** The pool's view of one worker: what was posted to it, and its claims. */
export class WorkerSlot {
  readonly worker: WorkerLike;
  readonly index: number;
  /** Shared with the worker; `undefined` where SharedArrayBuffer is missing. */
  readonly claims: Int32Array | undefined;
  /** Posted tasks not yet settled, oldest first. */
  readonly inflight: Map<number, Task> = new Map();
  /** Answered the handshake; tasks may be posted. */
  ready = false;
  /** Its thread runs at a lowered priority (`niceIncrement`). */
  lowered = false;
  /** Will take no new tasks and stops once empty. */
  retiring = false;
  /** Crashed, exited or terminated. */
  dead = false;
  /** RUN messages posted that the worker has not acknowledged. */
  messages = 0;
  /** Tasks it finished. */
  completed = 0;
  /** When it last ran out of work; `undefined` while it has some. */
  idleSince: number | undefined = undefined;
  graceTimer: TimerHandle | undefined = undefined;
  readonly #free: Int32Array;
  #freeTop: number;

  constructor(worker: WorkerLike, index: number, claims: Int32Array | undefined) {
    this.worker = worker;
    this.index = index;
    this.claims = claims;
    this.#free = new Int32Array(CLAIM_SLOTS);
    for (let i = 0; i < CLAIM_SLOTS; i++) this.#free[i] = CLAIM_SLOTS - 1 - i;
    this.#freeTop = CLAIM_SLOTS;
  }

  /** Claim slots left: the most tasks that can still be posted to this worker. */
  get room(): number {
    return this.#freeTop;
  }

  /** Takes a claim slot for `task` and records it as posted here. */
  assign(task: Task): void {
    const claim = this.#free[--this.#freeTop]!;
    task.slot = this;
    task.claim = claim;
    if (this.claims !== undefined) Atomics.store(this.claims, claim, task.id);
    this.inflight.set(task.id, task);
  }

  /** Forgets a posted task (settled or taken back) and frees its claim slot. */
  unassign(task: Task): void {
    if (this.inflight.delete(task.id)) this.#free[this.#freeTop++] = task.claim;
    task.slot = undefined;
  }

  /**
   * Takes back a posted task the worker has not started. True when it was
   * taken (the worker will skip it); false when it already started, or when
   * there are no claims to decide with.
   */
  takeBack(task: Task): boolean {
    if (this.claims === undefined) return false;
    return Atomics.compareExchange(this.claims, task.claim, task.id, CLAIM_TAKEN) === task.id;
  }

  /** Whether the worker has started `task`, finished or not (always true without claims). */
  started(task: Task): boolean {
    if (this.claims === undefined) return true;
    const claim = Atomics.load(this.claims, task.claim);
    return claim === CLAIM_STARTED || claim === CLAIM_DONE;
  }

  /** Whether `task`'s handler has returned (never known without claims). */
  finished(task: Task): boolean {
    return this.claims !== undefined && Atomics.load(this.claims, task.claim) === CLAIM_DONE;
  }
}
