import { effectiveCpus } from "./effective.ts";
import { createLinuxReader, type LinuxReader, type ReadText } from "./linux/mod.ts";
import type { ResolvedRuntimeAdapterOptions } from "./options.ts";
import type {
  CpuInfo,
  MemoryInfo,
  PressureInfo,
  RuntimeAdapter,
  RuntimeName,
  SpawnOptions,
  WorkerLike,
} from "./types.ts";

/** One figure a runtime can report by itself, and where it comes from. */
export interface Probe<T> {
  readonly source: string;
  /** Returns the figure, `undefined` when the runtime has none; may throw. */
  read(): T | undefined;
}

/** What one runtime can tell without cgroups; each probe is optional. */
export interface HostProbe {
  readonly name: RuntimeName;
  /** Whether `/proc` and `/sys` describe this process (Linux). */
  readonly linux: boolean;
  /** Reads a text file; absent where there is no file system. */
  readonly readText?: ReadText;
  readonly logical?: Probe<number>;
  readonly affinity?: Probe<number>;
  readonly totalMemory?: Probe<number>;
  readonly freeMemory?: Probe<number>;
  /** The runtime's own idea of the container memory limit, used only when cgroups are unreadable. */
  readonly constrainedMemory?: Probe<number>;
  readonly rss?: Probe<number>;
  /** Process CPU time in µs. */
  readonly processCpuTime?: Probe<number>;
  readonly loadAverage?: Probe<readonly [number, number, number]>;
  readonly spawn: (url: URL, options?: SpawnOptions) => WorkerLike;
  /** Whether `spawn` can work here. @default {() => true} */
  readonly canSpawn?: () => boolean;
}

interface Reading<T> {
  value: T | undefined;
  source: string | undefined;
  problem: string | undefined;
}

function read<T>(probe: Probe<T> | undefined): Reading<T> {
  if (!probe) return { value: undefined, source: undefined, problem: undefined };
  try {
    const value = probe.read();
    return { value, source: value === undefined ? undefined : probe.source, problem: undefined };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { value: undefined, source: undefined, problem: `${probe.source} failed: ${message}` };
  }
}

/** Treats the runtimes' many spellings of "no limit" (0, 2^64, the v1 sentinel, host RAM) as none. */
export function normaliseMemoryLimit(
  value: number | undefined,
  total: number | undefined,
): number | undefined {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return undefined;
  if (value >= 2 ** 62) return undefined;
  if (total !== undefined && value >= total) return undefined;
  return value;
}

/** Keeps the degraded entries about fields that are still unknown. */
function stillDegraded(entries: readonly string[], known: (field: string) => boolean): string[] {
  return entries.filter((entry) => {
    const field = entry.slice(0, entry.indexOf(":"));
    return !known(field);
  });
}

/**
 * Builds a {@link RuntimeAdapter} from what a runtime reports by itself and,
 * on Linux, what cgroups and `/proc` say. cgroup figures win; the runtime's
 * own figures fill the gaps, and `degraded` names whatever is still missing.
 */
