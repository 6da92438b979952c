// Task module for tinypool and piscina: both call the default export, or the
// export named by `run(task, { name })`.
import { fib as fibonacci } from "./fib.mjs";

export default function inc(x) {
  return x + 1;
}

export function fib(n) {
  return fibonacci(n);
}
