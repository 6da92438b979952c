// headroom's side of bench/pool.bench.ts.
import { defineWorker } from "../../worker.ts";
import { fib } from "./fib.mjs";

defineWorker({ inc: (x: number): number => x + 1, fib: (n: number): number => fib(n) });
