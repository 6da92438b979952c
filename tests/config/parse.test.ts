import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as v from "valibot";
import { ConfigError } from "../../src/config/config-error.ts";
import { parseOptions } from "../../src/config/parse.ts";
import { WorkerPool } from "../../src/pool/pool.ts";
import { createFakeAdapter } from "../../src/runtime/fake.ts";

const schema = v.strictObject({
  size: v.optional(v.pipe(v.number(), v.minValue(1)), 4),
  mode: v.optional(v.picklist(["a", "b"])),
  nested: v.optional(v.strictObject({ ms: v.pipe(v.number(), v.finite()) })),
});

function rejection(input: unknown): ConfigError {
  try {
    parseOptions(schema, input, "widget options");
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail("expected a ConfigError");
}

describe("parseOptions()", () => {
  it("returns the parsed options with defaults filled in", () => {
    assert.deepEqual(parseOptions(schema, {}, "widget options"), { size: 4 });
  });

  it("names every bad field, the value received and what was expected", () => {
    const error = rejection({ size: 0, mode: "c", nested: { ms: Infinity } });
    assert.equal(error.target, "widget options");
    assert.deepEqual(
      error.issues.map(({ path, received, expected }) => [path, received, expected]),
      [["size", "0", ">=1"], ["mode", '"c"', '("a" | "b")'], ["nested.ms", "Infinity", "finite"]],
    );
    assert.match(error.message, /^Cannot use widget options: 3 invalid field\(s\)/);
    assert.match(error.message, /`size` received 0, expected >=1/);
    assert.ok(error instanceof TypeError, "a ConfigError is a TypeError");
  });

  it("names an unknown key as a misspelt option", () => {
    const error = rejection({ sise: 3 });
    assert.equal(error.issues[0]?.path, "sise");
    assert.match(error.message, /`sise` received 3, no such option/);
  });

  it("shows an instance of a class by its class, not as the JSON `{}`", () => {
    class Widget {}
    const error = rejection({ size: new Widget(), mode: new Map(), nested: { ms: [1] } });
    assert.deepEqual(error.issues.map(({ received }) => received), ["a Widget", "a Map", "[1]"]);
    assert.equal(rejection({ size: new (class Engine {})() }).issues[0]?.received, "an Engine");
    assert.equal(rejection({ size: new Uint8Array(2) }).issues[0]?.received, "a Uint8Array");
  });

  it("says what a field takes in its schema's own words where the schema gives them", () => {
    const expects = "a URL (use workerUrl('./worker.ts', import.meta.url))";
    const worker = v.strictObject({
      worker: v.union([v.instance(URL), v.pipe(v.string(), v.url(expects))]),
      size: v.optional(v.pipe(v.number(), v.minValue(1))),
    });
    const issues = (input: unknown): ConfigError["issues"] => {
      try {
        parseOptions(worker, input, "pool options");
      } catch (error) {
        if (error instanceof ConfigError) return error.issues;
        throw error;
      }
      return assert.fail("expected a ConfigError");
    };
    // A path is a string, but not a URL: valibot alone says "expected url".
    assert.deepEqual(issues({ worker: "./hash-worker.mjs" })[0], {
      path: "worker",
      expected: expects,
      received: '"./hash-worker.mjs"',
      message: `\`worker\` received "./hash-worker.mjs", expected ${expects}`,
    });
    // The wrong type altogether fails the union, not the URL check: still the schema's words.
    assert.equal(issues({ worker: 5 })[0]?.expected, expects);
    // A field with no message of its own keeps valibot's words.
    assert.deepEqual(
      issues({ worker: new URL("file:///w.js"), size: 0 }).map(({ path, expected }) => [
        path,
        expected,
      ]),
      [["size", ">=1"]],
    );
  });

  it("says a missing required field is required, and what it takes", () => {
    const expects = "a URL (use workerUrl('./worker.ts', import.meta.url))";
    const schemaWithUrl = v.strictObject({
      worker: v.union([v.instance(URL), v.pipe(v.string(), v.url(expects))]),
      limit: v.pipe(v.number(), v.minValue(1)),
    });
    let error: unknown;
    try {
      parseOptions(schemaWithUrl, {}, "pool options");
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(error.issues.map(({ path, expected, message }) => [path, expected, message]), [
      ["worker", expects, `\`worker\` is required, expected ${expects}`],
      ["limit", "number", "`limit` is required, expected number"],
    ]);
  });

  it("tells a WorkerPool given a path, or no worker, to pass a URL", () => {
    const adapter = createFakeAdapter();
    const hint = /expected a URL \(use workerUrl\('\.\/worker\.ts', import\.meta\.url\)\)/;
    for (const worker of ["./hash-worker.mjs", "/tmp/hash-worker.mjs"]) {
      assert.throws(() => new WorkerPool({ worker, adapter }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, hint);
        assert.equal(error.issues[0]?.received, JSON.stringify(worker));
        return true;
      });
    }
    assert.throws(
      () => new WorkerPool({ adapter } as never),
      (error: unknown) =>
        error instanceof ConfigError && /`worker` is required, /.test(error.message) &&
        hint.test(error.message),
    );
  });

  it("rejects a non-object", () => {
    const error = rejection("fast");
    assert.equal(error.issues[0]?.path, "");
    assert.match(error.message, /options received "fast"/);
  });
});
