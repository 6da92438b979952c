/**
 * Bearer-token check for the control surface's mutations.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * Whether `a` and `b` are the same string, in time that depends on neither:
 * both are hashed to 32 bytes (so their lengths do not show either) and every
 * byte is compared whatever the earlier ones were.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= x[i]! ^ y[i]!;
  return difference === 0;
}

/** How {@link requireToken} admits a mutation. */
export interface TokenPolicy {
  /** The bearer token mutations must carry; `undefined` when none is configured. */
  readonly token: string | undefined;
  /** Without a token, let mutations through unauthenticated. */
  readonly allowUnauthenticated: boolean;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Middleware that lets a request through only with `Authorization: Bearer
 * <token>`: 401 (with `WWW-Authenticate`) without one or with a malformed
 * header, 403 with a wrong one. With no token configured it refuses every
 * request with 403 saying how to configure one, unless
 * `allowUnauthenticated` is set.
 */
export function requireToken(policy: TokenPolicy): MiddlewareHandler {
  const { token, allowUnauthenticated } = policy;
  return async (c, next) => {
    const action = `${c.req.method} ${c.req.path}`;
    if (token === undefined) {
      if (allowUnauthenticated) return next();
      return c.json({
        error: `Cannot ${action}: mutations are disabled because no token is configured; ` +
          `pass createControlApp({ token }) (then send "Authorization: Bearer <token>"), ` +
          `or allowUnauthenticated: true to accept them from anyone who can reach this app`,
      }, 403);
    }
    const header = c.req.header("Authorization");
    const match = header === undefined ? null : BEARER.exec(header);
    if (match === null) {
      c.header("WWW-Authenticate", 'Bearer realm="headroom"');
      const what = header === undefined
        ? "no Authorization header"
        : "an Authorization header that is not of the form `Bearer <token>`";
      return c.json({
        error: `Cannot ${action}: the request has ${what}; send "Authorization: Bearer <token>"`,
      }, 401);
    }
    if (!(await constantTimeEqual(match[1]!, token))) {
      return c.json({ error: `Cannot ${action}: the bearer token is wrong` }, 403);
    }
    return next();
  };
}
