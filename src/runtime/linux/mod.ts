/**
 * A pure Linux reader for cgroup v1, v2 and hybrid hosts and `/proc`: all
 * file reads go through an injected function, so it runs unchanged on Node,
 * Deno and Bun and tests point it at fixture trees.
 *
 * @module
 */

export { createLinuxReader } from "./reader.ts";
export type {
  CgroupController,
  CgroupLayout,
  ControllerName,
  LinuxCpu,
  LinuxMemory,
  LinuxReader,
  LinuxReaderOptions,
  ReadText,
} from "./types.ts";
export { countCpuList } from "./parse.ts";
export { type Mount, parseCgroupMounts, unescapeMountPath } from "./mountinfo.ts";
export { type CgroupLine, parseProcCgroup } from "./proc-cgroup.ts";
export { parsePressure } from "./psi.ts";
