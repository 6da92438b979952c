import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const node = fileURLToPath(new URL("../../node_modules/.bin/node", import.meta.url));
const script = fileURLToPath(new URL("./support/can-spawn.ts", import.meta.url));

function report(flags: string[]): { canSpawn: boolean; pool: string } {
  const out = execFileSync(node, [...flags, script], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "ignore"], // --allow-worker prints a security warning
  });
  return JSON.parse(out) as { canSpawn: boolean; pool: string };
}

describe("the Node adapter under --permission", {
  skip: !existsSync(node) ? "needs the Node 24 binary in node_modules" : false,
}, () => {
  it("says workers cannot start without --allow-worker, and a pool says why at once", () => {
    const refused = report(["--permission", "--allow-fs-read=*"]);
    assert.equal(refused.canSpawn, false);
    assert.match(refused.pool, /^WorkersUnavailableError: .*--allow-worker.*inline: true/);
  });

  it("lets them start with --allow-worker, as without the permission model", () => {
    assert.deepEqual(report(["--permission", "--allow-fs-read=*", "--allow-worker"]), {
      canSpawn: true,
      pool: "created",
    });
    assert.deepEqual(report([]), { canSpawn: true, pool: "created" });
  });
});
