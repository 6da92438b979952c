/**
 * Reads PSI for the process: its v2 cgroup's `*.pressure` files first, else
 * `/proc/pressure/*`. The cgroup's file wins even when the cgroup path is `/`:
 * inside a cgroup namespace that root is the container, whose stalls are what
 * matter, and on a host's real root the file says the same as
 * `/proc/pressure`.
 *
 * @module
 */

import type { PressureInfo, PressureResource, Sources } from "../types.ts";
import { cgroupSource } from "./layout.ts";
import { parsePressure, type PressureName } from "./psi.ts";
import { garbled, tryRead } from "./read.ts";
import type { CgroupController, ReadText } from "./types.ts";

interface Candidate {
  readonly path: string;
  readonly source: string;
}

type Figures = { -readonly [K in PressureName]: PressureResource | undefined };
type PressureSources = { -readonly [K in keyof Sources<Figures>]: Sources<Figures>[K] };

const names: readonly PressureName[] = ["cpu", "memory", "io"];

function candidates(
  prefix: string,
  unified: CgroupController | undefined,
  name: PressureName,
): Candidate[] {
  const proc = { path: `${prefix}/proc/pressure/${name}`, source: `/proc/pressure/${name}` };
  if (!unified) return [proc];
  const own = {
    path: `${unified.dir}/${name}.pressure`,
    source: cgroupSource(2, unified.cgroupPath, `${name}.pressure`),
  };
  return [own, proc];
}

/**
 * Returns a function that reads PSI on each call. It remembers which file
 * answered for each resource, so a steady host costs one read per resource.
 * The function returns `undefined` only when no candidate file exists at all;
 * a refused read (Deno `NotCapable`) gives an object naming the problem.
 */
export function createPressureReader(
  read: ReadText,
  prefix: string,
  unified: () => CgroupController | undefined,
): () => PressureInfo | undefined {
  let order: Record<PressureName, readonly Candidate[]> | undefined;
  let orderFor: CgroupController | undefined;
  let chosen: Record<PressureName, number> = { cpu: 0, memory: 0, io: 0 };

  return (): PressureInfo | undefined => {
    const u = unified();
    // Built again when the cgroup layout is found later (a failed first read of
    // /proc/self/cgroup), so the cgroup's own files are not left out for good.
    if (order === undefined || u !== orderFor) {
      orderFor = u;
      chosen = { cpu: 0, memory: 0, io: 0 };
      order = {
        cpu: candidates(prefix, u, "cpu"),
        memory: candidates(prefix, u, "memory"),
        io: candidates(prefix, u, "io"),
      };
    }
    const figures: Figures = { cpu: undefined, memory: undefined, io: undefined };
    const sources: PressureSources = {};
    const degraded: string[] = [];
    let anyExists = false;
    for (const name of names) {
      const list = order[name];
      const first = chosen[name];
      let failure: string | undefined;
      // The file that answered last time first, then the rest in order.
      for (let k = 0; k < list.length; k++) {
        const index = k === 0 ? first : k <= first ? k - 1 : k;
        const candidate = list[index] as Candidate;
        const text = tryRead(read, candidate.path);
        if (typeof text !== "string") {
          if (!text.missing) anyExists = true;
          failure ??= text.reason;
          continue;
        }
        anyExists = true;
        chosen[name] = index;
        const parsed = parsePressure(text);
        if (parsed === undefined) failure = garbled(candidate.path, text);
        else {
          failure = undefined;
          figures[name] = parsed;
          sources[name] = candidate.source;
        }
        break;
      }
      if (failure !== undefined) degraded.push(`pressure.${name}: ${failure}`);
    }
    return anyExists ? { ...figures, sources, degraded } : undefined;
  };
}
