// Task functions for poolifier's FixedThreadPool, picked by name in
// `pool.execute(data, name)`.
import { ThreadWorker } from "poolifier";
import { fib } from "./fib.mjs";

export default new ThreadWorker({
  inc: (x) => x + 1,
  fib: (n) => fib(n),
});
