/**
 * Which open observatories publish each component in a registry, so two
 * that share one count every decision once, and closing one leaves the
 * series the other still publishes.
 *
 * @module
 */

import { fieldError } from "../config/config-error.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import type { Labels } from "../metrics/series.ts";

/** A component published in a registry: its id (`kind:name`, or `monitor`) and the object. */
export interface Published {
  /** The series' owner: a `componentId` or `monitor`. */
  readonly id: string;
  /** The options field that named it, for the error when another object holds the id. */
  readonly path: string;
  readonly component: object;
}

/** A series as the registry removes it. */
interface Written {
  readonly metric: { remove(labels?: Labels): void };
  readonly labels: Labels | undefined;
}

interface Claim {
  /** The component behind the id; undefined for `decisions:` ids, which only count. */
  readonly component: object | undefined;
  holders: number;
  /** Every series written for the id, by any holder: removed when the last lets go. */
  readonly series: Map<string, Written>;
}

const claims = new WeakMap<MetricsRegistry, Map<string, Claim>>();
/** Times each decision object was counted per component: per registry, or by one observatory. */
type Counts = WeakMap<object, Map<string, number>>;
/** Per registry, the most times any observatory recorded each decision object for a component. */
const counted = new WeakMap<MetricsRegistry, Counts>();

/** Adds one to the count of `decision` for `component` in `counts`; returns the new count. */
function countUp(counts: Counts, decision: object, component: string): number {
  let components = counts.get(decision);
  if (components === undefined) counts.set(decision, components = new Map());
  const times = (components.get(component) ?? 0) + 1;
  components.set(component, times);
  return times;
}

/** One observatory's hold on the ids it publishes in a registry. */
export interface RegistryShare {
  /** Holds `id` (such as `decisions:<component>`), once per observatory. */
  hold(id: string): void;
  /** Notes a series written for `id` (held), to remove once no observatory holds it. */
  wrote(id: string, metric: Written["metric"] & { readonly name: string }, labels?: Labels): void;
  /**
   * Whether this recording of `decision` for `component` counts: each
   * time this observatory records it, unless another observatory on the
   * registry already counted it as often (both saw the same decision).
   */
  counts(decision: object, component: string): boolean;
  /** Lets go of every id, removing the series of those no other open observatory holds. */
  release(): void;
}

/**
 * Claims `published` in `registry`. Throws a `ConfigError` naming the field
 * when another open observatory publishes a different object under the same
 * id there: their series would overwrite each other.
 */
export function shareRegistry(
  registry: MetricsRegistry,
  published: readonly Published[],
): RegistryShare {
  let held = claims.get(registry);
  if (held === undefined) claims.set(registry, held = new Map());
  for (const { id, path, component } of published) {
    const other = held.get(id)?.component;
    if (other !== undefined && other !== component) {
      throw fieldError(
        "observe() options",
        path,
        component,
        `the ${id} another open Observatory publishes in this registry ` +
          "(or another name, or another registry)",
      );
    }
  }
  const claim = held;
  const mine = new Set<string>();
  const hold = (id: string, component?: object): void => {
    if (mine.has(id)) return;
    mine.add(id);
    const existing = claim.get(id);
    if (existing === undefined) claim.set(id, { component, holders: 1, series: new Map() });
    else existing.holders++;
  };
  for (const { id, component } of published) hold(id, component);
  let seen = counted.get(registry);
  if (seen === undefined) counted.set(registry, seen = new WeakMap());
  const inRegistry = seen;
  const byMe: Counts = new WeakMap();
  return {
    hold,
    wrote(id, metric, labels) {
      claim.get(id)?.series.set(`${metric.name}${JSON.stringify(labels ?? {})}`, {
        metric,
        labels,
      });
    },
    counts(decision, component) {
      const times = countUp(byMe, decision, component);
      const most = inRegistry.get(decision)?.get(component) ?? 0;
      if (times <= most) return false;
      countUp(inRegistry, decision, component);
      return true;
    },
    release() {
      for (const id of mine) {
        const existing = claim.get(id)!;
        if (--existing.holders > 0) continue;
        claim.delete(id);
        for (const { metric, labels } of existing.series.values()) metric.remove(labels);
      }
      mine.clear();
    },
  };
}
