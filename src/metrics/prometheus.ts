/**
 * The Prometheus text exposition format, version 0.0.4.
 *
 * @module
 */

import type { MetricFamily, MetricSample } from "./family.ts";
import type { Labels } from "./series.ts";

/** The `Content-Type` of {@link renderPrometheus}'s output, for a `/metrics` response. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const QUANTILE_LABELS = [["p50", "0.5"], ["p95", "0.95"], ["p99", "0.99"]] as const;

/** Help text as the format wants it: `\` becomes `\\` and a newline `\n`. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A label value as the format wants it: `\`, `"` and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** A sample value: `NaN`, `+Inf` and `-Inf` spelled as the format does, other numbers as JavaScript prints them. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function labelText(labels: Labels, extra?: readonly [string, string]): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  if (extra !== undefined) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

function sampleLines(family: MetricFamily, sample: MetricSample, out: string[]): void {
  const { name } = family;
  if (family.type !== "summary") {
    out.push(`${name}${labelText(sample.labels)} ${formatValue(sample.value ?? NaN)}`);
    return;
  }
  for (const [field, quantile] of QUANTILE_LABELS) {
    const value = sample[field];
    if (value === undefined) continue;
    out.push(`${name}${labelText(sample.labels, ["quantile", quantile])} ${formatValue(value)}`);
  }
  const labels = labelText(sample.labels);
  out.push(`${name}_sum${labels} ${formatValue(sample.sum ?? 0)}`);
  out.push(`${name}_count${labels} ${formatValue(sample.count ?? 0)}`);
}

/**
 * Renders metric families as Prometheus text: `# HELP` and `# TYPE` lines,
 * then one line per sample; summaries get a line per quantile
 * (`quantile="0.5"`, `"0.95"`, `"0.99"`) and `_sum` and `_count` lines. A
 * family with no samples is left out. Families and samples come out in the
 * order given; the text ends with a newline unless it is empty.
 *
 * @example One gauge
 * ```ts
 * import { renderPrometheus } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const text = renderPrometheus([{
 *   name: "up",
 *   help: "Whether it runs.",
 *   type: "gauge",
 *   samples: [{ labels: { job: "a\"b" }, value: 1 }],
 * }]);
 * assert.equal(text, '# HELP up Whether it runs.\n# TYPE up gauge\nup{job="a\\"b"} 1\n');
 * ```
 */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const family of families) {
    if (family.samples.length === 0) continue;
    out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    out.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) sampleLines(family, sample, out);
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
