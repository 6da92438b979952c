/**
 * Memory limits, usage and working set from cgroups, host figures from
 * `/proc/meminfo`.
 *
 * @module
 */

import { type Figure, type LevelReading, minOverLevels, unknown } from "./hierarchy.ts";
import { cgroupSource, type Level } from "./layout.ts";
import { lineCount, lineEnd, lineStart, lineValue, parseCount, uintIn } from "./parse.ts";
import { garbled, tryRead } from "./read.ts";
import type { CgroupController, CgroupLayout, ReadText } from "./types.ts";

/** At or above this a limit is "none": the v1 sentinel is LONG_MAX rounded down to a page. */
const UNLIMITED = 2 ** 62;

/** `/proc/meminfo` figures in bytes. */
export interface Meminfo {
  readonly total: Figure;
  readonly available: Figure;
}

function meminfoField(text: string, path: string, key: string, field: string): Figure {
  const start = lineStart(text, key);
  if (start < 0) return unknown(field, `no ${key.slice(0, -1)} in ${path}`);
  const end = lineEnd(text, start);
  let stop = end;
  while (stop > start && text.charCodeAt(stop - 1) <= 32) stop--;
  if (text.startsWith("kB", stop - 2)) stop -= 2;
  const kib = uintIn(text, start, stop);
  if (Number.isNaN(kib)) {
    const raw = JSON.stringify(text.slice(start, end).trim());
    return unknown(field, `garbled ${key.slice(0, -1)} in ${path}: ${raw}`);
  }
  return { value: kib * 1024, source: `/proc/meminfo ${key.slice(0, -1)}`, degraded: undefined };
}

/** Reads MemTotal and MemAvailable from `/proc/meminfo`. */
export function readMeminfo(read: ReadText, prefix: string): Meminfo {
  const path = `${prefix}/proc/meminfo`;
  const text = tryRead(read, path);
  if (typeof text !== "string") {
    return {
      total: unknown("memory.total", text.reason),
      available: unknown("memory.available", text.reason),
    };
  }
  return {
    total: meminfoField(text, path, "MemTotal:", "memory.total"),
    available: meminfoField(text, path, "MemAvailable:", "memory.available"),
  };
}

/** A byte limit, or none when `max`, >= 2^62 or above host RAM. */
function byteLimit(
  text: string,
  path: string,
  file: string,
  total: number | undefined,
): LevelReading {
  const s = text.trim();
  if (s === "max") return { kind: "none", label: "max" };
  const value = parseCount(s);
  if (value === undefined) return { kind: "garbled", reason: garbled(path, text) };
  if (value >= UNLIMITED) return { kind: "none", label: s };
  if (total !== undefined && value > total) {
    return { kind: "none", label: `${s} is above host RAM` };
  }
  return { kind: "limit", value, file };
}

function fileLimit(
  read: ReadText,
  level: Level,
  file: string,
  total: number | undefined,
): LevelReading {
  const path = `${level.dir}/${file}`;
  const text = tryRead(read, path);
  if (typeof text !== "string") return { kind: "unread", failure: text };
  return byteLimit(text, path, file, total);
}

/** v1: `memory.limit_in_bytes` and `memory.stat` hierarchical_memory_limit, whichever is smaller. */
function limitV1(read: ReadText, level: Level, total: number | undefined): LevelReading {
  const own = fileLimit(read, level, "memory.limit_in_bytes", total);
  if (own.kind === "garbled") return own;
  const statPath = `${level.dir}/memory.stat`;
  const stat = tryRead(read, statPath);
  const raw = typeof stat === "string" ? lineValue(stat, "hierarchical_memory_limit ") : undefined;
  if (raw === undefined) return own;
  const file = "memory.stat hierarchical_memory_limit";
  const hierarchical = byteLimit(raw, statPath, file, total);
  if (hierarchical.kind === "garbled") return hierarchical;
  if (hierarchical.kind === "limit") {
    return own.kind === "limit" && own.value <= hierarchical.value ? own : hierarchical;
  }
  return own.kind === "unread" ? hierarchical : own;
}

/** Hard limit and `memory.high`, each the minimum over the hierarchy. */
export interface MemoryLimits {
  readonly limit: Figure;
  readonly high: Figure;
}

/** Reads the memory limits; `total` (host RAM) turns larger limits into "none". */
export function readMemoryLimits(
  read: ReadText,
  layout: CgroupLayout,
  total: number | undefined,
): MemoryLimits {
  const c = layout.memory;
  if (!c) {
    const why = layout.missing.memory ?? "no memory cgroup";
    return { limit: unknown("memory.limit", why), high: unknown("memory.high", why) };
  }
  if (c.version === 1) {
    const spec = {
      field: "memory.limit",
      what: "limit",
      file: "memory.limit_in_bytes",
      controller: "memory",
    } as const;
    const limit = minOverLevels(read, c, spec, (level) => limitV1(read, level, total));
    const high = {
      value: undefined,
      source: `cgroup1 ${c.cgroupPath}: no memory.high in cgroup v1`,
      degraded: undefined,
    };
    return { limit, high };
  }
  const limitSpec = {
    field: "memory.limit",
    what: "limit",
    file: "memory.max",
    controller: "memory",
  } as const;
  const highSpec = {
    field: "memory.high",
    what: "memory.high",
    file: "memory.high",
    controller: "memory",
  } as const;
  return {
    limit: minOverLevels(
      read,
      c,
      limitSpec,
      (level) => fileLimit(read, level, "memory.max", total),
    ),
    high: minOverLevels(read, c, highSpec, (level) => fileLimit(read, level, "memory.high", total)),
  };
}

/** Usage and working set of the process's memory cgroup. */
export interface MemoryUsage {
  readonly usage: Figure;
  readonly workingSet: Figure;
}

/** usage = `memory.current` / `memory.usage_in_bytes`; working set = usage − (total_)inactive_file, floored at 0. */
export function readMemoryUsage(read: ReadText, c: CgroupController): MemoryUsage {
  const file = c.version === 2 ? "memory.current" : "memory.usage_in_bytes";
  const path = `${c.dir}/${file}`;
  const text = tryRead(read, path);
  let usage: Figure;
  if (typeof text !== "string") usage = unknown("memory.usage", text.reason);
  else {
    const value = parseCount(text);
    usage = value === undefined
      ? unknown("memory.usage", garbled(path, text))
      : { value, source: cgroupSource(c.version, c.cgroupPath, file), degraded: undefined };
  }
  if (usage.value === undefined) {
    return { usage, workingSet: unknown("memory.workingSet", "needs memory.usage") };
  }
  const statPath = `${c.dir}/memory.stat`;
  const stat = tryRead(read, statPath);
  if (typeof stat !== "string") {
    return { usage, workingSet: unknown("memory.workingSet", stat.reason) };
  }
  let key = c.version === 2 ? "inactive_file" : "total_inactive_file";
  let inactive = lineCount(stat, `${key} `);
  if (inactive === undefined && c.version === 1) {
    key = "inactive_file";
    inactive = lineCount(stat, `${key} `);
  }
  if (inactive === undefined || Number.isNaN(inactive)) {
    const why = inactive === undefined
      ? `no ${key} in ${statPath}`
      : `garbled ${key} in ${statPath}: ${JSON.stringify(lineValue(stat, `${key} `))}`;
    return { usage, workingSet: unknown("memory.workingSet", why) };
  }
  return {
    usage,
    workingSet: {
      value: Math.max(0, usage.value - inactive),
      source: `${usage.source} - memory.stat ${key}`,
      degraded: undefined,
    },
  };
}
