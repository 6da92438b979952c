/**
 * `/proc/self/cgroup` parsing.
 *
 * @module
 */

import { stripDeleted } from "./mountinfo.ts";

/** One line of `/proc/self/cgroup`: `hierarchy-ID:controller-list:cgroup-path`. */
export interface CgroupLine {
  /** Hierarchy ID; `0` with no controllers is the v2 hierarchy. */
  readonly id: string;
  /** v1 controllers (`["cpu", "cpuacct"]`, `["name=systemd"]`); empty for v2. */
  readonly controllers: readonly string[];
  /** The cgroup path, ` (deleted)` removed. */
  readonly path: string;
}

/** Parses `/proc/self/cgroup`; lines without two colons or a path starting with `/` are skipped. */
export function parseProcCgroup(text: string): CgroupLine[] {
  const lines: CgroupLine[] = [];
  for (const line of text.split("\n")) {
    const first = line.indexOf(":");
    const second = first < 0 ? -1 : line.indexOf(":", first + 1);
    if (second < 0) continue;
    const path = stripDeleted(line.slice(second + 1).trimEnd());
    if (!path.startsWith("/")) continue;
    const list = line.slice(first + 1, second);
    lines.push({
      id: line.slice(0, first),
      controllers: list === "" ? [] : list.split(","),
      path,
    });
  }
  return lines;
}

/** Whether a line is the cgroup v2 entry (`0::/path`). */
export function isUnifiedLine(line: CgroupLine): boolean {
  return line.id === "0" && line.controllers.length === 0;
}
