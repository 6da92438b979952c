/**
 * Shapes shared by the batch-size policies and {@link DynamicBatchSizer}.
 *
 * @module
 */

import type { BatchCostModel } from "./linear-fit.ts";
import type { LoadFigure } from "../load-figures.ts";

/** How an operation's batch size is chosen. */
export const BATCH_MODES = ["model", "load", "hill-climb", "fixed"] as const;

/**
 * `model` fits overhead + per-item cost and picks the largest batch inside
 * the time budget (the default); `load` moves the size with monitor load
 * between two thresholds (the load-proportional manager headroom grew from);
 * `hill-climb` steps the size after every window of batches whose mean
 * duration is above or below two thresholds (the chunk tuner headroom grew
 * from); `fixed` always uses the default size.
 */
export type BatchMode = typeof BATCH_MODES[number];

/** One finished batch, as a policy sees it. */
export interface BatchRecord {
  /** Items in the batch. */
  readonly items: number;
  /** How long the batch took, in ms. */
  readonly durationMs: number;
  /** When it finished, in ms on the sizer's clock. */
  readonly now: number;
}

/** What a policy wants the next batch to be, and why. */
export interface BatchProposal {
  /** Items in the next batch. */
  readonly size: number;
  /** A short sentence, for example `fit 20.1 ms + 0.50 ms/item: 152 items fit 100 ms`. */
  readonly reason: string;
  /** The next batch is a one-off smaller probe that keeps the fit identifiable. */
  readonly probe: boolean;
}

/**
 * A batch-size policy: a pure object that turns finished batches (and, for
 * `load`, load readings) into the size of the next batch. It starts no
 * timers and reads no clock; time arrives in {@link BatchRecord.now}.
 */
export interface BatchPolicy {
  /** The mode this policy implements. */
  readonly mode: BatchMode;
  /** The proposal in force: the size of the next batch. */
  readonly current: BatchProposal;
  /** Feeds one finished batch; returns the proposal for the next one. */
  record(batch: BatchRecord): BatchProposal;
  /**
   * Feeds a load reading in % (0–100), or `undefined` with the reason when
   * the monitor could not provide one, and the figures it rests on (both
   * unless said). Only `load` mode moves on it.
   */
  load(
    percent: number | undefined,
    now: number,
    why: string,
    figures?: readonly LoadFigure[],
  ): BatchProposal;
  /** The fitted cost model, where the policy keeps one. */
  model(): BatchCostModel | undefined;
  /** Relative spread of the model's prediction errors (0.05 = 5%), where kept. */
  noise(): number | undefined;
}

/** Detail of a `batchSizeAdjusted` event: an operation's batch size changed. */
export interface BatchSizeAdjusted {
  /** The operation whose size changed. */
  readonly operation: string;
  /** The planned size before the change (probe batches do not count). */
  readonly previousBatchSize: number;
  /** The planned size after the change. */
  readonly newBatchSize: number;
  /** Why, as in the `decision` event dispatched with it. */
  readonly reason: string;
  /** When, in ms on the sizer's clock. */
  readonly time: number;
}

/** What {@link DynamicBatchSizer.stats} reports for one operation. */
export interface BatchStats {
  /** The operation's name, as given to `register()`. */
  readonly operation: string;
  /** How the operation's size is chosen. */
  readonly mode: BatchMode;
  /** Items in the next batch. */
  readonly size: number;
  /** Batches recorded. */
  readonly batches: number;
  /** Items recorded. */
  readonly items: number;
  /** Mean batch duration in ms; 0 before the first batch. */
  readonly meanDurationMs: number;
  /** Batches that took longer than `budgetMs`. */
  readonly overBudget: number;
  /** The operation's `budgetMs`: the longest a batch should take, in ms. */
  readonly budgetMs: number;
  /** Size changes so far, probes included. */
  readonly adjustments: number;
  /** Probe batches proposed so far (model mode). */
  readonly probes: number;
  /** The fitted cost model (model mode, once identifiable). */
  readonly model: BatchCostModel | undefined;
  /** Relative spread of prediction errors (model mode). */
  readonly noise: number | undefined;
  /** Whether the monitor failed and the size fell back to the default. */
  readonly fallback: boolean;
  /** Why the size is what it is. */
  readonly reason: string;
}
