/**
 * Batch sizing: a model-based sizer that fits per-batch overhead and per-item
 * cost to a time budget, the load-threshold and hill-climb policies headroom
 * grew from, and {@link DynamicBatchSizer}, which runs them per operation.
 *
 * @module
 */

export { DynamicBatchSizer } from "./dynamic-batch-sizer.ts";
export type {
  BatchResult,
  BatchSizerStatistics,
  DynamicBatchSizerEventMap,
} from "./dynamic-batch-sizer.ts";
export { BATCH_ENV_VARIABLES, batchSizerOptionsFromEnv } from "./env.ts";
export { fixedPolicy } from "./fixed-policy.ts";
export { hillClimbPolicy } from "./hill-climb-policy.ts";
export { linearFit } from "./linear-fit.ts";
export type { BatchCostModel, LinearFit } from "./linear-fit.ts";
export { loadPolicy } from "./load-policy.ts";
export { modelPolicy } from "./model-policy.ts";
export { resolveBatchOperation, resolveSizerOptions } from "./options.ts";
export type {
  BatchOperationOptions,
  DynamicBatchSizerOptions,
  HillClimbTuning,
  ModelTuning,
  ResolvedBatchOperation,
  ResolvedHillClimbTuning,
  ResolvedModelTuning,
  ResolvedSizerOptions,
  SampleSource,
} from "./options.ts";
export { BATCH_MODES } from "./types.ts";
export type {
  BatchMode,
  BatchPolicy,
  BatchProposal,
  BatchRecord,
  BatchSizeAdjusted,
  BatchStats,
} from "./types.ts";
