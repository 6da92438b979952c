import * as v from "valibot";
import { custom, hasMethods } from "../config/custom.ts";
import { type ConfigError, fieldError } from "../config/config-error.ts";
import { parseOptions } from "../config/parse.ts";
import type { RuntimeAdapter, WorkerResourceLimits } from "../runtime/types.ts";

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** The worker module: a file that calls `defineWorker()`. See `workerUrl()`. */
  readonly worker: URL | string;
  /** Workers kept alive when idle. @default {1} */
  readonly minWorkers?: number;
  /** Most workers at once. @default {the adapter's effective CPUs (container quota respected)} */
  readonly maxWorkers?: number;
  /** Most tasks waiting for a worker (at least 1); past it `run()` rejects with `QueueFullError`. @default {Infinity} */
  readonly maxQueue?: number;
  /**
   * Waiting tasks at which the pool reports `backpressure`; at most `maxQueue`.
   * @default {maxQueue when finite, else 64 × maxWorkers}
   */
  readonly highWaterMark?: number;
  /**
   * Waiting tasks under which `ready()` resolves and `backpressureEnd` fires (at least 1).
   * @default {half the highWaterMark, at least 1}
   */
  readonly lowWaterMark?: number;
  /** A worker above `minWorkers` idle this long is stopped (at most 2147483647). @default {30000} */
  readonly idleTimeoutMs?: number;
  /** Start `minWorkers` at construction instead of on the first task. @default {false} */
  readonly warm?: boolean;
  /** Run tasks on this thread, for runtimes without workers. @default {false} */
  readonly inline?: boolean;
  /**
   * After a running task is cancelled, how long its worker may take to stop it before it is
   * replaced (at most 2147483647). @default {1000}
   */
  readonly cancelGraceMs?: number;
  /** Most tasks of one `key` running at once (a per-tenant cap). @default {Infinity} */
  readonly maxPerKey?: number;
  /**
   * Work, in ms of measured run time, sent ahead to each worker so it never
   * waits for the next task. Larger favours throughput, smaller favours
   * priorities and fair stealing. @default {2}
   */
  readonly pipelineMs?: number;
  /**
   * While the queue holds more than twice `pipelineMs` of run time per
   * worker, each worker is sent half its share of the queue ahead, up to
   * this much, and holds its results back as long, so a long batch crosses
   * in fewer messages. A result then waits up to this long for the ones
   * after it, while the tasks behind it wait longer in the queue; 0 turns it off.
   * @default {20}
   */
  readonly backlogBatchMs?: number;
  /**
   * Raise each worker thread's nice value by this much (0-19), so the main
   * thread (HTTP, timers, dispatching the pool) runs first when CPUs are
   * short and the workers take what it leaves. Linux only, where threads
   * have their own priority; elsewhere it is ignored, and
   * `stats().workers.lowPriority` says how many workers it applies to.
   * @default {0}
   */
  readonly niceIncrement?: number;
  /** Name shown in thread lists and stats. @default {"headroom"} */
  readonly name?: string;
  /** Heap limits per worker, where the runtime honours them (Node). */
  readonly resourceLimits?: WorkerResourceLimits;
  /** Where CPU counts come from and how workers start. @default {createRuntimeAdapter()} */
  readonly adapter?: RuntimeAdapter;
}

/** {@link WorkerPoolOptions} checked, with every default filled in. */
export interface ResolvedPoolOptions {
  readonly worker: URL;
  readonly minWorkers: number;
  readonly maxWorkers: number;
  readonly maxQueue: number;
  readonly highWaterMark: number;
  readonly lowWaterMark: number;
  readonly idleTimeoutMs: number;
  readonly warm: boolean;
  readonly inline: boolean;
  readonly cancelGraceMs: number;
  readonly maxPerKey: number;
  readonly pipelineMs: number;
  readonly backlogBatchMs: number;
  readonly niceIncrement: number;
  readonly name: string;
  readonly resourceLimits: WorkerResourceLimits | undefined;
  readonly adapter: RuntimeAdapter | undefined;
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const positiveCount = v.pipe(v.number(), v.integer(), v.minValue(1));
const limit = v.union([positiveCount, v.literal(Infinity)]);
const ms = v.pipe(v.number(), v.finite(), v.minValue(0));
/** Longest delay `setTimeout` keeps (2^31 - 1 ms, about 24.8 days); Node fires longer ones at once. */
export const MAX_TIMER_MS = 0x7fffffff;
/** A delay the pool waits with `setTimeout`. */
const timerMs = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_TIMER_MS));
const mb = v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0)));

