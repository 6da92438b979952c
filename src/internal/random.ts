/**
 * A small seeded pseudo-random generator (mulberry32). Simulations and
 * randomised tests draw from it so a run can be repeated from its seed.
 *
 * @module
 */

/** A function returning uniform numbers in [0, 1), repeatable from its seed. */
export type Random = () => number;

/** Creates a generator from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [min, max] inclusive. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** An exponentially distributed number with the given mean (Poisson inter-arrival times). */
export function randomExponential(random: Random, mean: number): number {
  return -Math.log(1 - random()) * mean;
}
