// Gives Node a `globalThis.gc` before mitata is imported (import this first), and warns on Deno
// when it was started without one.
//
// Without one, mitata's `run()` stands in for a collection by allocating a 1 GiB Uint8Array,
// many times over while it calibrates. On V8 each of those starts a run of memory-reducing full
// collections ("external memory pressure") that shrink the young generation to its minimum, and
// the cases measured next pay for growing it back: for a few dozen runs every allocation is
// several times slower. On Node that landed on whichever library ran first (a 1,000-call run took
// 5-6 ms instead of 0.35 ms) and was a cost of neither. Deno gets its gc from the command line
// (`--v8-flags=--expose-gc`): turned on here at run time, it made every case there 1.5-2x slower.
// Bun has `Bun.gc`, which mitata uses already.
import v8 from "node:v8";
import vm from "node:vm";

const g = globalThis as { gc?: () => void; Bun?: unknown; Deno?: unknown };
if (typeof g.gc !== "function" && g.Bun === undefined && g.Deno === undefined) {
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc: unknown = vm.runInNewContext("gc");
    if (typeof gc === "function") g.gc = gc as () => void;
  } catch {
    // No way to expose one here: the warning below says how.
  }
}
if (typeof g.gc !== "function" && g.Bun === undefined) {
  console.warn(
    "no gc() for mitata, so its means are noisier: run node with --expose-gc, deno with " +
      "--v8-flags=--expose-gc",
  );
}
