// A worker that doubles each number it receives; runs as a Node
// worker_threads worker and as a module Web Worker.
interface WebScope {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}
interface Port {
  on(event: "message", fn: (data: unknown) => void): void;
  postMessage(message: unknown): void;
}

const scope = (globalThis as { self?: WebScope }).self;
if (scope && typeof scope.postMessage === "function") {
  scope.onmessage = (event) => scope.postMessage(Number(event.data) * 2);
} else {
  const proc = (globalThis as { process?: { getBuiltinModule(id: string): unknown } }).process;
  const threads = proc?.getBuiltinModule("node:worker_threads") as { parentPort: Port | null };
  threads.parentPort?.on("message", (data) => threads.parentPort?.postMessage(Number(data) * 2));
}
