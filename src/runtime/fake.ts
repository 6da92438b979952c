import { effectiveCpus } from "./effective.ts";
import type {
  CpuInfo,
  MemoryInfo,
  PressureInfo,
  RuntimeAdapter,
  RuntimeName,
  SpawnOptions,
  WorkerLike,
} from "./types.ts";

/** Every field optional and writable, so a test can script it. */
export type Scripted<T> = { -readonly [K in keyof T]?: T[K] | undefined };

/** Scripted figures for a {@link createFakeAdapter}; every field may be changed between reads. */
export interface FakeMachine {
  /** What `name` reports (default `"unknown"`). */
  name: RuntimeName;
  /**
   * CPU figures as set; `affinity` falls back to `logical`, then `effective`, then 1, and
   * `effective` is derived unless set.
   */
  cpu: Scripted<CpuInfo>;
  /** Memory figures, returned as set. */
  memory: Scripted<MemoryInfo>;
  /** Cumulative CPU microseconds; a test advances it to script CPU use. */
  cpuTime: number | undefined;
  /** What `loadAverage()` returns. */
  loadAverage: readonly [number, number, number] | undefined;
  /** What `pressure()` returns. */
  pressure: PressureInfo | undefined;
  /** When set, every read throws this, to prove callers survive a broken adapter. */
  failWith: Error | undefined;
  /** Workers to hand out from `spawnWorker`; unset, spawning throws. */
  spawn: ((url: URL, options?: SpawnOptions) => WorkerLike) | undefined;
}

/** A {@link RuntimeAdapter} whose figures a test scripts through `machine`. */
export interface FakeAdapter extends RuntimeAdapter {
  /** The scripted figures; change them between reads. */
  readonly machine: FakeMachine;
}

/**
 * A runtime adapter with scripted values, for tests and simulation. Change
 * `adapter.machine` between reads to script a run; `cpu().effective` is
 * derived from the scripted affinity, cpuset and quota like a real adapter's.
 *
 * @example Script a container with 1.5 CPUs
 * ```ts
 * import { createFakeAdapter } from "@headroom/headroom/runtime";
 * import assert from "node:assert/strict";
 *
 * const adapter = createFakeAdapter({ cpu: { affinity: 4, quota: 1.5 } });
 * assert.equal(adapter.cpu().effective, 1);
 * adapter.machine.cpu.quota = 3;
 * assert.equal(adapter.cpu().effective, 3);
 * ```
 */
export function createFakeAdapter(initial: Partial<FakeMachine> = {}): FakeAdapter {
  const machine: FakeMachine = {
    name: "unknown",
    cpu: {},
    memory: {},
    cpuTime: undefined,
    loadAverage: undefined,
    pressure: undefined,
    failWith: undefined,
    spawn: undefined,
    ...initial,
  };
  const check = (): void => {
    if (machine.failWith) throw machine.failWith;
  };
  return {
    machine,
    get name(): RuntimeName {
      return machine.name;
    },
    cpu(): CpuInfo {
      check();
      const c = machine.cpu;
      const affinity = c.affinity ?? c.logical ?? c.effective ?? 1;
      const cpuset = c.cpuset;
      const quota = c.quota;
      return {
        logical: c.logical ?? affinity,
        affinity,
        cpuset,
        quota,
        effective: c.effective ?? effectiveCpus({ affinity, cpuset, quota }),
        throttling: c.throttling,
        sources: c.sources ?? { affinity: "fake" },
        degraded: c.degraded ?? [],
      };
    },
    memory(): MemoryInfo {
      check();
      const m = machine.memory;
      return {
        total: m.total,
        available: m.available,
        limit: m.limit,
        high: m.high,
        usage: m.usage,
        workingSet: m.workingSet,
        rss: m.rss,
        sources: m.sources ?? {},
        degraded: m.degraded ?? [],
      };
    },
    cpuTime(): number | undefined {
      check();
      return machine.cpuTime;
    },
    cpuTimeSource(): string | undefined {
      return machine.cpuTime === undefined ? undefined : "fake";
    },
    loadAverage(): readonly [number, number, number] | undefined {
      check();
      return machine.loadAverage;
    },
    pressure(): PressureInfo | undefined {
      check();
      return machine.pressure;
    },
    canSpawnWorkers(): boolean {
      return machine.spawn !== undefined;
    },
    spawnWorker(url: URL, options?: SpawnOptions): WorkerLike {
      if (!machine.spawn) {
        throw new Error(`Cannot spawn worker ${url.href}: the fake adapter has no spawn function`);
      }
      return machine.spawn(url, options);
    },
  };
}
