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

  it("leaves nothing on a long-lived signal once unsubscribed, and nothing at all when aborted", () => {
    const target = new EventTarget();
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<AbortSignal["addEventListener"]>) => {
      added++;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<AbortSignal["removeEventListener"]>) => {
      removed++;
      remove(...args);
    };
    for (let i = 0; i < 100; i++) subscribe(target, "tick", () => {}, signal)();
    assert.equal(added - removed, 0);
    const seen: number[] = [];
    subscribe<number>(target, "tick", (n) => seen.push(n), AbortSignal.abort());
    target.dispatchEvent(new CustomEvent("tick", { detail: 1 }));
    assert.deepEqual(seen, [], "an aborted signal subscribes nothing");
  });
});
