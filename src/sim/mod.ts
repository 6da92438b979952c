/**
 * The deterministic simulator and scoreboard: scenarios on a virtual clock,
 * the oracle sweep of static limits, scores against it, and the table.
 *
 * @module
 */

export * from "./scenario.ts";
export * from "./scenarios.ts";
export * from "./exam.ts";
export * from "./exam2.ts";
export * from "./workload.ts";
export * from "./engine.ts";
export * from "./oracle.ts";
export * from "./score.ts";
export * from "./roster.ts";
export * from "./scoreboard.ts";
export * from "./table.ts";
export * from "./seeds.ts";
