import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { seededRandom } from "../../src/internal/random.ts";
import { PoolClosedError, QueueFullError } from "../../src/pool/errors.ts";
import { testPool } from "./support/helpers.ts";

/**
 * Random sequences of run / abort / timeout / resize / crash / close. After
 * each, every task must have settled exactly once and the counts add up.
 */
async function randomRun(seed: number, operations: number): Promise<void> {
  const random = seededRandom(seed);
  const pool = testPool({ minWorkers: 1, maxWorkers: 2, maxQueue: 400, cancelGraceMs: 100 });
  const settles = new Map<number, number>();
  const promises: Promise<void>[] = [];
  const controllers: AbortController[] = [];
  let submitted = 0;
  let refused = 0;
  const track = (id: number, promise: Promise<unknown>): void => {
    settles.set(id, 0);
    promises.push(promise.then(
      () => void settles.set(id, settles.get(id)! + 1),
      (error: unknown) => {
        settles.set(id, settles.get(id)! + 1);
        if (error instanceof QueueFullError) refused++;
      },
    ));
  };
  for (let op = 0; op < operations; op++) {
    const r = random();
    if (r < 0.7) {
      const controller = new AbortController();
      controllers.push(controller);
      const kind = random();
      const promise = kind < 0.6
        ? pool.run("inc", op, { signal: controller.signal, priority: Math.floor(random() * 3) })
        : kind < 0.75
        ? pool.run("fail", "boom", { signal: controller.signal })
        : kind < 0.9
        ? pool.run("sleep", Math.floor(random() * 3), { signal: controller.signal })
        : kind < 0.97
        ? pool.run("spin", 1, { signal: controller.signal, key: `k${op % 3}` })
        : pool.run("sleep", 50, { timeoutMs: Math.floor(random() * 10) });
      track(submitted++, promise);
    } else if (r < 0.85) {
      controllers[Math.floor(random() * controllers.length)]?.abort();
    } else if (r < 0.9) {
      const max = 1 + Math.floor(random() * 3);
      pool.resize(Math.floor(random() * (max + 1)), max);
    } else if (r < 0.91) {
      track(submitted++, pool.run("exit"));
    } else if (r < 0.92) {
      track(submitted++, pool.run("throwLater"));
    } else {
      await Promise.resolve(); // let some results arrive between bursts
      if (random() < 0.3) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  const force = random() < 0.5;
  await pool.close({ force });
  await Promise.all(promises);
  for (const [id, count] of settles) assert.equal(count, 1, `task ${id} settled ${count} times`);
  assert.equal(settles.size, submitted);
  const stats = pool.stats();
  assert.equal(stats.pending, 0);
  assert.equal(stats.queueDepth, 0);
  assert.equal(stats.running, 0);
  const accounted = stats.completed + stats.failed + stats.cancelled + stats.crashed;
  // A forced close rejects the rest with PoolClosedError, outside the counters.
  if (!force) assert.equal(accounted + refused, submitted, JSON.stringify(stats));
  else assert.ok(accounted + refused <= submitted);
  assert.ok(await pool.run("inc", 1).catch((e: unknown) => e) instanceof PoolClosedError);
}

describe("WorkerPool under random operations", () => {
  for (const seed of [1, 2, 3]) {
    it(`settles every task exactly once (seed ${seed}, 1500 operations)`, async () => {
      await randomRun(seed, 1500);
    });
  }
});
