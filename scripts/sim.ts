// Prints the controller scoreboard: every controller on every scenario of the
// simulator, scored against the best static limit, then the held-out set.
// Usage: node scripts/sim.ts [--only name,name] [--scenario name] [--seeds n]
// --seeds n: also score every scenario on n draws of its work (seeds), each
// against its own oracle, and print how many runs each controller passed.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  CONTENDERS,
  EXAM,
  formatScoreboard,
  formatSeedSweep,
  formatSummary,
  HELD_OUT,
  runScoreboard,
  runSeedSweep,
  SCENARIOS,
  SECOND_EXAM,
} from "../src/sim/mod.ts";
import type { Scenario } from "../src/sim/mod.ts";

const argument = (flag: string): string[] | undefined => {
  const index = process.argv.indexOf(flag);
  return index === -1 ? undefined : process.argv[index + 1]?.split(",");
};
const only = argument("--only");
const named = argument("--scenario");
const seeds = Number(argument("--seeds")?.[0] ?? 0);
const contenders = only ? CONTENDERS.filter((c) => only.includes(c.name)) : CONTENDERS;
const pick = (list: readonly Scenario[]): Scenario[] =>
  named ? list.filter((s) => named.includes(s.name)) : [...list];

const started = performance.now();
for (
  const [title, scenarios] of [
    ["Tuned scenarios", pick(SCENARIOS)],
    ["Held-out scenarios (not used while tuning)", pick(HELD_OUT)],
    ["Exam (written after tuning, by someone who had not seen the scores)", pick(EXAM)],
    ["Second exam (written after tuning on the first exam, scores unseen)", pick(SECOND_EXAM)],
  ] as const
) {
  if (scenarios.length === 0) continue;
  const board = runScoreboard(scenarios, contenders);
  console.log(`## ${title}\n`);
  console.log(formatScoreboard(board));
  console.log(`\n${formatSummary(board)}\n`);
  if (seeds > 0) {
    console.log(`### ${title}: ${seeds} seeds each\n`);
    console.log(`${formatSeedSweep(runSeedSweep(scenarios, seeds, contenders))}\n`);
  }
}

const batch = new URL("../src/sim/batch/mod.ts", import.meta.url);
if (!named && existsSync(fileURLToPath(batch))) {
  const module = await import(batch.href) as { batchScoreboard?: () => string };
  if (typeof module.batchScoreboard === "function") console.log(module.batchScoreboard());
}
console.error(`simulated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