export function composeAdapter(
  host: HostProbe,
  options: ResolvedRuntimeAdapterOptions,
): RuntimeAdapter {
  const linux: LinuxReader | undefined = host.readText && (host.linux || options.root !== "/")
    ? createLinuxReader({
      read: host.readText,
      root: options.root,
      limitRefreshMs: options.limitRefreshMs,
    })
    : undefined;

  // Which source answered the last cpuTime() call, so naming it reads nothing.
  let cpuTimeFrom: string | undefined;
  let cpuTimeRead = false;
  const cpuTime = (): number | undefined => {
    cpuTimeRead = true;
    const own = linux?.cpuTime();
    if (own !== undefined) {
      cpuTimeFrom = linux?.cpuTimeSource();
      return own;
    }
    const process = read(host.processCpuTime);
    cpuTimeFrom = process.source;
    return process.value;
  };

  // A figure nobody could give is named in `degraded` once: why it failed, or that the runtime lacks it.
  const missing = (degraded: string[], field: string, problem: string | undefined): void => {
    if (degraded.some((entry) => entry.startsWith(`${field}:`))) return;
    degraded.push(`${field}: ${problem ?? `not reported by ${host.name}`}`);
  };

  return {
    name: host.name,
    cpu(): CpuInfo {
      const l = linux?.cpu();
      const logical = read(host.logical);
      const affinity = read(host.affinity);
      const logicalValue = logical.value ?? l?.online;
      const affinityValue = affinity.value ?? logicalValue;
      const sources: Record<string, string> = { ...l?.sources };
      if (logical.source) sources["logical"] = logical.source;
      else if (l?.online !== undefined && l.sources.online) sources["logical"] = l.sources.online;
      if (affinity.source) sources["affinity"] = affinity.source;
      else if (affinityValue !== undefined && sources["logical"]) {
        sources["affinity"] = sources["logical"];
      }
      const degraded = l ? [...l.degraded] : [];
      if (logicalValue === undefined) missing(degraded, "cpu.logical", logical.problem);
      if (affinity.value === undefined && affinity.problem) {
        degraded.push(`cpu.affinity: ${affinity.problem}`);
      }
      const quota = l?.quota;
      const cpuset = l?.cpuset;
      const effective = effectiveCpus({ affinity: affinityValue, cpuset, quota }, options.rounding);
      sources["effective"] = `min(affinity, cpuset, ${options.rounding}(quota))`;
      return {
        logical: logicalValue,
        affinity: affinityValue,
        cpuset,
        quota,
        effective,
        throttling: l?.throttling,
        sources,
        degraded: stillDegraded(
          degraded,
          (field) => field === "cpu.online" && logicalValue !== undefined,
        ),
      };
    },

    memory(): MemoryInfo {
      const l = linux?.memory();
      const hostTotal = l?.total === undefined ? read(host.totalMemory) : undefined;
      const total = l?.total ?? hostTotal?.value;
      const available = l?.available === undefined ? read(host.freeMemory) : undefined;
      const rss = read(host.rss);
      const sources: Record<string, string> = { ...l?.sources };
      const degraded: string[] = l ? [...l.degraded] : [];
      if (hostTotal?.source) sources["total"] = hostTotal.source;
      if (available?.source) sources["available"] = available.source;
      if (rss.source) sources["rss"] = rss.source;
      let limit = l?.limit;
      const cgroupLimitUnread = l === undefined ||
        l.degraded.some((entry) => entry.startsWith("memory.limit:"));
      // The runtime's own figure reads only the process's own cgroup. Where the reader found the
      // hierarchy but could not read a level, that figure may be above the real limit (the level
      // it could not read may set a lower one): used, but the figure stays degraded.
      let partial = false;
      if (limit === undefined && cgroupLimitUnread) {
        const own = read(host.constrainedMemory);
        limit = normaliseMemoryLimit(own.value, total);
        // The reader read the memory cgroup's other files: it found the hierarchy.
        partial = l !== undefined &&
          Object.values(l.sources).some((source) => source.startsWith("cgroup"));
        if (limit !== undefined && own.source) {
          sources["limit"] = partial
            ? `${own.source} (a cgroup level unreadable: the limit may be lower)`
            : `${own.source} (cgroups unreadable)`;
        }
      }
      if (total === undefined) missing(degraded, "memory.total", hostTotal?.problem);
      if (rss.value === undefined) missing(degraded, "memory.rss", rss.problem);
      const known: Record<string, boolean> = {
        "memory.total": total !== undefined,
        "memory.available": (l?.available ?? available?.value) !== undefined,
        "memory.limit": limit !== undefined && !partial,
      };
      return {
        total,
        available: l?.available ?? available?.value,
        limit,
        high: l?.high,
        usage: l?.usage,
        workingSet: l?.workingSet,
        rss: rss.value,
        sources,
        degraded: stillDegraded(degraded, (field) => known[field] === true),
      };
    },

    cpuTime,

    cpuTimeSource(): string | undefined {
      if (!cpuTimeRead) cpuTime();
      return cpuTimeFrom;
    },

    loadAverage(): readonly [number, number, number] | undefined {
      return linux?.loadAverage() ?? read(host.loadAverage).value;
    },

    pressure(): PressureInfo | undefined {
      return linux?.pressure();
    },

    canSpawnWorkers(): boolean {
      return host.canSpawn?.() ?? true;
    },
    spawnWorker(url: URL, spawnOptions?: SpawnOptions): WorkerLike {
      return host.spawn(url, spawnOptions);
    },
  };
}
