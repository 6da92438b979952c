/**
 * headroom's default limit: resource ceilings from the monitor under a
 * delay-based loop that grows only when the limit is what holds work back.
 *
 * @module
 */

import { seededRandom } from "../../internal/random.ts";
import type { ResourceSample } from "../../monitor/sample.ts";
import type { LimitSample, ReportingResourceAwareLimit } from "../types.ts";
import { clamp, decisionLog } from "./common.ts";
import { type HeadroomLimitOptions, resolveHeadroomOptions } from "./headroom-options.ts";
import { resourceCeilings } from "./resource-ceilings.ts";

export type { HeadroomLimitOptions } from "./headroom-options.ts";

const WINDOW = 32; // samples per decision round
const POOL = 1024; // most recent latencies kept at the current limit
const PROBE_SAMPLES = 256;
// Settled calls behind a decision. The median of n exponential latencies is
// within about 1.2/sqrt(n) of the truth (one standard error): 15% at 64, 7.5%
// at 256. Slow start and large moves act on 64; a step of 1 or a small
// shrink waits for 256, so noise cannot walk the limit past a knee.
const QUICK = 64;
const SURE = 256;

const LAG = 5;
// Latency this far above the growth threshold, measured on SURE calls, shrinks the limit.
const SETTLE_ABOVE = 1.2; // latencies: calls started this long ago have almost all finished

function median(values: Float64Array, count: number): number {
  if (count === 0) return 0;
  const sorted = values.slice(0, count).sort();
  return sorted[count >> 1]!;
}

/**
 * Median latency of the calls in `rtts` that started in `(from, cutoff]`.
 * Picking calls by finish time favours short ones (right after a change only
 * they have finished); picking by start time, over a span whose calls have
 * all finished and all been kept, does not.
 */
function settledMedian(
  starts: Float64Array,
  rtts: Float64Array,
  count: number,
  from: number,
  cutoff: number,
  scratch: Float64Array,
): { median: number; count: number } {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const start = starts[i]!;
    if (start > from && start <= cutoff) scratch[n++] = rtts[i]!;
  }
  return { median: median(scratch, n), count: n };
}

/**
 * headroom's default concurrency limit. Each round (32 finished calls, at
 * least one no-load latency long) it compares the median latency at the
 * current limit with the no-load latency:
 *
 * - drops, timeouts and rejections multiply the limit by `backoff`, and the
 *   level that dropped is held off for `holdMs` (doubling on repeats);
 * - latency above `shrinkAbove` times no-load shrinks it in proportion;
 * - latency above 1.2 x `growBelow` times no-load, measured on 256 calls in
 *   two rounds running against a no-load latency re-measured by a probe,
 *   also shrinks it, and holds the levels above for a quarter of `holdMs`
 *   (doubling while it recurs): past a knee, throughput falls before
 *   latency doubles, and medians of fewer calls are too noisy to tell;
 * - latency below `growBelow` times no-load grows it, doubling until the
 *   first sign of congestion and then by 1 a round, but only when at least
 *   half the round's calls started with the limit full (a lull is not a
 *   reason to grow), and never past the resource ceilings;
 * - between the two it holds, so it does not saw up and down.
 *
 * The no-load latency is re-measured every `probeIntervalMs` (plus jitter)
 * at half the limit. Monitor samples set the ceilings: the CPUs divided by
 * the cores each task uses (so a CPU-bound pool stops at the CPU count, and
 * 100 % CPU with flat latency is not overload), and memory headroom divided
 * by the measured (or given) footprint per task, because latency gives no
 * warning before an out-of-memory kill. Every change is a decision with a
 * reason in `lastDecision` and `onDecision`.
 *
 * @example Grows while latency stays flat and the limit is full
 * ```ts
 * import { headroomLimit } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const limit = headroomLimit({ initial: 4 });
 * for (let t = 1; t <= 64; t++) limit.update({ now: t * 10, rttMs: 10, inflight: 4, dropped: false });
 * assert.equal(limit.limit, 8);
 * assert.match(limit.lastDecision?.reason ?? "", /grow/);
 * ```
 */
