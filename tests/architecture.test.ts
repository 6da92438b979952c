// The layer rules of DESIGN.md, checked on the source tree in every runtime.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Layers from the bottom up: a folder may import only folders of a lower
 * rank. `config` sits at the bottom with `internal` rather than above
 * `runtime` as DESIGN.md draws it: the adapters validate their own options,
 * and config needs nothing from any other folder.
 */
const rank: Record<string, number> = {
  internal: 0,
  config: 1,
  runtime: 2,
  metrics: 3,
  monitor: 4,
  control: 5,
  sim: 6,
  pool: 6,
  pipeline: 7,
  observe: 7,
  http: 8,
};

interface SourceFile {
  readonly path: string;
  readonly code: string;
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (path.endsWith(".ts")) yield path;
  }
}

/** Source without comments, so prose about `/proc` in a doc comment is not a violation. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

function sources(): SourceFile[] {
  return [...walk(join(root, "src"))].map((file) => ({
    path: relative(root, file).split("\\").join("/"),
    code: stripComments(readFileSync(file, "utf8")),
  }));
}

function folder(path: string): string {
  return path.split("/")[1] ?? "";
}

function specifiers(code: string): string[] {
  return [...code.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) =>
    m[1]!
  );
}

/** Every broken rule in `files`, as one line each. */
export function violations(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const { path, code } of files) {
    const dir = folder(path);
    if (dir !== "runtime") {
      if (/["']node:|\bDeno\.|\bBun\.|["'`]\/(?:proc|sys)\//.test(code)) {
        found.push(`${path}: runtime-specific code outside src/runtime/`);
      }
    }
    if (dir !== "http" && specifiers(code).some((s) => s === "hono" || s.startsWith("hono/"))) {
      found.push(`${path}: imports hono outside src/http/`);
    }
    if (
      dir === "control" &&
      /\b(?:setTimeout|setInterval|Date\.now|performance\.now|Math\.random)\b/.test(code)
    ) {
      found.push(`${path}: timers, clocks or randomness in src/control/ (pass them in)`);
    }
    if (!(dir in rank)) {
      found.push(`${path}: folder src/${dir}/ has no layer in tests/architecture.test.ts`);
    }
    for (const spec of specifiers(code)) {
      if (!spec.startsWith(".")) continue;
      if (!spec.endsWith(".ts")) found.push(`${path}: relative import "${spec}" must end in .ts`);
      const target = new URL(spec, `file:///${path}`).pathname.slice(1);
      const other = folder(target);
      if (!target.startsWith("src/") || other === dir) continue;
      if ((rank[other] ?? Infinity) >= (rank[dir] ?? -Infinity)) {
        found.push(
          `${path}: src/${dir}/ imports src/${other}/ (only lower layers may be imported)`,
        );
      }
    }
  }
  return found;
}

describe("architecture", () => {
  it("keeps every layer rule of DESIGN.md", () => {
    const files = sources();
    assert.ok(files.length > 10, `expected the source tree, found ${files.length} files`);
    assert.deepEqual(violations(files), []);
  });

  it("would catch each kind of violation", () => {
    const bad: SourceFile[] = [
      { path: "src/monitor/a.ts", code: `import os from "node:os";` },
      { path: "src/monitor/b.ts", code: `const x = Deno.env;` },
      { path: "src/pool/c.ts", code: `const s = readFileSync("/proc/stat");` },
      { path: "src/control/d.ts", code: `import { Hono } from "hono";` },
      { path: "src/control/e.ts", code: `const t = Date.now();` },
      { path: "src/runtime/f.ts", code: `import { x } from "../monitor/mod.ts";` },
      { path: "src/monitor/g.ts", code: `import { y } from "./h";` },
      { path: "src/mystery/i.ts", code: `` },
    ];
    const found = violations(bad);
    assert.equal(found.length, 8, found.join("\n"));
    assert.deepEqual(
      violations([{ path: "src/runtime/ok.ts", code: `import os from "node:os";` }]),
      [],
    );
  });
});
