/**
 * What a simulated scenario is made of: arrivals, task sizes, the service
 * that runs admitted tasks, and the memory it holds.
 *
 * @module
 */

/** From `atMs` on, the service's capacity is `capacity` (cores, or the knee). */
export interface Phase {
  readonly atMs: number;
  readonly capacity: number;
}

/**
 * CPU work under processor sharing: `capacity` cores are shared by the tasks
 * in service; past the cores each extra task costs `thrash` of throughput.
 */
export interface CpuService {
  readonly kind: "cpu";
  readonly phases: readonly Phase[];
  readonly thrash: number;
}

/**
 * A downstream: up to `capacity` calls run at full speed; past it every call
 * slows by `(n / capacity) ^ exponent`. With `rejectAbove`, a call that
 * finds that many already in service is rejected after `rejectMs`. Each call
 * in flight costs `cpuPerTask` of a local core.
 */
export interface DownstreamService {
  readonly kind: "downstream";
  readonly phases: readonly Phase[];
  readonly exponent: number;
  readonly cpuPerTask: number;
  readonly rejectAbove?: number;
  readonly rejectMs?: number;
}

/** How admitted work is served. */
export type ServiceModel = CpuService | DownstreamService;

/** Poisson arrivals at a fixed rate. */
export interface PoissonArrivals {
  readonly kind: "poisson";
  readonly perSecond: number;
}

/** Poisson arrivals that alternate between a busy and a quiet rate. */
export interface OnOffArrivals {
  readonly kind: "onOff";
  readonly onMs: number;
  readonly offMs: number;
  readonly onPerSecond: number;
  readonly offPerSecond: number;
}

/** When tasks arrive. */
export type ArrivalModel = PoissonArrivals | OnOffArrivals;

/** How much work each task is, in ms of service at full speed. */
export type SizeModel =
  | { readonly kind: "exponential"; readonly meanMs: number }
  | { readonly kind: "pareto"; readonly meanMs: number; readonly shape: number };

/**
 * Memory: `baseBytes` plus `perTaskBytes` per task in service. Admitting a
 * task past `limitBytes` kills every task in service (out of memory), and
 * nothing is admitted for `restartMs`.
 */
export interface MemoryModel {
  readonly baseBytes: number;
  readonly perTaskBytes: number;
  readonly limitBytes: number;
  readonly restartMs: number;
  /** Reported memory wobbles by up to this much (garbage not yet collected). */
  readonly noiseBytes: number;
}

/** One simulated workload. */
export interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly seed: number;
  readonly durationMs: number;
  /** CPUs the monitor reports (a quota change or a noisy neighbour does not move it). */
  readonly cpus: number;
  readonly arrivals: ArrivalModel;
  readonly sizes: SizeModel;
  readonly service: ServiceModel;
  readonly memory?: MemoryModel;
  /** Arrivals finding this many waiting are shed. */
  readonly maxQueue: number;
  /** A task that waited longer than this is shed when it reaches the head, in ms. */
  readonly maxWaitMs: number;
  /** A task in service longer than this is cancelled (a wasted attempt), in ms. */
  readonly timeoutMs: number;
  /** Time between monitor samples, in ms. */
  readonly sampleMs: number;
}

/** The capacity in force at `time`. */
export function capacityAt(phases: readonly Phase[], time: number): number {
  let capacity = phases[0]?.capacity ?? 1;
  for (const phase of phases) if (phase.atMs <= time) capacity = phase.capacity;
  return capacity;
}

/** Times at which the capacity changes after the start. */
export function changeTimes(scenario: Scenario): number[] {
  return scenario.service.phases.filter((p) => p.atMs > 0).map((p) => p.atMs);
}

/** Speed of each task in service when `n` are in service at `capacity` (1 = full speed). */
export function serviceRate(service: ServiceModel, n: number, capacity: number): number {
  if (n <= capacity) return 1;
  if (service.kind === "cpu") return capacity / n / (1 + service.thrash * (n - capacity));
  return Math.pow(capacity / n, service.exponent);
}

/** Local cores busy with `n` tasks in service. */
export function busyCores(scenario: Scenario, n: number, capacity: number): number {
  const service = scenario.service;
  if (service.kind === "cpu") return Math.min(n, capacity);
  return Math.min(scenario.cpus, n * service.cpuPerTask);
}
