/** The states of a {@link CircuitBreaker}; a state's index is its value in `decision` events. */
export const CIRCUIT_STATES: readonly ["closed", "half-open", "open"] = Object.freeze(
  ["closed", "half-open", "open"] as const,
);

/** `closed`: calls pass; `open`: calls fail fast; `half-open`: a few probe calls pass. */
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/**
 * A call was refused without running: the circuit is open (or half-open
 * with every probe slot taken). `remainingMs` says how long until it lets
 * probe calls through.
 *
 * @example Fall back while the circuit is open
 * ```ts
 * import { CircuitBreaker, CircuitOpenError } from "@headroom/headroom";
 *
 * const breaker = new CircuitBreaker({ openMs: 10_000 });
 * const price = await breaker.run(() => fetch("https://example.com/price"))
 *   .catch((error) => {
 *     if (error instanceof CircuitOpenError) {
 *       console.log(`cached price; retry in ${Math.ceil(error.remainingMs)} ms`);
 *       return undefined;
 *     }
 *     throw error;
 *   });
 * ```
 */
export class CircuitOpenError extends Error {
  /** The breaker's `name`. */
  readonly breaker: string;
  /** `open`, or `half-open` when every probe slot is taken. */
  readonly state: Exclude<CircuitState, "closed">;
  /** Milliseconds until the circuit half-opens; 0 when half-open. */
  readonly remainingMs: number;
  /** Why the circuit opened, for example `6 of 10 calls failed (60% >= 50%)`. */
  readonly reason: string;
  /** Builds the message from the breaker's name, its state, the time left and the reason. */
  constructor(
    breaker: string,
    state: Exclude<CircuitState, "closed">,
    remainingMs: number,
    reason: string,
  ) {
    super(
      state === "open"
        ? `Cannot run a call through circuit "${breaker}": it is open for another ` +
          `${Math.ceil(remainingMs)} ms (${reason}); retry after that or serve a fallback`
        : `Cannot run a call through circuit "${breaker}": it is half-open and its probe calls ` +
          `are in flight (${reason}); retry once they finish`,
    );
    this.name = "CircuitOpenError";
    this.breaker = breaker;
    this.state = state;
    this.remainingMs = remainingMs;
    this.reason = reason;
  }
}
