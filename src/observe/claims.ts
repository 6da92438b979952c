/**
 * Which open observatories publish each component in a registry, so two
 * that share one count every decision once, and closing one leaves the
 * series the other still publishes.
 *
 * @module
 */

import { fieldError } from "../config/config-error.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";

/** A component published in a registry: its id (`kind:name`, or `monitor`) and the object. */
export interface Published {
  /** The series' owner: a `componentId`, `monitor`, or a component named only in `record()`. */
  readonly id: string;
  /** The options field that named it, for the error when another object holds the id. */
  readonly path: string;
  readonly component: object;
}

interface Claim {
  /** The component behind the id; undefined while only `record()` has named it. */
  component: object | undefined;
  holders: number;
}

const claims = new WeakMap<MetricsRegistry, Map<string, Claim>>();
/** Per registry, the components each decision object was already counted for. */
const counted = new WeakMap<MetricsRegistry, WeakMap<object, Set<string>>>();

/** One observatory's hold on the ids it publishes in a registry. */
export interface RegistryShare {
  /** Holds `id` (a component named only in `record()`), once per observatory. */
  hold(id: string): void;
  /** `true` the first time `decision` is counted for `component` in this registry. */
  firstCount(decision: object, component: string): boolean;
  /** Lets go of every id; returns those no other open observatory holds. */
  release(): ReadonlySet<string>;
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
    if (existing === undefined) claim.set(id, { component, holders: 1 });
    else {
      existing.holders++;
      existing.component ??= component;
    }
  };
  for (const { id, component } of published) hold(id, component);
  let seen = counted.get(registry);
  if (seen === undefined) counted.set(registry, seen = new WeakMap());
  const decisions = seen;
  return {
    hold,
    firstCount(decision, component) {
      let components = decisions.get(decision);
      if (components === undefined) decisions.set(decision, components = new Set());
      if (components.has(component)) return false;
      components.add(component);
      return true;
    },
    release() {
      const free = new Set<string>();
      for (const id of mine) {
        const existing = claim.get(id)!;
        if (--existing.holders === 0) {
          claim.delete(id);
          free.add(id);
        }
      }
      mine.clear();
      return free;
    },
  };
}
