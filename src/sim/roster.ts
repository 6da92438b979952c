/**
 * The controllers on the scoreboard and how each is set up for a scenario:
 * the anchors with their published defaults (but a floor of 1), the seed
 * policies as their users ran them, and headroom's default with no options.
 *
 * @module
 */

import { aimd } from "../control/limits/aimd.ts";
import { gradient2 } from "../control/limits/gradient2.ts";
import { headroomLimit } from "../control/limits/headroom.ts";
import { littlesLaw } from "../control/limits/littles-law.ts";
import { vegas } from "../control/limits/vegas.ts";
import { baseThreads, seedThrottling } from "../control/policies/seed-throttling.ts";
import { policyLimit } from "../control/policies/policy-limit.ts";
import { thresholdRule } from "../control/policies/threshold-rule.ts";
import type { SimController } from "./engine.ts";
import type { Scenario } from "./scenario.ts";

/** A named way to build a fresh controller for a scenario. */
export interface Contender {
  readonly name: string;
  readonly create: (scenario: Scenario) => SimController;
}

/** Every controller on the scoreboard; headroom's default comes first. */
export const CONTENDERS: readonly Contender[] = Object.freeze([
  { name: "headroom", create: () => headroomLimit() },
  { name: "aimd", create: () => aimd({ initial: 20, min: 1, max: 200 }) },
  { name: "gradient2", create: () => gradient2({ initial: 20, min: 1, max: 200 }) },
  { name: "vegas", create: () => vegas({ initial: 20, min: 1, max: 1000 }) },
  { name: "littles-law", create: () => littlesLaw() },
  {
    // Seed 000 in adaptive mode (configured 0), export row, recalculated every 30 s.
    name: "seed-000 export",
    create: (scenario: Scenario) =>
      policyLimit({
        policy: seedThrottling({ operation: "export", maxConcurrentOperations: 0 }),
        initial: baseThreads("export", scenario.cpus),
        intervalMs: 30_000,
      }),
  },
  {
    // Seed 004 scaled from its single-CPU production config (3 per CPU).
    name: "seed-004 rule",
    create: (scenario: Scenario) =>
      policyLimit({
        policy: thresholdRule({ maxConcurrency: 3 * scenario.cpus }),
        initial: 3 * scenario.cpus,
      }),
  },
]);
