import type { DynamicBatchSizer } from "../control/batch/dynamic-batch-sizer.ts";
import type { CircuitBreaker } from "../control/brake/circuit-breaker.ts";
import type { EmergencyBrake } from "../control/brake/emergency-brake.ts";
import type { AdaptiveLimiter } from "../control/limiter/adaptive-limiter.ts";
import type { Decision } from "../control/types.ts";
import type { Clock } from "../internal/clock.ts";
import { Deque } from "../internal/deque.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import type { ResourceSample } from "../monitor/sample.ts";
import type { WorkerPool } from "../pool/pool.ts";
import { type Published, shareRegistry } from "./claims.ts";
import { componentEntries, type ComponentEntry, componentId } from "./entries.ts";
import { type ObservedMetrics, observedMetrics } from "./metrics.ts";
import { resolveObserveOptions } from "./options.ts";
import { componentStatus, machineStatus, readiness } from "./status.ts";
import type { Components, DecisionRecord, ObserveOptions, Status } from "./types.ts";
import { subscribe } from "../internal/events.ts";

/** What each event of an {@link Observatory} carries in `CustomEvent.detail`. */
export interface ObservatoryEventMap {
  /** A component changed a value (limit, batch size, brake, circuit): the record kept. */
  readonly decision: DecisionRecord;
  /** The monitor took a sample. */
  readonly sample: ResourceSample;
}

function isDecision(value: unknown): value is Decision {
  const d = value as Decision | null;
  return typeof d === "object" && d !== null && typeof d.source === "string" &&
    typeof d.from === "number" && typeof d.to === "number" && typeof d.reason === "string" &&
    typeof d.time === "number";
}

/**
 * Watches a set of components: publishes their figures as metrics in a
 * {@link MetricsRegistry} (refreshed from their `stats()` at every scrape),
 * keeps their recent decisions, forwards the monitor's samples, and answers
 * {@link Observatory.status} with the machine, readiness and every
 * component's state. Create one with {@link observe}; `close()` removes
 * every listener and collector it added and the series it wrote.
 *
 * Events: `decision` (`CustomEvent<DecisionRecord>`) for each decision of a
 * watched component, and `sample` (`CustomEvent<ResourceSample>`) for each
 * monitor sample.
 */
export class Observatory extends EventTarget {
  /** Where the metrics are published. */
  readonly registry: MetricsRegistry;
  /** The components watched, by kind and name. */
  readonly components: Components;
  readonly #clock: Clock;
  readonly #keep: number;
  readonly #entries: readonly ComponentEntry[];
  readonly #metrics: ObservedMetrics;
  readonly #decisions = new Deque<DecisionRecord>();
  readonly #cleanups: (() => void)[] = [];
  #closed = false;

