// Builds dist/ for npm: JavaScript plus declarations. `tsc` rewrites `.ts`
// specifiers to `.js` in the JavaScript it emits but keeps them in `.d.ts`
// files, where a consumer's compiler would look for sources that are not
// shipped; so the declarations get the same rewrite here.
// Usage: node scripts/build.ts
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

rmSync(dist, { recursive: true, force: true });
execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

const relativeTs = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.ts(["'])/g;
let rewritten = 0;
for (const file of files(dist)) {
  if (!file.endsWith(".d.ts")) continue;
  const text = readFileSync(file, "utf8");
  const next = text.replace(relativeTs, "$1$2.js$3");
  if (next !== text) {
    writeFileSync(file, next);
    rewritten++;
  }
}
console.log(`built dist/ (${rewritten} declaration files had .ts specifiers rewritten)`);
