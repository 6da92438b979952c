/** Naive recursive Fibonacci: about 2.5 ms for fib(27) on the bench machine. */
export declare function fib(n: number): number;
/** Runs fib(n) `count` times and returns the sum: a whole share of a batch in one call. */
export declare function fibMany(n: number, count: number): number;
