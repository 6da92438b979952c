/**
 * Recency-weighted least squares for `duration ≈ overhead + perItem × items`.
 *
 * @module
 */

/** A fitted line: what one batch costs, split into a fixed part and a per-item part. */
export interface BatchCostModel {
  /** Fixed cost of a batch, in ms (the intercept). */
  readonly overheadMs: number;
  /** Cost of one item, in ms (the slope). */
  readonly perItemMs: number;
}

/** A {@link linearFit}: add points, read the line and its spread. */
export interface LinearFit {
  /** Adds one batch; older batches lose weight by the fit's half-life. */
  add(items: number, durationMs: number): void;
  /** Forgets every batch. */
  reset(): void;
  /** Sum of the (decayed) weights: about how many recent batches the fit rests on. */
  readonly weight: number;
  /** Weighted mean batch size of the points. */
  readonly meanItems: number;
  /** Weighted spread of the batch sizes (standard deviation, in items). */
  readonly spreadItems: number;
  /**
   * The line, or `undefined` while the sizes are too alike to separate
   * overhead from per-item cost (spread below `minRelativeSpread` of the mean).
   */
  model(minRelativeSpread: number): BatchCostModel | undefined;
}

/**
 * Weighted least squares over an exponentially decaying window: each new
 * point has weight 1 and every older one is multiplied by
 * `2^(-1 / halfLife)`, so the fit follows a change within a few half-lives
 * while noise averages out.
 *
 * @example Recover overhead and per-item cost
 * ```ts
 * import { linearFit } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const fit = linearFit(16);
 * fit.add(100, 70); // 20 ms + 100 × 0.5 ms
 * fit.add(200, 120);
 * const model = fit.model(0.05);
 * assert.ok(model !== undefined);
 * assert.ok(Math.abs(model.overheadMs - 20) < 1e-9);
 * assert.ok(Math.abs(model.perItemMs - 0.5) < 1e-9);
 * ```
 */
export function linearFit(halfLife: number): LinearFit {
  const decay = Math.pow(2, -1 / halfLife);
  let w = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  const variance = (): number => (w > 0 ? Math.max(0, sxx / w - (sx / w) ** 2) : 0);
  return {
    add(items: number, durationMs: number): void {
      w = w * decay + 1;
      sx = sx * decay + items;
      sy = sy * decay + durationMs;
      sxx = sxx * decay + items * items;
      sxy = sxy * decay + items * durationMs;
    },
    reset(): void {
      w =
        sx =
        sy =
        sxx =
        sxy =
          0;
    },
    get weight(): number {
      return w;
    },
    get meanItems(): number {
      return w > 0 ? sx / w : 0;
    },
    get spreadItems(): number {
      return Math.sqrt(variance());
    },
    model(minRelativeSpread: number): BatchCostModel | undefined {
      if (w <= 1) return undefined;
      const meanX = sx / w;
      const varX = variance();
      if (!(Math.sqrt(varX) >= minRelativeSpread * meanX) || varX <= 0) return undefined;
      const meanY = sy / w;
      const perItemMs = (sxy / w - meanX * meanY) / varX;
      return { overheadMs: meanY - perItemMs * meanX, perItemMs };
    },
  };
}
