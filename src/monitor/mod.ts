/**
 * ResourceMonitor: samples a runtime adapter on a timer, smooths the figures
 * and classifies them into a pressure level with hysteresis.
 *
 * @module
 */

export { ewma, ewmaAlpha } from "./ewma.ts";
export type { Ewma } from "./ewma.ts";
export { LoopDelaySampler } from "./loop-delay.ts";
export type { LoopDelayReading, LoopDelaySamplerOptions } from "./loop-delay.ts";
export type { ResourceMonitorOptions } from "./options.ts";
export { CALM_PRESSURE, classifyPressure, HOLD_UNREAD } from "./pressure-level.ts";
export type { PressureSignals, PressureState } from "./pressure-level.ts";
export { ResourceMonitor } from "./resource-monitor.ts";
export type {
  LoopDelaySample,
  PressureChange,
  PsiSample,
  ResourceMonitorEventMap,
  ResourceSample,
  ThrottlingSample,
} from "./sample.ts";
export { timerScheduler } from "./scheduler.ts";
export type { Scheduler } from "./scheduler.ts";
export {
  CPU_PERCENT_THRESHOLDS,
  DEFAULT_THRESHOLDS,
  PRESSURE_LEVELS,
  PRESSURE_SIGNALS,
  resolveThresholds,
} from "./thresholds.ts";
export type {
  LevelThreshold,
  PressureLevel,
  PressureSignal,
  PressureThresholds,
  PressureThresholdsOptions,
  SignalThresholds,
  ThresholdLevel,
} from "./thresholds.ts";
