/**
 * The discrete-event simulator: a virtual clock, a limiter that admits
 * queued tasks up to the controller's limit, and a processor-sharing service.
 * Deterministic: the same scenario and controller give the same result.
 *
 * @module
 */

import type { Limit, ResourceAwareLimit } from "../control/types.ts";
import type { ResourceSample } from "../monitor/sample.ts";
import { MinHeap } from "../internal/min-heap.ts";
import { busyCores, capacityAt, type Scenario, serviceRate } from "./scenario.ts";
import { drawWorkload, type Workload } from "./workload.ts";
import { seededRandom } from "../internal/random.ts";

/** What a run measured. */
export interface RunResult {
  readonly durationMs: number;
  /** Tasks that completed. */
  readonly successes: number;
  /** Admitted tasks that did not succeed: rejected, killed by OOM, timed out. */
  readonly wasted: number;
  /** Arrivals shed by the queue (full, or waited too long); never admitted. */
  readonly shed: number;
  /** Times the service ran out of memory. */
  readonly ooms: number;
  /** 99th percentile of service time (admitted to done) of successes, in ms. */
  readonly p99Ms: number;
  /** Successes completed in each capacity phase. */
  readonly phaseSuccesses: readonly number[];
  /** Times (ms) at which the limit changed, with `traceLimit` the new value; starts at 0. */
  readonly traceTime: readonly number[];
  readonly traceLimit: readonly number[];
}

/** A controller as the simulator drives it: a limit, optionally reading monitor samples. */
export type SimController = Limit | ResourceAwareLimit;

const RUNNING = 1;
const DONE = 2;

function p99(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
}

function sampleOf(
  time: number,
  cpus: number,
  cpuPercent: number | undefined,
  smoothed: number | undefined,
  memoryBytes: number,
  memoryLimit: number,
): ResourceSample {
  const memoryPercent = (memoryBytes / memoryLimit) * 100;
  return {
    time,
    cpus,
    cpuQuota: undefined,
    cpuPercent,
    cpuPercentSmoothed: smoothed,
    memoryBytes,
    memorySource: "workingSet",
    memoryLimit,
    memoryLimitSource: "container",
    memoryPercent,
    memoryPercentSmoothed: memoryPercent,
    loadAverage: undefined,
    psi: { cpu: undefined, memory: undefined, io: undefined },
    loopDelayMs: undefined,
    throttling: undefined,
    level: "none",
    reasons: [],
    degraded: [],
  };
}

/**
 * Runs `scenario` with `controller` deciding the limit. `workload` may be
 * passed to reuse one drawn already (the oracle sweep does).
 */
