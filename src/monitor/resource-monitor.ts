import * as v from "valibot";
import { parseOptions } from "../config/parse.ts";
import type { CpuInfo, MemoryInfo, PressureInfo, RuntimeAdapter } from "../runtime/types.ts";
import { allowManyListeners } from "../runtime/builtins.ts";
import { ewma } from "./ewma.ts";
import type { Ewma } from "./ewma.ts";
import {
  cpuCapacity,
  cpuPercentBetween,
  memoryFigures,
  psiFigures,
  throttlingBetween,
} from "./figures.ts";
import type { CpuTimeRead } from "./figures.ts";
import { LoopDelaySampler } from "./loop-delay.ts";
import { intervalSchema, resolveMonitorOptions } from "./options.ts";
import type { ResolvedMonitorOptions, ResourceMonitorOptions } from "./options.ts";
import { CALM_PRESSURE, classifyPressure, withoutHolds } from "./pressure-level.ts";
import type { PressureState } from "./pressure-level.ts";
import type {
  LoopDelaySample,
  PressureChange,
  ResourceMonitorEventMap,
  ResourceSample,
  ThrottlingSample,
} from "./sample.ts";
import type { PressureLevel } from "./thresholds.ts";
import { orderedDispatch, subscribe } from "../internal/events.ts";

const startSchema = v.object({ intervalMs: v.optional(intervalSchema) });

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Samples a {@link RuntimeAdapter}: effective CPUs, CPU use, memory against
 * its limit, load, Linux PSI, event-loop delay and CPU throttling, smoothed
 * and classified into a pressure level (`none`, `moderate`, `high`,
 * `critical`) with hysteresis.
 *
 * Call {@link ResourceMonitor.sample} yourself, or {@link ResourceMonitor.start}
 * to sample every `intervalMs` on timers that never keep the process alive.
 * Every sample dispatches a `sample` event, and a change of level a
 * `pressure` event; `detail` carries the {@link ResourceSample} or the
 * {@link PressureChange}. A read that throws is named in `degraded` and never
 * stops sampling.
 *
 * @example Watch memory pressure with a scripted adapter
 * ```ts
 * import { ResourceMonitor } from "@headroom/headroom";
 * import { createFakeAdapter } from "@headroom/headroom/runtime";
 * import assert from "node:assert/strict";
 *
 * const adapter = createFakeAdapter({ memory: { limit: 1000, workingSet: 500 } });
 * const monitor = new ResourceMonitor({ adapter, loopDelay: false });
 * const changes: string[] = [];
 * monitor.on("pressure", ({ from, to }) => changes.push(`${from} -> ${to}`));
 *
 * assert.equal(monitor.sample().memoryPercent, 50);
 * adapter.machine.memory.workingSet = 910;
 * const sample = monitor.sample();
 * assert.equal(sample.level, "high");
 * assert.deepEqual(sample.reasons, ["memory 91% >= 85% (high)"]);
 * assert.deepEqual(changes, ["none -> high"]);
 * ```
 */
export class ResourceMonitor extends EventTarget {
  readonly #options: ResolvedMonitorOptions;
  readonly #adapter: RuntimeAdapter;
  readonly #clock: () => number;
  readonly #loopDelay: LoopDelaySampler | undefined;
  readonly #cpuAverage: Ewma;
  readonly #memoryAverage: Ewma;
  #intervalMs: number;
  #handle: unknown = undefined;
  #running = false;
  /** `stop()` was called: a `start()` after it begins afresh. */
  #stopped = false;
  #cpu: CpuInfo | undefined;
  #cpuReadAt = 0;
  #cpuTime: CpuTimeRead | undefined;
  #throttling: ThrottlingSample | undefined;
  #pressure: PressureState = CALM_PRESSURE;
  #latest: ResourceSample | undefined;
  /** A sample() called by a listener queues its events behind those still to go. */
  readonly #dispatch: (...events: Event[]) => void = orderedDispatch(this);

