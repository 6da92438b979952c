import * as v from "valibot";
import { parseOptions } from "../config/parse.ts";
import { WindowedHistogram } from "../metrics/windowed-histogram.ts";
import { createRuntimeAdapter } from "../runtime/detect.ts";
import { unrefTimer } from "../runtime/timers.ts";
import type { TimerHandle } from "../runtime/timers.ts";
import type { RuntimeAdapter, WorkerLike } from "../runtime/types.ts";
import {
  PoolClosedError,
  QueueFullError,
  TaskError,
  WorkerCrashedError,
  WorkersUnavailableError,
} from "./errors.ts";
import { spawnInlineWorker } from "./inline.ts";
import {
  MAX_TIMER_MS,
  type ResolvedPoolOptions,
  resolvePoolOptions,
  type WorkerPoolOptions,
} from "./options.ts";
import {
  CLAIM_SLOTS,
  FLUSH_MS,
  OP_CANCEL,
  OP_EXITING,
  OP_HELLO,
  OP_INIT,
  OP_READY,
  OP_RESULTS,
  OP_RUN,
  type SerializedError,
  STATUS_OK,
} from "./protocol.ts";
import type { PoolStats } from "./stats.ts";
import { POSTED, QUEUED, SETTLED, Task } from "./task.ts";
import { TaskQueue } from "./task-queue.ts";
import { WorkerSlot } from "./worker-slot.ts";
import type { Transferable } from "../runtime/types.ts";

/** Options of one `run()` call. */
export interface RunOptions {
  /** Cancels the task: a queued one at once, a running one through its handler's signal. */
  readonly signal?: AbortSignal;
  /** Buffers in the payload to move to the worker instead of copying. */
  readonly transfer?: readonly Transferable[];
  /**
   * Higher runs first; FIFO within a priority. It orders the tasks waiting in
   * the pool: those already sent ahead to a worker (see `pipelineMs`) run
   * before it. @default {0}
   */
  readonly priority?: number;
  /** Cancels the task if it has not settled this many ms after `run()`. */
  readonly timeoutMs?: number;
  /** Tasks sharing a key run at most `maxPerKey` at once (a tenant, a user). */
  readonly key?: string;
}

const runOptionsSchema = v.strictObject({
  signal: v.optional(v.instance(AbortSignal)),
  transfer: v.optional(v.array(v.any())),
  priority: v.optional(v.pipe(v.number(), v.finite())),
  // Node fires a longer setTimeout at once.
  timeoutMs: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_TIMER_MS))),
  key: v.optional(v.string()),
});

