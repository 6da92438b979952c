// A worker module that awaits (as one loading a model or a config would) before defineWorker().
import { defineWorker } from "../../../worker.ts";

await new Promise((resolve) => setTimeout(resolve, 300));

defineWorker({ inc: (x: number): number => x + 1 });
