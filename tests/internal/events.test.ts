import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { subscribe } from "../../src/internal/events.ts";

describe("subscribe()", () => {
  it("hands the listener each event's detail until it is unsubscribed", () => {
    const target = new EventTarget();
    const seen: number[] = [];
    const off = subscribe<number>(target, "tick", (detail) => seen.push(detail));
    target.dispatchEvent(new CustomEvent("tick", { detail: 1 }));
    target.dispatchEvent(new CustomEvent("other", { detail: 9 }));
    target.dispatchEvent(new CustomEvent("tick", { detail: 2 }));
    off();
    target.dispatchEvent(new CustomEvent("tick", { detail: 3 }));
    assert.deepEqual(seen, [1, 2]);
  });

  it("stops when the signal aborts", () => {
    const target = new EventTarget();
    const controller = new AbortController();
    const seen: string[] = [];
    subscribe<string>(target, "tick", (detail) => seen.push(detail), controller.signal);
    target.dispatchEvent(new CustomEvent("tick", { detail: "before" }));
    controller.abort();
    target.dispatchEvent(new CustomEvent("tick", { detail: "after" }));
    assert.deepEqual(seen, ["before"]);
  });
});
