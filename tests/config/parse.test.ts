import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as v from "valibot";
import { ConfigError } from "../../src/config/config-error.ts";
import { parseOptions } from "../../src/config/parse.ts";

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

  it("rejects a non-object", () => {
    const error = rejection("fast");
    assert.equal(error.issues[0]?.path, "");
    assert.match(error.message, /options received "fast"/);
  });
});
