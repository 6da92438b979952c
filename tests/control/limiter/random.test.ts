import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AdaptiveLimiter } from "../../../src/control/limiter/adaptive-limiter.ts";
import type { Outcome, Permit } from "../../../src/control/limiter/permit.ts";
import { randomInt, seededRandom } from "../../../src/internal/random.ts";
import { ManualTime } from "../../monitor/manual-time.ts";
import { flush } from "./helpers.ts";

const PARTITIONS = [undefined, "a", "b"] as const;
const OUTCOMES: readonly Outcome[] = ["ok", "dropped", "ignore"];

interface Call {
  settled: number;
  permit: Permit | undefined;
  controller: AbortController;
}

async function scenario(seed: number): Promise<void> {
  const random = seededRandom(seed);
  const time = new ManualTime();
  const limiter = new AdaptiveLimiter({
    limit: randomInt(random, 1, 5),
    clock: time.clock,
    scheduler: time.scheduler,
    order: random() < 0.5 ? "fifo" : "lifo",
    maxWaitMs: random() < 0.5 ? Infinity : randomInt(random, 1, 30),
    maxQueue: random() < 0.3 ? randomInt(random, 0, 4) : Infinity,
    partitions: { a: { share: 0.3 }, b: { share: 0.4 } },
  });
  const calls: Call[] = [];
  const held: Permit[] = [];
  let released = 0;
  let tryFailures = 0;
  const context = `seed ${seed}`;

  for (let step = 0; step < 300; step++) {
    const roll = random();
    if (roll < 0.35) {
      const call: Call = { settled: 0, permit: undefined, controller: new AbortController() };
      calls.push(call);
      const partition = PARTITIONS[randomInt(random, 0, 2)];
      limiter.acquire({ signal: call.controller.signal, partition }).then(
        (permit) => {
          call.settled++;
          call.permit = permit;
          held.push(permit);
        },
        () => {
          call.settled++;
        },
      );
    } else if (roll < 0.45) {
      const permit = limiter.tryAcquire({ partition: PARTITIONS[randomInt(random, 0, 2)] });
      if (permit) held.push(permit);
      else tryFailures++;
    } else if (roll < 0.7 && held.length > 0) {
      const [permit] = held.splice(randomInt(random, 0, held.length - 1), 1);
      permit?.release(OUTCOMES[randomInt(random, 0, 2)]);
      if (random() < 0.2) permit?.release();
      released++;
    } else if (roll < 0.8) {
      const open = calls.filter((c) => c.settled === 0);
      open[randomInt(random, 0, Math.max(0, open.length - 1))]?.controller.abort();
    } else if (roll < 0.9) {
      limiter.setStatic(randomInt(random, 0, 6));
    } else {
      time.advance(randomInt(random, 0, 10));
    }
    await flush(3);
    assert.ok(
      limiter.waiting === 0 || limiter.inflight >= limiter.limit,
      `${context} step ${step}: ${limiter.waiting} wait while ${limiter.inflight} < ${limiter.limit}`,
    );
    assert.equal(limiter.inflight, held.length, `${context} step ${step}: permits out`);
  }

  // Wind down: abort every waiter, return every permit.
  for (const call of calls) call.controller.abort();
  await flush();
  for (const permit of held.splice(0)) {
    permit.release();
    released++;
  }
  await flush();

  for (const [i, call] of calls.entries()) {
    assert.equal(call.settled, 1, `${context}: acquire ${i} settled ${call.settled} times`);
  }
  const stats = limiter.stats();
  assert.equal(limiter.inflight, 0, context);
  assert.equal(limiter.waiting, 0, context);
  assert.equal(time.pending, 0, `${context}: no max-wait timer left`);
  assert.equal(stats.ok + stats.dropped + stats.ignored, released, `${context}: releases`);
  assert.equal(stats.acquired, released, `${context}: every permit came back`);
  const failed = calls.filter((c) => c.permit === undefined).length;
  assert.ok(failed > 0 && stats.acquired > 0, `${context}: exercised both ways`);
  assert.equal(stats.aborted + stats.timedOut + stats.rejected - tryFailures, failed, context);
}

describe("AdaptiveLimiter under random acquire, abort, release and limit changes", () => {
  for (const seed of [1, 2, 3, 42, 1234, 99_999]) {
    it(`returns every permit and settles every acquire once (seed ${seed})`, async () => {
      await scenario(seed);
    });
  }
});
