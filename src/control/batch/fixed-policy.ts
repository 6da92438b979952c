/**
 * Fixed batch sizing: what dynamic sizing turned off means.
 *
 * @module
 */

import type { BatchCostModel } from "./linear-fit.ts";
import type { ResolvedBatchOperation } from "./options.ts";
import type { BatchPolicy, BatchProposal } from "./types.ts";

/**
 * Always proposes `defaultSize` (the `fixed` mode, and what
 * `HEADROOM_BATCH_ENABLED=false` selects).
 *
 * @example
 * ```ts
 * import { fixedPolicy, resolveBatchOperation } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const policy = fixedPolicy(resolveBatchOperation({ mode: "fixed", defaultSize: 40 }));
 * assert.equal(policy.record({ items: 40, durationMs: 9000, now: 9000 }).size, 40);
 * ```
 */
export function fixedPolicy(options: ResolvedBatchOperation): BatchPolicy {
  const current: BatchProposal = {
    size: options.defaultSize,
    reason: `fixed size ${options.defaultSize}`,
    probe: false,
  };
  return {
    mode: "fixed",
    current,
    record: (): BatchProposal => current,
    load: (): BatchProposal => current,
    model: (): BatchCostModel | undefined => undefined,
    noise: (): number | undefined => undefined,
  };
}
