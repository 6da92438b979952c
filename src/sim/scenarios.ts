/**
 * The scenarios of the scoreboard: seven the controllers were tuned on and
 * a held-out set with other seeds and shapes that none was tuned on.
 *
 * @module
 */

import type { Scenario } from "./scenario.ts";

/** Bytes in a MiB, for memory figures of scenarios. */
export const MB: number = 1024 * 1024;
/** Queue, wait, timeout and sampling settings every scenario shares unless it says otherwise. */
export const common: {
  readonly maxQueue: 1000;
  readonly maxWaitMs: 5000;
  readonly timeoutMs: 10000;
  readonly sampleMs: 1000;
} = {
  maxQueue: 1000,
  maxWaitMs: 5000,
  timeoutMs: 10000,
  sampleMs: 1000,
} as const;

/** The tuned scenarios, in the order of the issue (the batch job lives in `batch/`). */
export const SCENARIOS: readonly Scenario[] = Object.freeze(
  [
    {
      name: "cpu-saturation",
      title: "4 cores, processor sharing with 3% thrash per extra task, Poisson at 1.3x",
      seed: 101,
      durationMs: 120_000,
      cpus: 4,
      arrivals: { kind: "poisson", perSecond: 260 },
      sizes: { kind: "exponential", meanMs: 20 },
      service: { kind: "cpu", phases: [{ atMs: 0, capacity: 4 }], thrash: 0.03 },
      ...common,
    },
    {
      name: "capacity-halves",
      title: "4 reported cores; 2 usable from 40 s to 80 s (quota / noisy neighbour)",
      seed: 202,
      durationMs: 120_000,
      cpus: 4,
      arrivals: { kind: "poisson", perSecond: 240 },
      sizes: { kind: "exponential", meanMs: 20 },
      service: {
        kind: "cpu",
        phases: [{ atMs: 0, capacity: 4 }, { atMs: 40_000, capacity: 2 }, {
          atMs: 80_000,
          capacity: 4,
        }],
        thrash: 0.03,
      },
      ...common,
    },
    {
      name: "latency-knee",
      title: "downstream flat to 16 calls, then slower by (n/16)^1.5; Poisson at 1.25x",
      seed: 303,
      durationMs: 120_000,
      cpus: 4,
      arrivals: { kind: "poisson", perSecond: 400 },
      sizes: { kind: "exponential", meanMs: 50 },
      service: {
        kind: "downstream",
        phases: [{ atMs: 0, capacity: 16 }],
        exponent: 1.5,
        cpuPerTask: 0.02,
      },
      ...common,
    },
    {
      name: "memory-cliff",
      title: "48 MB per task over 200 MB, 1 GiB limit: the 18th task kills all in flight",
      seed: 404,
      durationMs: 120_000,
      cpus: 4,
      arrivals: { kind: "poisson", perSecond: 240 },
      sizes: { kind: "exponential", meanMs: 100 },
      service: {
        kind: "downstream",
        phases: [{ atMs: 0, capacity: 1e9 }],
        exponent: 1,
        cpuPerTask: 0.02,
      },
      memory: {
        baseBytes: 200 * MB,
        perTaskBytes: 48 * MB,
        limitBytes: 1024 * MB,
        restartMs: 2000,
        noiseBytes: 16 * MB,
      },
      ...common,
    },
    {
      name: "bursty",
      title: "4 cores; 3 s at 2x capacity, 7 s at 0.2x, repeating",
      seed: 505,
      durationMs: 120_000,
      cpus: 4,
      arrivals: { kind: "onOff", onMs: 3000, offMs: 7000, onPerSecond: 400, offPerSecond: 40 },
      sizes: { kind: "exponential", meanMs: 20 },
      service: { kind: "cpu", phases: [{ atMs: 0, capacity: 4 }], thrash: 0.03 },
      ...common,
      maxQueue: 2000,
      maxWaitMs: 10000,
    },
    {
      name: "rejects-above-k",
      title: "downstream takes 12 at once and rejects the rest in 2 ms; Poisson at 1.4x",
      seed: 707,
      durationMs: 120_000,
      cpus: 4,
      arrivals: { kind: "poisson", perSecond: 420 },
      sizes: { kind: "exponential", meanMs: 40 },
      service: {
        kind: "downstream",
        phases: [{ atMs: 0, capacity: 1e9 }],
        exponent: 1,
        cpuPerTask: 0.02,
        rejectAbove: 12,
        rejectMs: 2,
      },
      ...common,
    },
  ] satisfies Scenario[],
);

/** Held out: never used while tuning; checks the default on workloads it has not seen. */
export const HELD_OUT: readonly Scenario[] = Object.freeze(
  [
    {
      name: "8-cores-heavy-tail",
      title: "8 cores, Pareto(1.8) task sizes, 2% thrash, Poisson at 1.2x",
      seed: 9001,
      durationMs: 90_000,
      cpus: 8,
      arrivals: { kind: "poisson", perSecond: 960 },
      sizes: { kind: "pareto", meanMs: 10, shape: 1.8 },
      service: { kind: "cpu", phases: [{ atMs: 0, capacity: 8 }], thrash: 0.02 },
      ...common,
    },
    {
      name: "warming-downstream",
      title: "downstream knee grows 4 -> 24 over the first 50 s (cache warming), (n/k)^2",
      seed: 9002,
      durationMs: 120_000,
      cpus: 4,
      arrivals: { kind: "poisson", perSecond: 600 },
      sizes: { kind: "exponential", meanMs: 30 },
      service: {
        kind: "downstream",
        phases: [4, 8, 12, 16, 20, 24].map((capacity, i) => ({ atMs: i * 10_000, capacity })),
        exponent: 2,
        cpuPerTask: 0.02,
      },
      ...common,
    },
    {
      name: "knee-halves",
      title: "downstream knee 20 -> 10 at 40 s -> 20 at 80 s, (n/k)^1.5, Poisson at 1.2x",
      seed: 9003,
      durationMs: 120_000,
      cpus: 2,
      arrivals: { kind: "poisson", perSecond: 400 },
      sizes: { kind: "exponential", meanMs: 60 },
      service: {
        kind: "downstream",
        phases: [{ atMs: 0, capacity: 20 }, { atMs: 40_000, capacity: 10 }, {
          atMs: 80_000,
          capacity: 20,
        }],
        exponent: 1.5,
        cpuPerTask: 0.01,
      },
      ...common,
    },
    {
      name: "memory-before-cpu",
      title: "8 cores of CPU work, but 128 MB per task: memory allows 6",
      seed: 9004,
      durationMs: 120_000,
      cpus: 8,
      arrivals: { kind: "poisson", perSecond: 300 },
      sizes: { kind: "exponential", meanMs: 25 },
      service: { kind: "cpu", phases: [{ atMs: 0, capacity: 8 }], thrash: 0.02 },
      memory: {
        baseBytes: 160 * MB,
        perTaskBytes: 128 * MB,
        limitBytes: 1024 * MB,
        restartMs: 2000,
        noiseBytes: 24 * MB,
      },
      ...common,
    },
  ] satisfies Scenario[],
);