  /** Validates `options` (throws `ConfigError`) and starts watching; {@link observe} does this. */
  constructor(options: ObserveOptions) {
    super();
    const o = resolveObserveOptions(options);
    this.registry = o.registry;
    this.components = o.components;
    this.#clock = o.clock;
    this.#keep = o.keepDecisions;
    this.#entries = componentEntries(o.components);
    const share = shareRegistry(o.registry, published(this.#entries, o.components));
    try {
      this.#metrics = observedMetrics(o.registry, o.components, share);
    } catch (error) {
      // A metric name the registry holds otherwise: no observatory opened, so nothing stays claimed.
      share.release();
      throw error;
    }
    this.#cleanups.push(o.registry.collect(this.#metrics.refresh));
    for (const entry of this.#entries) {
      const id = componentId(entry);
      const target: EventTarget = entry.component;
      const onDecision = (event: Event): void => {
        this.record((event as CustomEvent<Decision>).detail, id);
      };
      target.addEventListener("decision", onDecision);
      this.#cleanups.push(() => target.removeEventListener("decision", onDecision));
    }
    const monitor = o.components.monitor;
    if (monitor !== undefined) {
      const onSample = (event: Event): void => {
        const detail = (event as CustomEvent<ResourceSample>).detail;
        this.dispatchEvent(new CustomEvent("sample", { detail }));
      };
      monitor.addEventListener("sample", onSample);
      this.#cleanups.push(() => monitor.removeEventListener("sample", onSample));
    }
  }

  /** `true` once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The machine, readiness, every component's state and the decisions kept, read now. */
  status(): Status {
    const monitor = this.components.monitor;
    const ready = readiness(this.#entries, monitor);
    const components = this.#entries.map(componentStatus);
    return {
      time: this.#clock(),
      machine: monitor === undefined ? undefined : machineStatus(monitor),
      sample: monitor?.latest,
      level: monitor?.level,
      ready,
      components,
      decisions: this.decisions(),
    };
  }

  /** The decisions kept (at most `keepDecisions`), oldest first, newest last. */
  decisions(): readonly DecisionRecord[] {
    return [...this.#decisions];
  }

  /**
   * Records a decision made outside the watched components' events, such as
   * `governPool`'s `onDecision`, exactly as a watched one: kept, counted in
   * `decisions_total{component}` and dispatched as a `decision` event.
   * `component` defaults to the decision's `source`. After `close()` it
   * only returns the record. Throws a `TypeError` for a value that is not a
   * {@link Decision}.
   */
  record(decision: Decision, component: string = decision?.source): DecisionRecord {
    if (!isDecision(decision)) {
      throw new TypeError(
        "Cannot record a decision: expected { source, from, to, reason, time } " +
          `with string source and reason and number from, to and time`,
      );
    }
    const record: DecisionRecord = { ...decision, component: String(component), at: this.#clock() };
    if (this.#closed) return record;
    if (this.#keep > 0) {
      this.#decisions.push(record);
      if (this.#decisions.length > this.#keep) this.#decisions.shift();
    }
    this.#metrics.countDecision(record.component, decision);
    this.dispatchEvent(new CustomEvent("decision", { detail: record }));
    return record;
  }

  /** The pool watched under `name`. */
  pool(name: string): WorkerPool | undefined {
    return own(this.components.pools, name);
  }

  /** The limiter watched under `name`. */
  limiter(name: string): AdaptiveLimiter | undefined {
    return own(this.components.limiters, name);
  }

  /** The batch sizer watched under `name`. */
  batchSizer(name: string): DynamicBatchSizer | undefined {
    return own(this.components.batchSizers, name);
  }

  /** The emergency brake or circuit breaker watched under `name`. */
  brake(name: string): EmergencyBrake | CircuitBreaker | undefined {
    return own(this.components.brakes, name);
  }

  /**
   * Calls `listener` with the `detail` of each `type` event until the
   * returned function is called or `options.signal` aborts.
   */
  on<K extends keyof ObservatoryEventMap>(
    type: K,
    listener: (detail: ObservatoryEventMap[K]) => void,
    options: { readonly signal?: AbortSignal } = {},
  ): () => void {
    return subscribe(this, type, listener, options.signal);
  }

  /**
   * Stops watching: removes every listener it added to the components, its
   * collector, and the metric series it wrote, except those of components
   * another open Observatory publishes in the same registry. The components
   * themselves are left running. A second call does nothing.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#metrics.forget();
  }

  /** Same as `close()`, so `using observatory = observe(...)` cleans up. */
  [Symbol.dispose](): void {
    this.close();
  }
}

const FIELDS = {
  pool: "pools",
  limiter: "limiters",
  batchSizer: "batchSizers",
  brake: "brakes",
  breaker: "brakes",
} as const;

/** What an observatory publishes in its registry: every component, and the monitor. */
function published(entries: readonly ComponentEntry[], components: Components): Published[] {
  const all: Published[] = entries.map((entry) => ({
    id: componentId(entry),
    path: `${FIELDS[entry.kind]}.${entry.name}`,
    component: entry.component,
  }));
  const monitor = components.monitor;
  if (monitor !== undefined) all.push({ id: "monitor", path: "monitor", component: monitor });
  return all;
}

function own<T>(record: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}
