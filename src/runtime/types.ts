/**
 * The shapes every runtime adapter returns. A figure that cannot be read is
 * `undefined`, and the object's `degraded` list says which figure and why.
 * `sources` says where each figure that was read came from, for example
 * `cgroup2 /kubepods/pod1/cpu.max` or `os.availableParallelism`.
 *
 * @module
 */

/** Which runtime an adapter speaks for. */
export type RuntimeName = "node" | "deno" | "bun" | "browser" | "workerd" | "unknown";

/** Where each figure of an info object came from, keyed by field name. */
export type Sources<T> = { readonly [K in keyof T]?: string };

/** CPU throttling counters of the process's CPU cgroup. */
export interface ThrottlingInfo {
  /** Enforcement periods that have elapsed. */
  readonly periods: number;
  /** Periods in which the cgroup was throttled. */
  readonly throttled: number;
  /** Total time throttled, in microseconds. */
  readonly throttledUsec: number;
}

/** What the process may use of the machine's CPUs. */
export interface CpuInfo {
  /** CPUs on the host (`os.cpus().length`, `navigator.hardwareConcurrency`). */
  readonly logical: number | undefined;
  /** CPUs this process may be scheduled on (affinity: `os.availableParallelism`). */
  readonly affinity: number | undefined;
  /** CPUs granted by the cgroup cpuset (`cpuset.cpus.effective`). */
  readonly cpuset: number | undefined;
  /** Fractional CPU quota, the minimum over the cgroup and its ancestors; `undefined` = none. */
  readonly quota: number | undefined;
  /** Whole CPUs to plan for: max(1, min(affinity, cpuset, rounded quota)). */
  readonly effective: number;
  /** CPU throttling counters, where the cgroup has them. */
  readonly throttling: ThrottlingInfo | undefined;
  /** Where each figure that was read came from, keyed by field name. */
  readonly sources: Sources<Omit<CpuInfo, "sources" | "degraded">>;
  /** Each figure that could not be read, as `field: reason`. */
  readonly degraded: readonly string[];
}

/** Memory of the host, the container and the process, in bytes. */
export interface MemoryInfo {
  /** Host RAM. */
  readonly total: number | undefined;
  /** Memory the host could still give (`MemAvailable`); on Linux refreshed with the limits, not on every read. */
  readonly available: number | undefined;
  /** Hard container limit, the minimum over the cgroup and its ancestors; `undefined` = none. */
  readonly limit: number | undefined;
  /** cgroup v2 `memory.high` (throttle, not kill), minimum over the hierarchy. */
  readonly high: number | undefined;
  /** cgroup usage, page cache included. */
  readonly usage: number | undefined;
  /** usage minus inactive file cache, floored at 0: what Kubernetes evicts by. */
  readonly workingSet: number | undefined;
  /** Resident set of this process. */
  readonly rss: number | undefined;
  /** Where each figure that was read came from, keyed by field name. */
  readonly sources: Sources<Omit<MemoryInfo, "sources" | "degraded">>;
  /** Each figure that could not be read, as `field: reason`. */
  readonly degraded: readonly string[];
}

/** One line of a Linux PSI file. Averages are percentages, `total` microseconds. */
export interface PressureStall {
  /** Share of time stalled over the last 10 seconds, in percent. */
  readonly avg10: number;
  /** Share of time stalled over the last 60 seconds, in percent. */
  readonly avg60: number;
  /** Share of time stalled over the last 300 seconds, in percent. */
  readonly avg300: number;
  /** Cumulative time stalled, in microseconds. */
  readonly total: number;
}

/** Linux pressure stall information for one resource. */
export interface PressureResource {
  /** Time in which at least one task was stalled on the resource. */
  readonly some: PressureStall;
  /** Absent where the kernel does not report it (system-wide CPU before 5.13). */
  readonly full: PressureStall | undefined;
}

