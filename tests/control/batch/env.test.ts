import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../src/config/config-error.ts";
import { batchSizerOptionsFromEnv } from "../../../src/control/batch/env.ts";

function rejection(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail("expected a ConfigError");
}

describe("batchSizerOptionsFromEnv()", () => {
  it("maps every variable to its option and leaves unset or empty ones out", () => {
    const options = batchSizerOptionsFromEnv({
      HEADROOM_BATCH_MODE: " load ",
      HEADROOM_BATCH_DEFAULT_SIZE: "50",
      HEADROOM_BATCH_MIN_SIZE: "10",
      HEADROOM_BATCH_MAX_SIZE: "200",
      HEADROOM_BATCH_INITIAL_SIZE: "20",
      HEADROOM_BATCH_LOW_LOAD_THRESHOLD: "40",
      HEADROOM_BATCH_HIGH_LOAD_THRESHOLD: "75.5",
      HEADROOM_BATCH_BUDGET_MS: "250",
      HEADROOM_BATCH_COOLDOWN_MS: "",
      UNRELATED: "x",
    });
    assert.deepEqual(options, {
      mode: "load",
      defaultSize: 50,
      minSize: 10,
      maxSize: 200,
      initialSize: 20,
      lowLoadPercent: 40,
      highLoadPercent: 75.5,
      budgetMs: 250,
    });
    assert.deepEqual(batchSizerOptionsFromEnv({}), {});
  });

  it("reads ENABLED=false as fixed mode and ENABLED=true as no change", () => {
    assert.deepEqual(batchSizerOptionsFromEnv({ HEADROOM_BATCH_ENABLED: "false" }), {
      mode: "fixed",
    });
    assert.deepEqual(batchSizerOptionsFromEnv({ HEADROOM_BATCH_ENABLED: "TRUE" }), {});
  });

  it("takes another prefix", () => {
    assert.deepEqual(batchSizerOptionsFromEnv({ APP_MIN_SIZE: "3" }, "APP_"), { minSize: 3 });
  });

  it("names the variable, the value and what was expected", () => {
    const text = rejection(() => batchSizerOptionsFromEnv({ HEADROOM_BATCH_MIN_SIZE: "ten" }));
    assert.equal(text.target, "batch sizer environment");
    assert.deepEqual(
      text.issues.map((i) => [i.path, i.received, i.expected]),
      [["HEADROOM_BATCH_MIN_SIZE", '"ten"', "a whole number >= 1"]],
    );
    const fraction = rejection(() => batchSizerOptionsFromEnv({ HEADROOM_BATCH_MAX_SIZE: "2.5" }));
    assert.deepEqual(fraction.issues.map((i) => [i.path, i.expected]), [
      ["HEADROOM_BATCH_MAX_SIZE", "integer"],
    ]);
    const mode = rejection(() => batchSizerOptionsFromEnv({ HEADROOM_BATCH_MODE: "fast" }));
    assert.equal(mode.issues[0]?.path, "HEADROOM_BATCH_MODE");
    assert.match(mode.message, /`HEADROOM_BATCH_MODE` received "fast"/);
    const flag = rejection(() => batchSizerOptionsFromEnv({ HEADROOM_BATCH_ENABLED: "maybe" }));
    assert.equal(flag.issues[0]?.path, "HEADROOM_BATCH_ENABLED");
  });

  it("takes plain decimal numbers only, refusing hex, binary and octal notation", () => {
    assert.deepEqual(batchSizerOptionsFromEnv({ HEADROOM_BATCH_MAX_SIZE: " 5 " }), { maxSize: 5 });
    assert.deepEqual(batchSizerOptionsFromEnv({ HEADROOM_BATCH_MAX_SIZE: "1e3" }), {
      maxSize: 1000,
    });
    assert.deepEqual(
      batchSizerOptionsFromEnv({
        HEADROOM_BATCH_BUDGET_MS: ".5",
        HEADROOM_BATCH_COOLDOWN_MS: "+10.",
        HEADROOM_BATCH_MIN_SIZE: "",
      }),
      { budgetMs: 0.5, cooldownMs: 10 },
    );
    const cases: [string, string, string][] = [
      ["MAX_SIZE", "0x10", "a whole number >= 1"],
      ["MAX_SIZE", "0b101", "a whole number >= 1"],
      ["MIN_SIZE", " 0o17 ", "a whole number >= 1"],
      ["LOW_LOAD_THRESHOLD", "0x10", "a percentage 0-100"],
      ["BUDGET_MS", "1_000", "a number of milliseconds"],
      ["COOLDOWN_MS", "-0x1", "a number of milliseconds"],
    ];
    for (const [name, value, expected] of cases) {
      const error = rejection(() =>
        batchSizerOptionsFromEnv({ [`HEADROOM_BATCH_${name}`]: value })
      );
      assert.deepEqual(
        error.issues.map((i) => [i.path, i.expected]),
        [[`HEADROOM_BATCH_${name}`, expected]],
        `${name}=${value}`,
      );
    }
  });

  it("names variables that disagree with each other, or with a default", () => {
    const error = rejection(() =>
      batchSizerOptionsFromEnv({ HEADROOM_BATCH_MIN_SIZE: "50", HEADROOM_BATCH_MAX_SIZE: "10" })
    );
    assert.deepEqual(error.issues.map((i) => [i.path, i.received, i.expected]), [
      ["HEADROOM_BATCH_MAX_SIZE", "10", ">= 50 (minSize)"],
    ]);
    // INITIAL_SIZE, never set, inherits the bad default: only DEFAULT_SIZE is named.
    const size = rejection(() =>
      batchSizerOptionsFromEnv({
        HEADROOM_BATCH_DEFAULT_SIZE: "500",
        HEADROOM_BATCH_MAX_SIZE: "200",
      })
    );
    assert.deepEqual(size.issues.map((i) => [i.path, i.received]), [
      ["HEADROOM_BATCH_DEFAULT_SIZE", "500"],
    ]);
    const initial = rejection(() =>
      batchSizerOptionsFromEnv({
        HEADROOM_BATCH_INITIAL_SIZE: "300",
        HEADROOM_BATCH_MAX_SIZE: "200",
      })
    );
    assert.deepEqual(initial.issues.map((i) => [i.path, i.received]), [
      ["HEADROOM_BATCH_INITIAL_SIZE", "300"],
    ]);
    const low = rejection(() =>
      batchSizerOptionsFromEnv({ HEADROOM_BATCH_LOW_LOAD_THRESHOLD: "90" })
    );
    assert.deepEqual(low.issues.map((i) => [i.path, i.received]), [
      ["HEADROOM_BATCH_HIGH_LOAD_THRESHOLD", "80 (its default)"],
    ]);
  });
});
