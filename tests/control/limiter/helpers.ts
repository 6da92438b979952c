// Shared by the limiter, map and brake tests: a limit the test steers, a
// monitor sample of a chosen level, and a way to let promise callbacks run.
import type { ResourceSample } from "../../../src/monitor/sample.ts";
import type { Scheduler } from "../../../src/monitor/scheduler.ts";
import type { ManualTime } from "../../monitor/manual-time.ts";
import type { PressureLevel } from "../../../src/monitor/thresholds.ts";
import type { Limit, LimitSample } from "../../../src/control/types.ts";

/** A limit that returns whatever the test set last, and keeps every sample fed to it. */
export interface SteeredLimit extends Limit {
  limit: number;
  readonly samples: LimitSample[];
}

/** Creates a {@link SteeredLimit} starting at `initial`. */
export function steeredLimit(initial: number): SteeredLimit {
  const samples: LimitSample[] = [];
  const steered: SteeredLimit = {
    limit: initial,
    samples,
    update(sample: LimitSample): number {
      samples.push(sample);
      return steered.limit;
    },
  };
  return steered;
}

/** Lets queued promise callbacks run: `rounds` turns of the microtask queue. */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** A monitor sample at `level`, with `reasons`, and calm figures otherwise. */
export function sampleAt(
  level: PressureLevel,
  time = 0,
  reasons: readonly string[] = [],
): ResourceSample {
  return {
    time,
    cpus: 2,
    cpuQuota: undefined,
    cpuPercent: undefined,
    cpuPercentSmoothed: undefined,
    memoryBytes: undefined,
    memorySource: undefined,
    memoryLimit: undefined,
    memoryLimitSource: undefined,
    memoryPercent: undefined,
    memoryPercentSmoothed: undefined,
    loadAverage: undefined,
    psi: { cpu: undefined, memory: undefined, io: undefined },
    loopDelayMs: undefined,
    throttling: undefined,
    level,
    reasons,
    degraded: [],
  };
}

/** A promise the test settles by hand. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

/** Creates a {@link Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** How a promise ended, read without awaiting it: `pending` until it settles. */
export interface Watched<T> {
  readonly state: "pending" | "fulfilled" | "rejected";
  readonly value: T | undefined;
  readonly reason: unknown;
}

/** Watches `promise`; the returned object fills in once it settles. */
export function watch<T>(promise: Promise<T>): Watched<T> {
  const watched: { state: Watched<T>["state"]; value: T | undefined; reason: unknown } = {
    state: "pending",
    value: undefined,
    reason: undefined,
  };
  promise.then(
    (value) => {
      watched.state = "fulfilled";
      watched.value = value;
    },
    (reason) => {
      watched.state = "rejected";
      watched.reason = reason;
    },
  );
  return watched;
}

/** A scheduler on `time` that counts how many holds on the process are open. */
export function holdingScheduler(time: ManualTime): Scheduler & { readonly held: number } {
  let held = 0;
  return {
    ...time.scheduler,
    get held() {
      return held;
    },
    hold: () => {
      held++;
      return () => held--;
    },
  };
}