/** Linux pressure stall information (PSI). */
export interface PressureInfo {
  /** CPU pressure; `undefined` when it could not be read (see `degraded`). */
  readonly cpu: PressureResource | undefined;
  /** Memory pressure; `undefined` when it could not be read (see `degraded`). */
  readonly memory: PressureResource | undefined;
  /** I/O pressure; `undefined` when it could not be read (see `degraded`). */
  readonly io: PressureResource | undefined;
  /** Which file each resource was read from: the cgroup's `*.pressure` or `/proc/pressure/*`. */
  readonly sources: Sources<Omit<PressureInfo, "sources" | "degraded">>;
  /** Each figure that could not be read, as `field: reason`. */
  readonly degraded: readonly string[];
}

/** Per-worker heap limits; honoured by Node and Deno, ignored by Bun and browsers. */
export interface WorkerResourceLimits {
  /** Largest size of the worker's main (old-generation) heap, in MB. */
  readonly maxOldGenerationSizeMb?: number;
  /** Largest size of the heap space for newly created objects (young generation), in MB. */
  readonly maxYoungGenerationSizeMb?: number;
  /** Default maximum stack size of the worker thread, in MB. */
  readonly stackSizeMb?: number;
}

/** How to start a worker. */
export interface SpawnOptions {
  /** Name shown in debuggers and thread lists. */
  readonly name?: string;
  /** Heap limits, where the runtime honours them. */
  readonly resourceLimits?: WorkerResourceLimits;
}

/** What a worker tells its owner. */
export interface WorkerHandlers {
  /** A message the worker posted. */
  message(data: unknown): void;
  /** An uncaught error in the worker, or a message that could not be deserialised. */
  error(error: Error): void;
  /** The worker stopped; `code` is its exit code where the runtime reports one. */
  exit(code: number): void;
}

/**
 * An object a worker message moves instead of copying: an `ArrayBuffer`, a
 * `MessagePort`, a stream. It stands for the DOM's `Transferable`, so that the
 * package's types need neither the DOM library nor a particular `@types/node`.
 */
export type Transferable = object;

/** A worker thread, whatever the runtime's own worker type is. */
export interface WorkerLike {
  /** `worker_threads` on Node and Deno, a module Web Worker elsewhere. */
  readonly kind: "worker_threads" | "web";
  /** Sends `message` to the worker; objects in `transfer` are moved, not copied. */
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  /** Sets the handlers; a later call replaces earlier ones. */
  listen(handlers: WorkerHandlers): void;
  /**
   * Stops the worker; resolves once it has stopped. `exit` is reported once either way.
   * On Deno (2.x), a worker stuck in a synchronous loop keeps running after this resolves:
   * Deno cannot interrupt it.
   */
  terminate(): Promise<void>;
  /** Lets the process exit while this worker lives (no-op where not supported). */
  unref(): void;
  /** Undoes `unref()`: the worker keeps the process alive again. */
  ref(): void;
}

/** How a runtime answers questions about the machine. Reading never throws. */
export interface RuntimeAdapter {
  /** The runtime this adapter speaks for. */
  readonly name: RuntimeName;
  /** CPUs: logical, affinity, cgroup quota and cpuset, effective. */
  cpu(): CpuInfo;
  /** Memory: host total, container limit, usage, working set, RSS. */
  memory(): MemoryInfo;
  /** Cumulative CPU time in microseconds: the cgroup's where readable, else the process's. */
  cpuTime(): number | undefined;
  /**
   * Where the last `cpuTime()` answer came from (reading once if it was never
   * called), for example `cgroup2 /cpu.stat usage_usec` or `process.cpuUsage()`.
   */
  cpuTimeSource(): string | undefined;
  /** 1, 5 and 15 minute load averages, where the platform has them. */
  loadAverage(): readonly [number, number, number] | undefined;
  /** Linux PSI; `undefined` where the platform has none. */
  pressure(): PressureInfo | undefined;
  /** Whether `spawnWorker` can start a worker here (false on workerd and other edge runtimes). */
  canSpawnWorkers(): boolean;
  /** Starts a module worker from `url`. Throws where the runtime has no workers. */
  spawnWorker(url: URL, options?: SpawnOptions): WorkerLike;
}
