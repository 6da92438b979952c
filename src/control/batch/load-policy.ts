/**
 * Load-threshold batch sizing: the load-proportional manager headroom grew
 * from, kept for users migrating from it and as a baseline.
 *
 * @module
 */

import { ALL_LOAD_FIGURES, gainsFigure, type LoadFigure } from "../load-figures.ts";
import type { BatchCostModel } from "./linear-fit.ts";
import type { ResolvedBatchOperation } from "./options.ts";
import type { BatchPolicy, BatchProposal } from "./types.ts";

/**
 * Moves the batch size with machine load: below `lowLoadPercent` batches use
 * `maxSize`, above `highLoadPercent` they use `minSize`, and in between the
 * size falls linearly from one to the other. After a change the size holds
 * for `cooldownMs`, so a load hovering at a threshold cannot make it thrash.
 * Without a load reading (`percent` undefined: the monitor failed) the size
 * falls back to `defaultSize` at once, and the first reading after that
 * applies at once too, cooldown or not; so does the first reading with a
 * figure the last change lacked (a monitor's first sample has no CPU %).
 * Batch timings do not move it.
 *
 * @example Shrink batches as load rises
 * ```ts
 * import { loadPolicy, resolveBatchOperation } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const policy = loadPolicy(
 *   resolveBatchOperation({ mode: "load", minSize: 5, maxSize: 100, cooldownMs: 0 }),
 * );
 * assert.equal(policy.load(30, 0, "").size, 100);
 * assert.equal(policy.load(65, 1, "").size, 53);
 * assert.equal(policy.load(90, 2, "").size, 5);
 * assert.equal(policy.load(undefined, 3, "monitor stopped").size, 25);
 * ```
 */
export function loadPolicy(options: ResolvedBatchOperation): BatchPolicy {
  const { minSize, maxSize, defaultSize, lowLoadPercent: low, highLoadPercent: high } = options;
  let lastChangeAt = -Infinity;
  /** On the default size for want of a reading: the next reading applies at once. */
  let fallback = false;
  /** The figures the size in force rests on. */
  let restsOn: readonly LoadFigure[] = ALL_LOAD_FIGURES;
  let current: BatchProposal = {
    size: options.initialSize,
    reason: `initial size ${options.initialSize}, no load reading yet`,
    probe: false,
  };

  function target(percent: number): { size: number; why: string } {
    const load = `load ${percent.toFixed(0)}%`;
    if (percent < low) return { size: maxSize, why: `${load} < ${low}%: largest batches` };
    if (percent > high) return { size: minSize, why: `${load} > ${high}%: smallest batches` };
    const share = (percent - low) / (high - low);
    return {
      size: Math.round(maxSize - share * (maxSize - minSize)),
      why: `${load} between ${low}% and ${high}%: scaled`,
    };
  }

  function load(
    percent: number | undefined,
    now: number,
    why: string,
    figures: readonly LoadFigure[] = ALL_LOAD_FIGURES,
  ): BatchProposal {
    if (percent === undefined) {
      // No cooldown starts here: the fallback is not a reading to hold on to.
      fallback = true;
      current = {
        size: defaultSize,
        reason: `no load reading (${why}): default size ${defaultSize}`,
        probe: false,
      };
      return current;
    }
    const next = target(percent);
    // A size set on less than this reading sees (or on no reading) holds no cooldown against it.
    const recovering = fallback || gainsFigure(restsOn, figures);
    fallback = false;
    if (next.size === current.size) {
      restsOn = figures;
      // No change, but the reason must be this reading's, not a held one's or the fallback's.
      const reason = `${next.why}: ${next.size}`;
      if (current.reason !== reason) current = { size: next.size, reason, probe: false };
      return current;
    }
    // A reading stamped before the last change counts as no time passed, never as less.
    if (!recovering && Math.max(0, now - lastChangeAt) < options.cooldownMs) {
      current = {
        size: current.size,
        reason: `${next.why}, but held by cooldown (${options.cooldownMs} ms)`,
        probe: false,
      };
      return current;
    }
    lastChangeAt = Math.max(lastChangeAt, now);
    restsOn = figures;
    current = { size: next.size, reason: `${next.why}: ${next.size}`, probe: false };
    return current;
  }

  return {
    mode: "load",
    get current(): BatchProposal {
      return current;
    },
    record(): BatchProposal {
      return current;
    },
    load,
    model(): BatchCostModel | undefined {
      return undefined;
    },
    noise(): number | undefined {
      return undefined;
    },
  };
}