const resizeSchema = v.strictObject({
  min: v.pipe(v.number(), v.integer(), v.minValue(0)),
  max: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/** Largest number of tasks posted in one message. */
const MAX_BATCH = 256;
/** Most tasks posted ahead to one worker. */
const MAX_WINDOW = Math.min(1024, CLAIM_SLOTS);
/** RUN messages a worker may have waiting; more tasks wait in the pool and go in bigger messages. */
const MAX_MESSAGES = 2;
/** After a worker says it is closing, how long to wait for the runtime's error or exit event. */
const EXIT_EVENT_WAIT_MS = 100;
/** Tasks posted ahead to one worker before run times are known. */
const INITIAL_WINDOW = 8;
/** How far back the run and wait quantiles in `stats()` look, in ms. */
const STATS_WINDOW_MS = 60_000;

const now = (): number => performance.now();

/** After a worker fails to start while others run, the next start waits this long, doubling. */
const START_RETRY_MIN_MS = 1000;
/** The longest wait between starts of a worker module that keeps failing. */
const START_RETRY_MAX_MS = 30_000;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** Events of a {@link WorkerPool}; each is a `CustomEvent` whose detail is a stats snapshot. */
export interface WorkerPoolEventMap {
  /** Waiting tasks reached the high-water mark. */
  backpressure: CustomEvent<PoolStats>;
  /** Waiting tasks fell under the low-water mark. */
  backpressureEnd: CustomEvent<PoolStats>;
}

/**
 * A pool of workers running the tasks of one worker module (a file that
 * calls `defineWorker()`), on Node, Deno, Bun and in browsers.
 *
 * Each worker is sent a little work ahead (about `pipelineMs` of measured run
 * time) so it never waits for its next task; small tasks travel many to a
 * message and their results come back together; while the backlog is deep,
 * up to `backlogBatchMs` of work goes per message each way. A worker that
 * runs dry takes not-yet-started tasks from the busiest one. Workers grow
 * with demand up to `maxWorkers`, shrink to `minWorkers` when idle, and
 * `resize()` moves both bounds live. Every task settles exactly once: with
 * its result, a `TaskError`, a `WorkerCrashedError`, a `QueueFullError`, a
 * `PoolClosedError` or its signal's reason.
 *
 * @example Hash on two workers
 * ```ts
 * import { WorkerPool, workerUrl } from "@headroom/headroom";
 *
 * await using pool = new WorkerPool({ worker: workerUrl("./hash-worker.ts", import.meta.url) });
 * const digest = await pool.run("sha256", "hello");
 * console.log(digest, pool.stats().completed);
 * ```
 */
export class WorkerPool extends EventTarget {
  readonly #options: ResolvedPoolOptions;
  readonly #adapter: RuntimeAdapter | undefined;
  #min: number;
  #max: number;
  readonly #queue: TaskQueue;
  readonly #slots: WorkerSlot[] = [];
  /** Workers started that have not answered yet. */
  readonly #starting = new Set<WorkerSlot>();
  #slotIndex = 0;
  #nextId = 1;
  #pending = 0;
  #scheduled = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #pressured = false;
  #refed = false;
  #meanRunMs: number | undefined;
  #startError: unknown;
  /** While `#startError` is set and workers run, no worker starts before this time. */
  #startRetryAt = 0;
  #startRetryMs = START_RETRY_MIN_MS;
  #idleTimer: TimerHandle | undefined;
  #keepAlive: TimerHandle | undefined;
  #readyWaiters: (() => void)[] = [];
  #drainWaiters: (() => void)[] = [];
  #warmWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  // Statistics.
  #completed = 0;
  #failed = 0;
  #cancelled = 0;
  #crashed = 0;
  #closedTasks = 0;
  #stolen = 0;
  #runSumMs = 0;
  #workerMs = 0;
  #workerClock = now();
  readonly #runTime = new WindowedHistogram(STATS_WINDOW_MS);
  readonly #waitTime = new WindowedHistogram(STATS_WINDOW_MS);
  readonly #dispatch = (): void => this.#flush();

  /**
   * Validates `options` (throws `ConfigError`); throws `WorkersUnavailableError` when the runtime
   * cannot start workers and `inline` is off. With `warm`, calls `warmUp()` at once.
   */
  constructor(options: WorkerPoolOptions) {
    super();
    let adapter: RuntimeAdapter | undefined;
    const o = resolvePoolOptions(options, () => {
      adapter = (options as { adapter?: RuntimeAdapter } | undefined)?.adapter ??
        createRuntimeAdapter();
      return adapter.cpu().effective;
    });
    this.#options = o;
    this.#adapter = o.adapter ?? adapter;
    if (!o.inline) {
      this.#adapter ??= createRuntimeAdapter();
      if (!this.#adapter.canSpawnWorkers()) throw new WorkersUnavailableError(this.#adapter.name);
    }
    this.#min = o.minWorkers;
    this.#max = o.maxWorkers;
    this.#queue = new TaskQueue(o.maxPerKey);
    if (o.warm) this.warmUp().catch(() => {});
  }

  /** Workers running or starting. */
  get size(): number {
    return this.#slots.length + this.#starting.size;
  }

  /** `true` once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs the handler named `task` in a worker with `payload` and resolves
   * with what it returns. Rejects with `TaskError` if it throws,
   * `WorkerCrashedError` if its worker dies, `QueueFullError` when
   * `maxQueue` tasks already wait, `PoolClosedError` after `close()`, and
   * the signal's reason when cancelled.
   */
  run<R = unknown>(task: string, payload?: unknown, options?: RunOptions): Promise<R> {
    if (typeof task !== "string") {
      return Promise.reject(new TypeError(`run() expects a task name string, received ${task}`));
    }
    let o: RunOptions = {};
    if (options !== undefined) {
      try {
        o = parseOptions(runOptionsSchema, options, "run() options") as RunOptions;
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#closed) return Promise.reject(new PoolClosedError());
    if (o.signal?.aborted) return Promise.reject(abortReason(o.signal));
    const queued = this.#queue.length;
    if (queued >= this.#options.maxQueue) {
      return Promise.reject(new QueueFullError(queued, this.#options.maxQueue, this.#loadFactor()));
    }
    return new Promise<R>((resolve, reject) => {
      const t = new Task(
        this.#nextId,
        task,
        payload,
        o,
        now(),
        resolve as (value: unknown) => void,
        reject,
      );
      this.#nextId = this.#nextId === 0x7fffffff ? 1 : this.#nextId + 1;
      if (this.#pending++ === 0) this.#setRef(true);
      if (o.signal !== undefined) {
        const signal = o.signal;
        t.onAbort = () => this.#cancel(t, abortReason(signal));
        signal.addEventListener("abort", t.onAbort, { once: true });
      }
      if (o.timeoutMs !== undefined) {
        const ms = o.timeoutMs;
        t.timer = unrefTimer(setTimeout(() => {
          this.#cancel(
            t,
            new DOMException(`Task "${task}" did not settle within ${ms} ms`, "TimeoutError"),
          );
        }, ms));
      }
      this.#queue.push(t);
      if (!this.#pressured && this.#queue.length >= this.#options.highWaterMark) {
        this.#pressured = true;
        this.#emit("backpressure");
      }
      this.#schedule();
    });
  }

  /** Resolves when fewer than `lowWaterMark` tasks wait: the time to submit more. */
  ready(): Promise<void> {
    if (this.#queue.length < this.#options.lowWaterMark || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  /** Starts `minWorkers` (at least one) and resolves once they all answer. */
  warmUp(): Promise<void> {
    if (this.#closed) return Promise.reject(new PoolClosedError());
    const want = Math.max(1, this.#min);
    while (this.size < want) {
      // A worker that cannot even be started would fail the same way again.
      if (!this.#spawn()) return Promise.reject(this.#startError);
    }
    if (this.#slots.filter((s) => s.ready).length >= want) return Promise.resolve();
    const waiting = new Promise<void>((resolve, reject) => {
      this.#warmWaiters.push({ resolve, reject });
    });
    this.#setRef(true); // starting workers keep the process alive while someone waits
    return waiting.finally(() => this.#setRef(this.#holdsProcess()));
  }

  /**
   * Moves the worker bounds. Extra workers finish what they started and
   * stop; what they had not started goes back to the queue. Nothing is lost
   * or run twice.
   */
  resize(min: number, max: number): void {
    const bounds = parseOptions(resizeSchema, { min, max }, "resize()");
    if (bounds.min > bounds.max) {
      throw new RangeError(`resize(): min (${bounds.min}) must not exceed max (${bounds.max})`);
    }
    this.#min = bounds.min;
    this.#max = bounds.max;
    if (this.#closed) return;
    const live = this.#slots.filter((s) => !s.retiring);
    // Workers still starting are left to answer (the bound may move back by then); those the
    // pool no longer needs stop as they do. Of the live, idle ones go first, then the least loaded.
    let excess = live.length - this.#max;
    live.sort((a, b) => a.inflight.size - b.inflight.size);
    for (const slot of live) {
      if (excess <= 0) break;
      this.#retire(slot);
      excess--;
    }
    while (this.size < this.#min && this.#spawn());
    // Tasks sent ahead under the old bound wait behind running ones: start workers to steal them.
    if (this.size < this.#max) {
      let waiting = this.#queue.ready;
      let spare = this.#starting.size;
      for (const slot of live) {
        if (slot.retiring) continue;
        if (slot.inflight.size === 0) spare++;
        for (const task of slot.inflight.values()) {
          if (task.state === POSTED && !task.pinned && !slot.started(task)) waiting++;
        }
      }
      if (waiting > spare) this.#grow(waiting - spare);
    }
    // A lower minimum lets idle workers go.
    this.#armIdleTimer();
    this.#schedule();
  }

  /** Resolves when every submitted task has settled. */
  drain(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Stops taking tasks, waits for the submitted ones to settle and stops the
   * workers. With `force`, waiting and running tasks reject with
   * `PoolClosedError` and the workers stop at once.
   */
  close(options: { readonly force?: boolean } = {}): Promise<void> {
    const force = options.force === true;
    if (this.#closing !== undefined && !force) return this.#closing;
    this.#closed = true;
    for (const waiter of this.#warmWaiters.splice(0)) waiter.reject(new PoolClosedError());
    for (const resolve of this.#readyWaiters.splice(0)) resolve();
    if (force) {
      const error = new PoolClosedError("the pool was closed with force before the task finished");
      for (const task of this.#queue.drainAll()) {
        this.#closedTasks++;
        this.#settle(task, false, error);
      }
      for (const slot of [...this.#slots]) {
        for (const task of slot.inflight.values()) {
          if (task.state === SETTLED) continue;
          this.#closedTasks++;
          this.#settle(task, false, error);
        }
        this.#stop(slot);
      }
    }
    this.#closing = this.drain().then(async () => {
      if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
      // Workers still starting too: nothing is left for them, and they would keep the process up.
      const all = [...this.#slots, ...this.#starting];
      await Promise.all(all.map((slot) => this.#stop(slot)));
    });
    return this.#closing;
  }

  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Counts, queue, workers and timings, at this moment. */
  stats(): PoolStats {
    let running = 0;
    let posted = 0;
    let retiring = 0;
    for (const slot of this.#slots) {
      if (slot.retiring) retiring++;
      for (const task of slot.inflight.values()) {
        if (task.state === SETTLED || slot.started(task)) running++;
        else posted++;
      }
    }
    this.#tickWorkerClock();
    const t = this.#workerClock;
    return {
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
      crashed: this.#crashed,
      closed: this.#closedTasks,
      stolen: this.#stolen,
      pending: this.#pending,
      queued: this.#queue.length + posted,
      running,
      queueDepth: this.#queue.length,
      workers: {
        live: this.#slots.length - retiring,
        starting: this.#starting.size,
        retiring,
        lowPriority: this.#slots.reduce((n, s) => n + (s.lowered && !s.retiring ? 1 : 0), 0),
        min: this.#min,
        max: this.#max,
      },
      runTime: this.#runTime.snapshot(t),
      waitTime: this.#waitTime.snapshot(t),
      loadFactor: (running + posted + this.#queue.length) / Math.max(1, this.#max),
      utilisation: this.#workerMs > 0 ? Math.min(1, this.#runSumMs / this.#workerMs) : 0,
    };
  }

  /** `addEventListener`, typed for the pool's `backpressure` and `backpressureEnd` events. */
  override addEventListener<K extends keyof WorkerPoolEventMap>(
    type: K,
    // Spelled out rather than the DOM's EventListenerObject and AddEventListenerOptions, so the
    // declarations type-check in a project without the DOM library.
    listener: ((event: WorkerPoolEventMap[K]) => void) | { handleEvent(event: Event): void } | null,
    options?: boolean | {
      capture?: boolean;
      once?: boolean;
      passive?: boolean;
      signal?: AbortSignal;
    },
  ): void {
    super.addEventListener(
      type,
      listener as Parameters<EventTarget["addEventListener"]>[1],
      options,
    );
  }

  // --- dispatch --------------------------------------------------------------

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(this.#dispatch);
  }

  /**
   * Run time, in ms, to send ahead to each of `workers` workers: `pipelineMs`;
   * while the queue holds more than twice that per worker, half a worker's
   * share of the queue, up to `backlogBatchMs`, so that tasks and (held back
   * as long) results cross in fewer messages.
   */
  #ahead(workers: number): number {
    const o = this.#options;
    const mean = this.#meanRunMs;
    if (mean === undefined || o.backlogBatchMs <= o.pipelineMs) return o.pipelineMs;
    const half = (this.#queue.ready * mean) / Math.max(1, workers) / 2;
    return half > o.pipelineMs ? Math.min(o.backlogBatchMs, half) : o.pipelineMs;
  }

  /** Tasks to send ahead to each worker for `ahead` ms of run time. */
  #window(ahead: number): number {
    const mean = this.#meanRunMs;
    if (mean === undefined) return INITIAL_WINDOW;
    const w = Math.ceil(ahead / Math.max(mean, 0.0005));
    return w < 2 ? 2 : w > MAX_WINDOW ? MAX_WINDOW : w;
  }

  #flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    if (queue.ready > 0) {
      // Every live worker has work and more is waiting: start workers before
      // queueing it behind running tasks (a pipeline hides message latency,
      // it does not stand in for a worker the pool may still start).
      if (this.size < this.#max) {
        let spare = this.#starting.size;
        for (const s of this.#slots) {
          if (!s.retiring && (!s.ready || s.inflight.size === 0)) spare++;
        }
        if (queue.ready > spare) this.#grow(queue.ready - spare);
      }
      const open = this.#slots.filter((s) => s.ready && !s.retiring);
      const ahead = this.#ahead(open.length);
      // A worker sent a deep backlog's worth holds its results back as long.
      const hold = ahead > this.#options.pipelineMs ? ahead : FLUSH_MS;
      const window = this.#window(ahead);
      const batch = Math.max(1, Math.min(MAX_BATCH, Math.ceil(window / MAX_MESSAGES)));
      open.sort((a, b) => a.inflight.size - b.inflight.size);
      let progress = true;
      while (queue.ready > 0 && progress) {
        progress = false;
        const share = Math.ceil(queue.ready / Math.max(1, open.length));
        for (const slot of open) {
          if (slot.messages >= MAX_MESSAGES) continue;
          const room = Math.min(window - slot.inflight.size, slot.room, share, batch);
          if (room <= 0) continue;
          if (this.#post(slot, room, hold) > 0) progress = true;
          if (queue.ready === 0) break;
        }
      }
      if (queue.ready > 0) this.#grow();
    } else if (this.#slots.length > 1) {
      this.#steal();
    }
    this.#checkWater();
  }

  /** Posts up to `n` queued tasks to `slot` in one message holding results `hold` ms; returns how many. */
  #post(slot: WorkerSlot, n: number, hold: number): number {
    let message: unknown[] = [OP_RUN, hold];
    let tasks: Task[] = [];
    let posted = 0;
    const sendSoFar = (transfer?: Transferable[]): void => {
      this.#send(slot, message, transfer, tasks);
      message = [OP_RUN, hold];
      tasks = [];
    };
    for (; posted < n; posted++) {
      const task = this.#queue.shift();
      if (task === undefined) break;
      // A runtime may detach what a failed post was to move before it finds what cannot be
      // cloned (Deno does): a task that moves memory goes alone, after those before it, so a
      // bad payload beside it cannot cost it its memory.
      const moves = task.transfer !== undefined && task.transfer.length > 0;
      if (moves && tasks.length > 0) sendSoFar();
      this.#postOne(slot, task, message, tasks);
      if (moves) sendSoFar([...task.transfer!]);
    }
    if (tasks.length > 0) sendSoFar();
    return posted;
  }

  #postOne(slot: WorkerSlot, task: Task, message: unknown[], tasks: Task[]): void {
    task.state = POSTED;
    slot.idleSince = undefined;
    slot.assign(task);
    message.push(task.id, task.claim, task.name, task.payload);
    tasks.push(task);
    // A task that can be cancelled may get its worker replaced if it does not stop: the results
    // held back in that worker would die with it, so they go back before it starts.
    if (task.signal !== undefined || task.timer !== undefined) message[1] = 0;
  }

  #send(
    slot: WorkerSlot,
    message: unknown[],
    transfer: Transferable[] | undefined,
    tasks: readonly Task[],
  ): void {
    try {
      slot.worker.postMessage(message, transfer);
      slot.messages++;
    } catch (error) {
      // One payload could not be cloned: send the rest one by one, reject the bad ones.
      if (tasks.length === 1) {
        const task = tasks[0]!;
        slot.unassign(task);
        this.#queue.release(task);
        this.#failed++;
        this.#settle(task, false, error);
        if (slot.inflight.size === 0) this.#idle(slot);
        return;
      }
      for (const task of tasks) {
        this.#send(
          slot,
          [OP_RUN, message[1], task.id, task.claim, task.name, task.payload],
          task.transfer ? [...task.transfer] : undefined,
          [task],
        );
      }
    }
  }

  /** A worker with nothing posted takes half the unstarted tasks of the busiest. */
  #steal(): void {
    let busiest: WorkerSlot | undefined;
    for (const slot of this.#slots) {
      if (slot.claims === undefined || slot.dead) return;
      if (busiest === undefined || slot.inflight.size > busiest.inflight.size) busiest = slot;
    }
    if (busiest === undefined || busiest.inflight.size < 2) return;
    for (const thief of this.#slots) {
      if (!thief.ready || thief.retiring || thief.inflight.size > 0 || thief === busiest) continue;
      const want = Math.floor(busiest.inflight.size / 2);
      // The newest, and never one whose payload was transferred to the busiest: it cannot move.
      const taken: Task[] = [];
      for (const task of [...busiest.inflight.values()].reverse()) {
        if (taken.length >= want) break;
        if (task.state !== POSTED || task.pinned || !busiest.takeBack(task)) continue;
        busiest.unassign(task);
        taken.push(task);
      }
      if (taken.length === 0) return;
      // Oldest first, so the thief runs them in the order they were submitted.
      const message: unknown[] = [OP_RUN, FLUSH_MS];
      const moved: Task[] = [];
      for (const task of taken.reverse()) this.#postOne(thief, task, message, moved);
      this.#stolen += moved.length;
      this.#send(thief, message, undefined, moved);
    }
  }

  #checkWater(): void {
    if (this.#queue.length >= this.#options.lowWaterMark) return;
    if (this.#pressured) {
      this.#pressured = false;
      this.#emit("backpressureEnd");
    }
    for (const resolve of this.#readyWaiters.splice(0)) resolve();
  }

  // --- workers ---------------------------------------------------------------

  /** Starts workers for `demand` tasks, beyond those the workers already starting will take. */
  #grow(demand = this.#queue.ready - this.#starting.size): void {
    // Also after a graceful close(): the tasks already submitted still need workers.
    let want = Math.min(this.#max - this.size, demand);
    // A worker module that failed to start is not retried in a loop: one worker at a time, and
    // none while one is starting, so the last failure rejects the waiting tasks (the next run()
    // retries). While other workers run the queue, retries back off, from 1 s to 30 s.
    if (this.#startError !== undefined) {
      const wait = this.#starting.size > 0 ||
        (this.#slots.length > 0 && now() < this.#startRetryAt);
      want = wait ? 0 : Math.min(want, 1);
    }
    while (want-- > 0 && this.#spawn());
  }

  /** Starts a worker; false when it could not even be started (the failure is reported). */
  #spawn(): boolean {
    const o = this.#options;
    const index = this.#slotIndex++;
    let worker: WorkerLike;
    try {
      worker = o.inline ? spawnInlineWorker(o.worker) : this.#adapter!.spawnWorker(o.worker, {
        name: `${o.name}-${index}`,
        ...(o.resourceLimits ? { resourceLimits: o.resourceLimits } : {}),
      });
    } catch (error) {
      this.#startFailed(error);
      return false;
    }
    const claims = o.inline
      ? new Int32Array(CLAIM_SLOTS)
      : typeof SharedArrayBuffer === "function"
      ? new Int32Array(new SharedArrayBuffer(4 * CLAIM_SLOTS))
      : undefined;
    const slot = new WorkerSlot(worker, index, claims);
    this.#starting.add(slot);
    worker.listen({
      message: (data) => this.#onMessage(slot, data as unknown[]),
      error: (error) =>
        this.#crash(slot, `the worker threw ${error.name}: ${error.message}`, error),
      exit: (code) =>
        this.#crash(
          slot,
          // A module that loads and ends with nothing listening exits 0 before the handshake.
          !slot.ready && code === 0
            ? "the worker exited with code 0 before it answered: does its module call defineWorker()?"
            : `the worker exited with code ${code}`,
          undefined,
          code,
        ),
    });
    if (!this.#refed) worker.unref();
    return true;
  }

  #onMessage(slot: WorkerSlot, data: unknown[]): void {
    // What a worker module posts to its parent itself (a null heartbeat, say) is not the pool's.
    if (slot.dead || !Array.isArray(data)) return;
    switch (data[0]) {
      case OP_RESULTS:
        this.#onResults(slot, data);
        break;
      case OP_HELLO:
        if (slot.ready) break; // one handshake per worker
        // Inline tasks run on this very thread: never lower its priority.
        slot.worker.postMessage([
          OP_INIT,
          slot.claims,
          this.#options.inline ? 0 : this.#options.niceIncrement,
        ]);
        break;
      case OP_READY:
        if (slot.ready) break; // one handshake per worker
        this.#starting.delete(slot);
        this.#tickWorkerClock();
        slot.ready = true;
        slot.lowered = data[2] === true;
        slot.idleSince = now();
        this.#slots.push(slot);
        this.#startError = undefined;
        this.#startRetryMs = START_RETRY_MIN_MS;
        if (this.#closed && this.#pending === 0) {
          this.#stop(slot);
          return;
        }
        if (this.#slots.filter((s) => s.ready).length >= Math.max(1, this.#min)) {
          for (const waiter of this.#warmWaiters.splice(0)) waiter.resolve();
        }
        // The pool shrank while it started and is at max without it.
        if (this.#slots.filter((s) => !s.retiring).length > this.#max) {
          this.#retire(slot);
          return;
        }
        this.#armIdleTimer();
        this.#schedule();
        break;
      case OP_EXITING: {
        // The runtime's own error or exit event says more (Node exits this
        // way after an uncaught error); wait briefly for it, since some
        // runtimes (Deno after self.close()) never send one.
        const code = data[1] as number;
        unrefTimer(setTimeout(() => {
          this.#crash(slot, `the worker closed itself (exit code ${code})`, undefined, code);
        }, EXIT_EVENT_WAIT_MS));
        break;
      }
    }
  }

  #onResults(slot: WorkerSlot, data: unknown[]): void {
    const t = now();
    let runSum = 0;
    let count = 0;
    slot.messages -= data[1] as number;
    for (let i = 2; i < data.length; i += 4) {
      const task = slot.inflight.get(data[i] as number);
      if (task === undefined) continue;
      const runMs = data[i + 3] as number;
      slot.unassign(task);
      this.#queue.release(task);
      if (task.state === SETTLED) continue; // cancelled while running; now it stopped
      runSum += runMs;
      count++;
      this.#runTime.record(runMs, t);
      this.#waitTime.record(t - task.submittedAt - runMs, t);
      if (data[i + 1] === STATUS_OK) {
        this.#completed++;
        this.#settle(task, true, data[i + 2]);
      } else {
        this.#failed++;
        this.#settle(task, false, new TaskError(task.name, data[i + 2] as SerializedError));
      }
    }
    slot.completed += count;
    this.#runSumMs += runSum;
    if (count > 0) {
      const mean = runSum / count;
      this.#meanRunMs = this.#meanRunMs === undefined ? mean : this.#meanRunMs * 0.8 + mean * 0.2;
    }
    if (
      slot.graceTimer !== undefined && ![...slot.inflight.values()].some((x) => x.state === SETTLED)
    ) {
      clearTimeout(slot.graceTimer);
      slot.graceTimer = undefined;
    }
    if (slot.inflight.size === 0) this.#idle(slot, t);
    this.#schedule();
  }

  /** `slot` ran out of work: stop it if it is retiring, else let the idle timer see it. */
  #idle(slot: WorkerSlot, t = now()): void {
    slot.idleSince = t;
    if (slot.retiring) this.#stop(slot);
    else this.#armIdleTimer();
  }

  /** The worker died: rescue what it had not started, reject what it had, replace it. */
  #crash(slot: WorkerSlot, detail: string, cause?: unknown, exitCode?: number): void {
    if (slot.dead) return;
    const wasReady = slot.ready;
    this.#remove(slot);
    const lost: [Task, string][] = [];
    // Newest first, each to the front of the queue: the rescued keep their order.
    for (const task of [...slot.inflight.values()].reverse()) {
      let why = detail;
      let rescued = false;
      if (task.state === POSTED && slot.takeBack(task)) {
        // A payload transferred to the dead worker went with it: the task cannot run elsewhere.
        if (task.pinned) {
          why += "; the task had not started, but its transferred payload went with it";
        } else rescued = true;
      }
      slot.unassign(task);
      this.#queue.release(task);
      if (task.state === SETTLED) continue;
      if (rescued) {
        task.state = QUEUED;
        this.#queue.push(task, true);
      } else {
        // It ran: a retry runs it again.
        if (slot.finished(task)) why += "; the task had finished, but its result had not come back";
        lost.unshift([task, why]);
      }
    }
    void slot.worker.terminate();
    for (const [task, why] of lost) {
      this.#crashed++;
      this.#settle(task, false, new WorkerCrashedError(task.name, why, exitCode, cause));
    }
    if (!wasReady) this.#startFailed(cause ?? new Error(detail));
    else if (!this.#closed) {
      while (this.size < this.#min && this.#spawn());
    }
    this.#schedule();
  }

  /** A worker could not start: without any live worker, waiting tasks cannot run. */
  #startFailed(error: unknown): void {
    this.#startError = error;
    this.#startRetryAt = now() + this.#startRetryMs;
    this.#startRetryMs = Math.min(2 * this.#startRetryMs, START_RETRY_MAX_MS);
    for (const waiter of this.#warmWaiters.splice(0)) waiter.reject(error);
    if (this.#slots.length > 0 || this.#starting.size > 0) return;
    for (const task of this.#queue.drainAll()) {
      this.#crashed++;
      this.#settle(
        task,
        false,
        new WorkerCrashedError(
          task.name,
          `the worker could not start (${error})`,
          undefined,
          error,
        ),
      );
    }
  }

  #retire(slot: WorkerSlot): void {
    if (!slot.ready) return;
    slot.retiring = true;
    // Newest first, each to the front of the queue: they keep their order. A task whose payload
    // was transferred to this worker stays and runs here.
    for (const task of [...slot.inflight.values()].reverse()) {
      if (task.state === POSTED && !task.pinned && slot.takeBack(task)) {
        slot.unassign(task);
        this.#queue.release(task);
        task.state = QUEUED;
        this.#queue.push(task, true);
      }
    }
    if (slot.inflight.size === 0) this.#stop(slot);
  }

  /** Stops a worker that has nothing left to run. */
  #stop(slot: WorkerSlot): Promise<void> {
    if (slot.dead) return Promise.resolve();
    this.#remove(slot);
    return slot.worker.terminate();
  }

  #remove(slot: WorkerSlot): void {
    this.#tickWorkerClock();
    slot.dead = true;
    if (slot.graceTimer !== undefined) clearTimeout(slot.graceTimer);
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    else this.#starting.delete(slot);
  }

  /** While more than `minWorkers` live, stops those idle for `idleTimeoutMs`. */
  #armIdleTimer(): void {
    if (this.#idleTimer !== undefined || this.#closed) return;
    if (this.#slots.length <= this.#min) return;
    const ms = this.#options.idleTimeoutMs;
    this.#idleTimer = unrefTimer(setTimeout(() => {
      this.#idleTimer = undefined;
      const idle = this.#slots.filter((s) =>
        !s.retiring && s.inflight.size === 0 &&
        s.idleSince !== undefined && now() - s.idleSince >= ms
      );
      for (const slot of idle) {
        if (this.#slots.length <= this.#min) break;
        this.#stop(slot);
      }
      this.#armIdleTimer();
    }, Math.max(1, ms / 2)));
  }

  // --- settling --------------------------------------------------------------

  #cancel(task: Task, reason: unknown): void {
    if (task.state === SETTLED) return;
    if (task.state === QUEUED) {
      this.#queue.remove(task);
      this.#schedule(); // the queue may now be under the low-water mark
    } else {
      const slot = task.slot!;
      if (slot.takeBack(task)) {
        slot.unassign(task);
        this.#queue.release(task);
        if (slot.inflight.size === 0) this.#idle(slot);
        this.#schedule();
      } else {
        // Running: ask the handler to stop; replace the worker if it does not.
        slot.worker.postMessage([OP_CANCEL, task.id]);
        task.stopBy = now() + this.#options.cancelGraceMs;
      }
    }
    this.#cancelled++;
    this.#settle(task, false, reason);
    // Still on its worker: running. Armed once settled, as the timer watches settled tasks.
    if (task.slot !== undefined) this.#armGrace(task.slot);
  }

  /** Replaces `slot`'s worker if a task cancelled on it is still running at its `stopBy`. */
  #armGrace(slot: WorkerSlot): void {
    if (slot.graceTimer !== undefined || slot.dead) return;
    // One timer per worker, for the cancelled task due first; each task is checked at its own time.
    // Cancelled and still running: a task that finished has stopped, its result waiting
    // behind the worker's current task.
    const unstopped = (task: Task): boolean => task.state === SETTLED && !slot.finished(task);
    let first = Infinity;
    for (const task of slot.inflight.values()) {
      if (unstopped(task) && task.stopBy < first) first = task.stopBy;
    }
    if (first === Infinity) return;
    slot.graceTimer = unrefTimer(setTimeout(() => {
      slot.graceTimer = undefined;
      const t = now();
      for (const task of slot.inflight.values()) {
        if (unstopped(task) && task.stopBy <= t) {
          this.#crash(
            slot,
            `the worker was replaced because task "${task.name}" did not stop within ` +
              `${this.#options.cancelGraceMs} ms of being cancelled`,
          );
          return;
        }
      }
      this.#armGrace(slot);
    }, Math.max(1, first - now())));
  }

  #settle(task: Task, ok: boolean, value: unknown): void {
    task.state = SETTLED;
    if (task.timer !== undefined) clearTimeout(task.timer);
    if (task.onAbort !== undefined) task.signal!.removeEventListener("abort", task.onAbort);
    if (ok) task.resolve(value);
    else task.reject(value);
    if (--this.#pending === 0) {
      this.#setRef(this.#holdsProcess());
      for (const resolve of this.#drainWaiters.splice(0)) resolve();
    }
  }

  /** Tasks pending, or a `warmUp()` caller waiting for workers: the process must not exit. */
  #holdsProcess(): boolean {
    return this.#pending > 0 || this.#warmWaiters.length > 0;
  }

  #setRef(refed: boolean): void {
    if (this.#refed === refed) return;
    this.#refed = refed;
    // Web Workers (Bun, browsers) cannot be ref'd: a timer keeps the process alive while tasks wait.
    if (refed) this.#keepAlive = setTimeout(() => {}, 0x7fffffff);
    else clearTimeout(this.#keepAlive);
    // Starting workers too: one started for tasks that have all settled must not hold the process.
    for (const slot of [...this.#slots, ...this.#starting]) {
      if (refed) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  #loadFactor(): number {
    let inflight = 0;
    for (const slot of this.#slots) inflight += slot.inflight.size;
    return (inflight + this.#queue.length) / Math.max(1, this.#max);
  }

  #tickWorkerClock(): void {
    const t = now();
    this.#workerMs += this.#slots.length * (t - this.#workerClock);
    this.#workerClock = t;
  }

  #emit(type: keyof WorkerPoolEventMap): void {
    this.dispatchEvent(new CustomEvent(type, { detail: this.stats() }));
  }
}
