// A worker module whose handlers the test also imports itself, as an application's unit tests would.
import { defineWorker } from "../../../worker.ts";

export const handlers = { shared: (x: number): number => x * 2 };

defineWorker(handlers);
