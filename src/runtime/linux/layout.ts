/**
 * Finds each controller's directory from `/proc/self/cgroup` and
 * `/proc/self/mountinfo`, on v1, v2 and hybrid hosts.
 *
 * @module
 */

import { type CgroupLine, isUnifiedLine, parseProcCgroup } from "./proc-cgroup.ts";
import { type Mount, parseCgroupMounts } from "./mountinfo.ts";
import { failedLayout } from "./fallback.ts";
import { garbled, tryRead } from "./read.ts";
import type { CgroupController, CgroupLayout, ControllerName, ReadText } from "./types.ts";

const controllerNames: readonly ControllerName[] = ["cpu", "cpuacct", "cpuset", "memory"];

/** One directory of a walk from the process's cgroup up to the mount point. */
export interface Level {
  readonly dir: string;
  readonly cgroupPath: string;
}

/** `path` relative to `root` (`""` or `/a/b`), or `undefined` when it is not under it. */
function relativeTo(root: string, path: string): string | undefined {
  if (path.split("/").includes("..")) return undefined;
  if (root === "/") return path === "/" ? "" : path;
  if (path === root) return "";
  return path.startsWith(`${root}/`) ? path.slice(root.length) : undefined;
}

function trimSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 47) end--;
  return path.slice(0, end);
}

/** Picks the mount that shows `path`, preferring one under /sys/fs/cgroup, then the deepest root. */
function pickMount(candidates: readonly Mount[], path: string): Mount | undefined {
  let best: Mount | undefined;
  let bestScore = -1;
  for (const mount of candidates) {
    const score = (relativeTo(mount.root, path) === undefined ? 0 : 4) +
      (mount.mountPoint.startsWith("/sys/fs/cgroup") ? 2 : 0) + (mount.root === "/" ? 0 : 1);
    if (score > bestScore) {
      best = mount;
      bestScore = score;
    }
  }
  return best;
}

function locate(
  version: 1 | 2,
  mount: Mount,
  path: string,
  prefix: string,
  degraded: string[],
  field: string,
): CgroupController {
  let rel = relativeTo(mount.root, path);
  let cgroupPath = path;
  if (rel === undefined) {
    degraded.push(
      `${field}: ${path} is outside the mount root ${mount.root}; using the mount point ${mount.mountPoint}`,
    );
    rel = "";
    cgroupPath = mount.root;
  }
  const base = trimSlashes(`${prefix}${mount.mountPoint}`);
  const dir = base === "/" ? rel || "/" : `${base}${rel}`;
  return { version, cgroupPath, mountPoint: mount.mountPoint, mountRoot: mount.root, dir };
}

/**
 * The directories from the controller's own cgroup up to its mount point,
 * own first: the levels whose limits bind the process.
 */
export function cgroupLevels(controller: CgroupController): Level[] {
  const levels: Level[] = [{ dir: controller.dir, cgroupPath: controller.cgroupPath }];
  let dir = controller.dir;
  let path = controller.cgroupPath;
  while (path.length > controller.mountRoot.length && path !== controller.mountRoot) {
    const cut = path.lastIndexOf("/");
    path = cut <= 0 ? "/" : path.slice(0, cut);
    dir = dir.slice(0, dir.lastIndexOf("/"));
    levels.push({ dir, cgroupPath: path });
  }
  return levels;
}

/** Names a cgroup file in `sources`: `cgroup2 /kubepods/pod1/cpu.max`. */
export function cgroupSource(version: 1 | 2, cgroupPath: string, file: string): string {
  return `cgroup${version} ${cgroupPath === "/" ? "" : cgroupPath}/${file}`;
}

/**
 * Resolves where this process's cgroup files are. A v1 hierarchy for a
 * controller wins over v2 for that controller; the rest come from the v2
 * hierarchy when there is one. Never throws.
 */
export function resolveLayout(read: ReadText, prefix: string): CgroupLayout {
  const cgroupFile = `${prefix}/proc/self/cgroup`;
  const cgroupText = tryRead(read, cgroupFile);
  if (typeof cgroupText !== "string") return failedLayout(cgroupText.reason);
  const lines = parseProcCgroup(cgroupText).map((line): CgroupLine => ({
    ...line,
    path: trimSlashes(line.path),
  }));
  if (lines.length === 0) return failedLayout(garbled(cgroupFile, cgroupText));

  const mountinfoFile = `${prefix}/proc/self/mountinfo`;
  const mountinfoText = tryRead(read, mountinfoFile);
  if (typeof mountinfoText !== "string") return failedLayout(mountinfoText.reason);
  const mounts = parseCgroupMounts(mountinfoText);

  const degraded: string[] = [];
  const missing: { [K in ControllerName]?: string } = {};
  const v2Line = lines.find(isUnifiedLine);
  const hasV1 = lines.some((line) => !isUnifiedLine(line));
  let unified: CgroupController | undefined;
  if (v2Line) {
    const mount = pickMount(mounts.filter((m) => m.fsType === "cgroup2"), v2Line.path);
    if (mount) unified = locate(2, mount, v2Line.path, prefix, degraded, "cgroup.unified");
    else degraded.push(`cgroup.unified: no cgroup2 mount in ${mountinfoFile}`);
  }

  const found: { [K in ControllerName]?: CgroupController } = {};
  for (const name of controllerNames) {
    const line = lines.find((l) => l.controllers.includes(name));
    if (line) {
      const candidates = mounts.filter((m) =>
        m.fsType === "cgroup" && m.superOptions.includes(name)
      );
      const mount = pickMount(candidates, line.path);
      if (mount) found[name] = locate(1, mount, line.path, prefix, degraded, `cgroup.${name}`);
      else {
        missing[name] = `no cgroup1 mount with the ${name} controller in ${mountinfoFile}`;
        degraded.push(`cgroup.${name}: ${missing[name]}`);
      }
    } else if (unified) {
      found[name] = unified;
    } else {
      missing[name] = v2Line
        ? `no cgroup2 mount in ${mountinfoFile}`
        : `no ${name} controller in ${cgroupFile}`;
    }
  }

  return {
    mode: hasV1 && v2Line ? "hybrid" : hasV1 ? "v1" : "v2",
    cpu: found.cpu,
    cpuacct: found.cpuacct,
    cpuset: found.cpuset,
    memory: found.memory,
    unified,
    missing,
    degraded,
  };
}
