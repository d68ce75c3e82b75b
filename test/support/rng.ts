// One seeded generator for every test that needs random numbers (mulberry32: 32-bit state, fast,
// and the same sequence on every machine), plus the one older variant whose sequence some tests'
// expectations were tuned on, and a normal deviate built on either.

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Numerical Recipes' 32-bit linear congruential generator, as (s + 0.5) / 2^32: in (0, 1), never 0,
 * so log() and a normal quantile of it stay finite. Kept for test/stats/intervals.test.ts, whose
 * statistical checks were written against this sequence; new tests use rng().
 */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

/** A standard normal deviate (Box–Muller, one of the pair) from two uniform numbers in [0, 1). */
export function normal(uniform: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
