import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { timerScheduler } from "../../src/monitor/scheduler.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("timerScheduler", () => {
  it("runs a callback after its delay, and not after clear()", async () => {
    const fired: string[] = [];
    timerScheduler.set(() => fired.push("kept"), 1);
    const cleared = timerScheduler.set(() => fired.push("cleared"), 1);
    timerScheduler.clear(cleared);
    await sleep(30);
    assert.deepEqual(fired, ["kept"]);
  });

  it("waits out a delay past 2^31 - 1 ms instead of firing at once, and clears it", async () => {
    let fired = 0;
    const month = timerScheduler.set(() => fired++, 30 * 24 * 3600 * 1000);
    const forever = timerScheduler.set(() => fired++, Infinity);
    await sleep(30);
    assert.equal(fired, 0);
    timerScheduler.clear(month);
    timerScheduler.clear(forever);
  });
});
