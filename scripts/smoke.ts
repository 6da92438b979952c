// Smoke test of the npm package as a user gets it: `npm pack` (its prepack builds dist/), unpack
// into a scratch project, then (1) import it by name on the machine's own
// Node (20 here; it is what runs npm) and read the machine, and (2) type-check
// a consumer against the packed declarations.
// Usage: node scripts/smoke.ts
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = join(root, ".tmp", "smoke");
const modules = join(scratch, "node_modules");

function systemNode(): string {
  const fromNpm = process.env["npm_node_execpath"];
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir.includes("node_modules")) continue;
    const candidate = join(dir, "node");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("Cannot find the machine's own node outside node_modules");
}

rmSync(scratch, { recursive: true, force: true });
mkdirSync(modules, { recursive: true });
const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", scratch], {
  cwd: root,
  encoding: "utf8",
}).trim().split("\n").at(-1)!;
execFileSync("tar", ["-xzf", join(scratch, packed), "-C", modules], { stdio: "inherit" });
mkdirSync(join(modules, "@headroom"));
renameSync(join(modules, "package"), join(modules, "@headroom", "headroom"));
symlinkSync(join(root, "node_modules", "valibot"), join(modules, "valibot"), "dir");

writeFileSync(
  join(scratch, "check.mjs"),
  `import assert from "node:assert/strict";
import * as headroom from "@headroom/headroom";
import { createRuntimeAdapter as fromSubpath } from "@headroom/headroom/runtime";

const adapter = headroom.createRuntimeAdapter();
const cpu = adapter.cpu();
const memory = adapter.memory();
assert.equal(adapter.name, "node");
assert.ok(Number.isInteger(cpu.effective) && cpu.effective >= 1, "effective CPUs is a whole number >= 1");
assert.ok(memory.total > 0, "host memory is read");
assert.ok(memory.rss > 0, "RSS is read");
assert.equal(typeof fromSubpath, "function");
assert.throws(() => headroom.createRuntimeAdapter({ root: "relative" }), headroom.ConfigError);
const monitor = new headroom.ResourceMonitor({ adapter, loopDelay: false });
monitor.sample();
const sample = monitor.sample();
assert.equal(sample.cpus, cpu.effective);
assert.ok(sample.cpuPercent >= 0 && sample.memoryBytes > 0, "the monitor samples CPU and memory");
const pool = new headroom.WorkerPool({ worker: new URL("./w.mjs", import.meta.url), maxWorkers: 2 });
const results = await Promise.all([1, 2, 3].map((x) => pool.run("inc", x)));
assert.deepEqual(results, [2, 3, 4], "a WorkerPool runs the built worker entry");
await pool.close();
console.log(\`headroom on node \${process.version}: \${cpu.effective} CPUs (quota \${cpu.quota ?? "none"}), memory limit \${memory.limit ?? "none"}, degraded: \${JSON.stringify([...cpu.degraded, ...memory.degraded])}\`);
`,
);
writeFileSync(
  join(scratch, "w.mjs"),
  `import { defineWorker } from "@headroom/headroom/worker";\ndefineWorker({ inc: (x) => x + 1 });\n`,
);
const node = systemNode();
execFileSync(node, [join(scratch, "check.mjs")], { cwd: scratch, stdio: "inherit" });

writeFileSync(
  join(scratch, "consumer.ts"),
  `import { ConfigError, createRuntimeAdapter, type CpuInfo, type RuntimeAdapter } from "@headroom/headroom";
const adapter: RuntimeAdapter = createRuntimeAdapter({ rounding: "ceil" });
const cpu: CpuInfo = adapter.cpu();
const effective: number = cpu.effective;
const error: ConfigError | undefined = undefined;
import { WorkerPool, type PoolStats } from "@headroom/headroom";
import { defineWorker } from "@headroom/headroom/worker";
defineWorker({ inc: (x: number): number => x + 1 });
const pool = new WorkerPool({ worker: new URL("./w.mjs", import.meta.url) });
const stats: PoolStats = pool.stats();
const result: Promise<number> = pool.run<number>("inc", 1);
export { effective, error, result, stats };
`,
);
writeFileSync(
  join(scratch, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022", "DOM", "ESNext.Disposable"],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
    },
    files: ["consumer.ts"],
  }),
);
execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", scratch], { stdio: "inherit" });
console.log(
  "packed declarations type-check in a consumer project (no @types/node, skipLibCheck off)",
);

// A Node-only consumer: @types/node and no DOM library. The declarations must not name DOM types
// (Transferable, EventListenerObject) that only the DOM library declares.
mkdirSync(join(modules, "@types"), { recursive: true });
symlinkSync(join(root, "node_modules", "@types", "node"), join(modules, "@types", "node"), "dir");
writeFileSync(
  join(scratch, "tsconfig.node.json"),
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2023", "ESNext.Disposable"],
      types: ["node"],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
    },
    files: ["consumer.ts"],
  }),
);
execFileSync(
  join(root, "node_modules", ".bin", "tsc"),
  ["-p", join(scratch, "tsconfig.node.json")],
  {
    stdio: "inherit",
  },
);
console.log("packed declarations type-check without the DOM library (@types/node only)");
