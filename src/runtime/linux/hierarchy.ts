/**
 * The minimum of a limit over a cgroup and its ancestors, with the rules for
 * what counts as "none", "garbled" and "not there".
 *
 * @module
 */

import { cgroupLevels, cgroupSource, type Level } from "./layout.ts";
import { type ReadFailure, tryRead } from "./read.ts";
import type { CgroupController, ControllerName, ReadText } from "./types.ts";

/** What one level of the hierarchy says about a limit. */
export type LevelReading =
  | { readonly kind: "limit"; readonly value: number; readonly file: string }
  | { readonly kind: "none"; readonly label: string }
  | { readonly kind: "garbled"; readonly reason: string }
  | { readonly kind: "unread"; readonly failure: ReadFailure };

/** One figure, where it came from, or why it is unknown. */
export interface Figure {
  readonly value: number | undefined;
  /** Set when the figure was read, including "none configured". */
  readonly source: string | undefined;
  /** `field: reason`, set when the figure is unknown. */
  readonly degraded: string | undefined;
}

/** What the figure is called in a "none" source and which v2 controller provides it. */
export interface LimitSpec {
  /** The field in `degraded`, e.g. `cpu.quota`. */
  readonly field: string;
  /** What a "none" source says is missing, e.g. `quota`, `limit`. */
  readonly what: string;
  /** The v2 file, named when no level has it, e.g. `cpu.max`. */
  readonly file: string;
  readonly controller: ControllerName;
}

/** A figure that could not be read. */
export function unknown(field: string, reason: string): Figure {
  return { value: undefined, source: undefined, degraded: `${field}: ${reason}` };
}

/**
 * Why a v2 cgroup has none of a controller's files, when its directory is
 * readable: the controller is not enabled for it, or no level sets the file
 * (the root cgroup has no limit files). `undefined` when the directory itself
 * cannot be read.
 */
export function v2Absence(
  read: ReadText,
  controller: CgroupController,
  name: ControllerName,
  file: string,
): string | undefined {
  const text = tryRead(read, `${controller.dir}/cgroup.controllers`);
  if (typeof text !== "string") return undefined;
  const enabled = text.trim().split(" ").includes(name === "cpuacct" ? "cpu" : name);
  return enabled ? `no ${file} in the hierarchy` : `${name} controller not enabled`;
}

/**
 * The smallest limit over the process's cgroup and every ancestor up to the
 * mount point. Ancestors without the file are normal; a garbled or unreadable
 * file anywhere makes the figure unknown; no file read at all makes it unknown
 * unless a v2 directory shows the controller simply is not there.
 */
export function minOverLevels(
  read: ReadText,
  controller: CgroupController,
  spec: LimitSpec,
  readLevel: (level: Level) => LevelReading,
): Figure {
  const levels = cgroupLevels(controller);
  let best: number | undefined;
  let source: string | undefined;
  let noneLabel: string | undefined;
  let ownFailure: string | undefined;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as Level;
    const reading = readLevel(level);
    if (reading.kind === "unread") {
      // A file that is there but cannot be read may hold the smallest limit: the
      // figure is unknown, as for a garbled one, not "none".
      if (!reading.failure.missing) return unknown(spec.field, reading.failure.reason);
      if (i === 0) ownFailure = reading.failure.reason;
    } else if (reading.kind === "garbled") {
      return unknown(spec.field, reading.reason);
    } else if (reading.kind === "none") {
      noneLabel ??= reading.label;
    } else if (best === undefined || reading.value < best) {
      best = reading.value;
      source = cgroupSource(controller.version, level.cgroupPath, reading.file);
    }
  }
  if (best !== undefined) return { value: best, source, degraded: undefined };
  const own = `cgroup${controller.version} ${controller.cgroupPath}`;
  if (noneLabel !== undefined) {
    return {
      value: undefined,
      source: `${own}: no ${spec.what} (${noneLabel})`,
      degraded: undefined,
    };
  }
  if (controller.version === 2) {
    const why = v2Absence(read, controller, spec.controller, spec.file);
    if (why !== undefined) {
      return { value: undefined, source: `${own}: no ${spec.what} (${why})`, degraded: undefined };
    }
  }
  return unknown(spec.field, ownFailure ?? `no ${spec.file} read`);
}
