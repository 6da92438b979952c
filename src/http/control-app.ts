/**
 * `createControlApp()`: the Hono app that shows and steers headroom's
 * components: health and readiness probes, a status report, Prometheus
 * metrics, live server-sent events, a dashboard, and authenticated
 * mutations of limiters, pools, batch sizers and brakes.
 *
 * @module
 */

import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { validator } from "hono/validator";
import { CircuitBreaker } from "../control/brake/circuit-breaker.ts";
import type { EmergencyBrake } from "../control/brake/emergency-brake.ts";
import type { AdaptiveLimiter } from "../control/limiter/adaptive-limiter.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/registry.ts";
import { observe } from "../observe/mod.ts";
import type { Observatory } from "../observe/mod.ts";
import { requireToken } from "./auth.ts";
import { capBody } from "./body-cap.ts";
import { dashboardHtml, dashboardPolicy } from "./dashboard.ts";
import { streamEvents } from "./events.ts";
import { resolveControlAppOptions } from "./options.ts";
import type { ControlAppOptions } from "./options.ts";
import { badRequest, check, describe, RequestError } from "./problem.ts";
import type { Problem } from "./problem.ts";
import { batchBody, limiterBody, nameParam, poolBody } from "./schemas.ts";
import type { BatchBody, LimiterBody, PoolBody } from "./schemas.ts";

const JSON_MEDIA = /^application\/(?:[\w.-]+\+)?json$/i;

function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

function action(c: Context): string {
  return `${c.req.method} ${c.req.path}`;
}

/** Validates the `:name` parameter; 400 naming it when it is wrong. */
const nameValidator = validator("param", (value, c) => {
  try {
    return check(nameParam, value, action(c), "the path");
  } catch (error) {
    if (error instanceof RequestError) {
      return c.json({ error: error.message, issues: error.issues } satisfies Problem, 400);
    }
    throw error;
  }
});

/** A JSON body validator for `schema`: 415 for another media type, 400 naming each wrong field. */
function jsonBody<T>(schema: Parameters<typeof check>[0], example: string) {
  return validator("json", (value, c) => {
    const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim();
    if (!JSON_MEDIA.test(type)) {
      return c.json(
        {
          error: `Cannot ${action(c)}: Content-Type received ${
            JSON.stringify(type || "none")
          }, expected application/json with a body such as ${example}`,
        } satisfies Problem,
        415,
      );
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      const received = describe(value);
      return c.json(
        {
          error: `Cannot ${action(c)}: the body received ${received}, expected a JSON object ` +
            `such as ${example}`,
          issues: [{
            path: "",
            expected: "a JSON object",
            received,
            message: `the body received ${received}, expected a JSON object`,
          }],
        } satisfies Problem,
        400,
      );
    }
    try {
      return check(schema, value, action(c), "the body") as T;
    } catch (error) {
      if (error instanceof RequestError) {
        return c.json({ error: error.message, issues: error.issues } satisfies Problem, 400);
      }
      throw error;
    }
  });
}

/** 404 naming `:name` and listing the known names unless `names()` has it. */
function known(kind: string, names: () => readonly string[]): MiddlewareHandler {
  return (c, next) => {
    const name = c.req.param("name") ?? "";
    const all = names();
    if (all.includes(name)) return next();
    const list = all.length === 0 ? `none is configured` : `known: ${all.join(", ")}`;
    return Promise.resolve(c.json(
      {
        error: `Cannot ${action(c)}: no ${kind} named ${JSON.stringify(name)} (${list})`,
        known: all,
      } satisfies Problem,
      404,
    ));
  };
}

function limiterState(name: string, limiter: AdaptiveLimiter): Record<string, unknown> {
  return { name, mode: limiter.mode, ...limiter.stats() };
}

function brakeState(name: string, brake: EmergencyBrake | CircuitBreaker): Record<string, unknown> {
  if (brake instanceof CircuitBreaker) {
    return { name, kind: "breaker", ...brake.stats() };
  }
  return {
    name,
    kind: "brake",
    engaged: brake.engaged,
    consecutive: brake.consecutive,
    engagements: brake.engagements,
  };
}

/**
 * Runs a mutation; a `RangeError`, `TypeError` or `ConfigError` the
 * component throws becomes a 400 that says what it refused.
 */
function mutate(c: Context, apply: () => Record<string, unknown>): Response {
  try {
    return c.json(apply());
  } catch (error) {
    const problem = badRequest(error, action(c), true);
    if (problem === undefined) throw error;
    return c.json(problem, 400);
  }
}

