// Random runs of adaptiveMap: calls that finish, fail or hang in any order,
// a limit that moves, sources that stall, and aborts at any moment. Whatever
// happens, each item runs at most once and in order, never past the limit,
// the map settles exactly when nothing of it is left running, and every
// permit comes back.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AdaptiveLimiter } from "../../../src/control/limiter/adaptive-limiter.ts";
import { adaptiveMap } from "../../../src/control/map/adaptive-map.ts";
import { randomInt, seededRandom } from "../../../src/internal/random.ts";
import type { Random } from "../../../src/internal/random.ts";
import { deferred, flush } from "../limiter/helpers.ts";
import type { Deferred } from "../limiter/helpers.ts";

interface Running {
  readonly index: number;
  readonly done: Deferred<number>;
  readonly signal: AbortSignal;
}

/** A source of `count` items: an array, a generator, or an async generator whose pulls the test answers. */
function source(random: Random, count: number, log: { closed: boolean; pulls: Deferred<void>[] }) {
  const kind = randomInt(random, 0, 2);
  const items = Array.from({ length: count }, (_, i) => i);
  if (kind === 0) {
    return { kind: "array", items: items as Iterable<number> | AsyncIterable<number> };
  }
  if (kind === 1) {
    return {
      kind: "generator",
      items: (function* () {
        try {
          yield* items;
        } finally {
          log.closed = true;
        }
      })(),
    };
  }
  return {
    kind: "async generator",
    items: (async function* () {
      try {
        for (const item of items) {
          const pull = deferred<void>();
          log.pulls.push(pull);
          await pull.promise;
          yield item;
        }
      } finally {
        log.closed = true;
      }
    })(),
  };
}

async function scenario(seed: number): Promise<void> {
  const random = seededRandom(seed);
  const context = `seed ${seed}`;
  const limiter = new AdaptiveLimiter({ limit: randomInt(random, 1, 4) });
  const count = randomInt(random, 0, 40);
  const log = { closed: false, pulls: [] as Deferred<void>[] };
  const { kind, items } = source(random, count, log);
  const ordered = random() < 0.7;
  const controller = new AbortController();
  const running: Running[] = [];
  const started: number[] = [];
  const errors: Error[] = [];
  let stop: { readonly reason: unknown } | undefined;
  let active = 0;
  const violations: string[] = [];

  let outcome: { value?: number[]; error?: unknown } | undefined;
  let settledWhileActive = -1;
  adaptiveMap(items, (item, index, signal) => {
    if (item !== index) violations.push(`item ${item} came with index ${index}`);
    if (signal.aborted) violations.push(`call ${index} started after the map stopped`);
    if (limiter.inflight > limiter.limit) {
      violations.push(
        `call ${index} started at ${limiter.inflight} in flight, limit ${limiter.limit}`,
      );
    }
    started.push(index);
    active++;
    const done = deferred<number>();
    running.push({ index, done, signal });
    return done.promise.finally(() => active--);
  }, { limiter, ordered, signal: controller.signal }).then(
    (value) => {
      settledWhileActive = active;
      outcome = { value };
    },
    (error: unknown) => {
      settledWhileActive = active;
      outcome = { error };
    },
  );

  for (let step = 0; step < 400 && outcome === undefined; step++) {
    await flush();
    if (outcome !== undefined) break;
    const roll = random();
    if (roll < 0.45 && running.length > 0) {
      const [call] = running.splice(randomInt(random, 0, running.length - 1), 1);
      call!.done.resolve(call!.index * 10);
    } else if (roll < 0.5 && running.length > 0) {
      const [call] = running.splice(randomInt(random, 0, running.length - 1), 1);
      const error = new Error(`call ${call!.index} failed`);
      if (stop === undefined) stop = { reason: error };
      errors.push(error);
      call!.done.reject(error);
    } else if (roll < 0.6) {
      limiter.setStatic(randomInt(random, 1, 5));
    } else if (roll < 0.62) {
      const reason = new Error(`aborted at step ${step}`);
      if (stop === undefined && !controller.signal.aborted) stop = { reason };
      controller.abort(reason);
    } else if (roll < 0.85 && log.pulls.length > 0) {
      log.pulls.shift()!.resolve();
    }
    if (stop === undefined && running.some((call) => call.signal.aborted)) {
      violations.push(`a call's signal aborted at step ${step} with nothing stopping the map`);
    }
  }
  // Whatever is left finishes: calls resolve, the source gives the rest.
  for (let round = 0; round < 200 && outcome === undefined; round++) {
    for (const call of running.splice(0)) call.done.resolve(call.index * 10);
    for (const pull of log.pulls.splice(0)) pull.resolve();
    await flush();
  }

  assert.ok(outcome !== undefined, `${context} (${kind}): the map settles`);
  // A source still waiting for a pull when the map stopped closes once that pull is answered.
  for (const pull of log.pulls.splice(0)) pull.resolve();
  await flush();
  assert.deepEqual(violations, [], context);
  assert.equal(settledWhileActive, 0, `${context}: nothing runs once the map settled`);
  assert.deepEqual(started, started.map((_, i) => i), `${context}: items start once, in order`);
  assert.equal(limiter.inflight, 0, `${context}: every permit came back`);
  assert.equal(limiter.waiting, 0, `${context}: nobody still waits`);
  if (stop === undefined) {
    assert.equal(started.length, count, `${context}: every item ran`);
    const expected = started.map((i) => i * 10);
    const value = outcome.value;
    assert.ok(value !== undefined, `${context}: resolves (${String(outcome.error)})`);
    if (ordered) assert.deepEqual(value, expected, context);
    else assert.deepEqual([...value].sort((a, b) => a - b), expected, context);
  } else {
    assert.equal(outcome.error, stop.reason, `${context}: rejects with what stopped it first`);
    if (kind !== "array" && started.length < count) {
      assert.ok(log.closed, `${context}: a source left unfinished is closed`);
    }
  }
}

describe("adaptiveMap() random runs", () => {
  it("runs each item once, within the limit, and settles with nothing left running", async () => {
    for (let seed = 1; seed <= 300; seed++) await scenario(seed);
  });
});
