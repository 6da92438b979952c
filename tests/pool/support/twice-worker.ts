// A worker module that calls defineWorker() twice: the second call must fail, not run tasks twice.
import { defineWorker } from "../../../src/pool/define-worker.ts";

defineWorker({ inc: (x: number): number => x + 1 });
defineWorker({ dec: (x: number): number => x - 1 });
