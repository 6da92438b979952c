import { Deque } from "../internal/deque.ts";
import { QUEUED, type Task } from "./task.ts";

/**
 * Tasks waiting for a worker: highest priority first, FIFO within a
 * priority. Tasks whose key is at its cap wait aside and come back to the
 * front of their priority when a task of that key finishes. A cancelled task
 * is only marked; it is dropped when it reaches the front.
 */
export class TaskQueue {
  readonly #byPriority = new Map<number, Deque<Task>>();
  /** Priorities present, highest first. */
  #priorities: number[] = [];
  readonly #parked = new Map<string, Deque<Task>>();
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
      this.#parkedFor(task.key).push(task);
      return;
    }
    this.#enqueue(task, front);
  }

  /** The next task to post, its key counted as running; `undefined` when none is ready. */
  shift(): Task | undefined {
    while (this.#priorities.length > 0) {
      const priority = this.#priorities[0]!;
      const deque = this.#byPriority.get(priority)!;
      const task = deque.shift();
      if (deque.length === 0) {
        this.#byPriority.delete(priority);
        this.#priorities.shift();
      }
      if (task === undefined || task.state !== QUEUED) continue;
      this.#ready--;
      if (task.key !== undefined && this.#atCap(task.key)) {
        this.#parkedFor(task.key).push(task);
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
    const parked = task.key === undefined ? undefined : this.#parked.get(task.key);
    if (parked !== undefined && [...parked].includes(task)) {
      const rest = [...parked].filter((t) => t !== task);
      if (rest.length === 0) this.#parked.delete(task.key!);
      else {
        const next = new Deque<Task>();
        for (const t of rest) next.push(t);
        this.#parked.set(task.key!, next);
      }
      return;
    }
    this.#ready--;
  }

  /** A task that held its key's slot finished: let a parked one of that key in. */
  release(task: Task): void {
    if (!task.holdsKey || task.key === undefined) return;
    task.holdsKey = false;
    const running = (this.#keyRunning.get(task.key) ?? 1) - 1;
    if (running === 0) this.#keyRunning.delete(task.key);
    else this.#keyRunning.set(task.key, running);
    const parked = this.#parked.get(task.key);
    if (parked === undefined) return;
    const next = parked.shift()!;
    if (parked.length === 0) this.#parked.delete(task.key);
    this.#enqueue(next, true);
  }

  /** Every waiting task, for a forced close. */
  drainAll(): Task[] {
    const all: Task[] = [];
    for (const priority of this.#priorities) {
      for (const task of this.#byPriority.get(priority)!) if (task.state === QUEUED) all.push(task);
    }
    for (const parked of this.#parked.values()) all.push(...parked);
    this.#byPriority.clear();
    this.#priorities = [];
    this.#parked.clear();
    this.#length = 0;
    this.#ready = 0;
    return all;
  }

  #atCap(key: string): boolean {
    return (this.#keyRunning.get(key) ?? 0) >= this.#maxPerKey;
  }

  #parkedFor(key: string): Deque<Task> {
    let parked = this.#parked.get(key);
    if (parked === undefined) this.#parked.set(key, parked = new Deque());
    return parked;
  }

  #enqueue(task: Task, front: boolean): void {
    this.#ready++;
    let deque = this.#byPriority.get(task.priority);
    if (deque === undefined) {
      deque = new Deque();
      this.#byPriority.set(task.priority, deque);
      let i = 0;
      while (i < this.#priorities.length && this.#priorities[i]! > task.priority) i++;
      this.#priorities.splice(i, 0, task.priority);
    }
    if (front) deque.unshift(task);
    else deque.push(task);
  }
}
