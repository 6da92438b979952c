/**
 * Hill-climb batch sizing: the chunk-size tuner headroom grew from, kept for
 * users migrating from it and as a baseline.
 *
 * @module
 */

import type { BatchCostModel } from "./linear-fit.ts";
import type { ResolvedBatchOperation } from "./options.ts";
import type { BatchPolicy, BatchProposal, BatchRecord } from "./types.ts";

/**
 * After every `hillClimb.window` batches, compares their mean duration with
 * two thresholds: above `highMs` the size steps down by `step` items, below
 * `lowMs` it steps up by `step`, otherwise it stays. Sizes are multiples of
 * `step` within `minSize`..`maxSize` (the tuner's 128 KB steps between
 * 128 KB and 4 MB), and a change waits for `cooldownMs`. Empty batches (0 items)
 * do not count.
 *
 * @example Step up while batches are quick
 * ```ts
 * import { hillClimbPolicy, resolveBatchOperation } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const policy = hillClimbPolicy(resolveBatchOperation({
 *   mode: "hill-climb",
 *   minSize: 8,
 *   initialSize: 16,
 *   hillClimb: { window: 2, highMs: 5, lowMs: 0.5 },
 * }));
 * policy.record({ items: 16, durationMs: 0.2, now: 1 });
 * assert.equal(policy.record({ items: 16, durationMs: 0.2, now: 2 }).size, 24);
 * ```
 */
export function hillClimbPolicy(options: ResolvedBatchOperation): BatchPolicy {
  const { minSize, maxSize, cooldownMs } = options;
  const { window, highMs, lowMs, step } = options.hillClimb;
  const align = (n: number): number => {
    const aligned = Math.floor(n / step) * step;
    return Math.min(Math.max(aligned, minSize), maxSize);
  };
  let count = 0;
  let total = 0;
  let lastChangeAt = -Infinity;
  const initial = align(options.initialSize);
  let current: BatchProposal = {
    size: initial,
    reason: `initial size ${initial}, nothing measured yet`,
    probe: false,
  };

  function record(batch: BatchRecord): BatchProposal {
    // An empty batch (a poll that found nothing) says nothing about the size: not counted.
    if (batch.items <= 0) return current;
    count++;
    total += batch.durationMs;
    if (count < window) return current;
    const mean = total / count;
    count = 0;
    total = 0;
    const meanText = `mean ${mean.toFixed(2)} ms over ${window} batches`;
    let next = current.size;
    let why = `${meanText} within ${lowMs}–${highMs} ms: hold`;
    if (mean > highMs) {
      next = align(current.size - step);
      why = `${meanText} > ${highMs} ms: step down`;
    } else if (mean < lowMs) {
      next = align(current.size + step);
      why = `${meanText} < ${lowMs} ms: step up`;
    }
    // An out-of-order `now` counts as no time passed, so it cannot extend the cooldown.
    if (next !== current.size && Math.max(0, batch.now - lastChangeAt) < cooldownMs) {
      current = { size: current.size, reason: `${why}, but held by cooldown`, probe: false };
      return current;
    }
    if (next !== current.size) lastChangeAt = Math.max(lastChangeAt, batch.now);
    current = { size: next, reason: `${why}: ${next}`, probe: false };
    return current;
  }

  return {
    mode: "hill-climb",
    get current(): BatchProposal {
      return current;
    },
    record,
    load(): BatchProposal {
      return current;
    },
    model(): BatchCostModel | undefined {
      return undefined;
    },
    noise(): number | undefined {
      return undefined;
    },
  };
}
