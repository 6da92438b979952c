/**
 * The batch scoreboard: the default sizer, the two policies headroom grew
 * from and the best static size per phase, on scenario 6 and the held-out
 * scenarios.
 *
 * @module
 */

import { DynamicBatchSizer } from "../../control/batch/dynamic-batch-sizer.ts";
import type { BatchOperationOptions } from "../../control/batch/options.ts";
import type { ResourceSample } from "../../monitor/sample.ts";
import { bestStaticPerPhase, runBatchScenario } from "./run.ts";
import type { BatchDriver, PhaseResult } from "./run.ts";
import { HELD_OUT_BATCH_SCENARIOS, SCENARIO_6 } from "./scenario.ts";
import type { BatchScenario } from "./scenario.ts";

/** The bar of the batch sizer: share of the best static throughput, and most batches over budget. */
export const BATCH_TARGET: { readonly throughput: number; readonly overRate: number } = {
  throughput: 0.95,
  overRate: 0.01,
};

/** A monitor sample that says only `load` (as CPU %) at `time`. */
export function loadSample(load: number, time: number): ResourceSample {
  return {
    time,
    cpus: 1,
    cpuQuota: undefined,
    cpuPercent: load,
    cpuPercentSmoothed: load,
    memoryBytes: undefined,
    memorySource: undefined,
    memoryLimit: undefined,
    memoryLimitSource: undefined,
    memoryPercent: undefined,
    memoryPercentSmoothed: undefined,
    loadAverage: undefined,
    psi: { cpu: undefined, memory: undefined, io: undefined },
    loopDelayMs: undefined,
    throttling: undefined,
    level: "none",
    reasons: [],
    degraded: [],
  };
}

/** A driver over a {@link DynamicBatchSizer} with one operation, on the simulator's clock. */
export function sizerDriver(options: BatchOperationOptions): BatchDriver {
  let now = 0;
  const sizer = new DynamicBatchSizer({ clock: () => now, staleAfterMs: 60_000 });
  sizer.register("job", options);
  return {
    size: () => sizer.size("job"),
    record: (items, durationMs, at) => {
      now = at;
      sizer.record("job", { items, durationMs, now: at });
    },
    load: (percent, at) => {
      now = at;
      sizer.observe(loadSample(percent, at));
    },
  };
}

/** A contender on the scoreboard. */
export interface BatchContender {
  readonly name: string;
  /** Options of the operation, given the scenario. */
  options(scenario: BatchScenario): BatchOperationOptions;
}

/** The default sizer (only the budget and the largest size set), and the two seed policies. */
export const BATCH_CONTENDERS: readonly BatchContender[] = [
  {
    name: "headroom model (default)",
    options: (s) => ({ budgetMs: s.budgetMs, maxSize: s.maxSize }),
  },
  {
    name: "load thresholds (seed 002)",
    options: (s) => ({ mode: "load", budgetMs: s.budgetMs, maxSize: s.maxSize }),
  },
  {
    name: "hill climb (seed 003)",
    options: (s) => {
      const step = Math.max(1, Math.round(s.maxSize / 32));
      return {
        mode: "hill-climb",
        budgetMs: s.budgetMs,
        minSize: step,
        maxSize: s.maxSize,
        initialSize: step,
        hillClimb: { highMs: s.budgetMs, lowMs: s.budgetMs / 10, step },
      };
    },
  },
];

/** One row of the scoreboard: a contender's results per phase, against the best static size. */
export interface BatchRow {
  readonly contender: string;
  readonly phases: readonly {
    readonly result: PhaseResult;
    /** Throughput as a share of the best static size's. */
    readonly ratio: number;
  }[];
}

/** A scenario's rows and its best static sizes. */
export interface BatchTable {
  readonly scenario: BatchScenario;
  readonly best: readonly { readonly size: number; readonly result: PhaseResult }[];
  readonly rows: readonly BatchRow[];
}

/**
 * Runs every contender through `scenario` and compares each phase with the
 * best static size that keeps at most 1% of its batches over budget.
 *
 * @example Score scenario 6
 * ```ts
 * import { BATCH_TARGET, SCENARIO_6, scoreBatchScenario } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const table = scoreBatchScenario(SCENARIO_6);
 * for (const phase of table.rows[0]?.phases ?? []) {
 *   assert.ok(phase.ratio >= BATCH_TARGET.throughput);
 *   assert.ok(phase.result.overRate <= BATCH_TARGET.overRate);
 * }
 * ```
 */
export function scoreBatchScenario(
  scenario: BatchScenario,
  contenders: readonly BatchContender[] = BATCH_CONTENDERS,
): BatchTable {
  const best = bestStaticPerPhase(scenario, BATCH_TARGET.overRate);
  const rows = contenders.map((contender): BatchRow => {
    const results = runBatchScenario(scenario, sizerDriver(contender.options(scenario)));
    return {
      contender: contender.name,
      phases: results.map((result, i) => ({
        result,
        ratio: result.throughput / Math.max(best[i]?.result.throughput ?? 0, 1e-9),
      })),
    };
  });
  return { scenario, best, rows };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function padStart(text: string, width: number): string {
  return text.length >= width ? text : " ".repeat(width - text.length) + text;
}

/** Renders tables as text: one line per contender, `ratio over%` per phase. */
export function formatBatchTables(title: string, tables: readonly BatchTable[]): string {
  const lines: string[] = [title, ""];
  for (const table of tables) {
    const { scenario } = table;
    lines.push(`${scenario.name} — ${scenario.description}`);
    const header = [pad("sizer", 28)];
    table.best.forEach((_, i) => header.push(padStart(`phase ${i + 1}: vs best  over`, 25)));
    lines.push(header.join(" |"));
    const bestCells = [pad("best static size", 28)];
    for (const b of table.best) {
      const text = `${b.size} items, ${b.result.throughput.toFixed(0)}/s ${
        (b.result.overRate * 100).toFixed(1)
      }%`;
      bestCells.push(padStart(text, 25));
    }
    lines.push(bestCells.join(" |"));
    for (const row of table.rows) {
      const cells = [pad(row.contender, 28)];
      for (const phase of row.phases) {
        const ok = phase.ratio >= BATCH_TARGET.throughput &&
          phase.result.overRate <= BATCH_TARGET.overRate;
        const text = `${phase.ratio.toFixed(3)}  ${(phase.result.overRate * 100).toFixed(1)}% ${
          ok ? "ok" : "--"
        }`;
        cells.push(padStart(text, 25));
      }
      lines.push(cells.join(" |"));
    }
    lines.push("");
  }
  lines.push(
    `vs best: items/s as a share of the best static size that keeps <= 1% of batches over budget;`,
    `over: batches over budget; ok = >= ${BATCH_TARGET.throughput} and <= ${
      BATCH_TARGET.overRate * 100
    }%.`,
  );
  return lines.join("\n");
}

/**
 * The printable batch scoreboard: scenario 6, then the held-out scenarios
 * in a second table.
 *
 * @example Print it
 * ```ts
 * import { batchScoreboard } from "./mod.ts";
 *
 * console.log(batchScoreboard());
 * ```
 */
export function batchScoreboard(): string {
  const main = formatBatchTables("Batch sizing — scenario 6", [scoreBatchScenario(SCENARIO_6)]);
  const held = formatBatchTables(
    "Batch sizing — held-out scenarios",
    HELD_OUT_BATCH_SCENARIOS.map((s) => scoreBatchScenario(s)),
  );
  return `${main}\n\n${held}`;
}
