import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createExecutor, transfer } from "../../src/pool/executor.ts";
import {
  FLUSH_MS,
  OP_CANCEL,
  OP_RESULTS,
  OP_RUN,
  serializeError,
  STATUS_ERROR,
  STATUS_OK,
} from "../../src/pool/protocol.ts";

/** A clock the test moves, so how long a handler "takes" does not depend on the machine. */
function testClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** The ids in a RESULTS message, and its acknowledgement count. */
function idsOf(message: unknown[]): { acks: number; ids: number[] } {
  assert.equal(message[0], OP_RESULTS);
  const ids: number[] = [];
  for (let i = 2; i < message.length; i += 4) {
    assert.equal(message[i + 1], STATUS_OK);
    ids.push(message[i] as number);
  }
  return { acks: message[1] as number, ids };
}

/** A RUN message holding results `holdMs`, with tasks numbered from 1 in claim slots from 0. */
function runMessage(holdMs: number, tasks: readonly [string, unknown][]): unknown[] {
  const message: unknown[] = [OP_RUN, holdMs];
  tasks.forEach(([name, payload], i) => message.push(i + 1, i, name, payload));
  return message;
}

describe("the worker's executor", () => {
  it("returns the results of quick tasks in a message together, in one reply", () => {
    const posted: unknown[][] = [];
    const { now, advance } = testClock();
    const inc = (x: number): number => {
      advance(0.5);
      return x + 1;
    };
    const execute = createExecutor({ inc }, (m) => posted.push(m as unknown[]), now);
    execute(runMessage(FLUSH_MS, [["inc", 1], ["inc", 2], ["inc", 3]]));
    assert.deepEqual(posted.map(idsOf), [{ acks: 1, ids: [1, 2, 3] }]);
    assert.deepEqual([posted[0]![4], posted[0]![8], posted[0]![12]], [2, 3, 4]);
  });

  it("sends back what finished before a slow task once the message has run its hold time", () => {
    const posted: unknown[][] = [];
    const { now, advance } = testClock();
    const execute = createExecutor(
      { inc: (x: number) => x + 1, slow: (ms: number) => advance(ms) },
      (m) => posted.push(m as unknown[]),
      now,
    );
    execute(runMessage(FLUSH_MS, [["inc", 1], ["slow", 5], ["inc", 3], ["inc", 4]]));
    // Tasks 1 and 2 go back before task 3 starts; the message is acknowledged
    // once, with its last results, so the pool counts it done exactly once.
    assert.deepEqual(posted.map(idsOf), [{ acks: 0, ids: [1, 2] }, { acks: 1, ids: [3, 4] }]);
  });

  it("runs one task at a time: an async handler settles before the next task starts", async () => {
    const posted: unknown[][] = [];
    const started: number[] = [];
    const release: (() => void)[] = [];
    const wait = (n: number): Promise<number> => {
      started.push(n);
      return new Promise((resolve) => release.push(() => resolve(n)));
    };
    const execute = createExecutor({ wait }, (m) => posted.push(m as unknown[]));
    execute(runMessage(FLUSH_MS, [["wait", 1], ["wait", 2]]));
    execute([OP_RUN, FLUSH_MS, 3, 2, "wait", 3]);
    assert.deepEqual(started, [1], "the second task waits for the first");
    for (let n = 1; n <= 3; n++) {
      release.shift()!();
      await new Promise((resolve) => setTimeout(resolve, 0));
      assert.deepEqual(started, [1, 2, 3].slice(0, Math.min(n + 1, 3)));
    }
    assert.deepEqual(posted.flatMap((m) => idsOf(m).ids), [1, 2, 3]);
    // Each message is acknowledged once, when all its tasks have run.
    assert.equal(posted.reduce((sum, m) => sum + (m[1] as number), 0), 2);
  });

  it("settles a hand-made thenable that calls back at once, twice, exactly once", async () => {
    const posted: unknown[][] = [];
    const execute = createExecutor({
      odd: (n: number) => ({
        then(ok: (value: number) => void) {
          ok(n);
          ok(n + 100);
        },
      }),
    }, (m) => posted.push(m as unknown[]));
    execute(runMessage(FLUSH_MS, [["odd", 1], ["odd", 2]]));
    await new Promise((resolve) => setTimeout(resolve, 0));
    execute([OP_RUN, FLUSH_MS, 3, 2, "odd", 3]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const results = posted.flatMap((m) => {
      const out: unknown[] = [];
      for (let i = 2; i < m.length; i += 4) out.push([m[i], m[i + 2]]);
      return out;
    });
    assert.deepEqual(results, [[1, 1], [2, 2], [3, 3]]);
    assert.equal(posted.reduce((sum, m) => sum + (m[1] as number), 0), 2);
  });

  it("answers a task cancelled before it started without running it", async () => {
    const posted: unknown[][] = [];
    const ran: number[] = [];
    let finish!: () => void;
    const execute = createExecutor({
      first: () => new Promise<void>((resolve) => (finish = resolve)),
      record: (n: number) => ran.push(n),
    }, (m) => posted.push(m as unknown[]));
    execute(runMessage(FLUSH_MS, [["first", 0], ["record", 2], ["record", 3]]));
    // No claims (no SharedArrayBuffer): the pool can only ask the worker to drop task 2.
    execute([OP_CANCEL, 2]);
    execute([OP_CANCEL, 99]); // one it never got: nothing to remember
    finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(ran, [3]);
    const message = posted.at(-1)!;
    const byId = new Map<unknown, unknown[]>();
    for (const m of posted) for (let i = 2; i < m.length; i += 4) byId.set(m[i], m.slice(i, i + 4));
    assert.equal(byId.get(2)![1], STATUS_ERROR);
    assert.equal((byId.get(2)![2] as { name: string }).name, "AbortError");
    assert.equal(byId.get(3)![1], STATUS_OK);
    assert.equal(message[1], 1, "the message is acknowledged once");
  });

  it("runs only the handlers the worker defines, not names Object.prototype has", () => {
    const posted: unknown[][] = [];
    const execute = createExecutor(
      { inc: (x: number) => x + 1 },
      (m) => posted.push(m as unknown[]),
    );
    execute(runMessage(FLUSH_MS, [["toString", 0], ["constructor", { a: 1 }], ["inc", 1]]));
    const message = posted[0]!;
    const results = [3, 7, 11].map((i) => [message[i], message[i + 1]]);
    assert.deepEqual(results.map(([status]) => status), [STATUS_ERROR, STATUS_ERROR, STATUS_OK]);
    for (const [, error] of results.slice(0, 2)) {
      assert.match((error as Error).message, /the worker defines no such handler \(it has: inc\)/);
    }
    assert.equal(results[2]![1], 2);
  });

  it("sends results one by one when one cannot be cloned, that one as an error", () => {
    const posted: unknown[][] = [];
    // Clones as postMessage does, and throws as it does on what cannot be cloned.
    const post = (m: unknown) => posted.push(structuredClone(m) as unknown[]);
    const execute = createExecutor({ inc: (x: number) => x + 1, bad: () => () => 1 }, post);
    execute(runMessage(FLUSH_MS, [["inc", 1], ["bad", 0], ["inc", 3]]));
    assert.deepEqual(posted.map((m) => [m[0], m[1], m[2], m[3]]), [
      [OP_RESULTS, 1, 1, STATUS_OK],
      [OP_RESULTS, 0, 2, STATUS_ERROR],
      [OP_RESULTS, 0, 3, STATUS_OK],
    ], "acknowledged once, every result sent");
    assert.deepEqual([posted[0]![4], posted[2]![4]], [2, 4]);
    const error = posted[1]![4] as { name: string; message: string };
    assert.equal(error.name, "DataCloneError");
    assert.match(error.message, /^The result could not be sent back from the worker: /);
  });

  it("sends results that move memory on their own, so a bad result beside them cannot detach it", () => {
    const posted: { message: unknown[]; moved: number }[] = [];
    // Posts as Deno does: what the list moves is detached before cloning fails.
    const post = (m: unknown, list: readonly Transferable[]) => {
      const copy = structuredClone(m, { transfer: [...list] }) as unknown[];
      posted.push({ message: copy, moved: list.length });
    };
    const bytes = () => {
      const b = new Uint8Array(8).fill(7);
      return transfer(b, [b.buffer]);
    };
    const execute = createExecutor({ bytes, inc: (x: number) => x + 1, bad: () => () => 1 }, post);
    execute(runMessage(FLUSH_MS, [["bytes", 0], ["inc", 1], ["bad", 0], ["bytes", 0], ["inc", 3]]));
    const sent = posted.map(({ message, moved }) => ({ acks: message[1], id: message[2], moved }));
    assert.deepEqual(sent, [
      // The plain results together failed on the bad one, so they went one by one.
      { acks: 1, id: 2, moved: 0 },
      { acks: 0, id: 3, moved: 0 },
      { acks: 0, id: 5, moved: 0 },
      { acks: 0, id: 1, moved: 1 },
      { acks: 0, id: 4, moved: 1 },
    ]);
    const byId = new Map(posted.map(({ message }) => [message[2], message]));
    for (const id of [1, 4]) {
      assert.equal(byId.get(id)![3], STATUS_OK);
      assert.deepEqual(
        [...(byId.get(id)![4] as Uint8Array)],
        Array(8).fill(7),
        `result ${id} whole`,
      );
    }
    assert.equal(byId.get(3)![3], STATUS_ERROR);
    assert.deepEqual([byId.get(2)![4], byId.get(5)![4]], [2, 4]);
  });

  it("holds results back as long as the message says, and no longer", () => {
    const posted: unknown[][] = [];
    const { now, advance } = testClock();
    const execute = createExecutor(
      { work: (ms: number) => advance(ms) },
      (m) => posted.push(m as unknown[]),
      now,
    );
    // Six 3 ms tasks with a 10 ms hold: results go back before the task that
    // starts 10 ms or more after the last ones went back (the fifth), then at the end.
    execute(runMessage(10, Array(6).fill(["work", 3])));
    assert.deepEqual(posted.map(idsOf), [{ acks: 0, ids: [1, 2, 3, 4] }, { acks: 1, ids: [5, 6] }]);
    // The same message with the shallow-backlog hold goes back one task at a time.
    posted.length = 0;
    execute(runMessage(FLUSH_MS, Array(6).fill(["work", 3])));
    assert.deepEqual(posted.map((m) => idsOf(m).ids), [[1], [2], [3], [4], [5], [6]]);
  });
});

describe("serializeError()", () => {
  it("keeps what a thrown value says of itself", () => {
    class HttpError {
      status = 503;
      toString(): string {
        return `HTTP ${this.status}`;
      }
    }
    const cases: [unknown, string][] = [
      [new HttpError(), "HTTP 503"], // its own toString(), not its fields
      [{ code: "E_RATE", message: "too many" }, "too many"],
      [{ code: "E_RATE" }, '{"code":"E_RATE"}'],
      [new URL("https://example.com/a"), "https://example.com/a"],
      [Object.create(null), "{}"], // no toString at all: its (no) fields
      ["plain", "plain"],
    ];
    for (const [value, message] of cases) assert.equal(serializeError(value).message, message);
    assert.deepEqual(serializeError({ code: "E", message: "m", n: 1, deep: {} }).data, {
      code: "E",
      n: 1,
    });
  });
});
