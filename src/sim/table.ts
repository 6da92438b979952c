/**
 * Prints a scoreboard as a Markdown table, marking each missed threshold.
 *
 * @module
 */

import type { Scoreboard } from "./scoreboard.ts";
import { THRESHOLDS } from "./score.ts";

/** Re-convergence seconds for a table: `-` without a change, `never` when it never settled. */
export function seconds(value: number | undefined): string {
  if (value === undefined) return "-";
  return Number.isFinite(value) ? value.toFixed(1) : "never";
}

function cell(text: string, failed: boolean): string {
  return failed ? `${text} ✗` : text;
}

/** The scoreboard as a Markdown table, one row per scenario and controller. */
export function formatScoreboard(board: Scoreboard): string {
  const t = THRESHOLDS;
  const lines = [
    `| scenario (oracle limit) | controller | goodput/oracle (>= ${t.goodput}) | p99/oracle (<= ${t.p99}) | reversals/min (<= ${t.reversalsPerMinute}) | wasted/success (<= ${t.wastedPerSuccess}) | re-converge s (<= ${t.reconvergeSeconds}) | mean limit | pass |`,
    "|---|---|--:|--:|--:|--:|--:|--:|:-:|",
  ];
  let previous = "";
  for (const { scenario, contender, score: s } of board.rows) {
    const oracle = board.oracles.get(scenario);
    const label = scenario === previous ? "" : `${scenario} (${oracle?.limit ?? "?"})`;
    previous = scenario;
    const failed = new Set(s.failures);
    const reconverge = seconds(s.reconvergeSeconds);
    lines.push(
      `| ${label} | ${contender} | ${cell(s.goodput.toFixed(2), failed.has("goodput"))} | ${
        cell(s.p99.toFixed(2), failed.has("p99"))
      } | ${cell(s.reversalsPerMinute.toFixed(1), failed.has("reversals"))} | ${
        cell(s.wastedPerSuccess.toFixed(3), failed.has("wasted"))
      } | ${cell(reconverge, failed.has("reconverge"))} | ${s.meanLimit.toFixed(1)} | ${
        s.passed ? "yes" : "no"
      } |`,
    );
  }
  return lines.join("\n");
}

/** One line per controller: how many scenarios it passed of how many. */
export function formatSummary(board: Scoreboard): string {
  const totals = new Map<string, { passed: number; total: number }>();
  for (const row of board.rows) {
    const entry = totals.get(row.contender) ?? { passed: 0, total: 0 };
    entry.total++;
    if (row.score.passed) entry.passed++;
    totals.set(row.contender, entry);
  }
  return [...totals].map(([name, { passed, total }]) =>
    `${name}: ${passed}/${total} scenarios pass`
  )
    .join("\n");
}
