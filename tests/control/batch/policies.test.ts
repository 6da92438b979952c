import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hillClimbPolicy } from "../../../src/control/batch/hill-climb-policy.ts";
import { loadPolicy } from "../../../src/control/batch/load-policy.ts";
import { modelPolicy } from "../../../src/control/batch/model-policy.ts";
import { resolveBatchOperation } from "../../../src/control/batch/options.ts";
import type { BatchPolicy } from "../../../src/control/batch/types.ts";
import { ConfigError } from "../../../src/config/config-error.ts";

/** Runs `batches` batches of cost `overhead + perItem × n` through `policy`; returns the sizes. */
function drive(
  policy: BatchPolicy,
  batches: number,
  overhead: number,
  perItem: number,
  clock: { t: number },
): { sizes: number[]; over: number } {
  const sizes: number[] = [];
  let over = 0;
  for (let i = 0; i < batches; i++) {
    const items = policy.current.size;
    const durationMs = overhead + perItem * items;
    clock.t += durationMs;
    if (durationMs > 100) over++;
    sizes.push(items);
    policy.record({ items, durationMs, now: clock.t });
  }
  return { sizes, over };
}

describe("resolveBatchOperation()", () => {
  it("validates the defaults it fills in from, naming them under defaults", () => {
    assert.throws(
      () => resolveBatchOperation({}, { budgetMs: -5, mode: "fast" as "model" }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.issues.map((i) => i.path).sort(), [
          "defaults.budgetMs",
          "defaults.mode",
        ]);
        return true;
      },
    );
    const resolved = resolveBatchOperation({ minSize: 2 }, { budgetMs: 50, maxSize: 80 });
    assert.deepEqual([resolved.budgetMs, resolved.minSize, resolved.maxSize], [50, 2, 80]);
  });

  it("gives load mode the seed's sizes (5 to 100, 25) and cooldown unless set", () => {
    const sizes = (o: Parameters<typeof resolveBatchOperation>[0]) => {
      const r = resolveBatchOperation(o);
      return [r.minSize, r.maxSize, r.defaultSize, r.cooldownMs];
    };
    assert.deepEqual(sizes({ mode: "load" }), [5, 100, 25, 5000]);
    assert.deepEqual(sizes({}), [1, 10_000, 25, 0]);
    assert.deepEqual(sizes({ mode: "load", maxSize: 3 }), [3, 3, 3, 5000]);
    assert.deepEqual(sizes({ mode: "load", minSize: 200 }), [200, 200, 200, 5000]);
    // A default or first size above 100 still fits, as before the seed's sizes.
    assert.deepEqual(sizes({ mode: "load", defaultSize: 500 }), [5, 500, 500, 5000]);
    assert.equal(resolveBatchOperation({ mode: "load", initialSize: 250 }).maxSize, 250);
  });
});

