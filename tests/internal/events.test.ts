import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { orderedDispatch, subscribe } from "../../src/internal/events.ts";

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

describe("orderedDispatch()", () => {
  it("sends events dispatched from a listener after the ones already on their way", () => {
    const target = new EventTarget();
    const dispatch = orderedDispatch(target);
    const seen: string[] = [];
    target.addEventListener("a", () => {
      seen.push("a");
      dispatch(new Event("c"));
      seen.push("a done");
    });
    target.addEventListener("b", () => seen.push("b"));
    target.addEventListener("c", () => seen.push("c"));
    dispatch(new Event("a"), new Event("b"));
    assert.deepEqual(seen, ["a", "a done", "b", "c"]);
  });

  it("dispatches again after a listener's error, with nothing left queued", () => {
    const target = new EventTarget();
    const dispatch = orderedDispatch(target);
    const seen: string[] = [];
    const original = target.dispatchEvent.bind(target);
    let fail = true;
    target.dispatchEvent = (event: Event): boolean => {
      if (fail) {
        fail = false;
        throw new Error("dispatch failed");
      }
      return original(event);
    };
    target.addEventListener("b", () => seen.push("b"));
    target.addEventListener("c", () => seen.push("c"));
    assert.throws(() => dispatch(new Event("a"), new Event("b")), /dispatch failed/);
    dispatch(new Event("c"));
    assert.deepEqual(seen, ["c"], "the event queued behind the failure is dropped, not replayed");
  });
});
