import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as v from "valibot";
import { ConfigError } from "../../src/config/config-error.ts";
import { custom, hasMethods } from "../../src/config/custom.ts";
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
