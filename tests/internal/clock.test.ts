import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { systemClock } from "../../src/internal/clock.ts";

describe("systemClock", () => {
  it("reads performance.now(), so it shares its origin and never goes backwards", () => {
    const before = performance.now();
    const first = systemClock();
    const second = systemClock();
    const after = performance.now();
    assert.ok(first >= before, `${first} < ${before}`);
    assert.ok(second >= first, `${second} < ${first}`);
    assert.ok(after >= second, `${after} < ${second}`);
  });
});
