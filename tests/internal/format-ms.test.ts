import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatMs } from "../../src/internal/format-ms.ts";

describe("formatMs()", () => {
  it("prints whole milliseconds from 10 ms up", () => {
    assert.equal(formatMs(50.75790999999998), "51");
    assert.equal(formatMs(299.75224100000014), "300");
    assert.equal(formatMs(10), "10");
    assert.equal(formatMs(1234.5), "1235");
  });

  it("prints one decimal below 10 ms, without a trailing .0", () => {
    assert.equal(formatMs(2.54), "2.5");
    assert.equal(formatMs(9.94), "9.9");
    assert.equal(formatMs(9.96), "10");
    assert.equal(formatMs(3), "3");
    assert.equal(formatMs(0.04), "0");
    assert.equal(formatMs(-0.04), "0");
  });

  it("leaves what is not a finite number as it is", () => {
    assert.equal(formatMs(Infinity), "Infinity");
    assert.equal(formatMs(Number.NaN), "NaN");
  });
});
