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
import { median, settled, type Spread } from "./latency-median.ts";
import { resourceCeilings } from "./resource-ceilings.ts";

export type { HeadroomLimitOptions } from "./headroom-options.ts";

const WINDOW = 32; // samples per decision round
const POOL = 1024; // most recent latencies kept at the current limit
const FADE = 1 - 1 / POOL; // per call: how much an older call counts toward "the limit was full"
const PROBE_SAMPLES = 256;
const PROBE_MS = 2000; // a probe at a low limit settles for fewer calls after this long
// Settled calls behind a decision. The median of n exponential latencies is
// within about 1.2/sqrt(n) of the truth (one standard error): 15% at 64, 7.5%
// at 256. Slow start, large moves and sure steps act on 64; otherwise a step
// of 1 or a small shrink waits for 256, so noise cannot walk the limit past a knee.
const QUICK = 64;
const SURE = 256;

const LAG = 5; // latencies: calls started this long ago have almost all finished
// Latency this far above the growth threshold, measured on SURE calls, shrinks the limit...
const SETTLE_ABOVE = 1.2;
// ... but only when it stands this many standard errors (of both medians) clear of growBelow.
const Z = 2;

/** A re-measurement of the no-load latency at half the limit, and where to return after it. */
interface Probe {
  readonly level: number;
  restore: number; // lowered when a ceiling falls during the probe
  readonly jumped: boolean; // `jumped` of the level the probe returns to
  readonly startedAt: number;
  readonly left: Spread; // latency just before the probe, at a level above it
  readonly rtts: Float64Array;
  readonly starts: Float64Array;
  count: number;
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
 *   also shrinks it (past a knee, throughput falls before latency doubles);
 *   so does latency above 1.1 x `growBelow` right after a step up, which
 *   steps back. Either acts only when the rise stands two standard errors
 *   clear of `growBelow`, counting the error of both medians (each from its
 *   interquartile range), so noisy latencies or a vague no-load latency
 *   cannot walk the limit down. The levels above are then held off for an
 *   eighth of `holdMs`, a quarter while it recurs: no longer, so capacity
 *   that comes back is found within seconds;
 * - latency below `growBelow` times no-load grows it, doubling until the
 *   first sign of congestion (before the first probe, a rise past one
 *   standard error of both medians) and then by 1, once 256 calls say so or
 *   as soon as it is one standard error below; then, below the highest limit
 *   whose latency was flat, half the way back to it (capacity that returns
 *   is found in a few rounds), a memory that a step up into queueing, a
 *   shrink right after such a jump, or a drop lowers; only when at least
 *   half the round's calls, and half of the last thousand or so since the
 *   limit last moved, started with the limit full (neither a lull nor a
 *   short burst is a reason to grow), and never past the resource ceilings;
 * - between the two it holds, so it does not saw up and down.
 *
 * The no-load latency is first measured at the initial limit; until the
 * limit first moves, more calls there refine it where it would otherwise hold
 * the limit, as long as they agree with it. It is re-measured every
 * `probeIntervalMs` (plus jitter) at half the limit, on 256 calls or what
 * settled in 2 s; the limit then returns to where it was, with what was known
 * about that level. A probe that reads slower than the level it left (by
 * chance: latency does not fall as concurrency rises) does not replace the
 * estimate as a changed service; that level's reading stands in for it. No
 * probe runs while the memory ceiling (or, for `cpuBound: true`, the CPU
 * count) holds the limit: latency decides nothing then. Monitor samples set the ceilings:
 * the CPUs divided by the cores each task uses (so a CPU-bound pool stops at
 * the CPU count, and 100 % CPU with flat latency is not overload), and
 * memory headroom divided by the measured (or given) footprint per task,
 * because latency gives no warning before an out-of-memory kill. Every
 * change is a decision with a reason in `lastDecision` and `onDecision`.
 *
 * @example Grows while latency stays flat and the limit is full
 * ```ts
 * import { headroomLimit } from "@headroom/headroom";
 * import assert from "node:assert/strict";
 *
 * const limit = headroomLimit({ initial: 4 });
 * for (let t = 1; t <= 96; t++) limit.update({ now: t * 10, rttMs: 10, inflight: 4, dropped: false });
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
  let noLoadSe = Infinity; // relative standard error of noLoad
  let refining = true; // more calls at the initial limit still refine noLoad
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
  // Calls since the last change, older ones fading over about POOL calls (so a
  // long lull is not remembered forever): all, and those that found the limit full.
  let seenHere = 0;
  let reachedHere = 0;
  let windowStart = NaN;
  let blockAbove = Infinity;
  let blockUntil = -Infinity;
  let hold = o.holdMs;
  // Calls fail far below where the drops began: the service is failing, not refusing concurrency.
  let failing = false;
  let dropTop = 0; // the level the first drop of a run of rounds with drops held
  let settleHold = o.holdMs / 8;
  let over = 0; // consecutive rounds with latency past the knee
  let healthy = 0; // highest limit whose latency was flat since it last queued
  let jumped = false; // the current limit was reached by growing toward `healthy`
  let nextProbe = NaN;
  let probe: Probe | undefined;
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
    jumped = false;
    over = 0;
    reachedHere = 0;
    seenHere = 0;
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

  // Latency says the levels above `level` queue: leave them alone for an eighth
  // of holdMs, doubling to a quarter while it recurs soon after the last hold.
  // Not longer: capacity that comes back should be found within seconds.
  const holdAbove = (level: number, now: number): void => {
    settleHold = now < blockUntil + 2 * settleHold
      ? Math.min(2 * settleHold, o.holdMs / 4)
      : o.holdMs / 8;
    blockAbove = level;
    blockUntil = now + settleHold * (1 + 0.25 * random());
  };

  const finishProbe = (now: number, done: Probe, probed: Spread): void => {
    // Latency does not fall as concurrency rises: a probe that reads slower than
    // the level it left caught slow calls by chance. Before such a reading replaces
    // the estimate as a changed service, the level it left stands in for it.
    const measured = probed.median > noLoad * 1.5 && done.left.count >= QUICK &&
        probed.median > done.left.median
      ? done.left
      : probed;
    const changed = noLoad === 0 || measured.median > noLoad * 1.5 ||
      measured.median < noLoad / 1.5;
    if (changed) {
      noLoad = measured.median;
      noLoadSe = measured.se;
    } else {
      // Inverse-variance mean, the older estimate counting as if twice as uncertain.
      const old = 1 / (2 * noLoadSe * noLoadSe);
      const fresh = 1 / (measured.se * measured.se);
      noLoad = (noLoad * old + measured.median * fresh) / (old + fresh);
      noLoadSe = 1 / Math.sqrt(old + fresh);
    }
    noLoadSure = true;
    probe = undefined;
    scheduleProbe(now, 1);
    const to = Math.min(done.restore, cap(now));
    move(to, `no-load latency ${noLoad.toFixed(1)}ms re-measured: back to ${to}`, now);
    // Back at the level it left, the probe has not changed how that level was reached.
    if (to === done.restore) jumped = done.jumped;
  };

  const decide = (now: number): void => {
    for (let i = 0; i < windowCount; i++) {
      if (pooled === POOL) evicted = Math.max(evicted, poolStarts[poolNext]!);
      pool[poolNext] = windowRtts[i]!;
      poolStarts[poolNext] = windowStarts[i]!;
      poolNext = (poolNext + 1) % POOL;
      if (pooled < POOL) pooled++;
    }
    const lag = LAG * Math.max(noLoad, median(pool, pooled));
    const here = settled(poolStarts, pool, pooled, evicted, now - lag, scratch);
    if (noLoad === 0 && windowDrops === 0) {
      // The first rounds, at the initial limit, measure the no-load latency.
      if (here.count < QUICK) {
        resetRound(now);
        return;
      }
      noLoad = here.median;
      noLoadSe = here.se;
      scheduleProbe(now, 1 / 3);
    } else if (refining && changedAt === -Infinity && windowDrops === 0) {
      // Until the limit first moves, calls at the initial limit are more samples
      // of the no-load latency. Where the first estimate would hold the limit
      // (latency reads above growBelow against it) and they agree with it within
      // two standard errors, they refine it; once they surely differ, the
      // service changed, and that is for the loop to act on.
      const ratio = here.median / noLoad;
      if (ratio >= o.growBelow) {
        if (Math.abs(ratio - 1) <= Z * ratio * Math.hypot(here.se, noLoadSe)) {
          noLoad = here.median;
          noLoadSe = here.se;
        } else refining = false;
      }
    }
    const counted = here.count;
    const level = counted > 0 ? here.median / noLoad : 1;
    // Both medians are uncertain; their errors add. Queueing is sure past growBelow + Z se.
    const se = level * Math.hypot(here.se, noLoadSe);
    const queueing = level - Z * se > o.growBelow;
    // Full in this round and over the recent calls at this limit: a burst is no reason to grow.
    const full = reached * 2 >= windowCount + windowDrops && reachedHere * 2 >= seenHere;
    // Before the first probe the no-load latency rests on the first calls alone, so slow
    // start stops only on a rise past one standard error of both medians.
    const roughStart = slowStart && !noLoadSure && level - se < o.growBelow;
    const drops = windowDrops; // move() starts a new round
    if (drops > 0) {
      const dropLevel = Math.max(1, Math.min(limit, droppedAt) - 1);
      // Calls admitted since the last cut (only those count: see update()) that fail at half the
      // level the first drop held, or alone, say the service fails whatever the concurrency, as in
      // an outage: a cap fails only above itself. Cut, but hold nothing, or a one-second blip would
      // keep the limit at 1 for minutes; once calls succeed again, slow start climbs back.
      if (dropTop === 0) dropTop = dropLevel;
      failing ||= droppedAt <= Math.max(1, dropTop / 2);
      slowStart = failing;
      let why = "";
      if (failing) {
        blockAbove = Infinity;
        blockUntil = -Infinity;
        hold = o.holdMs;
        why = "failing at every level, no hold";
      } else {
        hold = now < blockUntil + hold && dropLevel >= blockAbove
          ? Math.min(hold * 2, 8 * o.holdMs)
          : o.holdMs;
        blockAbove = dropLevel;
        blockUntil = now + hold * (1 + 0.25 * random());
        healthy = Math.min(healthy, dropLevel);
        why = `hold ${blockAbove}`;
      }
      const to = Math.min(Math.floor(limit * o.backoff), limit - 1);
      move(to, `${windowDrops} dropped at inflight ${droppedAt}: x${o.backoff}, ${why}`, now);
    } else if (counted >= QUICK && level > o.shrinkAbove) {
      slowStart = false;
      if (jumped) healthy = Math.min(healthy, limit - 1);
      const to = Math.min(limit - 1, Math.round(limit * clamp(o.growBelow / level, 0.5, 0.9)));
      move(to, `latency ${level.toFixed(2)}x no-load > ${o.shrinkAbove}: shrink`, now);
    } else if (
      noLoadSure && counted >= SURE && level > SETTLE_ABOVE * o.growBelow && queueing && ++over >= 2
    ) {
      // Queueing past a knee: back off and leave the levels that queued alone for a while.
      slowStart = false;
      const from = limit;
      if (jumped) healthy = Math.min(healthy, limit - 1);
      const to = Math.min(limit - 1, Math.round(limit * clamp(o.growBelow / level, 0.5, 0.9)));
      move(to, `latency ${level.toFixed(2)}x no-load over ${counted} calls: shrink, hold`, now);
      holdAbove(Math.min(from - 1, Math.max(blockAbove, limit)), now);
    } else if (grewInto && counted >= SURE && level > o.growBelow * 1.1 && queueing) {
      // The step up found queueing: step back and leave that level alone for a while.
      healthy = Math.min(healthy, limit - 1);
      holdAbove(limit - 1, now);
      move(limit - 1, `latency ${level.toFixed(2)}x no-load after growing: step back, hold`, now);
    } else if (
      (level < o.growBelow || roughStart) && full &&
      (counted >= (slowStart ? QUICK : SURE) || (counted >= QUICK && level + se < o.growBelow))
    ) {
      const ceiling = cap(now);
      if (level < o.growBelow) healthy = Math.max(healthy, limit);
      const jump = !slowStart && level + se < o.growBelow && healthy - limit > 2; // a step past 1
      const step = slowStart ? limit : jump ? Math.ceil((healthy - limit) / 2) : 1;
      const to = Math.min(limit + step, Math.max(ceiling, limit));
      if (to > limit) {
        const toward = jump ? ` toward ${healthy}, flat before` : "";
        move(to, `latency ${level.toFixed(2)}x no-load, limit full: grow${toward}`, now);
        jumped = jump;
        grewInto = true;
      }
    } else if (counted >= QUICK && level >= SETTLE_ABOVE * o.growBelow) {
      slowStart = false;
    }
    // Much faster than the no-load latency over a full pool: the service got faster.
    if (counted >= SURE && level < 0.7) {
      noLoad = here.median;
      noLoadSe = here.se;
    }
    if (counted >= SURE) grewInto = false;
    if (!(counted >= SURE && level > SETTLE_ABOVE * o.growBelow && queueing)) over = 0;
    if (drops === 0) {
      dropTop = 0;
      if (failing) {
        // Calls succeed again: the climb back comes before any probe.
        failing = false;
        scheduleProbe(now, 1);
      }
    }
    resetRound(now);
    // While the memory ceiling (or the CPU count, for work known to be CPU-bound)
    // holds the limit, latency decides nothing: no probe. A measured CPU share
    // is no such proof: queued tasks share cores too.
    const held = limit >= ceilings.memory || (o.cpuBound === true && limit >= ceilings.cpu);
    if (now >= nextProbe && limit > 1 && !held && !failing) {
      const level2 = Math.max(1, Math.floor(limit / 2));
      const started: Probe = {
        level: level2,
        restore: limit,
        jumped,
        startedAt: now,
        left: here,
        rtts: new Float64Array(PROBE_SAMPLES * 2),
        starts: new Float64Array(PROBE_SAMPLES * 2),
        count: 0,
      };
      move(level2, `re-measure no-load latency at ${level2}`, now);
      probe = started;
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
      if (!(rttMs >= 0 && rttMs < Infinity)) return limit; // NaN or Infinity would poison the medians
      inflightSum += inflight;
      inflightCount++;
      if (now - rttMs < changedAt) return limit; // started under an older limit
      if (Number.isNaN(windowStart)) windowStart = now - rttMs;
      if (probe) {
        if (!dropped && inflight <= probe.level && probe.count < probe.rtts.length) {
          probe.rtts[probe.count] = rttMs;
          probe.starts[probe.count++] = now - rttMs;
        }
        const waited = now - probe.startedAt >= PROBE_MS;
        if (probe.count >= PROBE_SAMPLES || (waited && probe.count >= QUICK)) {
          const cutoff = now - LAG * Math.max(noLoad, median(probe.rtts, probe.count));
          const measured = settled(
            probe.starts,
            probe.rtts,
            probe.count,
            changedAt,
            cutoff,
            scratch,
          );
          if (
            measured.count >= PROBE_SAMPLES || probe.count >= probe.rtts.length ||
            (waited && measured.count >= QUICK)
          ) {
            finishProbe(now, probe, measured);
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
      seenHere = seenHere * FADE + 1;
      reachedHere *= FADE;
      if (inflight >= limit) {
        reached++;
        reachedHere++;
      }
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