export function simulate(
  scenario: Scenario,
  controller: SimController,
  workload: Workload = drawWorkload(scenario),
): RunResult {
  const { times, sizes } = workload;
  const total = times.length;
  const service = scenario.service;
  const phases = service.phases;
  const memory = scenario.memory;
  const memoryLimit = memory?.limitBytes ?? 4 * 1024 ** 3;
  const baseMemory = memory?.baseBytes ?? 256 * 1024 ** 2;
  const noise = seededRandom(scenario.seed ^ 0x51ed);
  const observe = "observe" in controller ? controller : undefined;
  const rejectAbove = service.kind === "downstream" ? service.rejectAbove : undefined;
  const rejectMs = service.kind === "downstream" ? service.rejectMs ?? 1 : 1;

  const state = new Uint8Array(total);
  const admitted = new Float64Array(total);
  const inflightAt = new Int32Array(total);
  const queue = new Int32Array(total);
  let head = 0;
  let tail = 0;
  const finish = new MinHeap(); // keyed by virtual work
  const deadlines = new MinHeap();
  const rejections = new MinHeap();

  let t = 0;
  let work = 0; // virtual work done by each task in service since the start
  let n = 0; // tasks in service
  let permits = 0; // tasks holding a permit: in service or being rejected
  let capacity = capacityAt(phases, 0);
  let phase = 0;
  let nextPhase = phases.find((p) => p.atMs > 0)?.atMs ?? Infinity;
  let restartUntil = 0;
  let nextArrival = 0;
  let nextSample = 0;
  let busy = 0;
  let smoothedCpu: number | undefined;
  let successes = 0;
  let wasted = 0;
  let shed = 0;
  let ooms = 0;
  const serviceTimes: number[] = [];
  const phaseSuccesses: number[] = phases.map(() => 0);
  const traceTime: number[] = [0];
  const traceLimit: number[] = [controller.limit];

  const note = (): void => {
    const limit = controller.limit;
    if (limit !== traceLimit[traceLimit.length - 1]) {
      traceTime.push(t);
      traceLimit.push(limit);
    }
  };
  const feed = (i: number, dropped: boolean): void => {
    controller.update({ now: t, rttMs: t - admitted[i]!, inflight: inflightAt[i]!, dropped });
    note();
  };
  const kill = (i: number): void => {
    state[i] = DONE;
    n--;
    permits--;
    wasted++;
    feed(i, true);
  };
  const admit = (i: number): void => {
    permits++;
    admitted[i] = t;
    inflightAt[i] = permits;
    if (rejectAbove !== undefined && n >= rejectAbove) {
      rejections.push(t + rejectMs, i);
      return;
    }
    state[i] = RUNNING;
    n++;
    finish.push(work + sizes[i]!, i);
    deadlines.push(t + scenario.timeoutMs, i);
    if (memory && memory.baseBytes + n * memory.perTaskBytes > memory.limitBytes) {
      ooms++;
      for (const id of [...finish.ids]) if (state[id] === RUNNING) kill(id);
      finish.clear();
      deadlines.clear();
      restartUntil = t + memory.restartMs;
    }
  };
  const pump = (): void => {
    while (head < tail && t >= restartUntil && permits < Math.floor(controller.limit)) {
      const i = queue[head++]!;
      if (t - times[i]! > scenario.maxWaitMs) shed++;
      else admit(i);
    }
  };

  for (;;) {
    const rate = n > 0 ? serviceRate(service, n, capacity) : 1;
    const doneAt = finish.size > 0 ? t + Math.max(0, finish.minKey - work) / rate : Infinity;
    const arriveAt = nextArrival < total ? times[nextArrival]! : Infinity;
    const restartAt = restartUntil > t ? restartUntil : Infinity;
    const next = Math.min(
      doneAt,
      arriveAt,
      rejections.minKey,
      deadlines.minKey,
      nextSample,
      nextPhase,
      restartAt,
    );
    if (next >= scenario.durationMs) break;
    const dt = next - t;
    if (n > 0) work += dt * rate;
    busy += dt * busyCores(scenario, n, capacity);
    t = next;

    if (next === doneAt) {
      work = Math.max(work, finish.minKey);
      const i = finish.pop();
      if (state[i] === RUNNING) {
        state[i] = DONE;
        n--;
        permits--;
        successes++;
        phaseSuccesses[phase]!++;
        serviceTimes.push(t - admitted[i]!);
        feed(i, false);
      }
    } else if (next === arriveAt) {
      const i = nextArrival++;
      if (tail - head >= scenario.maxQueue) shed++;
      else queue[tail++] = i;
    } else if (next === rejections.minKey) {
      const i = rejections.pop();
      permits--;
      wasted++;
      feed(i, true);
    } else if (next === deadlines.minKey) {
      const i = deadlines.pop();
      if (state[i] === RUNNING) kill(i);
    } else if (next === nextSample) {
      const cpuPercent = t === 0 ? undefined : (busy / (scenario.sampleMs * scenario.cpus)) * 100;
      if (cpuPercent !== undefined) {
        smoothedCpu = smoothedCpu === undefined ? cpuPercent : smoothedCpu * 0.7 + cpuPercent * 0.3;
      }
      busy = 0;
      const held = memory ? n * memory.perTaskBytes : 0;
      const wobble = memory ? (noise() - 0.5) * 2 * memory.noiseBytes : 0;
      const bytes = Math.max(0, baseMemory + held + wobble);
      observe?.observe(sampleOf(t, scenario.cpus, cpuPercent, smoothedCpu, bytes, memoryLimit));
      note();
      nextSample += scenario.sampleMs;
    } else if (next === nextPhase) {
      phase++;
      capacity = capacityAt(phases, t);
      nextPhase = phases.find((p) => p.atMs > t)?.atMs ?? Infinity;
    }
    pump();
  }
  return {
    durationMs: scenario.durationMs,
    successes,
    wasted,
    shed,
    ooms,
    p99Ms: p99(serviceTimes),
    phaseSuccesses,
    traceTime,
    traceLimit,
  };
}
