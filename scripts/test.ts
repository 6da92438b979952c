// The whole check, as `npm test` runs it: static checks, the suite under
// Node 24, Deno and Bun, the built package on the machine's own Node, and one
// closing line `total: N passed, N failed` summing every runtime.
// Usage: node scripts/test.ts [--only node,deno,bun,static,smoke]
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string): string => join(root, "node_modules", ".bin", name);
const only = process.argv.includes("--only")
  ? new Set(process.argv[process.argv.indexOf("--only") + 1]?.split(","))
  : undefined;
const wanted = (group: string): boolean => only === undefined || only.has(group);

interface StepResult {
  readonly name: string;
  readonly passed: number;
  readonly failed: number;
  readonly ms: number;
}

interface Step {
  readonly group: string;
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Reads test counts from the output; a step without one counts as one test. */
  readonly count?: (output: string, exitCode: number) => { passed: number; failed: number };
  readonly timeoutMs?: number;
}

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

function number(output: string, pattern: RegExp): number | undefined {
  const matches = [...output.matchAll(new RegExp(pattern, "gm"))];
  const last = matches.at(-1);
  return last?.[1] === undefined ? undefined : Number(last[1]);
}

function counted(
  passed: number | undefined,
  failed: number | undefined,
  exitCode: number,
): { passed: number; failed: number } {
  if (passed === undefined || failed === undefined) {
    // No summary: the runner crashed before reporting. That is a failure.
    return { passed: passed ?? 0, failed: Math.max(failed ?? 0, 1) };
  }
  // A non-zero exit with no failing test (an unhandled error after the run) still fails.
  return { passed, failed: exitCode !== 0 && failed === 0 ? 1 : failed };
}

const steps: Step[] = [
  { group: "static", name: "tsc --noEmit", command: bin("tsc"), args: ["-p", "tsconfig.json"] },
  { group: "static", name: "deno lint", command: bin("deno"), args: ["lint", "--quiet"] },
  {
    group: "static",
    name: "deno fmt --check",
    command: bin("deno"),
    args: ["fmt", "--check", "--quiet"],
  },
  {
    group: "static",
    name: "deno publish --dry-run",
    command: bin("deno"),
    args: ["publish", "--dry-run", "--allow-dirty", "--quiet"],
  },
  {
    // JSR scores a package on documented exports. Only the missing-JSDoc rule is
    // enforced: public types that reference unexported ones are still reported.
    group: "static",
    name: "deno doc --lint: every export documented",
    command: bin("deno"),
    args: ["doc", "--lint", "--quiet", "mod.ts", "src/runtime/mod.ts", "worker.ts", "http.ts"],
    count: (out, code) => {
      const linted = code === 0 || /Found \d+ documentation lint errors/.test(out);
      const ok = linted && !out.includes("missing-jsdoc");
      return { passed: ok ? 1 : 0, failed: ok ? 0 : 1 };
    },
  },
  {
    // Every @example a user reads on JSR must at least compile against the real exports.
    group: "static",
    name: "deno check --doc: JSDoc examples compile",
    command: bin("deno"),
    args: ["check", "--doc", "--quiet", "mod.ts", "http.ts", "worker.ts", "src/"],
  },
  {
    group: "node",
    name: "node --test (Node 24)",
    command: bin("node"),
    args: ["--test", "--test-reporter=spec", "--test-timeout=60000", "tests/**/*.test.ts"],
    count: (out, code) => counted(number(out, /^ℹ pass (\d+)/), number(out, /^ℹ fail (\d+)/), code),
  },
  {
    group: "deno",
    name: "deno test -A",
    command: bin("deno"),
    args: ["test", "-A", "--quiet", "tests/"],
    count: (out, code) => {
      const line =
        /^(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?/m
          .exec(out);
      if (!line) return counted(undefined, undefined, code);
      const passed = Number(line[1]) + Number(line[2] ?? 0);
      const failed = Number(line[3]) + Number(line[4] ?? 0);
      return counted(passed, failed, code);
    },
  },
  {
    group: "bun",
    name: "bun test",
    command: bin("bun"),
    args: ["test", "--timeout", "60000", "tests/"],
    count: (out, code) =>
      counted(number(out, /^\s*(\d+) pass$/), number(out, /^\s*(\d+) fail$/), code),
  },
  {
    group: "smoke",
    name: "built package on the machine's own node",
    command: bin("node"),
    args: ["scripts/smoke.ts"],
    timeoutMs: 5 * 60_000,
  },
];

function run(step: Step): Promise<StepResult> {
  const started = performance.now();
  process.stdout.write(`\n=== ${step.name}\n`);
  return new Promise((done) => {
    const child = spawn(step.command, step.args, {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer, sink: NodeJS.WriteStream): void => {
      output += chunk.toString("utf8");
      sink.write(chunk);
    };
    child.stdout.on("data", (chunk: Buffer) => collect(chunk, process.stdout));
    child.stderr.on("data", (chunk: Buffer) => collect(chunk, process.stderr));
    const timer = setTimeout(() => {
      process.stderr.write(
        `\n${step.name}: no result after ${step.timeoutMs ?? 15 * 60_000} ms, stopping it\n`,
      );
      child.kill("SIGKILL");
    }, step.timeoutMs ?? 15 * 60_000);
    const finish = (code: number): void => {
      clearTimeout(timer);
      const clean = output.replace(ansi, "");
      const { passed, failed } = step.count
        ? step.count(clean, code)
        : { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 };
      done({ name: step.name, passed, failed, ms: performance.now() - started });
    };
    child.on("error", (error) => {
      process.stderr.write(`${step.name}: cannot start ${step.command}: ${error.message}\n`);
      finish(127);
    });
    child.on("close", (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
}

const results: StepResult[] = [];
for (const step of steps) {
  if (wanted(step.group)) results.push(await run(step));
}

process.stdout.write("\n=== summary\n");
for (const r of results) {
  const mark = r.failed === 0 ? "ok  " : "FAIL";
  process.stdout.write(
    `${mark} ${r.name.padEnd(42)} ${String(r.passed).padStart(4)} passed ${
      String(r.failed).padStart(3)
    } failed  ${(r.ms / 1000).toFixed(1)} s\n`,
  );
}
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
process.stdout.write(`total: ${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
