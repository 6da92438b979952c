/**
 * A second exam of six scenarios, written on 2026-11-24 after the default
 * had been tuned against the first exam, by someone who had not seen any
 * controller's scores on them: usable cores stepping down 8 -> 5 under a
 * noisy neighbour, a downstream knee that rises under bursts, memory before
 * 10 cores under waves, a downstream that rejects below its knee with
 * heavy-tailed calls, a 30 s quota dip on 12 cores, and a steep (n/6)^3 knee
 * on a small pool of slow calls.
 *
 * @module
 */

import type { Scenario } from "./scenario.ts";
import { common, MB } from "./scenarios.ts";

/** Scenarios no controller was tuned on, written after the first exam. */
export const SECOND_EXAM: readonly Scenario[] = Object.freeze(
  [
    {
      name: "noisy-neighbour-steps",
      title:
        "8 reported cores; usable 8 -> 7 -> 6 -> 5 at 30, 60, 90 s (noisy neighbour), Pareto(2.4) sizes, 2.5% thrash, Poisson at 1.05x -> 1.7x",
      seed: 41137,
      durationMs: 120_000,
      cpus: 8,
      arrivals: { kind: "poisson", perSecond: 840 },
      sizes: { kind: "pareto", meanMs: 10, shape: 2.4 },
      service: {
        kind: "cpu",
        phases: [
          { atMs: 0, capacity: 8 },
          { atMs: 30_000, capacity: 7 },
          { atMs: 60_000, capacity: 6 },
          { atMs: 90_000, capacity: 5 },
        ],
        thrash: 0.025,
      },
      ...common,
    },
    {
      name: "knee-rises-bursty",
      title:
        "downstream knee 12 -> 18 at 50 s, (n/k)^1.8, 45 ms calls; 6 s at 1.6x (then 1.1x), 4 s at 0.35x, repeating",
      seed: 41282,
      durationMs: 110_000,
      cpus: 3,
      arrivals: { kind: "onOff", onMs: 6000, offMs: 4000, onPerSecond: 430, offPerSecond: 100 },
      sizes: { kind: "exponential", meanMs: 45 },
      service: {
        kind: "downstream",
        phases: [{ atMs: 0, capacity: 12 }, { atMs: 50_000, capacity: 18 }],
        exponent: 1.8,
        cpuPerTask: 0.02,
      },
      ...common,
    },
    {
      name: "memory-bound-waves",
      title:
        "10 cores of CPU work, 160 MB per task over 512 MB, 1.5 GiB limit: memory allows 6; 8 s at 1.5x, 4 s at 0.4x",
      seed: 41419,
      durationMs: 100_000,
      cpus: 10,
      arrivals: { kind: "onOff", onMs: 8000, offMs: 4000, onPerSecond: 410, offPerSecond: 110 },
      sizes: { kind: "exponential", meanMs: 22 },
      service: { kind: "cpu", phases: [{ atMs: 0, capacity: 10 }], thrash: 0.02 },
      memory: {
        baseBytes: 512 * MB,
        perTaskBytes: 160 * MB,
        limitBytes: 1536 * MB,
        restartMs: 4000,
        noiseBytes: 48 * MB,
      },
      ...common,
    },
    {
      name: "rejects-below-knee",
      title:
        "downstream rejects above 12 in 3 ms though its knee is 20, (n/20)^1.6, Pareto(2) sizes, Poisson at 1.35x",
      seed: 41563,
      durationMs: 100_000,
      cpus: 2,
      arrivals: { kind: "poisson", perSecond: 540 },
      sizes: { kind: "pareto", meanMs: 30, shape: 2 },
      service: {
        kind: "downstream",
        phases: [{ atMs: 0, capacity: 20 }],
        exponent: 1.6,
        cpuPerTask: 0.02,
        rejectAbove: 12,
        rejectMs: 3,
      },
      ...common,
    },
    {
      name: "12-cores-short-dip",
      title:
        "12 cores; 8 usable from 45 s to 75 s (a 30 s dip), Pareto(2.8) sizes, 5% thrash, Poisson at 1.1x (1.65x in the dip)",
      seed: 41708,
      durationMs: 105_000,
      cpus: 12,
      arrivals: { kind: "poisson", perSecond: 880 },
      sizes: { kind: "pareto", meanMs: 15, shape: 2.8 },
      service: {
        kind: "cpu",
        phases: [{ atMs: 0, capacity: 12 }, { atMs: 45_000, capacity: 8 }, {
          atMs: 75_000,
          capacity: 12,
        }],
        thrash: 0.05,
      },
      ...common,
    },
    {
      name: "steep-knee-small-pool",
      title:
        "1 reported core; downstream flat to 6 calls, then slower by (n/6)^3, 80 ms calls, Poisson at 1.25x",
      seed: 41851,
      durationMs: 90_000,
      cpus: 1,
      arrivals: { kind: "poisson", perSecond: 95 },
      sizes: { kind: "exponential", meanMs: 80 },
      service: {
        kind: "downstream",
        phases: [{ atMs: 0, capacity: 6 }],
        exponent: 3,
        cpuPerTask: 0.05,
      },
      ...common,
    },
  ] satisfies Scenario[],
);
