// The floor of bench/pool.bench.ts: one message [id, op, x] in, one message
// [id, result] out, nothing else. The same file runs as a node:worker_threads
// worker (the parent passes workerData "threads") and as a module Web Worker.
import { parentPort, workerData } from "node:worker_threads";
import { fib, fibMany } from "./fib.mjs";

const ops = {
  inc: (x) => x + 1,
  fib,
  // The machine's ceiling for the cpu section: x fib(27)s from one message.
  fib27s: (x) => fibMany(27, x),
};

if (parentPort !== null && workerData === "threads") {
  parentPort.on("message", ([id, op, x]) => {
    parentPort.postMessage([id, ops[op](x)]);
  });
} else {
  self.onmessage = ({ data: [id, op, x] }) => {
    self.postMessage([id, ops[op](x)]);
  };
}
