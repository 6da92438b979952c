/**
 * Runtime adapters: what Node, Deno, Bun, browsers and edge runtimes say
 * about the machine, corrected with what cgroups and `/proc` say on Linux.
 *
 * @module
 */
export type {
  CpuInfo,
  MemoryInfo,
  PressureInfo,
  PressureResource,
  PressureStall,
  RuntimeAdapter,
  RuntimeName,
  Sources,
  SpawnOptions,
  ThrottlingInfo,
  Transferable,
  WorkerHandlers,
  WorkerLike,
  WorkerResourceLimits,
} from "./types.ts";
export { createRuntimeAdapter, detectRuntime } from "./detect.ts";
export { createNodeAdapter } from "./node.ts";
export { createDenoAdapter } from "./deno.ts";
export { createBunAdapter } from "./bun.ts";
export { createWebAdapter } from "./web.ts";
export { createFakeAdapter, type FakeAdapter, type FakeMachine, type Scripted } from "./fake.ts";
export { type CpuRounding, effectiveCpus } from "./effective.ts";
export type { RuntimeAdapterOptions } from "./options.ts";
export {
  type CgroupController,
  type CgroupLayout,
  type ControllerName,
  createLinuxReader,
  type LinuxCpu,
  type LinuxMemory,
  type LinuxReader,
  type LinuxReaderOptions,
  type ReadText,
} from "./linux/mod.ts";
