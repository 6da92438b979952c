import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ewma, ewmaAlpha } from "../../src/monitor/ewma.ts";

describe("ewmaAlpha()", () => {
  it("moves halfway after one half-life and three quarters after two", () => {
    assert.equal(ewmaAlpha(1000, 1000), 0.5);
    assert.equal(ewmaAlpha(2000, 1000), 0.75);
    const quarter = ewmaAlpha(500, 1000); // half a half-life: 1 - 1/sqrt(2)
    assert.ok(Math.abs(quarter - (1 - Math.SQRT1_2)) < 1e-12, `got ${quarter}`);
  });

  it("does not smooth with a half-life of 0 and ignores a step back in time", () => {
    assert.equal(ewmaAlpha(10, 0), 1);
    assert.equal(ewmaAlpha(0, 1000), 0);
    assert.equal(ewmaAlpha(-5, 1000), 0);
  });

  it("does not smooth with a half-life of 0 even when no time has passed", () => {
    assert.equal(ewmaAlpha(0, 0), 1);
    assert.equal(ewmaAlpha(-5, 0), 1);
    const average = ewma(0);
    average.update(10, 5);
    assert.equal(average.update(90, 5), 90);
  });

  it("rejects a negative or NaN half-life with a RangeError", () => {
    assert.throws(() => ewmaAlpha(1, -1), RangeError);
    assert.throws(() => ewma(Number.NaN), RangeError);
  });
});

describe("ewma()", () => {
  it("takes the first value as is", () => {
    const average = ewma(1000);
    assert.equal(average.value, undefined);
    assert.equal(average.update(42, 7), 42);
    assert.equal(average.value, 42);
  });

  it("weighs by elapsed time, not by number of updates", () => {
    const average = ewma(1000);
    average.update(0, 0);
    assert.equal(average.update(100, 1000), 50);
    assert.equal(average.update(0, 3000), 12.5);
    assert.equal(average.update(1000, 3000), 12.5);
  });

  it("starts over after reset()", () => {
    const average = ewma(1000);
    average.update(10, 0);
    average.reset();
    assert.equal(average.value, undefined);
    assert.equal(average.update(90, 1), 90);
  });

  it("ignores a non-finite value or time instead of turning NaN for good", () => {
    const average = ewma(1000);
    assert.equal(average.update(Number.NaN, 0), undefined);
    assert.equal(average.value, undefined);
    assert.equal(average.update(0, 0), 0);
    assert.equal(average.update(Number.POSITIVE_INFINITY, 500), 0);
    assert.equal(average.update(100, Number.NaN), 0);
    assert.equal(average.update(100, 1000), 50, "weighed from the last finite update");
  });

  it("follows the newest value when the half-life is 0", () => {
    const average = ewma(0);
    average.update(10, 0);
    assert.equal(average.update(90, 1), 90);
  });
});
