/**
 * `/proc/self/mountinfo` parsing: the cgroup mounts and where they show.
 *
 * @module
 */

/** One mount from `/proc/self/mountinfo`. */
export interface Mount {
  /** Field 4: the path inside the file system that the mount shows, unescaped. */
  readonly root: string;
  /** Field 5: where it is mounted, unescaped. */
  readonly mountPoint: string;
  /** The file-system type after the ` - ` separator, e.g. `cgroup` or `cgroup2`. */
  readonly fsType: string;
  /** The super-block options (last field), split on commas, e.g. `["rw", "cpu", "cpuacct"]`. */
  readonly superOptions: readonly string[];
}

function isOctal(c: number): boolean {
  return c >= 48 && c <= 55;
}

/** Undoes the kernel's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash). */
export function unescapeMountPath(text: string): string {
  if (!text.includes("\\")) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (
      ch === "\\" && i + 3 < text.length && isOctal(text.charCodeAt(i + 1)) &&
      isOctal(text.charCodeAt(i + 2)) && isOctal(text.charCodeAt(i + 3))
    ) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Drops the ` (deleted)` the kernel appends to removed cgroups and mount roots. */
export function stripDeleted(path: string): string {
  const suffix = " (deleted)";
  return path.endsWith(suffix) ? path.slice(0, -suffix.length) : path;
}

/**
 * Parses the cgroup and cgroup2 mounts of a mountinfo file. Lines are split
 * on the first ` - ` (the optional fields before it vary in number) before
 * unescaping, so mount points with escaped spaces and dashes parse right.
 * Malformed lines are skipped.
 */
export function parseCgroupMounts(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const after = line.slice(sep + 3).split(" ");
    const fsType = after[0];
    if (fsType !== "cgroup" && fsType !== "cgroup2") continue;
    const before = line.slice(0, sep).split(" ");
    const root = before[3];
    const mountPoint = before[4];
    if (root === undefined || mountPoint === undefined) continue;
    mounts.push({
      root: stripDeleted(unescapeMountPath(root)),
      mountPoint: stripDeleted(unescapeMountPath(mountPoint)),
      fsType,
      superOptions: (after[2] ?? "").split(","),
    });
  }
  return mounts;
}
