/**
 * The default batch-size policy: fit `duration ≈ overhead + perItem × items`
 * and pick the largest batch whose predicted duration, plus a safety margin,
 * fits the time budget.
 *
 * @module
 */

import { linearFit } from "./linear-fit.ts";
import type { BatchCostModel } from "./linear-fit.ts";
import type { ResolvedBatchOperation } from "./options.ts";
import type { BatchPolicy, BatchProposal, BatchRecord } from "./types.ts";

/** Batch sizes closer than this (relative spread) cannot separate overhead from per-item cost. */
const MIN_SPREAD = 0.04;

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toPrecision(2);
}

/** The line's prediction with its source: a least-squares fit, or a guess from one batch. */
interface Working {
  readonly line: BatchCostModel;
  readonly fitted: boolean;
}

/**
 * Model-based batch sizing.
 *
 * Every finished batch is added to a recency-weighted least-squares fit of
 * duration against items. The next size is the largest one whose predicted
 * duration, plus `safety` standard deviations of the recent prediction
 * errors (wider when it extrapolates beyond the sizes seen), stays within
 * `budgetMs`. Every `probeEvery` batches one batch is `probeDepth` smaller,
 * so the sizes never become too alike to fit two parameters.
 *
 * A batch that misses its prediction by more than `changeThreshold`
 * deviations means the cost changed: the fit restarts from the new batches.
 * Until two sizes are seen again, the next size is the smaller of two
 * guesses that both explain the new batch: "the per-item cost changed" and
 * "the overhead changed". Growth from a single batch assumes no overhead,
 * which over-predicts and so is safe. Growth is also capped at `maxGrowth`
 * per batch and waits for `cooldownMs`; shrinking never waits.
 *
 * @example Converge on the largest batch inside 100 ms
 * ```ts
 * import { modelPolicy, resolveBatchOperation } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const policy = modelPolicy(resolveBatchOperation({ budgetMs: 100, initialSize: 10 }));
 * let now = 0;
 * for (let i = 0; i < 40; i++) {
 *   const items = policy.current.size;
 *   const durationMs = 20 + 0.5 * items; // 20 ms overhead, 0.5 ms per item
 *   now += durationMs;
 *   policy.record({ items, durationMs, now });
 * }
 * const model = policy.model();
 * assert.ok(model !== undefined && Math.abs(model.perItemMs - 0.5) < 0.01);
 * assert.ok(policy.current.size <= 160); // 20 + 0.5 × 160 = 100 ms
 * ```
 */
