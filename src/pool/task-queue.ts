import { Deque } from "../internal/deque.ts";
import { MinHeap } from "../internal/min-heap.ts";
import { QUEUED, type Task } from "./task.ts";

/** Tasks by priority: highest first, FIFO within a priority. */
class Lanes {
  readonly #byPriority = new Map<number, Deque<Task>>();
  /**
   * Priorities present, keyed by their negation so the highest comes first: a
   * heap, so that many distinct priorities (deadlines, say) cost log n each.
   */
  readonly #priorities = new MinHeap();

  get empty(): boolean {
    return this.#priorities.size === 0;
  }

  add(task: Task, front: boolean): void {
    let deque = this.#byPriority.get(task.priority);
    if (deque === undefined) {
      deque = new Deque();
      this.#byPriority.set(task.priority, deque);
      this.#priorities.push(-task.priority, 0);
    }
    if (front) deque.unshift(task);
    else deque.push(task);
  }

  shift(): Task | undefined {
    if (this.#priorities.size === 0) return undefined;
    const priority = -this.#priorities.minKey;
    const deque = this.#byPriority.get(priority)!;
    const task = deque.shift();
    if (deque.length === 0) {
      this.#byPriority.delete(priority);
      this.#priorities.pop();
    }
    return task;
  }

  clear(): void {
    this.#byPriority.clear();
    this.#priorities.clear();
  }

  *[Symbol.iterator](): IterableIterator<Task> {
    const priorities = [...this.#byPriority.keys()].sort((a, b) => b - a);
    for (const priority of priorities) yield* this.#byPriority.get(priority)!;
  }
}

/**
 * Tasks waiting for a worker: highest priority first, FIFO within a
 * priority. Tasks whose key is at its cap wait aside, in the same order, and
 * come back to the front of their priority when a task of that key finishes.
 * A cancelled task is only marked; it is dropped when it reaches the front.
 */
export class TaskQueue {
  readonly #lanes = new Lanes();
  readonly #parked = new Map<string, Lanes>();
  /** The tasks in `#parked` that were not cancelled. */
  readonly #parkedTasks = new Set<Task>();
  readonly #keyRunning = new Map<string, number>();
  readonly #maxPerKey: number;
  #length = 0;

  constructor(maxPerKey: number) {
    this.#maxPerKey = maxPerKey;
  }

  /** Tasks waiting, parked ones included, cancelled ones not. */
  get length(): number {
    return this.#length;
  }

  /** Tasks that could be handed to a worker now (not parked at their key's cap). */
  #ready = 0;
  get ready(): number {
    return this.#ready;
  }

  push(task: Task, front = false): void {
    this.#length++;
    if (task.key !== undefined && this.#atCap(task.key)) {
      this.#park(task, front);
      return;
    }
    this.#enqueue(task, front);
  }

  /** The next task to post, its key counted as running; `undefined` when none is ready. */
  shift(): Task | undefined {
    for (let task = this.#lanes.shift(); task !== undefined; task = this.#lanes.shift()) {
      if (task.state !== QUEUED) continue;
      this.#ready--;
      if (task.key !== undefined && this.#atCap(task.key)) {
        this.#park(task, false);
        continue;
      }
      this.#length--;
      if (task.key !== undefined) {
        this.#keyRunning.set(task.key, (this.#keyRunning.get(task.key) ?? 0) + 1);
        task.holdsKey = true;
      }
      return task;
    }
    return undefined;
  }

  /** A queued task left (cancelled): forget it. Its entry is skipped later. */
  remove(task: Task): void {
    this.#length--;
    if (this.#parkedTasks.delete(task)) return;
    this.#ready--;
    // It may have been let in for a task of its key that finished: let the next one in instead.
    if (task.key !== undefined && !this.#atCap(task.key)) this.#unpark(task.key);
  }

  /** A task that held its key's slot finished: let a parked one of that key in. */
  release(task: Task): void {
    if (!task.holdsKey || task.key === undefined) return;
    task.holdsKey = false;
    const running = (this.#keyRunning.get(task.key) ?? 1) - 1;
    if (running === 0) this.#keyRunning.delete(task.key);
    else this.#keyRunning.set(task.key, running);
    this.#unpark(task.key);
  }

  /** Every waiting task, for a forced close. */
  drainAll(): Task[] {
    const all: Task[] = [];
    for (const task of this.#lanes) if (task.state === QUEUED) all.push(task);
    all.push(...this.#parkedTasks);
    this.#lanes.clear();
    this.#parked.clear();
    this.#parkedTasks.clear();
    this.#length = 0;
    this.#ready = 0;
    return all;
  }

  #atCap(key: string): boolean {
    return (this.#keyRunning.get(key) ?? 0) >= this.#maxPerKey;
  }

  #park(task: Task, front: boolean): void {
    let parked = this.#parked.get(task.key!);
    if (parked === undefined) this.#parked.set(task.key!, parked = new Lanes());
    parked.add(task, front);
    this.#parkedTasks.add(task);
  }

  /** Moves the first parked task of `key` that was not cancelled into the queue. */
  #unpark(key: string): void {
    const parked = this.#parked.get(key);
    if (parked === undefined) return;
    let next = parked.shift();
    while (next !== undefined && !this.#parkedTasks.delete(next)) next = parked.shift();
    if (parked.empty) this.#parked.delete(key);
    if (next !== undefined) this.#enqueue(next, true);
  }

  #enqueue(task: Task, front: boolean): void {
    this.#ready++;
    this.#lanes.add(task, front);
  }
}
