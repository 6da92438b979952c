import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LoopDelaySampler } from "../../src/monitor/loop-delay.ts";
import { ManualTime } from "./manual-time.ts";

function setup(resolutionMs = 20): { time: ManualTime; sampler: LoopDelaySampler } {
  const time = new ManualTime();
  const sampler = new LoopDelaySampler({
    resolutionMs,
    clock: time.clock,
    scheduler: time.scheduler,
  });
  return { time, sampler };
}

describe("LoopDelaySampler", () => {
  it("reports no delay while probes fire on time", () => {
    const { time, sampler } = setup();
    sampler.start();
    time.advance(100);
    assert.deepEqual(sampler.take(), { maxMs: 0, meanMs: 0, samples: 5 });
  });

  it("measures how late a probe fired", () => {
    const { time, sampler } = setup();
    sampler.start();
    time.advance(20); // probe fires at 20, next due at 40
    time.block(50); // loop blocked until 70
    time.runDue(); // probe due at 40 fires at 70
    const reading = sampler.take();
    assert.equal(reading.maxMs, 30);
    assert.equal(reading.samples, 2);
    assert.equal(reading.meanMs, 15);
  });

  it("catches a 300 ms block even when read before the late probe fires", () => {
    const { time, sampler } = setup();
    sampler.start();
    time.advance(100); // probes at 20..100; the next is due at 120
    sampler.take();
    time.block(300); // blocked until 400
    const reading = sampler.take(); // the reader's timer ran first
    assert.equal(reading.maxMs, 280);
    assert.equal(reading.samples, 1);
    time.runDue(); // the late probe fires now
    assert.equal(sampler.take().maxMs, 0, "lateness already reported is not counted twice");
  });

  it("catches a 300 ms block when the late probe fires first", () => {
    const { time, sampler } = setup();
    sampler.start();
    time.advance(100);
    sampler.take();
    time.block(300);
    time.runDue();
    assert.deepEqual(sampler.take(), { maxMs: 280, meanMs: 280, samples: 1 });
  });

  it("starts a new window on every take()", () => {
    const { time, sampler } = setup();
    sampler.start();
    time.advance(20);
    time.block(40);
    time.runDue();
    assert.equal(sampler.take().maxMs, 20);
    time.advance(40);
    assert.deepEqual(sampler.take(), { maxMs: 0, meanMs: 0, samples: 2 });
  });

  it("keeps a single probe timer and cancels it on stop()", () => {
    const { time, sampler } = setup();
    sampler.start();
    sampler.start();
    assert.equal(time.pending, 1);
    assert.equal(sampler.running, true);
    sampler.stop();
    assert.equal(time.pending, 0);
    assert.equal(sampler.running, false);
    time.advance(1000);
    assert.equal(sampler.take().samples, 0);
  });

  it("forgets what it saw before stop() when started again", () => {
    const { time, sampler } = setup();
    sampler.start();
    time.advance(20);
    time.block(400);
    time.runDue(); // a probe fires 380 ms late
    sampler.stop();
    time.advance(60_000);
    sampler.start();
    time.advance(40);
    assert.deepEqual(sampler.take(), { maxMs: 0, meanMs: 0, samples: 2 });
  });

  it("stops on dispose", () => {
    const { time, sampler } = setup();
    sampler.start();
    sampler[Symbol.dispose]();
    assert.equal(time.pending, 0);
  });

  it("rejects a resolution that is not above 0", () => {
    assert.throws(() => new LoopDelaySampler({ resolutionMs: 0 }), RangeError);
  });
});