  /** Validates `options` (throws `ConfigError`) and creates a stopped monitor. */
  constructor(options: ResourceMonitorOptions = {}) {
    super();
    this.#options = resolveMonitorOptions(options);
    this.#adapter = this.#options.adapter;
    this.#clock = this.#options.clock;
    this.#intervalMs = this.#options.intervalMs;
    // Limiters, brakes, sizers, governed pools and observatories all listen to one monitor.
    allowManyListeners(this);
    this.#cpuAverage = ewma(this.#options.halfLifeMs);
    this.#memoryAverage = ewma(this.#options.halfLifeMs);
    const loopDelay = this.#options.loopDelay;
    this.#loopDelay = loopDelay === false ? undefined : new LoopDelaySampler({
      resolutionMs: loopDelay.resolutionMs,
      clock: this.#clock,
      scheduler: this.#options.scheduler,
    });
  }

  /** The most recent sample; `undefined` before the first. */
  get latest(): ResourceSample | undefined {
    return this.#latest;
  }

  /** The current pressure level; `none` before the first sample. */
  get level(): PressureLevel {
    return this.#pressure.level;
  }

  /** Whether `start()` has been called without a matching `stop()`. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Takes a sample now, takes one every `intervalMs` after that, and starts
   * the event-loop delay sampler. Calling it while running only changes the
   * interval, when a new one is given. Throws a `ConfigError` for an
   * `intervalMs` that is not a finite number above 0.
   */
  start(intervalMs?: number): void {
    const parsed = parseOptions(startSchema, { intervalMs }, "ResourceMonitor.start()");
    const changed = parsed.intervalMs !== undefined && parsed.intervalMs !== this.#intervalMs;
    if (parsed.intervalMs !== undefined) this.#intervalMs = parsed.intervalMs;
    if (this.#running) {
      if (changed) {
        this.#options.scheduler.clear(this.#handle);
        this.#schedule();
      }
      return;
    }
    this.#running = true;
    if (this.#stopped) {
      // Nothing was watched while stopped: CPU % and throttling start from new reads (the
      // CPU limits too, which may have moved), and the averages forget the time before.
      this.#cpuTime = undefined;
      this.#cpu = undefined;
      this.#throttling = undefined;
      this.#cpuAverage.reset();
      this.#memoryAverage.reset();
      // A signal with no reading yet (CPU % needs two samples) holds no level from before.
      this.#pressure = withoutHolds(this.#pressure);
    }
    this.#loopDelay?.start();
    this.#schedule();
    this.sample();
  }

  /** Stops sampling and the loop-delay sampler; a second call does nothing. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#stopped = true;
    this.#options.scheduler.clear(this.#handle);
    this.#handle = undefined;
    this.#loopDelay?.stop();
  }

  /** Stops sampling, so `using monitor = new ResourceMonitor(...)` cleans up. */
  [Symbol.dispose](): void {
    this.stop();
  }

  /**
   * Calls `listener` with the `detail` of each `type` event until the
   * returned function is called or `options.signal` aborts.
   */
  on<K extends keyof ResourceMonitorEventMap>(
    type: K,
    listener: (detail: ResourceMonitorEventMap[K]) => void,
    options: { readonly signal?: AbortSignal } = {},
  ): () => void {
    return subscribe(this, type, listener, options.signal);
  }

  /**
   * Reads the adapter once, updates the level and dispatches the events.
   * Called from a listener, its events are dispatched after those of the
   * sample being dispatched, so every listener sees samples in time order.
   */
  sample(): ResourceSample {
    const time = this.#clock();
    const degraded: string[] = [];
    const failed = new Set<string>();
    const runtime = this.#adapter.name;
    const read = <T>(field: string, fn: () => T): T | undefined => {
      try {
        return fn();
      } catch (error) {
        degraded.push(`${field}: ${message(error)}`);
        failed.add(field);
        return undefined;
      }
    };

    // cpu(): on the first sample, then at most every limitRefreshMs.
    // A clock that stepped back (a custom one) must not hold off the refresh until it catches up.
    const sinceCpu = time - this.#cpuReadAt;
    if (this.#cpu === undefined || sinceCpu < 0 || sinceCpu >= this.#options.limitRefreshMs) {
      const cpu = read("cpu", () => this.#adapter.cpu());
      if (cpu !== undefined) this.#refreshCpu(cpu, time);
    }
    const cpu = this.#cpu;
    if (cpu === undefined) degraded.push("cpus: no cpu() reading yet, assuming 1");
    else degraded.push(...cpu.degraded);
    const cpus = cpu?.effective ?? 1;

    const cpuTime = read("cpuTime", () => this.#adapter.cpuTime());
    if (cpuTime === undefined && !failed.has("cpuTime")) {
      degraded.push(`cpuTime: not available on ${runtime}`);
    }
    let cpuPercent: number | undefined;
    if (cpuTime !== undefined) {
      const before = this.#cpuTime;
      this.#cpuTime = {
        time,
        value: cpuTime,
        source: read("cpuTimeSource", () => this.#adapter.cpuTimeSource()),
      };
      const figure = before === undefined
        ? { reason: "cpuPercent: needs a second sample" }
        : cpuPercentBetween(before, this.#cpuTime, cpu === undefined ? 1 : cpuCapacity(cpu));
      cpuPercent = figure.value;
      if (figure.reason !== undefined) degraded.push(figure.reason);
    }
    const cpuSmoothed = cpuPercent === undefined
      ? undefined
      : this.#cpuAverage.update(cpuPercent, time);

    const memory: MemoryInfo | undefined = read("memory", () => this.#adapter.memory());
    if (memory !== undefined) degraded.push(...memory.degraded);
    const { degraded: memoryDegraded, ...memoryFigs } = memoryFigures(memory);
    degraded.push(...memoryDegraded);
    const memoryPercent = memoryFigs.memoryPercent;
    if (memory !== undefined && memoryPercent === undefined) {
      degraded.push("memoryPercent: no working set, RSS or limit to compute it from");
    }
    const memorySmoothed = memoryPercent === undefined
      ? undefined
      : this.#memoryAverage.update(memoryPercent, time);

    const loadAverage = read("loadAverage", () => this.#adapter.loadAverage());
    if (loadAverage === undefined && !failed.has("loadAverage")) {
      degraded.push(`loadAverage: not available on ${runtime}`);
    }

    const pressure: PressureInfo | undefined = read("psi", () => this.#adapter.pressure());
    if (pressure !== undefined) degraded.push(...pressure.degraded);
    else if (!failed.has("psi")) {
      degraded.push(`psi: not available on ${runtime}`);
    }
    const psi = psiFigures(pressure);

    const loopDelayMs = this.#takeLoopDelay(degraded);

    const previous = this.#pressure;
    this.#pressure = classifyPressure(
      {
        memory: memoryPercent,
        psiCpu: psi.cpu,
        psiMemory: psi.memory,
        psiIo: psi.io,
        loopDelay: loopDelayMs?.max,
        cpuPercent: cpuSmoothed,
      },
      this.#options.thresholds,
      previous,
    );

    const sample: ResourceSample = {
      time,
      cpus,
      cpuQuota: cpu?.quota,
      cpuPercent,
      cpuPercentSmoothed: cpuSmoothed,
      ...memoryFigs,
      memoryPercentSmoothed: memorySmoothed,
      loadAverage,
      psi,
      loopDelayMs,
      throttling: this.#throttling,
      level: this.#pressure.level,
      measuredLevel: this.#pressure.measured ?? this.#pressure.level,
      reasons: this.#pressure.reasons,
      degraded: [...new Set(degraded)],
    };
    this.#latest = sample;
    // Decided before any listener runs: a listener may call sample() again.
    const events: Event[] = [new CustomEvent("sample", { detail: sample })];
    if (sample.level !== previous.level) {
      const change: PressureChange = {
        from: previous.level,
        to: sample.level,
        reasons: sample.reasons,
        sample,
      };
      events.push(new CustomEvent("pressure", { detail: change }));
    }
    this.#dispatch(...events);
    return sample;
  }

  #schedule(): void {
    this.#handle = this.#options.scheduler.set(() => {
      if (!this.#running) return;
      // Re-arm first, so a sample() that throws (a throwing clock) cannot stop the ticks.
      // A listener's error never gets here: EventTarget reports it instead of throwing.
      this.#schedule();
      this.sample();
    }, this.#intervalMs);
  }

  #refreshCpu(cpu: CpuInfo, time: number): void {
    const before = this.#cpu?.throttling;
    const after = cpu.throttling;
    // After a clock that stepped back there is no window to take a rate over: start afresh.
    if (after === undefined || time <= this.#cpuReadAt) this.#throttling = undefined;
    else if (before !== undefined) {
      this.#throttling = throttlingBetween(before, after, time - this.#cpuReadAt);
    }
    this.#cpu = cpu;
    this.#cpuReadAt = time;
  }

  #takeLoopDelay(degraded: string[]): LoopDelaySample | undefined {
    const sampler = this.#loopDelay;
    if (sampler === undefined) {
      degraded.push("loopDelay: disabled");
      return undefined;
    }
    if (!sampler.running) {
      degraded.push("loopDelay: sampler not running (call start())");
      return undefined;
    }
    const reading = sampler.take();
    if (reading.samples === 0) {
      degraded.push("loopDelay: no samples yet");
      return undefined;
    }
    return { max: reading.maxMs, mean: reading.meanMs };
  }
}
