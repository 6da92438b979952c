/**
 * Runs every contender on every scenario and scores it against the oracle.
 *
 * @module
 */

import { simulate } from "./engine.ts";
import { type Oracle, sweepOracle } from "./oracle.ts";
import { type Contender, CONTENDERS } from "./roster.ts";
import type { Scenario } from "./scenario.ts";
import { type Score, score } from "./score.ts";
import { drawWorkload } from "./workload.ts";

/** One row of a scoreboard. */
export interface ScoreRow {
  readonly scenario: string;
  readonly contender: string;
  readonly score: Score;
}

/** All rows for a set of scenarios, with the oracle of each. */
export interface Scoreboard {
  readonly oracles: ReadonlyMap<string, Oracle>;
  readonly rows: readonly ScoreRow[];
}

/** Scores `contenders` on `scenarios`; each scenario's work is drawn once and shared. */
export function runScoreboard(
  scenarios: readonly Scenario[],
  contenders: readonly Contender[] = CONTENDERS,
): Scoreboard {
  const oracles = new Map<string, Oracle>();
  const rows: ScoreRow[] = [];
  for (const scenario of scenarios) {
    const oracle = sweepOracle(scenario);
    oracles.set(scenario.name, oracle);
    const workload = drawWorkload(scenario);
    for (const contender of contenders) {
      const result = simulate(scenario, contender.create(scenario), workload);
      rows.push({
        scenario: scenario.name,
        contender: contender.name,
        score: score(scenario, result, oracle),
      });
    }
  }
  return { oracles, rows };
}
