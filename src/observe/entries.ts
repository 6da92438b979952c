import type { DynamicBatchSizer } from "../control/batch/dynamic-batch-sizer.ts";
import { CircuitBreaker } from "../control/brake/circuit-breaker.ts";
import type { EmergencyBrake } from "../control/brake/emergency-brake.ts";
import type { AdaptiveLimiter } from "../control/limiter/adaptive-limiter.ts";
import type { WorkerPool } from "../pool/pool.ts";
import type { Components } from "./types.ts";

/** One watched component with its kind and name. */
export type ComponentEntry =
  | { readonly kind: "pool"; readonly name: string; readonly component: WorkerPool }
  | { readonly kind: "limiter"; readonly name: string; readonly component: AdaptiveLimiter }
  | { readonly kind: "batchSizer"; readonly name: string; readonly component: DynamicBatchSizer }
  | { readonly kind: "brake"; readonly name: string; readonly component: EmergencyBrake }
  | { readonly kind: "breaker"; readonly name: string; readonly component: CircuitBreaker };

/** How a component is named in decision records and `decisions_total`: `kind:name`. */
export function componentId(entry: ComponentEntry): string {
  return `${entry.kind}:${entry.name}`;
}

/** Every component in `components`: pools, limiters, batch sizers, then brakes and breakers. */
export function componentEntries(components: Components): ComponentEntry[] {
  const entries: ComponentEntry[] = [];
  for (const [name, component] of Object.entries(components.pools ?? {})) {
    entries.push({ kind: "pool", name, component });
  }
  for (const [name, component] of Object.entries(components.limiters ?? {})) {
    entries.push({ kind: "limiter", name, component });
  }
  for (const [name, component] of Object.entries(components.batchSizers ?? {})) {
    entries.push({ kind: "batchSizer", name, component });
  }
  for (const [name, component] of Object.entries(components.brakes ?? {})) {
    entries.push(
      component instanceof CircuitBreaker
        ? { kind: "breaker", name, component }
        : { kind: "brake", name, component },
    );
  }
  return entries;
}
