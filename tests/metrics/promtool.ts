// Runs `promtool check metrics` (Prometheus's own parser and linter) on exposition text.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Why promtool tests are skipped, or `false` when promtool is on PATH. */
export const promtoolMissing: string | false = (() => {
  const probe = spawnSync("promtool", ["--version"], { encoding: "utf8" });
  return probe.error !== undefined || probe.status !== 0
    ? "promtool not installed; .ci/run installs Debian's prometheus package"
    : false;
})();

/** Writes `text` to a temp file and runs `promtool check metrics < file`; returns its exit code and output. */
export function promtoolCheck(text: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "headroom-promtool-"));
  try {
    const file = join(dir, "metrics.prom");
    writeFileSync(file, text);
    const result = spawnSync("promtool", ["check", "metrics"], {
      input: readFileSync(file),
      encoding: "utf8",
    });
    return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
