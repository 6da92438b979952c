import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const read = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../${name}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;

describe("manifests", () => {
  const npm = read("package.json");
  const jsr = read("deno.json");

  it("give npm and JSR the same version", () => {
    assert.match(String(npm["version"]), /^\d+\.\d+\.\d+/);
    assert.equal(jsr["version"], npm["version"]);
  });

  it("export the same subpaths, JSR from source and npm from dist", () => {
    const npmExports = npm["exports"] as Record<string, unknown>;
    const jsrExports = jsr["exports"] as Record<string, string>;
    const npmPaths = Object.keys(npmExports).filter((key) => key !== "./package.json").sort();
    assert.deepEqual(npmPaths, Object.keys(jsrExports).sort());
    for (const [subpath, source] of Object.entries(jsrExports)) {
      const target = npmExports[subpath] as { default: string; types: string };
      const built = source.replace(/^\.\//, "./dist/").replace(/\.ts$/, ".js");
      assert.equal(target.default, built, `${subpath} points npm at the build of ${source}`);
      assert.equal(target.types, built.replace(/\.js$/, ".d.ts"));
    }
  });

  it("name the package @headroom/headroom on npm and JSR, so imports read the same on both", () => {
    // "headroom" on npm is someone else's placeholder.
    assert.equal(npm["name"], "@headroom/headroom");
    assert.equal(jsr["name"], "@headroom/headroom");
    assert.deepEqual(npm["publishConfig"], { access: "public" }, "a scoped package is public");
  });
});
