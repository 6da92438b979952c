// Prints whether the adapter says this process may start workers, and what a pool says about it.
// Run by node-permissions.test.ts under Node's permission model.
import { createRuntimeAdapter } from "../../../src/runtime/mod.ts";
import { WorkerPool } from "../../../src/pool/pool.ts";

const canSpawn = createRuntimeAdapter().canSpawnWorkers();
let pool = "";
try {
  const p = new WorkerPool({
    worker: new URL("../../pool/support/pool-worker.ts", import.meta.url),
  });
  await p.close();
  pool = "created";
} catch (error) {
  pool = `${(error as Error).name}: ${(error as Error).message}`;
}
console.log(JSON.stringify({ canSpawn, pool }));
