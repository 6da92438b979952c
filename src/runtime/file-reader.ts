import type * as NodeFs from "node:fs";

/** A {@link ReadText} that keeps files open between reads. */
export interface CachedFileReader {
  /** Reads the whole file from offset 0; throws like `readFileSync` when it cannot. */
  read(path: string): string;
  /** Closes every descriptor kept open. */
  close(): void;
}

const MAX_OPEN = 64;

/**
 * Paths whose descriptors may be kept: on `/proc` and `/sys` each read from
 * offset 0 renders the file anew and a removed cgroup fails the read. A
 * regular file is not kept: after an unlink its old descriptor would go on
 * reading the deleted content.
 */
export function isPseudoFile(path: string): boolean {
  return path.startsWith("/proc/") || path.startsWith("/sys/");
}

/**
 * Reads `/proc` and `/sys` files with `pread` (until a read returns nothing)
 * instead of open + fstat + read + close: each path's descriptor stays open
 * and is read again from offset 0, which makes the kernel render the file anew. A read
 * that fails on a kept descriptor (the cgroup was removed, the file replaced)
 * closes it and tries once more with a fresh open, so errors are the same as
 * `readFileSync`'s. Only paths `keep` accepts stay open (by default `/proc`
 * and `/sys`, see {@link isPseudoFile}), at most 64 of them; other files are
 * read the ordinary way.
 */
export function createCachedFileReader(
  fs: typeof NodeFs,
  keep: (path: string) => boolean = isPseudoFile,
): CachedFileReader {
  const open = new Map<string, number>();
  let buffer = new Uint8Array(8192);
  const decoder = new TextDecoder();

  // Until a read returns nothing: files the kernel renders record by record
  // (mountinfo, smaps) give at most about a page per read, however big the buffer.
  const readAll = (fd: number): string => {
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        const grown = new Uint8Array(buffer.length * 2);
        grown.set(buffer);
        buffer = grown;
      }
      const n = fs.readSync(fd, buffer, total, buffer.length - total, total);
      if (n === 0) return decoder.decode(buffer.subarray(0, total));
      total += n;
    }
  };

  const fresh = (path: string): string => {
    if (open.size >= MAX_OPEN || !keep(path)) return fs.readFileSync(path, "utf8");
    const fd = fs.openSync(path, "r");
    try {
      const text = readAll(fd);
      open.set(path, fd);
      return text;
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  };

  return {
    read(path: string): string {
      const fd = open.get(path);
      if (fd === undefined) return fresh(path);
      try {
        return readAll(fd);
      } catch {
        open.delete(path);
        try {
          fs.closeSync(fd);
        } catch {
          // already gone
        }
        return fresh(path);
      }
    },
    close(): void {
      for (const fd of open.values()) {
        try {
          fs.closeSync(fd);
        } catch {
          // already gone
        }
      }
      open.clear();
    },
  };
}