/**
 * Creates the Hono app that shows and steers headroom's components; mount
 * it anywhere (`app.route("/_headroom", control)`). Every URL the dashboard
 * uses is relative, so any mount path works. Mount it on a
 * `new Hono({ strict: false })`: a strict Hono (the default) answers the
 * dashboard's `/_headroom/` and any path with a trailing slash 404.
 *
 * Reads, open to anyone who can reach the app:
 * - `GET /`: the dashboard (live charts and decisions; no external requests);
 * - `GET /healthz`: 200 while the process answers;
 * - `GET /readyz`: 200, or 503 while a brake is engaged, a circuit is open
 *   or pressure is critical, with the reasons;
 * - `GET /status`: the Observatory's report as JSON;
 * - `GET /metrics`: Prometheus text;
 * - `GET /events`: server-sent `status`, `tick`, `sample` and `decision` events
 *   (open streams end when `signal` aborts).
 *
 * Mutations, which need `Authorization: Bearer <token>` (401 without, 403
 * with a wrong one or when no token is configured and
 * `allowUnauthenticated` is not set), answer 200 with the component's new
 * state, 400 naming each wrong field, 404 naming an unknown component and
 * listing the known ones, 413 for a body over `maxBodyBytes` and 415 for a
 * body that is not JSON:
 * - `PUT /limiters/:name` `{ "mode": "static", "limit": 8 }` or `{ "mode": "adaptive" }`;
 * - `PUT /pools/:name` `{ "min": 1, "max": 4 }`: `pool.resize(min, max)`,
 *   recorded as a decision of `pool:<name>` when the bounds change;
 * - `PUT /batch/:name` `{ "operation": "import", "mode": "fixed", "defaultSize": 50 }`:
 *   re-registers the operation with these options (fields left out take the
 *   sizer's defaults, measurements start afresh);
 * - `POST /brakes/:name/reset`: lets go of a brake, or closes a circuit.
 *
 * Without an `observatory`, the app builds one with `observe()` that lives
 * as long as the components; pass your own to close it yourself.
 *
 * Standing alone, an unknown path gets a JSON 404 listing the routes.
 * Mounted with `app.route()`, it gets the outer app's 404: Hono calls only
 * the outer app's `notFound` handler.
 *
 * @example Mount the control surface next to an API
 * ```ts
 * import { Hono } from "hono";
 * import { AdaptiveLimiter, ResourceMonitor } from "@headroom/headroom";
 * import { createControlApp } from "@headroom/headroom/http";
 *
 * const monitor = new ResourceMonitor();
 * monitor.start(1000);
 * const db = new AdaptiveLimiter({ name: "db", limit: 10, monitor });
 * // strict: false also routes `/_headroom/` (the dashboard, with its trailing slash) and
 * // `/_headroom/status/`; a strict Hono, the default, answers them 404.
 * const app = new Hono({ strict: false });
 * app.route(
 *   "/_headroom",
 *   createControlApp({ monitor, limiters: { db }, token: "change-me" }),
 * );
 * const response = await app.request("/_headroom/limiters/db", {
 *   method: "PUT",
 *   headers: { authorization: "Bearer change-me", "content-type": "application/json" },
 *   body: JSON.stringify({ mode: "static", limit: 4 }),
 * });
 * console.log(response.status, db.limit); // 200 4
 * monitor.stop();
 * ```
 */
