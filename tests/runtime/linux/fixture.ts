// Helpers shared by the Linux reader tests: fixture roots and small readers.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  createLinuxReader,
  type LinuxReader,
  type ReadText,
} from "../../../src/runtime/linux/mod.ts";

/** The absolute path of a fixture tree under tests/fixtures/cgroup. */
export function fixtureRoot(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/cgroup/${name}`, import.meta.url));
}

/** Reads a file as the adapters do. */
export const readText: ReadText = (path) => readFileSync(path, "utf8");

/** A reader over one fixture tree. */
export function fixtureReader(name: string): { root: string; reader: LinuxReader } {
  const root = fixtureRoot(name);
  return { root, reader: createLinuxReader({ read: readText, root }) };
}

/** An in-memory file system; absent paths throw like node:fs does. */
export function mapReader(files: Record<string, string>): ReadText {
  return (path) => {
    const text = files[path];
    if (text === undefined) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
        code: "ENOENT",
      });
    }
    return text;
  };
}

/** Wraps a reader and counts reads per path. */
export function countingReader(read: ReadText): { read: ReadText; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    read: (path) => {
      counts.set(path, (counts.get(path) ?? 0) + 1);
      return read(path);
    },
  };
}

export const MiB: number = 1024 * 1024;
export const GiB: number = 1024 * MiB;
/** MemTotal and MemAvailable of the fixtures' /proc/meminfo. */
export const fixtureTotal: number = 8388608 * 1024;
export const fixtureAvailable: number = 6291456 * 1024;

export const procPressure = {
  cpu: {
    some: { avg10: 1.5, avg60: 0.75, avg300: 0.25, total: 123456 },
    full: { avg10: 0, avg60: 0, avg300: 0, total: 0 },
  },
  memory: {
    some: { avg10: 0.1, avg60: 0.2, avg300: 0.3, total: 2000 },
    full: { avg10: 0.05, avg60: 0.1, avg300: 0.15, total: 1000 },
  },
  io: {
    some: { avg10: 2, avg60: 1, avg300: 0.5, total: 9000 },
    full: { avg10: 1, avg60: 0.5, avg300: 0.25, total: 4500 },
  },
};

export const cgroupCpuPressure = {
  some: { avg10: 9, avg60: 8, avg300: 7, total: 777000 },
  full: { avg10: 4, avg60: 3, avg300: 2, total: 333000 },
};
