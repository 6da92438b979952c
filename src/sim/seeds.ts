/**
 * The scoreboard over several seeds: each scenario redrawn with other
 * arrivals and task sizes, each draw with its own oracle, so a controller is
 * judged on what a scenario describes rather than on one draw of it.
 *
 * @module
 */

import { simulate } from "./engine.ts";
import { sweepOracle } from "./oracle.ts";
import { type Contender, CONTENDERS } from "./roster.ts";
import type { Scenario } from "./scenario.ts";
import { type Score, score, THRESHOLDS } from "./score.ts";
import { drawWorkload } from "./workload.ts";
import { seconds } from "./table.ts";

/** A prime stride between seeds, so redraws share no seed with another scenario's. */
const STRIDE = 7919;

/** `scenario` with its `k`-th seed (the 0th is its own). */
export function reseed(scenario: Scenario, k: number): Scenario {
  return k === 0 ? scenario : { ...scenario, seed: scenario.seed + k * STRIDE };
}

/** One controller on one scenario over all seeds. */
export interface SeedRow {
  readonly scenario: string;
  readonly contender: string;
  readonly runs: number;
  /** Runs that met every threshold. */
  readonly passed: number;
  readonly meanGoodput: number;
  readonly worstGoodput: number;
  readonly worstP99: number;
  readonly worstReversalsPerMinute: number;
  /** `undefined` for scenarios without a capacity change. */
  readonly worstReconvergeSeconds: number | undefined;
  /** How many runs missed each threshold. */
  readonly failures: Readonly<Record<string, number>>;
}

/** Scores `contenders` on `seeds` draws of each of `scenarios`. */
export function runSeedSweep(
  scenarios: readonly Scenario[],
  seeds: number,
  contenders: readonly Contender[] = CONTENDERS,
): SeedRow[] {
  if (!Number.isInteger(seeds) || seeds < 1) {
    throw new RangeError(`runSeedSweep(): seeds must be a whole number >= 1, got ${seeds}`);
  }
  const rows: SeedRow[] = [];
  for (const base of scenarios) {
    const scores = contenders.map((): Score[] => []);
    for (let k = 0; k < seeds; k++) {
      const scenario = reseed(base, k);
      const oracle = sweepOracle(scenario);
      const workload = drawWorkload(scenario);
      contenders.forEach((contender, i) => {
        const result = simulate(scenario, contender.create(scenario), workload);
        scores[i]!.push(score(scenario, result, oracle));
      });
    }
    contenders.forEach((contender, i) => {
      const list = scores[i]!;
      const failures: Record<string, number> = {};
      for (const s of list) for (const f of s.failures) failures[f] = (failures[f] ?? 0) + 1;
      const reconverge = list.map((s) => s.reconvergeSeconds).filter((s) => s !== undefined);
      rows.push({
        scenario: base.name,
        contender: contender.name,
        runs: list.length,
        passed: list.filter((s) => s.passed).length,
        meanGoodput: list.reduce((sum, s) => sum + s.goodput, 0) / list.length,
        worstGoodput: Math.min(...list.map((s) => s.goodput)),
        worstP99: Math.max(...list.map((s) => s.p99)),
        worstReversalsPerMinute: Math.max(...list.map((s) => s.reversalsPerMinute)),
        worstReconvergeSeconds: reconverge.length > 0 ? Math.max(...reconverge) : undefined,
        failures,
      });
    });
  }
  return rows;
}

/** The seed sweep as a Markdown table, then a pass count per controller. */
export function formatSeedSweep(rows: readonly SeedRow[]): string {
  const t = THRESHOLDS;
  const lines = [
    `| scenario | controller | runs passed | mean goodput | worst goodput (>= ${t.goodput}) | worst p99 (<= ${t.p99}) | worst reversals/min (<= ${t.reversalsPerMinute}) | worst re-converge s (<= ${t.reconvergeSeconds}) | misses |`,
    "|---|---|--:|--:|--:|--:|--:|--:|---|",
  ];
  let previous = "";
  const totals = new Map<string, { passed: number; runs: number }>();
  for (const row of rows) {
    const label = row.scenario === previous ? "" : row.scenario;
    previous = row.scenario;
    const misses = Object.entries(row.failures).map(([name, n]) => `${name} ${n}`).join(", ");
    const reconverge = seconds(row.worstReconvergeSeconds);
    lines.push(
      `| ${label} | ${row.contender} | ${row.passed}/${row.runs} | ${
        row.meanGoodput.toFixed(2)
      } | ${row.worstGoodput.toFixed(2)} | ${row.worstP99.toFixed(2)} | ${
        row.worstReversalsPerMinute.toFixed(1)
      } | ${reconverge} | ${misses} |`,
    );
    const total = totals.get(row.contender) ?? { passed: 0, runs: 0 };
    total.passed += row.passed;
    total.runs += row.runs;
    totals.set(row.contender, total);
  }
  lines.push("");
  for (const [name, { passed, runs }] of totals) lines.push(`${name}: ${passed}/${runs} runs pass`);
  return lines.join("\n");
}
