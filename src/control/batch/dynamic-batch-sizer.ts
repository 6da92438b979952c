/**
 * DynamicBatchSizer: per-operation batch sizes that follow measurements.
 *
 * @module
 */

import type { ResourceSample } from "../../monitor/sample.ts";
import type { Decision } from "../types.ts";
import { type LoadFigure, loadFigures, loadReadings } from "../load-figures.ts";
import { fixedPolicy } from "./fixed-policy.ts";
import { hillClimbPolicy } from "./hill-climb-policy.ts";
import { loadPolicy } from "./load-policy.ts";
import { modelPolicy } from "./model-policy.ts";
import { resolveBatchOperation, resolveSizerOptions } from "./options.ts";
import type {
  BatchOperationOptions,
  DynamicBatchSizerOptions,
  ResolvedBatchOperation,
  ResolvedSizerOptions,
} from "./options.ts";
import type { BatchPolicy, BatchSizeAdjusted, BatchStats } from "./types.ts";
import { orderedDispatch, subscribe } from "../../internal/events.ts";

/** What each event of a {@link DynamicBatchSizer} carries in `CustomEvent.detail`. */
export interface DynamicBatchSizerEventMap {
  /** An operation's planned batch size changed (probes excluded). */
  readonly batchSizeAdjusted: BatchSizeAdjusted;
  /** Any change of the next batch's size, probes included, with the reason. */
  readonly decision: Decision;
}

/** One finished batch, as given to {@link DynamicBatchSizer.record}. */
export interface BatchResult {
  /** Items in the batch. */
  readonly items: number;
  /** How long it took, in ms. */
  readonly durationMs: number;
  /** When it finished, in ms on the sizer's clock. @default {clock()} */
  readonly now?: number;
}

/** What {@link DynamicBatchSizer.statistics} reports across operations. */
export interface BatchSizerStatistics {
  /** Names of the registered operations. */
  readonly operations: readonly string[];
  /** Items in the next batch, by operation name. */
  readonly sizes: Readonly<Record<string, number>>;
  /** The last load reading (%), `undefined` without a monitor or while it fails. */
  readonly lastLoad: number | undefined;
  /** Size changes across operations, probes included. */
  readonly totalAdjustments: number;
  /**
   * `none` without a monitor, `waiting` before its first sample, `failed`
   * while sizes fall back to their defaults (it failed, gave no load figure,
   * or fell silent for `staleAfterMs`).
   */
  readonly monitor: "none" | "waiting" | "ok" | "failed";
}

interface Operation {
  readonly name: string;
  readonly options: ResolvedBatchOperation;
  readonly policy: BatchPolicy;
  size: number;
  planned: number;
  reason: string;
  batches: number;
  items: number;
  durationMs: number;
  overBudget: number;
  adjustments: number;
  probes: number;
  fallback: boolean;
}

type MonitorState =
  | { readonly kind: "none" }
  | { readonly kind: "waiting" }
  | {
    readonly kind: "ok";
    readonly load: number | undefined;
    readonly loadWhy: string;
    readonly figures: readonly LoadFigure[];
    readonly pressured: string;
  }
  | { readonly kind: "failed"; readonly why: string };

function policyFor(options: ResolvedBatchOperation): BatchPolicy {
  switch (options.mode) {
    case "model":
      return modelPolicy(options);
    case "load":
      return loadPolicy(options);
    case "hill-climb":
      return hillClimbPolicy(options);
    case "fixed":
      return fixedPolicy(options);
  }
}

function loadOf(sample: ResourceSample): { load: number | undefined; why: string } {
  const { cpu, memory } = loadReadings(sample);
  if (cpu === undefined && memory === undefined) {
    const figures = sample.degraded.filter((d) => d.startsWith("cpu") || d.startsWith("memory"));
    return {
      load: undefined,
      why: figures.length > 0 ? figures.join("; ") : "no CPU or memory figure in the sample",
    };
  }
  const load = Math.max(cpu ?? 0, memory ?? 0);
  const parts = [
    cpu === undefined ? undefined : `cpu ${cpu.toFixed(0)}%`,
    memory === undefined ? undefined : `memory ${memory.toFixed(0)}%`,
  ].filter((p) => p !== undefined);
  return { load, why: parts.join(", ") };
}

/** The message of an error, or of the error an `error` event carries (`error` or `detail`). */
function message(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null) {
    if ("error" in error && error.error !== undefined) return message(error.error);
    if ("detail" in error && error.detail != null) return message(error.detail);
    if ("message" in error && typeof error.message === "string") return error.message;
  }
  return String(error);
}

