/**
 * Simulator scenario 6 and the held-out batch scenarios: a batch job with a
 * per-batch overhead and a per-item cost under a time budget, on a virtual
 * clock, scored against the best static batch size per phase.
 *
 * @module
 */

export {
  batchDuration,
  bestStaticPerPhase,
  runBatchScenario,
  staticDriver,
  sweepSizes,
} from "./run.ts";
export type { BatchDriver, BestStatic, PhaseResult } from "./run.ts";
export { HELD_OUT_BATCH_SCENARIOS, SCENARIO_6 } from "./scenario.ts";
export type { BatchPhase, BatchScenario } from "./scenario.ts";
export {
  BATCH_CONTENDERS,
  BATCH_TARGET,
  batchScoreboard,
  formatBatchTables,
  loadSample,
  scoreBatchScenario,
  sizerDriver,
} from "./scoreboard.ts";
export type { BatchContender, BatchRow, BatchTable } from "./scoreboard.ts";
