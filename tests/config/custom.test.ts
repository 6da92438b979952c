import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as v from "valibot";
import { ConfigError } from "../../src/config/config-error.ts";
import { custom, hasMethods, requirement } from "../../src/config/custom.ts";
import { parseOptions } from "../../src/config/parse.ts";

describe("custom() and hasMethods()", () => {
  it("hasMethods() wants an object with a function under every name", () => {
    assert.equal(hasMethods({ set() {}, clear() {} }, ["set", "clear"]), true);
    assert.equal(hasMethods({ set() {}, clear: 1 }, ["set", "clear"]), false);
    assert.equal(hasMethods(null, ["set"]), false);
    assert.equal(hasMethods(() => {}, []), false, "a function is not an object with methods");
  });

  it("custom() passes what its check accepts and names what it expected otherwise", () => {
    const schema = v.strictObject({
      scheduler: custom<object>((input) => hasMethods(input, ["set"]), "a Scheduler (set)"),
    });
    const scheduler = { set() {} };
    assert.equal(parseOptions(schema, { scheduler }, "T").scheduler, scheduler);
    assert.throws(
      () => parseOptions(schema, { scheduler: 5 }, "T options"),
      (error: unknown) =>
        error instanceof ConfigError &&
        /`scheduler` received 5, expected a Scheduler \(set\)/.test(error.message),
    );
  });
});

describe("requirement()", () => {
  it("names what a check across fields expected", () => {
    const schema = v.pipe(
      v.strictObject({ min: v.number(), max: v.number() }),
      requirement((o) => o.min <= o.max, "`min` at most `max`"),
    );
    assert.deepEqual(parseOptions(schema, { min: 1, max: 2 }, "T"), { min: 1, max: 2 });
    assert.throws(
      () => parseOptions(schema, { min: 3, max: 2 }, "T options"),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.issues[0]?.expected === "`min` at most `max`" &&
        /options received \{"min":3,"max":2\}, expected `min` at most `max`/.test(error.message),
    );
  });
  it("shows the field's own value when the check is forwarded to it", () => {
    const schema = v.pipe(
      v.strictObject({ min: v.number(), max: v.number() }),
      v.forward(requirement((o) => o.min <= o.max, "at most `max`"), ["min"]),
    );
    assert.throws(
      () => parseOptions(schema, { min: 3, max: 2 }, "T options"),
      (error: unknown) =>
        error instanceof ConfigError && error.issues[0]?.path === "min" &&
        error.issues[0]?.received === "3" &&
        /`min` received 3, expected at most `max`/.test(error.message),
    );
  });
});
