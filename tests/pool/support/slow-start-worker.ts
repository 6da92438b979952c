// A worker module that takes half a minute to start: a pool sees it starting for that long.
import { defineWorker } from "../../../worker.ts";

await new Promise((resolve) => setTimeout(resolve, 30_000));

defineWorker({ inc: (x: number): number => x + 1 });
