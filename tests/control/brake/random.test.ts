// Random runs of a CircuitBreaker against a plain model of what its
// documentation promises: calls entered and finished in any order (twice,
// late, across state changes), time jumps, resets. After every step the
// breaker's state, window counts and open-circuit errors match the model,
// and its `state` events chain one change to the next.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CircuitBreaker } from "../../../src/control/brake/circuit-breaker.ts";
import type { CircuitCall } from "../../../src/control/brake/circuit-breaker.ts";
import { CircuitOpenError } from "../../../src/control/brake/circuit-open-error.ts";
import type { CircuitState } from "../../../src/control/brake/circuit-open-error.ts";
import { randomInt, seededRandom } from "../../../src/internal/random.ts";
import { ManualTime } from "../../monitor/manual-time.ts";

type Outcome = "success" | "failure" | "ignore";
const OUTCOMES: readonly Outcome[] = ["success", "failure", "ignore"];

/** The documented behaviour over a window of the last `size` calls. */
class Model {
  state: CircuitState = "closed";
  openedAt = 0;
  generation = 0;
  probesStarted = 0;
  probesPassed = 0;
  window: boolean[] = [];

  readonly size: number;
  readonly minCalls: number;
  readonly ratio: number;
  readonly openMs: number;
  readonly probes: number;

  constructor(size: number, minCalls: number, ratio: number, openMs: number, probes: number) {
    this.size = size;
    this.minCalls = minCalls;
    this.ratio = ratio;
    this.openMs = openMs;
    this.probes = probes;
  }

  due(now: number): void {
    if (this.state === "open" && now - this.openedAt >= this.openMs) this.change("half-open");
  }

  /** A handle's generation and whether it is a probe, or what `enter()` must throw. */
  enter(
    now: number,
  ): { generation: number; probe: boolean } | { state: string; remaining: number } {
    this.due(now);
    if (this.state === "open") {
      return { state: "open", remaining: this.openedAt + this.openMs - now };
    }
    const probe = this.state === "half-open";
    if (probe) {
      if (this.probesStarted >= this.probes) return { state: "half-open", remaining: 0 };
      this.probesStarted++;
    }
    return { generation: this.generation, probe };
  }

  finish(handle: { generation: number; probe: boolean }, outcome: Outcome, now: number): void {
    if (handle.generation !== this.generation) return;
    if (handle.probe) {
      if (outcome === "failure") this.open(now);
      else if (outcome === "ignore") this.probesStarted--;
      else if (++this.probesPassed >= this.probes) {
        this.window = [];
        this.change("closed");
      }
      return;
    }
    if (outcome === "ignore") return;
    this.window.push(outcome === "failure");
    if (this.window.length > this.size) this.window.shift();
    const failures = this.window.filter(Boolean).length;
    if (
      outcome === "failure" && this.window.length >= this.minCalls &&
      failures / this.window.length >= this.ratio
    ) {
      this.open(now);
    }
  }

  reset(): void {
    this.window = [];
    if (this.state !== "closed") this.change("closed");
  }

  open(now: number): void {
    this.openedAt = now;
    this.change("open");
  }

  change(to: CircuitState): void {
    this.state = to;
    this.generation++;
    this.probesStarted = 0;
    this.probesPassed = 0;
  }
}

const ALLOWED = new Set([
  "closed>open",
  "open>half-open",
  "half-open>open",
  "half-open>closed",
  "open>closed", // reset
]);

function scenario(seed: number): void {
  const random = seededRandom(seed);
  const context = `seed ${seed}`;
  const time = new ManualTime();
  const size = randomInt(random, 1, 12);
  const minCalls = randomInt(random, 1, size);
  const ratio = [0.25, 0.5, 0.75, 1][randomInt(random, 0, 3)]!;
  const openMs = randomInt(random, 0, 3) * 100;
  const probes = randomInt(random, 1, 3);
  const breaker = new CircuitBreaker({
    windowSize: size,
    minCalls,
    failureRatio: ratio,
    openMs,
    probes,
    clock: time.clock,
    scheduler: time.scheduler,
  });
  const model = new Model(size, minCalls, ratio, openMs, probes);
  const changes: [CircuitState, CircuitState][] = [];
  breaker.on("state", (c) => changes.push([c.from, c.to]));
  const held: { call: CircuitCall; handle: { generation: number; probe: boolean } }[] = [];

  for (let step = 0; step < 300; step++) {
    const roll = random();
    const at = `${context}, step ${step}`;
    if (roll < 0.4) {
      const expected = model.enter(time.now);
      let call: CircuitCall | undefined;
      let error: unknown;
      try {
        call = breaker.enter();
      } catch (e) {
        error = e;
      }
      if ("generation" in expected) {
        assert.ok(call !== undefined, `${at}: let through (${String(error)})`);
        held.push({ call, handle: expected });
      } else {
        assert.ok(error instanceof CircuitOpenError, `${at}: refused (${String(error)})`);
        assert.equal(error.state, expected.state, at);
        assert.equal(error.remainingMs, expected.remaining, at);
      }
    } else if (roll < 0.8 && held.length > 0) {
      const index = randomInt(random, 0, held.length - 1);
      const { call, handle } = held[index]!;
      const outcome = OUTCOMES[randomInt(random, 0, 2)]!;
      call[outcome]();
      model.finish(handle, outcome, time.now);
      // Now and then the same handle reports again: only its first report counts.
      if (random() < 0.8) held.splice(index, 1);
      else handle.generation = -1;
    } else if (roll < 0.97) {
      time.advance(randomInt(random, 0, 4) * 50);
      model.due(time.now);
    } else {
      breaker.reset();
      model.reset();
    }
    model.due(time.now); // reading the state turns an open circuit past openMs half-open
    assert.equal(breaker.state, model.state, `${at}: state`);
    const stats = breaker.stats();
    assert.equal(stats.calls, model.window.length, `${at}: calls in the window`);
    assert.equal(stats.failures, model.window.filter(Boolean).length, `${at}: failures`);
    assert.equal(
      breaker.remainingMs,
      model.state === "open" ? model.openedAt + openMs - time.now : 0,
      `${at}: remainingMs`,
    );
  }
  for (let i = 0; i < changes.length; i++) {
    const [from, to] = changes[i]!;
    assert.ok(ALLOWED.has(`${from}>${to}`), `${context}: change ${from} -> ${to}`);
    if (i > 0) assert.equal(from, changes[i - 1]![1], `${context}: changes chain`);
  }
  breaker[Symbol.dispose]();
  assert.equal(time.pending, 0, `${context}: no timer left after dispose`);
}

describe("CircuitBreaker random runs", () => {
  it("follows the documented state machine whatever order calls report in", () => {
    for (let seed = 1; seed <= 300; seed++) scenario(seed);
  });
});
