import { builtin } from "./builtins.ts";

/**
 * Lowers the calling thread's scheduling priority: its nice value goes up by
 * `increment` (at most to 19). On Linux every thread has its own nice value
 * and `/proc/thread-self` names the calling one, so a worker can yield the
 * CPU to its process's main thread (HTTP, timers, dispatch) while keeping
 * whatever CPU that thread leaves. Returns `true` when the new value took
 * effect; `false` where threads cannot be told apart (no `/proc`, other
 * operating systems, no file-system permission in Deno) and nothing changed.
 */
export function lowerThreadPriority(increment: number): boolean {
  const fs = builtin("node:fs");
  const os = builtin("node:os");
  if (!fs || typeof os?.setPriority !== "function" || typeof os.getPriority !== "function") {
    return false;
  }
  try {
    const link = fs.readlinkSync("/proc/thread-self"); // "<pid>/task/<tid>"
    const tid = Number(link.slice(link.lastIndexOf("/") + 1));
    if (!Number.isInteger(tid) || tid <= 0) return false;
    const before = os.getPriority(tid);
    const after = Math.min(19, before + increment);
    if (after === before) return before > 0;
    os.setPriority(tid, after);
    return os.getPriority(tid) === after;
  } catch {
    return false;
  }
}
