/**
 * headroom's control surface for Hono: mount `createControlApp()` to get
 * health and readiness probes, a status report, Prometheus metrics, live
 * server-sent events, a dashboard and authenticated mutations of limiters,
 * pools, batch sizers and brakes; wrap routes in `adaptiveLimit()` to run
 * them under an adaptive concurrency limit. Needs `hono` installed; the core
 * entry never imports it.
 *
 * @example Serve the control surface
 * ```ts
 * import { Hono } from "hono";
 * import { AdaptiveLimiter } from "@headroom/headroom";
 * import { adaptiveLimit, createControlApp } from "@headroom/headroom/http";
 *
 * const api = new AdaptiveLimiter({ name: "api", limit: 50 });
 * // strict: false also routes `/_headroom/` (the dashboard, with its trailing slash) and
 * // `/_headroom/status/`; a strict Hono, the default, answers them 404.
 * const app = new Hono({ strict: false });
 * app.use("/api/*", adaptiveLimit(api));
 * app.get("/api/hello", (c) => c.text("hello"));
 * app.route("/_headroom", createControlApp({ limiters: { api }, token: "change-me" }));
 * // Serve `app` as the runtime does: Deno.serve(app.fetch), Bun's `export default app`,
 * // or serve(app) from @hono/node-server.
 * ```
 *
 * @module
 */
export * from "./src/http/mod.ts";
