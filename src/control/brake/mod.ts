/**
 * EmergencyBrake and CircuitBreaker: pause work while the machine keeps
 * saying it is overloaded, and stop calling a downstream that keeps failing.
 *
 * @module
 */

export { CircuitBreaker } from "./circuit-breaker.ts";
export type {
  CircuitBreakerEventMap,
  CircuitBreakerOptions,
  CircuitCall,
  CircuitChange,
  CircuitStats,
} from "./circuit-breaker.ts";
export { CIRCUIT_STATES, CircuitOpenError } from "./circuit-open-error.ts";
export type { CircuitState } from "./circuit-open-error.ts";
export { EmergencyBrake } from "./emergency-brake.ts";
export type {
  BrakeChange,
  EmergencyBrakeEventMap,
  EmergencyBrakeOptions,
} from "./emergency-brake.ts";
