import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { builtin } from "../../src/runtime/builtins.ts";
import { testPool } from "./support/helpers.ts";

/** The nice value in a /proc `stat` file: field 19, the 17th after the command name. */
function niceIn(path: string): number {
  const stat = builtin("node:fs")!.readFileSync(path, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

/**
 * Nice values of this process's threads, from /proc; `undefined` where there
 * is no /proc. A thread that exits between the listing and the read (other
 * tests' workers come and go) is left out.
 */
function threadNices(): number[] | undefined {
  let tids: string[];
  try {
    tids = builtin("node:fs")!.readdirSync("/proc/self/task");
  } catch {
    return undefined;
  }
  return tids.flatMap((tid) => {
    try {
      return [niceIn(`/proc/self/task/${tid}/stat`)];
    } catch {
      return [];
    }
  });
}

const proc = threadNices();

describe("WorkerPool niceIncrement", () => {
  it("lowers the worker threads' priority, not the main thread's", {
    skip: proc === undefined
      ? "no /proc here: threads have no priority of their own to read"
      : false,
  }, async () => {
    const mainNice = (): number => niceIn("/proc/thread-self/stat");
    const base = mainNice();
    const lowered = Math.min(19, base + 7);
    const before = threadNices()!.filter((n) => n === lowered).length;
    await using pool = testPool({ minWorkers: 2, maxWorkers: 2, niceIncrement: 7 });
    await pool.warmUp();
    assert.equal(pool.stats().workers.lowPriority, 2);
    // At least the two workers (Bun's workers also start helper threads, which inherit it).
    const now = threadNices()!.filter((n) => n === lowered).length;
    assert.ok(now - before >= 2, `${now - before} threads at nice ${lowered}`);
    assert.equal(await pool.run("inc", 1), 2);
    assert.equal(mainNice(), base, "the main thread keeps its priority");
  });

  it("leaves workers alone by default and never lowers an inline pool's thread", async () => {
    await using plain = testPool();
    await plain.warmUp();
    assert.equal(plain.stats().workers.lowPriority, 0);
    await using inline = testPool({ inline: true, niceIncrement: 10 });
    assert.equal(await inline.run("inc", 1), 2);
    assert.equal(inline.stats().workers.lowPriority, 0);
  });

  it("rejects a nice increment outside 0-19", () => {
    assert.throws(() => testPool({ niceIncrement: 20 }), /niceIncrement/);
    assert.throws(() => testPool({ niceIncrement: 1.5 }), /niceIncrement/);
  });
});