describe("modelPolicy()", () => {
  it("grows to the largest batch inside the budget without going over", () => {
    const policy = modelPolicy(resolveBatchOperation({ budgetMs: 100, initialSize: 10 }));
    // Cautious (5% assumed noise) until it has measured the noise, then close to 160.
    const { sizes, over } = drive(policy, 150, 20, 0.5, { t: 0 });
    const last = sizes.slice(-20);
    assert.equal(over, 0);
    assert.ok(Math.max(...last) <= 160, `largest ${Math.max(...last)}`);
    // Most batches run within 5% of the 160 that exactly fills 100 ms.
    const near = last.filter((n) => n >= 152).length;
    assert.ok(near >= 15, `only ${near} of 20 near 160: ${last.join(",")}`);
    const model = policy.model();
    assert.ok(model !== undefined);
    assert.ok(Math.abs(model.overheadMs - 20) < 0.5, `overhead ${model.overheadMs}`);
  });

  it("re-fits within a few batches after the per-item cost changes", () => {
    const policy = modelPolicy(resolveBatchOperation({ budgetMs: 100, initialSize: 10 }));
    const clock = { t: 0 };
    drive(policy, 60, 20, 0.5, clock);
    const after = drive(policy, 40, 20, 1.2, clock);
    // The first batch at the old size is over; at most one more while the fit settles.
    assert.ok(after.over >= 1 && after.over <= 2, `over ${after.over}`);
    const settled = after.sizes.slice(5);
    assert.ok(settled.every((n) => n <= 66), `sizes ${settled.join(",")}`); // 20 + 1.2 × 66.7 = 100
    assert.ok(settled.filter((n) => n >= 60).length >= 25, `sizes ${settled.join(",")}`);
    assert.ok(Math.abs((policy.model()?.perItemMs ?? 0) - 1.2) < 0.01);
    assert.match(policy.current.reason, /fit|probe/);
  });

  it("names a detected change in its reason", () => {
    const policy = modelPolicy(resolveBatchOperation({ budgetMs: 100, initialSize: 10 }));
    const clock = { t: 0 };
    drive(policy, 60, 20, 0.5, clock);
    const items = policy.current.size;
    const reason = policy.record({ items, durationMs: 20 + 1.2 * items, now: clock.t + 1 }).reason;
    assert.match(reason, /cost changed, refitting/);
  });

  it("probes a smaller batch now and then to keep the fit identifiable", () => {
    const policy = modelPolicy(
      resolveBatchOperation({ budgetMs: 100, initialSize: 10, model: { probeEvery: 5 } }),
    );
    drive(policy, 100, 20, 0.5, { t: 0 });
    let probes = 0;
    const clock = { t: 10_000 };
    for (let i = 0; i < 20; i++) {
      const items = policy.current.size;
      if (policy.current.probe) probes++;
      clock.t += 20 + 0.5 * items;
      policy.record({ items, durationMs: 20 + 0.5 * items, now: clock.t });
    }
    assert.ok(probes >= 3 && probes <= 5, `probes ${probes}`);
  });

  it("holds growth for cooldownMs but shrinks at once", () => {
    const policy = modelPolicy(
      resolveBatchOperation({ budgetMs: 100, initialSize: 10, cooldownMs: 1000 }),
    );
    // 10 items took 25 ms: room to grow, but the first change starts the cooldown.
    const first = policy.record({ items: 10, durationMs: 25, now: 0 }).size;
    assert.ok(first > 10);
    const held = policy.record({ items: first, durationMs: 20 + 0.5 * first, now: 100 });
    assert.equal(held.size, first);
    assert.match(held.reason, /cooldown/);
    // Far over budget: shrink although the cooldown has not passed.
    const shrunk = policy.record({ items: first, durationMs: 400, now: 200 }).size;
    assert.ok(shrunk < first, `${shrunk} >= ${first}`);
  });

  it("never holds growth with cooldownMs 0, even for a batch stamped before the last change", () => {
    const policy = modelPolicy(resolveBatchOperation({ budgetMs: 1000, initialSize: 10 }));
    assert.equal(policy.record({ items: 10, durationMs: 10, now: 1000 }).size, 20);
    const next = policy.record({ items: 10, durationMs: 10, now: 500 });
    assert.equal(next.size, 40);
    assert.doesNotMatch(next.reason, /cooldown/);
  });
});

