/**
 * The exam: five scenarios written after the controllers were tuned, by
 * someone who had not seen how any adaptive controller scores on them, with
 * their own seeds and shapes (a CPU quota cut to a third, a knee that
 * doubles, memory before 16 cores, a rejecting downstream whose knee moves,
 * heavy-tailed waves on 2 cores). Their first scores are recorded in
 * docs/controllers.md; tuning against them would make them one more
 * held-out set that is no longer held out.
 *
 * @module
 */

import type { Scenario } from "./scenario.ts";
import { common, MB } from "./scenarios.ts";

/** Scenarios no controller was tuned on. */
export const EXAM: readonly Scenario[] = Object.freeze(
  [
    {
      name: "quota-to-a-third",
      title:
        "6 cores; 2 usable from 30 s to 75 s (quota cut to a third), 4% thrash, Poisson at 1.3x",
      seed: 31017,
      durationMs: 110_000,
      cpus: 6,
      arrivals: { kind: "poisson", perSecond: 520 },
      sizes: { kind: "exponential", meanMs: 15 },
      service: {
        kind: "cpu",
        phases: [{ atMs: 0, capacity: 6 }, { atMs: 30_000, capacity: 2 }, {
          atMs: 75_000,
          capacity: 6,
        }],
        thrash: 0.04,
      },
      ...common,
    },
    {
      name: "knee-doubles",
      title:
        "downstream knee 10 -> 20 at 45 s, (n/k)^2.5, Pareto(2.2) sizes; 2x then 1x of capacity",
      seed: 31244,
      durationMs: 100_000,
      cpus: 2,
      arrivals: { kind: "poisson", perSecond: 400 },
      sizes: { kind: "pareto", meanMs: 50, shape: 2.2 },
      service: {
        kind: "downstream",
        phases: [{ atMs: 0, capacity: 10 }, { atMs: 45_000, capacity: 20 }],
        exponent: 2.5,
        cpuPerTask: 0.015,
      },
      ...common,
    },
    {
      name: "16-cores-memory-bound",
      title: "16 cores of CPU work, 140 MB per task over 256 MB, 2 GiB limit: memory allows 12",
      seed: 31459,
      durationMs: 90_000,
      cpus: 16,
      arrivals: { kind: "poisson", perSecond: 480 },
      sizes: { kind: "pareto", meanMs: 30, shape: 3 },
      service: { kind: "cpu", phases: [{ atMs: 0, capacity: 16 }], thrash: 0.015 },
      memory: {
        baseBytes: 256 * MB,
        perTaskBytes: 140 * MB,
        limitBytes: 2048 * MB,
        restartMs: 3000,
        noiseBytes: 32 * MB,
      },
      ...common,
    },
    {
      name: "rejecting-knee-drops",
      title:
        "1 reported core; downstream rejects above 14 in 5 ms, knee 24 -> 10 at 40 s -> 24 at 80 s, (n/k)^1.3",
      seed: 31682,
      durationMs: 120_000,
      cpus: 1,
      arrivals: { kind: "poisson", perSecond: 520 },
      sizes: { kind: "exponential", meanMs: 35 },
      service: {
        kind: "downstream",
        phases: [{ atMs: 0, capacity: 24 }, { atMs: 40_000, capacity: 10 }, {
          atMs: 80_000,
          capacity: 24,
        }],
        exponent: 1.3,
        cpuPerTask: 0.03,
        rejectAbove: 14,
        rejectMs: 5,
      },
      ...common,
    },
    {
      name: "2-cores-pareto-waves",
      title: "2 cores, Pareto(1.6) sizes, 6% thrash; 4 s at 1.8x, 4 s at 0.5x, repeating",
      seed: 31903,
      durationMs: 100_000,
      cpus: 2,
      arrivals: { kind: "onOff", onMs: 4000, offMs: 4000, onPerSecond: 300, offPerSecond: 83 },
      sizes: { kind: "pareto", meanMs: 12, shape: 1.6 },
      service: { kind: "cpu", phases: [{ atMs: 0, capacity: 2 }], thrash: 0.06 },
      ...common,
    },
  ] satisfies Scenario[],
);