export function createControlApp(options: ControlAppOptions = {}): Hono {
  const o = resolveControlAppOptions(options);
  const observatory: Observatory = o.observatory ??
    observe({
      ...o.components,
      ...(o.registry === undefined ? {} : { registry: o.registry }),
      clock: o.clock,
    });
  const registry = o.registry ?? observatory.registry;
  const names = (record: Readonly<Record<string, unknown>> | undefined) => (): string[] =>
    Object.keys(record ?? {});
  const components = observatory.components;

  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const malformed = /malformed json/i.test(error.message);
      const message = malformed
        ? "the body is not valid JSON; expected a JSON object"
        : error.message;
      return c.json({ error: `Cannot ${action(c)}: ${message}` } satisfies Problem, error.status);
    }
    // Mutations answer their own 400s; a ConfigError that gets here (a metric
    // name clash while collecting, say) is the server's fault, not the request's.
    if (error instanceof RequestError) {
      return c.json({ error: error.message, issues: error.issues } satisfies Problem, 400);
    }
    const message = error instanceof Error ? error.message : String(error);
    return c.json({ error: `Cannot ${action(c)}: internal error: ${message}` }, 500);
  });
  app.notFound((c) =>
    c.json(
      {
        error: `Cannot ${action(c)}: no such route; see GET /status, /metrics, /events, ` +
          `PUT /limiters/:name, /pools/:name, /batch/:name, POST /brakes/:name/reset`,
      } satisfies Problem,
      404,
    )
  );

  app.get("/", (c) => {
    const n = nonce();
    c.header("Content-Security-Policy", dashboardPolicy(n));
    c.header("Cache-Control", "no-store");
    return c.html(dashboardHtml(n));
  });
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/readyz", (c) => {
    const { ready } = observatory.status();
    c.header("Cache-Control", "no-store");
    return c.json({ ready: ready.ok, reasons: ready.reasons }, ready.ok ? 200 : 503);
  });
  app.get("/status", (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(observatory.status());
  });
  app.get("/metrics", (c) => {
    c.header("Cache-Control", "no-store");
    return c.body(registry.prometheus(), 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE });
  });
  app.get("/events", (c) => {
    // Hono answers HEAD with the GET handler and drops the body without cancelling
    // it: a stream opened here would never see its client leave.
    if (c.req.method === "HEAD") {
      return c.body(null, 200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
      });
    }
    if (o.signal?.aborted) {
      return c.json(
        { error: `Cannot ${action(c)}: the server is shutting down` } satisfies Problem,
        503,
      );
    }
    return streamEvents(c, observatory, {
      heartbeatMs: o.eventsHeartbeatMs,
      now: o.clock,
      ...(o.signal === undefined ? {} : { signal: o.signal }),
    });
  });

  const auth = requireToken({ token: o.token, allowUnauthenticated: o.allowUnauthenticated });
  const limit = capBody(o.maxBodyBytes, (c) =>
    c.json(
      {
        error: `Cannot ${action(c)}: the body is larger than ${o.maxBodyBytes} bytes ` +
          `(maxBodyBytes)`,
      } satisfies Problem,
      413,
    ));

  app.put(
    "/limiters/:name",
    auth,
    limit,
    nameValidator,
    known("limiter", names(components.limiters)),
    jsonBody<LimiterBody>(limiterBody, `{"mode":"static","limit":8} or {"mode":"adaptive"}`),
    (c) => {
      const { name } = c.req.valid("param");
      const body = c.req.valid("json");
      const limiter = observatory.limiter(name)!;
      return mutate(c, () => {
        if (body.mode === "static") limiter.setStatic(body.limit);
        else limiter.setAdaptive();
        return limiterState(name, limiter);
      });
    },
  );

  app.put(
    "/pools/:name",
    auth,
    limit,
    nameValidator,
    known("pool", names(components.pools)),
    jsonBody<PoolBody>(poolBody, `{"min":1,"max":4}`),
    (c) => {
      const { name } = c.req.valid("param");
      const { min, max } = c.req.valid("json");
      const pool = observatory.pool(name)!;
      return mutate(c, () => {
        const before = pool.stats().workers;
        pool.resize(min, max);
        // A pool has no decision event of its own: the operator's resize goes in the log here.
        if (before.min !== min || before.max !== max) {
          observatory.record({
            source: `pool:${name}`,
            from: before.max,
            to: max,
            reason: `PUT /pools/${name}: min ${before.min} -> ${min}, max ${before.max} -> ${max}`,
            time: o.clock(),
          }, `pool:${name}`);
        }
        return { name, workers: pool.stats().workers };
      });
    },
  );

  app.put(
    "/batch/:name",
    auth,
    limit,
    nameValidator,
    known("batch sizer", names(components.batchSizers)),
    jsonBody<BatchBody>(batchBody, `{"operation":"import","mode":"fixed","defaultSize":50}`),
    (c) => {
      const { name } = c.req.valid("param");
      const { operation, ...settings } = c.req.valid("json");
      const sizer = observatory.batchSizer(name)!;
      if (!sizer.operations.includes(operation)) {
        const all = sizer.operations;
        const list = all.length === 0 ? "none is registered" : `known: ${all.join(", ")}`;
        return c.json(
          {
            error: `Cannot ${action(c)}: batch sizer ${JSON.stringify(name)} has no operation ` +
              `${JSON.stringify(operation)} (${list})`,
            known: all,
          } satisfies Problem,
          404,
        );
      }
      const defined = Object.fromEntries(
        Object.entries(settings).filter(([, value]) => value !== undefined),
      );
      return mutate(c, () => {
        sizer.register(operation, defined);
        return { name, ...sizer.stats(operation) };
      });
    },
  );

  app.post(
    "/brakes/:name/reset",
    auth,
    limit,
    nameValidator,
    known("brake or circuit breaker", names(components.brakes)),
    (c) => {
      const { name } = c.req.valid("param");
      const brake = observatory.brake(name)!;
      return mutate(c, () => {
        brake.reset();
        return brakeState(name, brake);
      });
    },
  );

  // A known path with another method: 405 and the methods it takes, not "no such route".
  const methods: readonly (readonly [string, string])[] = [
    ["/", "GET, HEAD"],
    ["/healthz", "GET, HEAD"],
    ["/readyz", "GET, HEAD"],
    ["/status", "GET, HEAD"],
    ["/metrics", "GET, HEAD"],
    ["/events", "GET, HEAD"],
    ["/limiters/:name", "PUT"],
    ["/pools/:name", "PUT"],
    ["/batch/:name", "PUT"],
    ["/brakes/:name/reset", "POST"],
  ];
  for (const [path, allow] of methods) {
    app.all(path, (c) => {
      c.header("Allow", allow);
      return c.json(
        { error: `Cannot ${action(c)}: ${path} takes ${allow}` } satisfies Problem,
        405,
      );
    });
  }

  return app;
}
