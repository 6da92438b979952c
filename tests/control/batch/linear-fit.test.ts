import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { linearFit } from "../../../src/control/batch/linear-fit.ts";

describe("linearFit()", () => {
  it("recovers overhead and per-item cost from exact points", () => {
    const fit = linearFit(16);
    for (const n of [50, 100, 150, 200]) fit.add(n, 20 + 0.5 * n);
    const model = fit.model(0.05);
    assert.ok(model !== undefined);
    assert.ok(Math.abs(model.overheadMs - 20) < 1e-9, `overhead ${model.overheadMs}`);
    assert.ok(Math.abs(model.perItemMs - 0.5) < 1e-9, `per item ${model.perItemMs}`);
  });

  it("refuses to fit while the sizes are too alike", () => {
    const fit = linearFit(16);
    fit.add(100, 70);
    assert.equal(fit.model(0.05), undefined, "one point");
    fit.add(101, 70.5);
    assert.equal(fit.model(0.05), undefined, "spread 0.5% < 5%");
    fit.add(150, 95);
    assert.notEqual(fit.model(0.05), undefined);
  });

  it("follows a change within a few half-lives", () => {
    const fit = linearFit(4);
    for (let i = 0; i < 40; i++) fit.add(i % 2 ? 100 : 80, 20 + 0.5 * (i % 2 ? 100 : 80));
    for (let i = 0; i < 40; i++) fit.add(i % 2 ? 100 : 80, 20 + 1.0 * (i % 2 ? 100 : 80));
    const model = fit.model(0.05);
    assert.ok(model !== undefined && Math.abs(model.perItemMs - 1) < 0.01, `${model?.perItemMs}`);
  });

  it("forgets everything on reset", () => {
    const fit = linearFit(16);
    fit.add(10, 5);
    fit.add(20, 10);
    fit.reset();
    assert.equal(fit.weight, 0);
    assert.equal(fit.model(0), undefined);
  });
});
