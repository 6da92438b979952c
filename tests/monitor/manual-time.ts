import type { Scheduler } from "../../src/monitor/scheduler.ts";

interface Pending {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/**
 * A fake clock and a manual scheduler sharing it: `advance` moves time and
 * runs timers at their due time, `block` moves time without running any (a
 * blocked event loop), `runDue` runs what is overdue at the current time.
 */
export class ManualTime {
  now = 0;
  readonly clock = (): number => this.now;
  #timers: Pending[] = [];
  #nextId = 1;
  readonly scheduler: Scheduler = {
    set: (callback: () => void, ms: number): unknown => {
      const id = this.#nextId++;
      this.#timers.push({ id, due: this.now + ms, callback });
      return id;
    },
    clear: (handle: unknown): void => {
      this.#timers = this.#timers.filter((timer) => timer.id !== handle);
    },
  };

  /** Timers not yet run. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, running each timer at its due time. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (let next = this.#next(target); next; next = this.#next(target)) {
      this.now = Math.max(this.now, next.due);
      this.#run(next);
    }
    this.now = target;
  }

  /** Moves time forward by `ms` without running anything. */
  block(ms: number): void {
    this.now += ms;
  }

  /** Runs every timer already due, at the current time. */
  runDue(): void {
    this.advance(0);
  }

  #next(limit: number): Pending | undefined {
    let best: Pending | undefined;
    for (const timer of this.#timers) {
      if (timer.due <= limit && (best === undefined || timer.due < best.due)) best = timer;
    }
    return best;
  }

  #run(timer: Pending): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
    timer.callback();
  }
}
