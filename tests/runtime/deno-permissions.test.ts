import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const deno = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url));
const script = fileURLToPath(new URL("./support/report.ts", import.meta.url));
const linux = process.platform === "linux";

interface Report {
  name: string;
  cpu: {
    effective: number;
    affinity: number | undefined;
    quota: number | undefined;
    degraded: string[];
  };
  memory: { rss: number | undefined; limit: number | undefined; degraded: string[] };
  cpuTime: number | undefined;
  cpuTimeSource: string | undefined;
  pressure: number | undefined;
}

function report(flags: string[]): Report {
  const out = execFileSync(deno, ["run", "--no-prompt", ...flags, script], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return JSON.parse(out) as Report;
}

describe("the Deno adapter without --allow-all", {
  skip: !linux ? "needs Linux /proc and /sys" : !existsSync(deno) ? "needs the deno binary" : false,
}, () => {
  it("falls back to permission-free figures and says which flag is missing", () => {
    const bare = report([]);
    assert.equal(bare.name, "deno");
    assert.ok(bare.cpu.effective >= 1);
    assert.ok(
      (bare.cpu.affinity ?? 0) >= 1,
      "navigator.hardwareConcurrency / availableParallelism still answer",
    );
    assert.ok((bare.memory.rss ?? 0) > 0, "RSS needs no permission");
    assert.equal(
      bare.cpuTimeSource,
      "process.cpuUsage()",
      "CPU time falls back to the process's own",
    );
    assert.ok((bare.cpuTime ?? 0) > 0);
    const all = [...bare.cpu.degraded, ...bare.memory.degraded].join("\n");
    assert.match(all, /--allow-all/, all);
  });

  it("reads PSI with --allow-read alone and cgroups with -A", () => {
    const readOnly = report(["--allow-read"]);
    const full = report(["-A"]);
    if (existsSync("/proc/pressure/cpu")) {
      assert.equal(
        typeof readOnly.pressure,
        "number",
        "/proc/pressure/* is readable with --allow-read",
      );
    }
    assert.notEqual(
      full.cpuTimeSource,
      "process.cpuUsage()",
      "with -A CPU time comes from the cgroup",
    );
    assert.doesNotMatch(full.cpu.degraded.join("\n"), /--allow-all/);
  });
});
