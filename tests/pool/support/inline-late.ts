// An inline worker module that awaits something (a WASM module, a config) before defining.
import { defineWorker } from "../../../worker.ts";

await new Promise((resolve) => setTimeout(resolve, 50));

defineWorker({ who: (): string => "late" });