/**
 * Decides the batch size of each registered operation from measurements,
 * and says why every time it changes.
 *
 * Each operation has its own mode (see {@link BatchOperationOptions}):
 * `model` (the default) fits per-batch overhead plus per-item cost from the
 * batches you {@link DynamicBatchSizer.record} and picks the largest batch
 * that fits `budgetMs`; `load` follows a monitor's load between two
 * thresholds with a cooldown; `hill-climb` steps the size by mean batch
 * duration; `fixed` keeps `defaultSize`.
 *
 * With a `monitor`, `load` operations follow its CPU or memory load
 * (whichever is higher), and the other modes are capped at `defaultSize`
 * while it reports `high` or `critical` pressure. When the monitor fails
 * (it dispatches `error`, a sample has no CPU or memory figure, or no sample
 * arrives for `staleAfterMs`), every operation falls back to its
 * `defaultSize` (`model` and `hill-climb` modes: at most `defaultSize`) and the decision says
 * so; the next good sample lifts the fallback.
 *
 * Every change dispatches a `decision` event ({@link Decision}: from, to,
 * reason, time); a change of the planned size, probes excluded, also
 * dispatches `batchSizeAdjusted`.
 *
 * @example Size batches to fit 100 ms
 * ```ts
 * import { DynamicBatchSizer } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * let t = 0;
 * const sizer = new DynamicBatchSizer({ clock: () => t });
 * sizer.register("import", { budgetMs: 100, initialSize: 10 });
 * const reasons: string[] = [];
 * sizer.on("decision", (d) => reasons.push(d.reason));
 * for (let i = 0; i < 50; i++) {
 *   const items = sizer.size("import");
 *   const durationMs = 20 + 0.5 * items; // what the batch really took
 *   t += durationMs;
 *   sizer.record("import", { items, durationMs });
 * }
 * const stats = sizer.stats("import");
 * assert.ok(stats.size > 100 && stats.size <= 160);
 * assert.equal(stats.overBudget, 0);
 * assert.ok(reasons.length > 0);
 * ```
 */
export class DynamicBatchSizer extends EventTarget {
  readonly #options: ResolvedSizerOptions;
  readonly #operations = new Map<string, Operation>();
  #monitor: MonitorState;
  #lastSampleAt: number;
  #unsubscribe: (() => void) | undefined;
  #totalAdjustments = 0;
  readonly #dispatch: (...events: Event[]) => void = orderedDispatch(this);

