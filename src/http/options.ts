/**
 * Options of `createControlApp()`, their valibot schema and defaults.
 *
 * @module
 */

import * as v from "valibot";
import { custom } from "../config/custom.ts";
import { ConfigError } from "../config/config-error.ts";
import { parseOptions } from "../config/parse.ts";
import type { Clock } from "../internal/clock.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import type { Components, Observatory } from "../observe/mod.ts";

/** Options of `createControlApp()`: the components to show and steer, and how. */
export interface ControlAppOptions extends Components {
  /**
   * An Observatory already watching the components; without one the app
   * builds its own with `observe()` from the component fields. Give one or
   * the other, not both.
   */
  readonly observatory?: Observatory;
  /**
   * The registry `GET /metrics` serves. @default {the observatory's registry,
   * or a new one filled by the observatory the app builds}
   */
  readonly registry?: MetricsRegistry;
  /**
   * The bearer token every mutation must carry (`Authorization: Bearer
   * <token>`), compared in constant time. Without one, mutations are
   * refused unless `allowUnauthenticated` is set.
   */
  readonly token?: string;
  /**
   * Accept mutations without a token from anyone who can reach the app. Only
   * consulted when no `token` is given. @default {false}
   */
  readonly allowUnauthenticated?: boolean;
  /** Largest request body accepted, in bytes; larger ones get 413. @default {16384} */
  readonly maxBodyBytes?: number;
  /**
   * Milliseconds between keep-alive comments (and `tick` events) on `GET /events`; the
   * default stays under `Bun.serve`'s 10-s idle timeout, which cuts a silent stream. @default {5000}
   */
  readonly eventsHeartbeatMs?: number;
  /**
   * Epoch milliseconds, stamped on `tick` and `sample` events (the
   * dashboard's time axis). Tests and demos pass `() => t`. @default {Date.now}
   */
  readonly clock?: Clock;
  /**
   * Aborting it ends every open `GET /events` stream and answers new ones
   * with 503, so a server shutting down can drain: an event stream never
   * ends by itself.
   */
  readonly signal?: AbortSignal;
}

/** {@link ControlAppOptions} checked, with every default filled in. */
export interface ResolvedControlAppOptions {
  readonly observatory: Observatory | undefined;
  readonly components: Components;
  readonly registry: MetricsRegistry | undefined;
  readonly token: string | undefined;
  readonly allowUnauthenticated: boolean;
  readonly maxBodyBytes: number;
  readonly eventsHeartbeatMs: number;
  readonly clock: Clock;
  readonly signal: AbortSignal | undefined;
}

const record = (what: string) =>
  v.optional(
    custom<Readonly<Record<string, unknown>>>(
      (input) => typeof input === "object" && input !== null && !Array.isArray(input),
      `an object of ${what} by name`,
    ),
  );

const hasMethods = (input: unknown, ...names: string[]): boolean =>
  typeof input === "object" && input !== null &&
  names.every((name) => typeof (input as Record<string, unknown>)[name] === "function");

/** Under `Bun.serve`'s default `idleTimeout` (10 s), which closes a stream with nothing to send. */
const HEARTBEAT_MS = 5000;

const schema = v.strictObject({
  monitor: v.optional(
    custom<unknown>(
      (input) => hasMethods(input, "addEventListener", "sample"),
      "a ResourceMonitor",
    ),
  ),
  pools: record("WorkerPools"),
  limiters: record("AdaptiveLimiters"),
  batchSizers: record("DynamicBatchSizers"),
  brakes: record("EmergencyBrakes or CircuitBreakers"),
  observatory: v.optional(
    custom<unknown>(
      (input) => hasMethods(input, "status", "addEventListener", "limiter"),
      "an Observatory from observe()",
    ),
  ),
  registry: v.optional(
    custom<unknown>(
      (input) => hasMethods(input, "prometheus", "collect"),
      "a MetricsRegistry",
    ),
  ),
  token: v.optional(
    custom<string>(
      // A header carries bytes: a character outside printable ASCII cannot be sent as it is.
      (input) => typeof input === "string" && /^[\x21-\x7e]+$/.test(input),
      "a non-empty string of printable ASCII without spaces",
    ),
  ),
  allowUnauthenticated: v.optional(v.boolean(), false),
  maxBodyBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 16 * 1024),
  // setTimeout fires at once past 2^31 - 1 ms.
  eventsHeartbeatMs: v.optional(
    v.pipe(v.number(), v.finite(), v.minValue(1), v.maxValue(2 ** 31 - 1)),
    HEARTBEAT_MS,
  ),
  clock: v.optional(
    custom<Clock>((input) => typeof input === "function", "a function returning epoch ms"),
    () => Date.now,
  ),
  signal: v.optional(
    custom<AbortSignal>((input) => input instanceof AbortSignal, "an AbortSignal"),
  ),
});

const COMPONENT_FIELDS = ["monitor", "pools", "limiters", "batchSizers", "brakes"] as const;

/**
 * Checks `input` against {@link ControlAppOptions}; throws a `ConfigError`
 * naming each bad field, its value and what was expected.
 */
export function resolveControlAppOptions(input: unknown): ResolvedControlAppOptions {
  const options = (input ?? {}) as ControlAppOptions;
  const o = parseOptions(schema, options, "createControlApp() options");
  const given = COMPONENT_FIELDS.filter((field) => options[field] !== undefined);
  if (options.observatory !== undefined && given.length > 0) {
    const expected = "no components next to `observatory` (it already has its own)";
    throw new ConfigError("createControlApp() options", [{
      path: given[0]!,
      expected,
      received: `${given.join(", ")} and an observatory`,
      message: `\`${given[0]}\` received a value next to \`observatory\`, expected ${expected}`,
    }]);
  }
  const components: Components = {
    ...(options.monitor === undefined ? {} : { monitor: options.monitor }),
    ...(options.pools === undefined ? {} : { pools: options.pools }),
    ...(options.limiters === undefined ? {} : { limiters: options.limiters }),
    ...(options.batchSizers === undefined ? {} : { batchSizers: options.batchSizers }),
    ...(options.brakes === undefined ? {} : { brakes: options.brakes }),
  };
  return {
    observatory: options.observatory,
    components,
    registry: options.registry,
    token: o.token,
    allowUnauthenticated: o.allowUnauthenticated,
    maxBodyBytes: o.maxBodyBytes,
    eventsHeartbeatMs: o.eventsHeartbeatMs,
    clock: o.clock,
    signal: o.signal,
  };
}