export function modelPolicy(options: ResolvedBatchOperation): BatchPolicy {
  const { budgetMs, minSize, maxSize, cooldownMs } = options;
  const t = options.model;
  const fit = linearFit(t.halfLife);
  const alpha = 1 - Math.pow(2, -1 / t.halfLife);
  let variance = t.initialNoise ** 2;
  let base = options.initialSize;
  let lastChangeAt = -Infinity;
  let working: Working | undefined;
  let prior: BatchCostModel | undefined;
  let sinceProbe = 0;
  let current: BatchProposal = {
    size: base,
    reason: `initial size ${base}, nothing measured yet`,
    probe: false,
  };

  const sigma = (): number => Math.max(t.minNoise, Math.sqrt(variance));
  const clampSize = (n: number): number => Math.min(maxSize, Math.max(minSize, Math.floor(n)));

  /** Largest size whose prediction plus margin fits the budget under a fitted line. */
  function solveFitted(line: BatchCostModel): number {
    const z = t.safety * sigma();
    const w = fit.weight;
    const mean = fit.meanItems;
    const spread2 = Math.max(fit.spreadItems ** 2, 1e-9);
    const fits = (n: number): boolean => {
      const predicted = line.overheadMs + line.perItemMs * n;
      const beyond = Math.max(0, n - mean);
      const widen = Math.sqrt(1 + 1 / w + (beyond * beyond) / (w * spread2));
      return predicted * (1 + z * widen) <= budgetMs;
    };
    if (!fits(minSize)) return minSize;
    let lo = minSize;
    let hi = maxSize;
    if (fits(hi)) return hi;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** Guesses from the latest batch alone; the smallest (safest) wins. */
  function solveGuess(batch: BatchRecord): { size: number; line: BatchCostModel; why: string } {
    const n = batch.items;
    const d = batch.durationMs;
    const usable = budgetMs / (1 + t.safety * sigma());
    const guesses: { size: number; line: BatchCostModel; why: string }[] = [];
    if (d <= usable) {
      // No overhead: every item costs d / n. Over-predicts larger batches, so growth is safe.
      guesses.push({
        size: (n * usable) / Math.max(d, 1e-9),
        line: { overheadMs: 0, perItemMs: d / n },
        why: "scaled from the last batch",
      });
    }
    if (prior !== undefined) {
      const perItemMs = (d - prior.overheadMs) / n;
      if (perItemMs > 0) {
        guesses.push({
          size: (usable - prior.overheadMs) / perItemMs,
          line: { overheadMs: prior.overheadMs, perItemMs },
          why: `if the per-item cost became ${ms(perItemMs)} ms`,
        });
      }
      if (prior.perItemMs > 0) {
        const overheadMs = d - prior.perItemMs * n;
        guesses.push({
          size: (usable - overheadMs) / prior.perItemMs,
          line: { overheadMs, perItemMs: prior.perItemMs },
          why: `if the overhead became ${ms(overheadMs)} ms`,
        });
      }
    }
    if (guesses.length === 0) {
      // Over budget with nothing known about the overhead: halve below proportional.
      return {
        size: (n * usable) / d / 2,
        line: { overheadMs: 0, perItemMs: d / n },
        why: "over budget, overhead unknown: half of proportional",
      };
    }
    return guesses.reduce((a, b) => (b.size < a.size ? b : a));
  }

  function record(batch: BatchRecord): BatchProposal {
    const { items, durationMs, now } = batch;
    if (items <= 0) return current;
    let changed = "";
    if (working !== undefined) {
      const predicted = working.line.overheadMs + working.line.perItemMs * items;
      if (predicted > 0) {
        const error = (durationMs - predicted) / predicted;
        const limit = Math.max(t.changeThreshold * sigma(), t.minChange);
        const overAndOff = durationMs > budgetMs && error > t.safety * sigma();
        // A guess is meant to over-predict, so only a batch slower than it is news.
        const missed = working.fitted ? Math.abs(error) > limit || overAndOff : error > limit;
        if (missed) {
          changed = `${ms(durationMs)} ms vs ${
            ms(predicted)
          } ms predicted: cost changed, refitting; `;
          if (working.fitted || prior === undefined) prior = working.line;
          fit.reset();
        } else if (working.fitted) {
          variance = (1 - alpha) * variance + alpha * error * error;
        }
      }
    }
    fit.add(items, durationMs);

    let target: number;
    let why: string;
    const line = fit.model(MIN_SPREAD);
    if (line !== undefined && line.perItemMs > 0) {
      working = { line, fitted: true };
      target = solveFitted(line);
      why = `fit ${ms(line.overheadMs)} ms + ${ms(line.perItemMs)} ms/item ±${
        (sigma() * 100).toFixed(1)
      }%`;
    } else {
      const guess = solveGuess(batch);
      working = { line: guess.line, fitted: false };
      target = guess.size;
      why = guess.why;
    }
    let size = clampSize(Math.min(target, base * t.maxGrowth));
    // Batches can finish out of order: an earlier `now` counts as no time passed, never as
    // less, so it cannot extend the cooldown (and cooldownMs 0 never holds growth).
    if (size > base && Math.max(0, now - lastChangeAt) < cooldownMs) {
      size = base;
      why += `; growth held by cooldown`;
    }
    if (size !== base) lastChangeAt = Math.max(lastChangeAt, now);
    base = size;

    sinceProbe++;
    const identifiable = working.fitted;
    // Without a fit, the same size twice teaches nothing: try another one.
    const repeat = !identifiable && size === items;
    if ((identifiable && sinceProbe >= t.probeEvery) || repeat) {
      let probeSize = Math.max(minSize, Math.min(size - 1, Math.round(size * (1 - t.probeDepth))));
      const room = durationMs * (1 + t.safety * sigma()) < budgetMs;
      if (probeSize >= size && repeat && room) {
        probeSize = Math.min(maxSize, Math.max(size + 1, Math.round(size * (1 + t.probeDepth))));
      }
      if (probeSize !== size) {
        sinceProbe = 0;
        current = {
          size: probeSize,
          reason: `${changed}probe ${probeSize} (${size} planned) to keep the fit identifiable`,
          probe: true,
        };
        return current;
      }
    }
    current = {
      size,
      reason: `${changed}${why}: ${size} items fit ${ms(budgetMs)} ms`,
      probe: false,
    };
    return current;
  }

  return {
    mode: "model",
    get current(): BatchProposal {
      return current;
    },
    record,
    load(): BatchProposal {
      return current;
    },
    model(): BatchCostModel | undefined {
      return working?.fitted ? working.line : undefined;
    },
    noise(): number {
      return sigma();
    },
  };
}
