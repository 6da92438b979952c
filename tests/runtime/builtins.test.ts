import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { builtin } from "../../src/runtime/builtins.ts";

const onBun = (globalThis as { Bun?: unknown }).Bun !== undefined;

/** Runs `fn` with `process.getBuiltinModule` gone, as on Bun before 1.2.10. */
function withoutGetBuiltinModule<T>(fn: () => T): T {
  const proc = globalThis.process as unknown as Record<string, unknown>;
  const descriptor = Object.getOwnPropertyDescriptor(proc, "getBuiltinModule");
  delete proc.getBuiltinModule;
  try {
    return fn();
  } finally {
    if (descriptor !== undefined) Object.defineProperty(proc, "getBuiltinModule", descriptor);
  }
}

describe("builtin()", () => {
  it("loads a Node built-in through process.getBuiltinModule", () => {
    assert.equal(typeof builtin("node:os")?.cpus, "function");
    assert.equal(typeof builtin("node:fs")?.readSync, "function");
  });

  it("falls back to import.meta.require on Bun only, when getBuiltinModule is missing", () => {
    const os = withoutGetBuiltinModule(() => builtin("node:os"));
    assert.equal(typeof globalThis.process.getBuiltinModule, "function", "restored");
    if (onBun) {
      assert.equal(typeof os?.cpus, "function", "Bun before 1.2.10 still reads the machine");
    } else {
      assert.equal(os, undefined, "Node and Deno have no import.meta.require to fall back to");
    }
  });
});
