import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { seededRandom } from "../../src/internal/random.ts";
import { Task } from "../../src/pool/task.ts";
import { TaskQueue } from "../../src/pool/task-queue.ts";

const task = (id: number, priority: number): Task =>
  new Task(id, "t", undefined, { priority }, 0, () => {}, () => {});

describe("TaskQueue", () => {
  it("hands out many distinct priorities highest first, FIFO within one", () => {
    const random = seededRandom(3);
    const queue = new TaskQueue(Infinity);
    const tasks: Task[] = [];
    for (let id = 0; id < 5000; id++) {
      // Deadlines as priorities: mostly distinct, some shared.
      const t = task(id, Math.floor(random() * 3000) - 1500);
      tasks.push(t);
      queue.push(t);
    }
    const want = [...tasks].sort((a, b) => b.priority - a.priority || a.id - b.id);
    const got: Task[] = [];
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) got.push(t);
    assert.deepEqual(got.map((t) => t.id), want.map((t) => t.id));
    assert.equal(queue.length, 0);
  });

  it("drains every waiting task by priority on a forced close", () => {
    const queue = new TaskQueue(Infinity);
    const tasks = [task(1, 0), task(2, 5), task(3, -2), task(4, 5), task(5, 0)];
    for (const t of tasks) queue.push(t);
    assert.deepEqual(queue.drainAll().map((t) => t.id), [2, 4, 1, 5, 3]);
    assert.equal(queue.shift(), undefined);
  });
});