export function headroomLimit(options: HeadroomLimitOptions = {}): ReportingResourceAwareLimit {
  const o = resolveHeadroomOptions(options);
  const random = o.random ?? seededRandom(0x4ead);
  const log = decisionLog(o.name ?? "headroom", o.onDecision);
  const ceilings = resourceCeilings(o);
  let limit = o.initial;
  let slowStart = true;
  let grewInto = false; // the current limit was reached by growing
  let noLoad = 0; // no-load median latency, ms; 0 until measured
  let noLoadSure = false; // measured on a full probe, not just the first calls
  let changedAt = -Infinity;
  const pool = new Float64Array(POOL);
  const poolStarts = new Float64Array(POOL);
  const scratch = new Float64Array(POOL);
  let pooled = 0;
  let poolNext = 0;
  let evicted = -Infinity; // latest start among calls dropped from the pool
  const windowRtts = new Float64Array(WINDOW * 4);
  const windowStarts = new Float64Array(WINDOW * 4);
  let windowCount = 0;
  let windowSum = 0;
  let windowDrops = 0;
  let droppedAt = 0; // highest inflight among this round's drops
  let reached = 0;
  let windowStart = NaN;
  let blockAbove = Infinity;
  let blockUntil = -Infinity;
  let hold = o.holdMs;
  let settleHold = o.holdMs / 4;
  let over = 0; // consecutive rounds with latency past the knee
  let nextProbe = NaN;
  let probe: {
    level: number;
    restore: number;
    rtts: Float64Array;
    starts: Float64Array;
    count: number;
  } | undefined;
  let inflightSum = 0;
  let inflightCount = 0;
  let averageInflight = 0;

  const resetRound = (now: number): void => {
    windowCount = 0;
    windowSum = 0;
    windowDrops = 0;
    droppedAt = 0;
    reached = 0;
    windowStart = now;
  };
  const move = (to: number, reason: string, now: number): void => {
    const before = limit;
    limit = clamp(Math.round(to), o.min, o.max);
    if (limit === before) return;
    changedAt = now;
    grewInto = false;
    over = 0;
    pooled = 0;
    poolNext = 0;
    evicted = now;
    resetRound(now);
    log.record(before, limit, reason, now);
  };
  const scheduleProbe = (now: number, scale: number): void => {
    nextProbe = now + o.probeIntervalMs * scale * (1 + o.probeJitter * random());
  };
  const cap = (now: number): number =>
    Math.min(o.max, ceilings.ceiling, now < blockUntil ? blockAbove : Infinity);

  const finishProbe = (now: number, restore: number, measured: number): void => {
    const changed = noLoad === 0 || measured > noLoad * 1.5 || measured < noLoad / 1.5;
    noLoad = changed ? measured : (noLoad + measured) / 2;
    noLoadSure = true;
    probe = undefined;
    scheduleProbe(now, 1);
    const to = Math.min(restore, cap(now));
    move(to, `no-load latency ${noLoad.toFixed(1)}ms re-measured: back to ${to}`, now);
  };

  const decide = (now: number): void => {
    for (let i = 0; i < windowCount; i++) {
      if (pooled === POOL) evicted = Math.max(evicted, poolStarts[poolNext]!);
      pool[poolNext] = windowRtts[i]!;
      poolStarts[poolNext] = windowStarts[i]!;
      poolNext = (poolNext + 1) % POOL;
      if (pooled < POOL) pooled++;
    }
    const lag = LAG * Math.max(noLoad, median(pool.slice(0, pooled), pooled));
    const settled = settledMedian(poolStarts, pool, pooled, evicted, now - lag, scratch);
    if (noLoad === 0 && windowDrops === 0) {
      // The first rounds, at the initial limit, measure the no-load latency.
      if (settled.count < QUICK) {
        resetRound(now);
        return;
      }
      noLoad = settled.median;
      scheduleProbe(now, 1 / 3);
    }
    const counted = settled.count;
    const level = counted > 0 ? settled.median / noLoad : 1;
    const full = reached * 2 >= windowCount + windowDrops;
    if (windowDrops > 0) {
      slowStart = false;
      const dropLevel = Math.max(1, Math.min(limit, droppedAt) - 1);
      hold = now < blockUntil + hold && dropLevel >= blockAbove
        ? Math.min(hold * 2, 8 * o.holdMs)
        : o.holdMs;
      blockAbove = dropLevel;
      blockUntil = now + hold * (1 + 0.25 * random());
      const to = Math.min(Math.floor(limit * o.backoff), limit - 1);
      move(
        to,
        `${windowDrops} dropped at inflight ${droppedAt}: x${o.backoff}, hold ${blockAbove}`,
        now,
      );
    } else if (counted >= QUICK && level > o.shrinkAbove) {
      slowStart = false;
      const to = Math.min(limit - 1, Math.round(limit * clamp(o.growBelow / level, 0.5, 0.9)));
      move(to, `latency ${level.toFixed(2)}x no-load > ${o.shrinkAbove}: shrink`, now);
    } else if (noLoadSure && counted >= SURE && level > SETTLE_ABOVE * o.growBelow && ++over >= 2) {
      // Queueing past a knee: back off and leave the levels that queued alone for a while.
      slowStart = false;
      const from = limit;
      const to = Math.min(limit - 1, Math.round(limit * clamp(o.growBelow / level, 0.5, 0.9)));
      move(to, `latency ${level.toFixed(2)}x no-load over ${counted} calls: shrink, hold`, now);
      // A quarter of holdMs at first, doubling while the knee stays where it was.
      settleHold = now < blockUntil + 2 * settleHold
        ? Math.min(2 * settleHold, o.holdMs)
        : o.holdMs / 4;
      blockAbove = Math.min(from - 1, Math.max(blockAbove, limit));
      blockUntil = now + settleHold * (1 + 0.25 * random());
    } else if (grewInto && counted >= SURE && level > o.growBelow * 1.1) {
      // The step up found queueing: step back and leave that level alone for a while.
      blockAbove = limit - 1;
      blockUntil = now + o.holdMs * (1 + 0.25 * random());
      move(limit - 1, `latency ${level.toFixed(2)}x no-load after growing: step back, hold`, now);
    } else if (level < o.growBelow && full && counted >= (slowStart ? QUICK : SURE)) {
      const ceiling = cap(now);
      const to = Math.min(slowStart ? limit * 2 : limit + 1, Math.max(ceiling, limit));
      if (to > limit) {
        move(to, `latency ${level.toFixed(2)}x no-load, limit full: grow`, now);
        grewInto = true;
      }
    } else if (counted >= QUICK && level >= SETTLE_ABOVE * o.growBelow) {
      slowStart = false;
    }
    // Much faster than the no-load latency over a full pool: the service got faster.
    if (counted >= SURE && level < 0.7) noLoad = settled.median;
    if (counted >= SURE) grewInto = false;
    if (!(counted >= SURE && level > SETTLE_ABOVE * o.growBelow)) over = 0;
    resetRound(now);
    if (!slowStart && now >= nextProbe && limit > 1) {
      const level2 = Math.max(1, Math.floor(limit / 2));
      const restore = limit;
      move(level2, `re-measure no-load latency at ${level2}`, now);
      probe = {
        level: level2,
        restore,
        rtts: new Float64Array(PROBE_SAMPLES * 2),
        starts: new Float64Array(PROBE_SAMPLES * 2),
        count: 0,
      };
    }
  };

  return {
    get limit(): number {
      return limit;
    },
    get lastDecision() {
      return log.last;
    },
    update(sample: LimitSample): number {
      const { now, rttMs, inflight, dropped } = sample;
      inflightSum += inflight;
      inflightCount++;
      if (now - rttMs < changedAt) return limit; // started under an older limit
      if (Number.isNaN(windowStart)) windowStart = now - rttMs;
      if (probe) {
        if (!dropped && inflight <= probe.level && probe.count < probe.rtts.length) {
          probe.rtts[probe.count] = rttMs;
          probe.starts[probe.count++] = now - rttMs;
        }
        if (probe.count >= PROBE_SAMPLES) {
          const cutoff = now - LAG * Math.max(noLoad, median(probe.rtts, probe.count));
          const measured = settledMedian(
            probe.starts,
            probe.rtts,
            probe.count,
            changedAt,
            cutoff,
            scratch,
          );
          if (measured.count >= PROBE_SAMPLES || probe.count >= probe.rtts.length) {
            finishProbe(now, probe.restore, measured.median);
          }
        }
        return limit;
      }
      if (dropped) {
        windowDrops++;
        droppedAt = Math.max(droppedAt, inflight);
      } else if (windowCount < windowRtts.length) {
        windowStarts[windowCount] = now - rttMs;
        windowRtts[windowCount++] = rttMs;
        windowSum += rttMs;
      }
      if (inflight >= limit) reached++;
      const seen = windowCount + windowDrops;
      const elapsed = now - windowStart;
      // A round lasts several latencies, so it is not just the calls that happened to be short.
      const long = elapsed >= Math.max(noLoad, (3 * windowSum) / Math.max(1, windowCount));
      const enough = seen >= WINDOW || (seen >= 8 && elapsed >= 1000) || windowDrops > 0;
      if (!enough || !(long || windowDrops > 0)) return limit;
      if (windowCount === 0 && windowDrops === 0) return limit;
      decide(now);
      return limit;
    },
    observe(sample: ResourceSample): number {
      const inflight = inflightCount > 0 ? inflightSum / inflightCount : averageInflight;
      averageInflight = inflight;
      inflightSum = 0;
      inflightCount = 0;
      ceilings.observe(sample, inflight);
      const ceiling = ceilings.ceiling;
      if (limit > ceiling && !probe) {
        const which = ceilings.memory <= ceilings.cpu ? "memory" : "cpu";
        move(Math.max(o.min, ceiling), `${which} ceiling ${ceiling}`, sample.time);
      } else if (probe && probe.restore > ceiling) probe.restore = ceiling;
      return limit;
    },
  };
}
