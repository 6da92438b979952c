/**
 * The shapes the Linux reader returns.
 *
 * @module
 */

import type { CpuInfo, MemoryInfo, PressureInfo, Sources } from "../types.ts";

/** Reads a whole text file; throws on any failure (the error's message/code is used in `degraded`). */
export type ReadText = (path: string) => string;

/** How {@link createLinuxReader} reaches the files. */
export interface LinuxReaderOptions {
  /** Reads one file; the reader never does I/O by itself. */
  readonly read: ReadText;
  /** Prefix for every path read: `${root}/proc/self/cgroup`, `${root}/sys/fs/cgroup/...`. @default {"/"} */
  readonly root?: string;
  /** Clock in milliseconds, for limit caching. @default {() => performance.now()} */
  readonly now?: () => number;
  /**
   * Limits (quota, cpuset, online CPUs, memory max/high, host total) are re-read at most this
   * often; usage, CPU time and PSI on every call. `0` = always. @default {5000}
   */
  readonly limitRefreshMs?: number;
}

/** The cgroup controllers the reader looks for. */
export type ControllerName = "cpu" | "cpuacct" | "cpuset" | "memory";

/** Where one controller's files for this process live. */
export interface CgroupController {
  /** The cgroup version of the hierarchy the controller is in. */
  readonly version: 1 | 2;
  /** The cgroup of {@link dir} as the process sees it, for example `/docker/abc`. */
  readonly cgroupPath: string;
  /** Where the hierarchy is mounted, for example `/sys/fs/cgroup/memory`. */
  readonly mountPoint: string;
  /** The cgroup the mount point shows (mountinfo field 4), for example `/` or `/docker/abc`. */
  readonly mountRoot: string;
  /** The directory holding this process's files, e.g. `${root}/sys/fs/cgroup/memory/docker/abc`. */
  readonly dir: string;
}

/** Which cgroup hierarchies this process is in, and where their files are. */
export interface CgroupLayout {
  /** `hybrid` = v1 controllers plus a v2 `0::` hierarchy. */
  readonly mode: "v1" | "v2" | "hybrid" | "none";
  /** The `cpu` controller (quota, throttling); `undefined` when absent, see `missing`. */
  readonly cpu: CgroupController | undefined;
  /** The v1 `cpuacct` controller (CPU time); `undefined` when absent, see `missing`. */
  readonly cpuacct: CgroupController | undefined;
  /** The `cpuset` controller; `undefined` when absent, see `missing`. */
  readonly cpuset: CgroupController | undefined;
  /** The `memory` controller; `undefined` when absent, see `missing`. */
  readonly memory: CgroupController | undefined;
  /** The v2 `0::` hierarchy if mounted (PSI, and `cpu.stat` on hybrid hosts). */
  readonly unified: CgroupController | undefined;
  /** Why each absent controller is absent, for the figures that need it. */
  readonly missing: { readonly [K in ControllerName]?: string };
  /** Each problem met while resolving the layout, as `field: reason`. */
  readonly degraded: readonly string[];
}

/** CPU figures from cgroups and `/sys`. */
export interface LinuxCpu extends Pick<CpuInfo, "quota" | "cpuset" | "throttling"> {
  /** CPUs online on the host (`/sys/devices/system/cpu/online`). */
  readonly online: number | undefined;
  /** Where each figure that was read came from, keyed by field name. */
  readonly sources: Sources<Omit<LinuxCpu, "sources" | "degraded">>;
  /** Each figure that could not be read, as `field: reason`. */
  readonly degraded: readonly string[];
}

/**
 * Memory figures from cgroups and `/proc/meminfo`, in bytes: the adapter's
 * {@link MemoryInfo} less the process's own RSS, which the runtime reports.
 */
export interface LinuxMemory extends Omit<MemoryInfo, "rss" | "sources" | "degraded"> {
  /** Where each figure that was read came from, keyed by field name. */
  readonly sources: Sources<Omit<LinuxMemory, "sources" | "degraded">>;
  /** Each figure that could not be read, as `field: reason`. */
  readonly degraded: readonly string[];
}

/** Reads cgroup v1/v2 and `/proc` figures through an injected file reader. Never throws. */
export interface LinuxReader {
  /** The cgroup layout, resolved once on first use. */
  layout(): CgroupLayout;
  /** Quota, cpuset and online CPUs (cached per `limitRefreshMs`) and throttling (fresh). */
  cpu(): LinuxCpu;
  /** Limits, host total and availability (cached per `limitRefreshMs`); usage and working set (fresh). */
  memory(): LinuxMemory;
  /** Cumulative CPU µs: cgroup `cpu.stat` usage_usec (v2) or `cpuacct.usage` / 1000 (v1). */
  cpuTime(): number | undefined;
  /** Where {@link cpuTime} reads from, for example `cgroup2 /cpu.stat usage_usec`. */
  cpuTimeSource(): string | undefined;
  /** Why the last {@link cpuTime} call returned `undefined`, as `cpuTime: reason`. */
  cpuTimeDegraded(): string | undefined;
  /** `/proc/loadavg`: the 1, 5 and 15 minute load averages. */
  loadAverage(): readonly [number, number, number] | undefined;
  /** Why the last {@link loadAverage} call returned `undefined`, as `loadAverage: reason`. */
  loadAverageDegraded(): string | undefined;
  /** PSI of the process's v2 cgroup or of the system; `undefined` only when no PSI file exists. */
  pressure(): PressureInfo | undefined;
}
