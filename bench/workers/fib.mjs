// The CPU-bound task of bench/pool.bench.ts, shared by the main thread and
// every worker so that all of them run the same code. Plain JavaScript, so
// that the peers' workers need no TypeScript support (types: fib.d.mts).

/** Naive recursive Fibonacci: about 2.5 ms for fib(27) on the bench machine. */
export function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** Runs fib(n) `count` times and returns the sum: a whole share of a batch in one call. */
export function fibMany(n, count) {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += fib(n);
  return sum;
}
