import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { createCachedFileReader, isPseudoFile } from "../../src/runtime/file-reader.ts";

describe("createCachedFileReader()", () => {
  const dir = fs.mkdtempSync(join(os.tmpdir(), "headroom-reader-"));

  it("sees a file rewritten in place through the kept descriptor", () => {
    const path = join(dir, "value");
    fs.writeFileSync(path, "first\n");
    const reader = createCachedFileReader(fs, () => true);
    assert.equal(reader.read(path), "first\n");
    fs.writeFileSync(path, "second, longer\n");
    assert.equal(reader.read(path), "second, longer\n");
    fs.writeFileSync(path, "3\n");
    assert.equal(reader.read(path), "3\n");
    reader.close();
  });

  it("reads files larger than its buffer whole", () => {
    const path = join(dir, "large");
    const text = "x".repeat(20_000) + "\nend\n";
    fs.writeFileSync(path, text);
    const reader = createCachedFileReader(fs, () => true);
    assert.equal(reader.read(path), text);
    assert.equal(reader.read(path), text);
    reader.close();
  });

  it("reads on until the file ends when each read gives only a part (as /proc does)", () => {
    const path = join(dir, "records");
    const text = Array.from({ length: 300 }, (_, i) => `record ${i}`).join("\n") + "\n";
    fs.writeFileSync(path, text);
    // Like a kernel seq_file: at most 100 bytes a read, whatever the buffer.
    const pageByPage = {
      ...fs,
      readSync: (
        fd: number,
        buffer: Uint8Array,
        offset: number,
        length: number,
        position: number,
      ) => fs.readSync(fd, buffer, offset, Math.min(length, 100), position),
    } as typeof fs;
    const reader = createCachedFileReader(pageByPage, () => true);
    assert.equal(reader.read(path), text);
    assert.equal(reader.read(path), text, "and again through the kept descriptor");
    reader.close();
  });

  it("throws like readFileSync for a missing file, and recovers when it appears", () => {
    const path = join(dir, "later");
    const reader = createCachedFileReader(fs, () => true);
    assert.throws(() => reader.read(path), /ENOENT/);
    fs.writeFileSync(path, "here");
    assert.equal(reader.read(path), "here");
    reader.close();
  });

  it("keeps descriptors only for /proc and /sys, so a replaced regular file is read anew", () => {
    assert.equal(isPseudoFile("/proc/self/statm"), true);
    assert.equal(isPseudoFile("/sys/fs/cgroup/cpu.max"), true);
    assert.equal(isPseudoFile(join(dir, "proc/self/cgroup")), false);
    const path = join(dir, "replaced");
    fs.writeFileSync(path, "old");
    const reader = createCachedFileReader(fs);
    assert.equal(reader.read(path), "old");
    fs.rmSync(path);
    assert.throws(() => reader.read(path), /ENOENT/);
    fs.writeFileSync(path, "new");
    assert.equal(reader.read(path), "new");
    reader.close();
  });
});

describe("createCachedFileReader() on /proc", {
  skip: process.platform === "linux" ? false : "needs Linux /proc",
}, () => {
  it("renders the file anew on each read of a kept descriptor", () => {
    const reader = createCachedFileReader(fs);
    const utime = (): number => Number(reader.read("/proc/self/stat").split(" ")[13]);
    const first = utime();
    // Burn CPU until the kernel's tick-based counter moves (bounded at 10 s).
    const until = performance.now() + 10_000;
    let second = first;
    let x = 0;
    while (second === first && performance.now() < until) {
      for (let i = 0; i < 1e6; i++) x += i % 7;
      second = utime();
    }
    assert.ok(x > 0);
    assert.ok(second > first, `utime ${first} -> ${second}`);
    reader.close();
  });

  it("reads a /proc file longer than a page whole", () => {
    const reader = createCachedFileReader(fs);
    const whole = fs.readFileSync("/proc/self/smaps", "utf8").length;
    const read = reader.read("/proc/self/smaps").length;
    reader.close();
    assert.ok(whole > 8192, `smaps is ${whole} characters`);
    assert.ok(read > whole * 0.8, `read ${read} of about ${whole} characters`);
  });
});