const schema = v.strictObject({
  worker: v.union([
    v.instance(URL),
    v.pipe(v.string(), v.url("a URL (use workerUrl('./worker.ts', import.meta.url))")),
  ]),
  minWorkers: v.optional(count),
  maxWorkers: v.optional(positiveCount),
  // 0 would refuse every task, and a low-water mark of 0 would never be passed.
  maxQueue: v.optional(limit),
  highWaterMark: v.optional(limit),
  lowWaterMark: v.optional(positiveCount),
  idleTimeoutMs: v.optional(timerMs, 30_000),
  warm: v.optional(v.boolean(), false),
  inline: v.optional(v.boolean(), false),
  cancelGraceMs: v.optional(timerMs, 1000),
  maxPerKey: v.optional(limit, Infinity),
  pipelineMs: v.optional(ms, 2),
  backlogBatchMs: v.optional(ms, 20),
  niceIncrement: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(19)), 0),
  name: v.optional(v.string(), "headroom"),
  resourceLimits: v.optional(v.strictObject({
    maxOldGenerationSizeMb: mb,
    maxYoungGenerationSizeMb: mb,
    stackSizeMb: mb,
  })),
  adapter: v.optional(custom<RuntimeAdapter>(
    (input) => hasMethods(input, ["spawnWorker", "cpu", "canSpawnWorkers"]),
    "a RuntimeAdapter (cpu, canSpawnWorkers and spawnWorker methods)",
  )),
});

function conflict(path: string, received: unknown, expected: string): ConfigError {
  return fieldError("WorkerPool options", path, received, expected);
}

/**
 * Checks `input` against {@link WorkerPoolOptions}; `defaultMax` supplies
 * `maxWorkers` when it is not given. Throws a `ConfigError` naming each bad field.
 */
export function resolvePoolOptions(
  input: unknown,
  defaultMax: () => number,
): ResolvedPoolOptions {
  const o = parseOptions(schema, input, "WorkerPool options");
  const maxWorkers = o.maxWorkers ?? Math.max(1, o.minWorkers ?? 1, defaultMax());
  const minWorkers = o.minWorkers ?? Math.min(1, maxWorkers);
  if (minWorkers > maxWorkers) {
    throw conflict("minWorkers", minWorkers, `at most maxWorkers (${maxWorkers})`);
  }
  const maxQueue = o.maxQueue ?? Infinity;
  // Above maxQueue, ready() would resolve while run() still refuses, and backpressure never fires.
  if (o.highWaterMark !== undefined && o.highWaterMark > maxQueue) {
    throw conflict("highWaterMark", o.highWaterMark, `at most maxQueue (${maxQueue})`);
  }
  const highWaterMark = o.highWaterMark ?? (Number.isFinite(maxQueue) ? maxQueue : 64 * maxWorkers);
  // ready() waits for fewer than this many: it must be at least 1 to ever resolve.
  const lowWaterMark = o.lowWaterMark ?? Math.max(1, Math.floor(highWaterMark / 2));
  if (lowWaterMark > highWaterMark) {
    throw conflict("lowWaterMark", lowWaterMark, `at most highWaterMark (${highWaterMark})`);
  }
  return {
    worker: typeof o.worker === "string" ? new URL(o.worker) : o.worker,
    minWorkers,
    maxWorkers,
    maxQueue,
    highWaterMark,
    lowWaterMark,
    idleTimeoutMs: o.idleTimeoutMs,
    warm: o.warm,
    inline: o.inline,
    cancelGraceMs: o.cancelGraceMs,
    maxPerKey: o.maxPerKey,
    pipelineMs: o.pipelineMs,
    backlogBatchMs: o.backlogBatchMs,
    niceIncrement: o.niceIncrement,
    name: o.name,
    resourceLimits: o.resourceLimits as WorkerResourceLimits | undefined,
    adapter: o.adapter,
  };
}
