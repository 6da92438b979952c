/**
 * Reading through the injected {@link ReadText}, turning every failure into
 * a reason string instead of an exception.
 *
 * @module
 */

import type { ReadText } from "./types.ts";

/** A read that failed: why, and whether the file simply does not exist. */
export interface ReadFailure {
  readonly reason: string;
  /** `true` for ENOENT/ENOTDIR/NotFound: the file is absent, not forbidden or broken. */
  readonly missing: boolean;
}

interface ErrorLike {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
}

/** Describes a thrown value as `CODE: message` (or `Name: message`) without repeating the code. */
export function describeError(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  const e = error as ErrorLike;
  const message = typeof e.message === "string" ? e.message : "";
  const code = typeof e.code === "string" ? e.code : undefined;
  const name = typeof e.name === "string" && e.name !== "Error" ? e.name : undefined;
  const tag = code ?? name;
  if (tag === undefined) return message === "" ? String(error) : message;
  if (message === "") return tag;
  return message.startsWith(tag) ? message : `${tag}: ${message}`;
}

function isMissing(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as ErrorLike;
  return e.code === "ENOENT" || e.code === "ENOTDIR" || e.name === "NotFound";
}

/** Reads `path`, returning its text or a {@link ReadFailure}; never throws. */
export function tryRead(read: ReadText, path: string): string | ReadFailure {
  try {
    const text: unknown = read(path);
    if (typeof text === "string") return text;
    return { reason: `cannot read ${path}: the reader returned ${typeof text}`, missing: false };
  } catch (error) {
    return { reason: `cannot read ${path}: ${describeError(error)}`, missing: isMissing(error) };
  }
}

/** Quotes a file's content for a `garbled` reason, shortened to 60 characters. */
export function quoted(text: string): string {
  const trimmed = text.trim();
  return JSON.stringify(trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed);
}

/** The reason for a file whose content could not be parsed: `empty <path>` or `garbled <path>: "<text>"`. */
export function garbled(path: string, text: string): string {
  return text.trim() === "" ? `empty ${path}` : `garbled ${path}: ${quoted(text)}`;
}

/** Joins the reader's root prefix (no trailing slash) and an absolute path. */
export function rootPrefix(root: string): string {
  let end = root.length;
  while (end > 0 && root.charCodeAt(end - 1) === 47) end--;
  return root.slice(0, end);
}
