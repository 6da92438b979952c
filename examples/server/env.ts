// The example server's settings from its environment, checked strictly: a
// typo should stop the server, not start it on a port or limit nobody asked
// for (`Number("")` is 0, and `Number` also takes "0x10", "1e1" and " 5 ").
import type { LimitMode } from "./app.ts";

/** The example server's settings, read by {@link parseEnv}. */
export interface ServerEnv {
  /** HOST. @default {"127.0.0.1"} */
  readonly host: string;
  /** PORT, 0-65535 (0 picks a free one). @default {8787} */
  readonly port: number;
  /** HEADROOM_TOKEN; `undefined` when unset (the server makes one up). */
  readonly token: string | undefined;
  /** HEADROOM_LIMIT: "adaptive", "none" or a positive integer. @default {"adaptive"} */
  readonly limit: LimitMode;
  /** HEADROOM_NICE, 0-19. @default {10} */
  readonly niceIncrement: number;
  /** HEADROOM_QUEUE_MS, 0-1000. @default {0} */
  readonly queueMs: number;
  /** HEADROOM_DOWNSTREAM_MS, 0-10000. @default {20} */
  readonly downstreamMs: number;
  /** HEADROOM_DRAIN_MS, 0-600000: how long shutdown lets requests finish. @default {10000} */
  readonly drainMs: number;
}

/** Reads variable `name`: unset is `undefined`; set, it must not be empty. */
function text(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  expected: string,
): string | undefined {
  const value = env[name];
  if (value === "") throw new Error(`${name} must be ${expected}, received ""`);
  return value;
}

/** Reads variable `name` as a plain decimal integer from `min` to `max`. */
function integer(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const expected = `an integer from ${min} to ${max}`;
  const value = text(env, name, expected);
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) {
    throw new Error(`${name} must be ${expected}, received ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * The example server's settings from `env` (`process.env`), defaults
 * filled in. Throws an Error naming the variable, the value received and
 * what was expected for a value that is empty or not what its variable
 * takes; numbers are plain decimal digits.
 */
export function parseEnv(env: Readonly<Record<string, string | undefined>>): ServerEnv {
  const limitExpected = `"adaptive", "none" or a positive integer`;
  const limitText = text(env, "HEADROOM_LIMIT", limitExpected) ?? "adaptive";
  let limit: LimitMode;
  if (limitText === "adaptive" || limitText === "none") limit = limitText;
  else {
    limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
    if (!(Number.isSafeInteger(limit) && limit > 0)) {
      throw new Error(
        `HEADROOM_LIMIT must be ${limitExpected}, received ${JSON.stringify(limitText)}`,
      );
    }
  }
  return {
    host: text(env, "HOST", "a host name or address") ?? "127.0.0.1",
    port: integer(env, "PORT", 0, 65535, 8787),
    // createControlApp refuses an empty token too, but names its option, not the variable.
    token: text(env, "HEADROOM_TOKEN", "a non-empty token (unset, one is made up)"),
    limit,
    niceIncrement: integer(env, "HEADROOM_NICE", 0, 19, 10),
    queueMs: integer(env, "HEADROOM_QUEUE_MS", 0, 1000, 0),
    downstreamMs: integer(env, "HEADROOM_DOWNSTREAM_MS", 0, 10_000, 20),
    drainMs: integer(env, "HEADROOM_DRAIN_MS", 0, 600_000, 10_000),
  };
}