  /** Validates `options` (throws `ConfigError`) and subscribes to the monitor, if any. */
  constructor(options: DynamicBatchSizerOptions = {}) {
    super();
    this.#options = resolveSizerOptions(options);
    this.#lastSampleAt = this.#options.clock();
    const source = this.#options.monitor;
    if (source === undefined) {
      this.#monitor = { kind: "none" };
      return;
    }
    this.#monitor = { kind: "waiting" };
    const stopSamples = source.on("sample", (sample) => this.observe(sample));
    let stopErrors = (): void => {};
    if (source instanceof EventTarget) {
      const onError = (event: Event): void => this.monitorFailed(message(event));
      source.addEventListener("error", onError);
      stopErrors = () => source.removeEventListener("error", onError);
    }
    this.#unsubscribe = () => {
      stopSamples();
      stopErrors();
    };
  }

  /**
   * Registers (or replaces, starting afresh) operation `name` with `options`
   * over the sizer's `defaults`; throws a `ConfigError` naming each bad
   * field. Returns the size of its first batch. Replacing an operation with
   * a different first size is a `decision` event.
   */
  register(name: string, options: BatchOperationOptions = {}): number {
    if (typeof name !== "string" || name === "") {
      throw new TypeError(`Cannot register a batch operation: name must be a non-empty string`);
    }
    const resolved = resolveBatchOperation(
      options,
      this.#options.defaults,
      `batch operation "${name}" options`,
    );
    const now = this.#options.clock();
    // A monitor that fell silent has failed: the first size must say so, as size() would.
    this.#checkStale(now);
    const policy = policyFor(resolved);
    const op: Operation = {
      name,
      options: resolved,
      policy,
      size: policy.current.size,
      planned: policy.current.size,
      reason: policy.current.reason,
      batches: 0,
      items: 0,
      durationMs: 0,
      overBudget: 0,
      adjustments: 0,
      probes: 0,
      fallback: false,
    };
    const previous = this.#operations.get(name);
    this.#operations.set(name, op);
    const state = this.#monitor;
    if (resolved.mode === "load" && state.kind === "ok") {
      policy.load(state.load, now, state.loadWhy, state.figures);
    } else if (resolved.mode === "load" && state.kind === "failed") {
      policy.load(undefined, now, state.why);
    }
    // The size the operation starts at was never handed out: no change to announce.
    this.#apply(op, now, false, true);
    if (previous !== undefined && previous.size !== op.size) {
      // Replacing an operation (an operator's override, say) is a decision too, and a change.
      this.#totalAdjustments++;
      const reason = `registered again (${resolved.mode} mode): ${op.reason}`;
      const decision: Decision = {
        source: `batch:${name}`,
        from: previous.size,
        to: op.size,
        reason,
        time: now,
      };
      this.#dispatch(new CustomEvent("decision", { detail: decision }));
    }
    return op.size;
  }

  /** Forgets operation `name`; returns whether it was registered. */
  unregister(name: string): boolean {
    return this.#operations.delete(name);
  }

  /** Names of the registered operations. */
  get operations(): readonly string[] {
    return [...this.#operations.keys()];
  }

  /** Items in the next batch of `name`. Throws a `RangeError` for an unknown name. */
  size(name: string): number {
    const op = this.#get(name, "size");
    this.#checkStale(this.#options.clock());
    return op.size;
  }

  /**
   * Feeds one finished batch of `name`; returns the size of the next one.
   * Throws a `RangeError` for an unknown name, for `items` or
   * `durationMs` that are not finite numbers >= 0, or for a `now` that is
   * not a finite number.
   */
  record(name: string, batch: BatchResult): number {
    const op = this.#get(name, "record a batch of");
    const { items, durationMs } = batch;
    if (!Number.isFinite(items) || items < 0 || !Number.isFinite(durationMs) || durationMs < 0) {
      throw new RangeError(
        `Cannot record a batch of "${name}": items (${items}) and durationMs (${durationMs}) must be finite numbers >= 0`,
      );
    }
    if (batch.now !== undefined && !Number.isFinite(batch.now)) {
      throw new RangeError(
        `Cannot record a batch of "${name}": now (${batch.now}) must be a finite number`,
      );
    }
    const now = batch.now ?? this.#options.clock();
    op.batches++;
    op.items += items;
    op.durationMs += durationMs;
    if (durationMs > op.options.budgetMs) op.overBudget++;
    const before = op.policy.current;
    // Hill-climb judges its own size by how long batches take. A batch the monitor's cap made
    // smaller counts as one of that size, its time scaled per item: taken as it is, a quick
    // capped batch made it climb, and jump there once the cap lifted.
    const capped = op.options.mode === "hill-climb" && op.size < before.size && items > 0 &&
      items < before.size;
    const fed = capped
      ? { items: before.size, durationMs: (durationMs * before.size) / items, now }
      : { items, durationMs, now };
    // A batch the policy learns nothing from (0 items) leaves its proposal, probe or not, in force.
    const proposed = op.policy.record(fed) !== before;
    // Silence is measured to the clock, not to when the batch says it ended.
    this.#checkStale(Math.max(now, this.#options.clock()));
    this.#apply(op, now, proposed);
    return op.size;
  }

  /**
   * Feeds one monitor sample, as the subscription to `monitor` does; call it
   * yourself to drive the sizer from samples taken elsewhere.
   */
  observe(sample: ResourceSample): void {
    const now = this.#options.clock();
    this.#lastSampleAt = now;
    const { load, why } = loadOf(sample);
    const pressured = sample.level === "high" || sample.level === "critical"
      ? `pressure ${sample.level} (${sample.reasons.join("; ")})`
      : "";
    this.#monitor = load === undefined
      ? { kind: "failed", why: `monitor gave no load figure: ${why}` }
      : { kind: "ok", load, loadWhy: why, figures: loadFigures(sample), pressured };
    this.#refresh(now);
  }

  /** Marks the monitor as failed for `reason`: every operation falls back to its default size. */
  monitorFailed(reason: string): void {
    const now = this.#options.clock();
    this.#monitor = { kind: "failed", why: `monitor failed: ${reason}` };
    this.#refresh(now);
  }

  /** Counters, current size and model fit of operation `name`. */
  stats(name: string): BatchStats {
    const op = this.#get(name, "read stats of");
    this.#checkStale(this.#options.clock());
    return {
      operation: op.name,
      mode: op.options.mode,
      size: op.size,
      batches: op.batches,
      items: op.items,
      meanDurationMs: op.batches > 0 ? op.durationMs / op.batches : 0,
      overBudget: op.overBudget,
      budgetMs: op.options.budgetMs,
      adjustments: op.adjustments,
      probes: op.probes,
      model: op.policy.model(),
      noise: op.policy.noise(),
      fallback: op.fallback,
      reason: op.reason,
    };
  }

  /** Sizes of every operation, the last load and the number of changes. */
  statistics(): BatchSizerStatistics {
    this.#checkStale(this.#options.clock());
    // Own properties whatever the name: assigning `sizes["__proto__"]` would set the prototype.
    const sizes: Record<string, number> = Object.fromEntries(
      [...this.#operations].map(([name, op]) => [name, op.size]),
    );
    const state = this.#monitor;
    return {
      operations: this.operations,
      sizes,
      lastLoad: state.kind === "ok" ? state.load : undefined,
      totalAdjustments: this.#totalAdjustments,
      monitor: state.kind,
    };
  }

  /**
   * Calls `listener` with the `detail` of each `type` event until the
   * returned function is called or `options.signal` aborts.
   */
  on<K extends keyof DynamicBatchSizerEventMap>(
    type: K,
    listener: (detail: DynamicBatchSizerEventMap[K]) => void,
    options: { readonly signal?: AbortSignal } = {},
  ): () => void {
    return subscribe(this, type, listener, options.signal);
  }

  /** Unsubscribes from the monitor; a second call does nothing. */
  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Unsubscribes from the monitor, so `using sizer = new DynamicBatchSizer(...)` cleans up. */
  [Symbol.dispose](): void {
    this.close();
  }

  #get(name: string, action: string): Operation {
    const op = this.#operations.get(name);
    if (op === undefined) {
      throw new RangeError(
        `Cannot ${action} "${name}": no operation is registered under that name; call register("${name}") first`,
      );
    }
    return op;
  }

  #checkStale(now: number): void {
    const state = this.#monitor;
    if (state.kind === "none" || state.kind === "failed") return;
    const silent = now - this.#lastSampleAt;
    if (silent <= this.#options.staleAfterMs) return;
    this.#monitor = {
      kind: "failed",
      why: `no monitor sample for ${
        silent.toFixed(0)
      } ms (staleAfterMs ${this.#options.staleAfterMs})`,
    };
    this.#refresh(now);
  }

  #refresh(now: number): void {
    const state = this.#monitor;
    for (const op of this.#operations.values()) {
      if (op.options.mode === "load") {
        if (state.kind === "ok") op.policy.load(state.load, now, state.loadWhy, state.figures);
        else if (state.kind === "failed") op.policy.load(undefined, now, state.why);
      }
      this.#apply(op, now, false);
    }
  }

  /**
   * Applies the monitor's cap to the policy's proposal and, unless `quiet`,
   * announces a change. `proposed`: the policy has just made this proposal,
   * so a probe in it counts once.
   */
  #apply(op: Operation, now: number, proposed: boolean, quiet = false): void {
    const proposal = op.policy.current;
    let size = proposal.size;
    let reason = proposal.reason;
    const state = this.#monitor;
    op.fallback = state.kind === "failed";
    if (op.options.mode !== "load") {
      const cap = op.options.defaultSize;
      const why = state.kind === "failed" ? state.why : state.kind === "ok" ? state.pressured : "";
      if (why !== "" && size > cap) {
        size = cap;
        reason = `${why}: capped at default size ${cap} (${reason})`;
      }
    }
    const probe = proposal.probe && size === proposal.size;
    if (proposed && probe) op.probes++;
    op.reason = reason;
    if (quiet) {
      op.size = size;
      op.planned = size;
      return;
    }
    // Every change is made before any listener hears of one; a listener's own change waits.
    if (size === op.size) {
      // A probe's size can become the plan: that is still a change of the planned size.
      if (!probe && size !== op.planned) this.#dispatch(this.#adjusted(op, size, reason, now));
      return;
    }
    const from = op.size;
    op.size = size;
    op.adjustments++;
    this.#totalAdjustments++;
    const decision: Decision = { source: `batch:${op.name}`, from, to: size, reason, time: now };
    const events: Event[] = [new CustomEvent("decision", { detail: decision })];
    if (!probe && size !== op.planned) events.push(this.#adjusted(op, size, reason, now));
    this.#dispatch(...events);
  }

  /** The planned size (not a probe's) moves to `size`: its `batchSizeAdjusted` event. */
  #adjusted(op: Operation, size: number, reason: string, now: number): Event {
    const adjusted: BatchSizeAdjusted = {
      operation: op.name,
      previousBatchSize: op.planned,
      newBatchSize: size,
      reason,
      time: now,
    };
    op.planned = size;
    return new CustomEvent("batchSizeAdjusted", { detail: adjusted });
  }
}