describe("loadPolicy()", () => {
  const options = resolveBatchOperation({
    mode: "load",
    minSize: 5,
    maxSize: 100,
    defaultSize: 25,
    cooldownMs: 1000,
  });

  it("uses maxSize at low load, minSize at high load and scales in between", () => {
    const policy = loadPolicy(options);
    assert.equal(policy.load(10, 0, "").size, 100);
    assert.equal(policy.load(80.5, 5000, "").size, 5);
    assert.equal(policy.load(60, 10_000, "").size, 68); // 100 - (10/30) × 95
  });

  it("holds a change for cooldownMs, then applies it", () => {
    const policy = loadPolicy(options);
    policy.load(10, 0, "");
    const held = policy.load(90, 500, "");
    assert.equal(held.size, 100);
    assert.match(held.reason, /cooldown/);
    assert.equal(policy.load(90, 1000, "").size, 5);
  });

  it("skips the cooldown only for a figure the size in force was set without", () => {
    const policy = loadPolicy(options);
    assert.equal(policy.load(90, 0, "", ["cpu", "memory"]).size, 5);
    // A memory-only reading, held: the size in force still rests on both figures.
    assert.match(policy.load(10, 300, "", ["memory"]).reason, /cooldown/);
    assert.equal(policy.load(10, 600, "", ["cpu", "memory"]).size, 5, "still held");
    // Set on memory alone, a size gives way at once to the first reading with CPU.
    const blind = loadPolicy(options);
    assert.equal(blind.load(10, 0, "", ["memory"]).size, 100);
    assert.equal(blind.load(90, 300, "", ["cpu", "memory"]).size, 5);
  });

  it("falls back to defaultSize without a load reading, ignoring the cooldown", () => {
    const policy = loadPolicy(options);
    policy.load(10, 0, "");
    const fallback = policy.load(undefined, 1, "monitor stopped");
    assert.equal(fallback.size, 25);
    assert.match(fallback.reason, /monitor stopped.*default size 25/);
  });

  it("says why once the load is back in the band of the size a cooldown held", () => {
    const policy = loadPolicy(options);
    policy.load(10, 0, "");
    assert.match(policy.load(95, 500, "").reason, /cooldown/);
    const back = policy.load(20, 600, "");
    assert.equal(back.size, 100);
    assert.equal(back.reason, "load 20% < 50%: largest batches: 100");
  });

  it("ignores batch timings", () => {
    const policy = loadPolicy(options);
    assert.equal(policy.record({ items: 25, durationMs: 1e6, now: 1 }).size, 25);
  });
});

describe("hillClimbPolicy()", () => {
  const options = resolveBatchOperation({
    mode: "hill-climb",
    minSize: 8,
    maxSize: 64,
    initialSize: 32,
    hillClimb: { window: 4, highMs: 5, lowMs: 0.5 },
  });

  it("steps once per window: down above highMs, up below lowMs, else holds", () => {
    const policy = hillClimbPolicy(options);
    const feed = (ms: number, now: number): number => {
      let size = 0;
      for (let i = 0; i < 4; i++) size = policy.record({ items: 32, durationMs: ms, now }).size;
      return size;
    };
    for (let i = 0; i < 3; i++) {
      assert.equal(policy.record({ items: 32, durationMs: 9, now: 0 }).size, 32, "mid-window");
    }
    assert.equal(policy.record({ items: 32, durationMs: 9, now: 0 }).size, 24);
    assert.equal(feed(0.1, 2), 32);
    assert.equal(feed(2, 3), 32);
  });

  it("never holds a step with cooldownMs 0 when a window ends before the last change", () => {
    const policy = hillClimbPolicy(options);
    for (let i = 0; i < 4; i++) policy.record({ items: 32, durationMs: 9, now: 1000 });
    assert.equal(policy.current.size, 24);
    for (let i = 0; i < 4; i++) policy.record({ items: 24, durationMs: 9, now: 500 });
    assert.equal(policy.current.size, 16);
    assert.doesNotMatch(policy.current.reason, /cooldown/);
  });

  it("leaves empty batches out of its window", () => {
    const policy = hillClimbPolicy(options);
    for (let i = 0; i < 3; i++) policy.record({ items: 32, durationMs: 2, now: 1 });
    // A poll that found nothing took no time: it says nothing about batches of 32.
    for (let i = 0; i < 8; i++) policy.record({ items: 0, durationMs: 0, now: 2 });
    assert.equal(policy.current.size, 32);
    assert.equal(policy.record({ items: 32, durationMs: 2, now: 3 }).size, 32);
    assert.match(policy.current.reason, /mean 2\.00 ms over 4 batches within/);
  });

  it("stays on multiples of step within min and max", () => {
    const policy = hillClimbPolicy(options);
    for (let w = 0; w < 10; w++) {
      for (let i = 0; i < 4; i++) policy.record({ items: 8, durationMs: 100, now: w });
    }
    assert.equal(policy.current.size, 8);
    for (let w = 0; w < 20; w++) {
      for (let i = 0; i < 4; i++) policy.record({ items: 8, durationMs: 0, now: w });
    }
    assert.equal(policy.current.size, 64);
  });
});
