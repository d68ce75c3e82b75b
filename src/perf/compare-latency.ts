// Whether the candidate is slower (or faster) than a baseline: a test across repeated runs, not one
// number against another. One run's p95 moves by tens of percent with whatever else the machine does,
// so a single pair of figures cannot tell a slower model from a busy moment.
//
// The replicates are the interleaved rounds of measureLatencyRounds: each round gives each model its
// own p50, p95, p99 and rows/s. Per timing metric and baseline:
// - the two-sided Mann–Whitney U test of the candidate's rounds against the baseline's (exact for
//   untied samples up to 60 rounds; scipy.stats.mannwhitneyu semantics, see src/stats/mann-whitney.ts):
//   no assumption about the shape of timing distributions, which are skewed and heavy-tailed;
// - the Hodges–Lehmann interval of candidate − baseline at the run's confidence (the interval that
//   inverts the same test, so the two never disagree);
// - Holm's correction over every timing test of the run (metrics × batch sizes × baselines), so that
//   equal models raise a timing regression in at most α of runs, however many figures are shown;
// - a minimum effect: LATENCY_MIN_EFFECT (10 %) of the baseline's figure. A change smaller than that
//   is negligible even when significant (a threshold's `min-effect`, in ms or rows/s, replaces it).
// The gate (src/analysis/compare.ts) calls a change a regression only when the adjusted p-value is
// below α, the interval excludes 0, and the change is larger than the minimum effect.

import { holm } from '../stats/corrections.js';
import { mannWhitneyU, shiftInterval } from '../stats/mann-whitney.js';
import type { LatencyResult, RoundFigures } from '../types.js';

/** The smallest relative change of a latency or throughput figure that counts: 10 % of the baseline's. */
export const LATENCY_MIN_EFFECT = 0.1;

export interface TimingTest {
  /** Interval of candidate − baseline (Hodges–Lehmann over the rounds), in the metric's units. */
  ci: [number, number];
  /** Two-sided Mann–Whitney U p-value over the rounds. */
  pValue: number;
  /** pValue after Holm's correction over every timing test of the run. */
  adjustedPValue: number;
  /** 1 − confidence. */
  alpha: number;
  /** The smallest change that counts, in the metric's units: LATENCY_MIN_EFFECT × the baseline's figure. */
  minEffect: number;
  /** Rounds behind the test: [candidate, baseline]. */
  rounds: [number, number];
  /** Timed runs behind the figures: [candidate, baseline]. */
  runs: [number, number];
}

const FIGURE: Record<string, keyof RoundFigures> = {
  latency_p50_ms: 'p50_ms',
  latency_p95_ms: 'p95_ms',
  latency_p99_ms: 'p99_ms',
  throughput_rows_per_s: 'rowsPerSecond',
};

/**
 * Per baseline, per timing metric (latencyMetrics' names, latency_p95_ms included as batch 1's): the
 * candidate against the baseline over their rounds. Batch sizes measured without rounds on either
 * side get no test.
 */
export function timingTests(
  candidate: LatencyResult[],
  baselines: { name: string; latency: LatencyResult[] }[],
  confidence: number,
): Record<string, Record<string, TimingTest>> {
  const alpha = 1 - confidence;
  const out: Record<string, Record<string, TimingTest>> = {};
  const family: TimingTest[] = [];
  for (const { name, latency } of baselines) {
    const tests: Record<string, TimingTest> = {};
    for (const c of candidate) {
      const b = latency.find((x) => x.batchSize === c.batchSize);
      if (c.perRound === undefined || b?.perRound === undefined) continue;
      for (const [prefix, figure] of Object.entries(FIGURE)) {
        const x = c.perRound[figure];
        const y = b.perRound[figure];
        const mw = mannWhitneyU(x, y);
        const hl = shiftInterval(x, y, confidence);
        // Too few rounds to reach the confidence (fewer than 4 a side at 95 %): no test rather than an endless interval.
        if (!Number.isFinite(mw.pTwoSided) || !Number.isFinite(hl.ci[0]) || !Number.isFinite(hl.ci[1])) continue;
        const test: TimingTest = {
          ci: hl.ci,
          pValue: mw.pTwoSided,
          adjustedPValue: NaN,
          alpha,
          minEffect: LATENCY_MIN_EFFECT * Math.abs(figure === 'rowsPerSecond' ? b.rowsPerSecond : b[figure]),
          rounds: [x.length, y.length],
          runs: [c.runs, b.runs],
        };
        tests[`${prefix}@${c.batchSize}`] = test;
        family.push(test);
      }
    }
    out[name] = tests;
  }
  const adjusted = holm(family.map((t) => t.pValue));
  family.forEach((t, i) => (t.adjustedPValue = adjusted[i]));
  // latency_p95_ms is batch 1's p95 under its short name: the same test, not one more in the family.
  for (const tests of Object.values(out)) if (tests['latency_p95_ms@1']) tests.latency_p95_ms = tests['latency_p95_ms@1'];
  return out;
}
