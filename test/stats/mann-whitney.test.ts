// Mann–Whitney U and the Hodges–Lehmann shift interval against scipy 1.17.1 (values printed by
// scipy.stats.mannwhitneyu(x, y, alternative=..., method=...) on the samples written here).
import { mannWhitneyU, shiftInterval, uDistribution } from '../../src/stats/mann-whitney.js';
import { expectClose } from '../support/close.js';

const close = (got: number, want: number) => expectClose(got, want, 1e-12);

test('exact, no ties: 5 against 6 values', () => {
  const r = mannWhitneyU([1.1, 2.3, 0.7, 3.9, 2.8], [0.5, 1.9, 0.2, 1.4, 0.9, 1.2]);
  expect(r.method).toBe('exact');
  expect(r.u).toBe(23); // scipy statistic 23.0
  close(r.pGreater, 0.08874458874458874); // method='exact', alternative='greater'
  close(r.pLess, 0.9372294372294372); // alternative='less'
  close(r.pTwoSided, 0.17748917748917747); // alternative='two-sided'
});

test('asymptotic with ties: tie-corrected normal approximation with continuity correction', () => {
  const r = mannWhitneyU([1, 2, 2, 3, 5, 5, 5, 8], [2, 3, 3, 4, 6, 7, 9, 9, 10]);
  expect(r.method).toBe('asymptotic');
  expect(r.u).toBe(21); // scipy statistic 21.0
  close(r.pGreater, 0.9336465694857389); // method='asymptotic'
  close(r.pLess, 0.07978607698320461);
  close(r.pTwoSided, 0.15957215396640922);
});

// numpy default_rng(7): round(lognormal(0, 0.3, 10) · 5, 4) and round(lognormal(0.1, 0.3, 10) · 5, 4).
const a = [5.0018, 5.4688, 4.6052, 3.8277, 4.3625, 3.7134, 5.091, 7.4745, 4.3136, 4.1508];
const b = [6.4006, 6.1503, 5.7034, 4.1799, 5.4776, 6.8075, 3.692, 4.817, 3.1239, 3.7531];

test('exact, 10 against 10', () => {
  const r = mannWhitneyU(a, b);
  expect(r.u).toBe(45);
  close(r.pGreater, 0.6578947368421052);
  close(r.pLess, 0.36968217540972964);
  close(r.pTwoSided, 0.7393643508194593);
});

test('the U distribution sums to 1 and is symmetric; 5 against 5 has P(U = 0) = 1/252', () => {
  const p = uDistribution(5, 5);
  expect(p.length).toBe(26);
  close(p.reduce((s, v) => s + v, 0), 1);
  for (let u = 0; u <= 25; u++) close(p[u], p[25 - u]);
  close(p[0], 1 / 252);
});

test('Hodges–Lehmann interval: the shifts where scipy\'s exact two-sided test flips at 5 %', () => {
  const s = shiftInterval(a, b, 0.95);
  // numpy median of the 100 differences a_i − b_j.
  close(s.estimate, -0.2934000000000001);
  // By inversion with scipy: mannwhitneyu(a − δ, b, method='exact').pvalue is > 0.05 just inside
  // [−1.5526, 0.9132] and 0.04325705254497823 just outside it, at both ends.
  close(s.ci[0], -1.5526);
  close(s.ci[1], 0.9131999999999998);
  close(s.coverage, 1 - 0.04325705254497823);
  // Too few values to reach the confidence: an unbounded interval, never a falsely narrow one.
  expect(shiftInterval([1, 2], [3, 4], 0.95).ci).toEqual([-Infinity, Infinity]);
});

test('empty input gives NaN', () => {
  expect(mannWhitneyU([], [1, 2]).pTwoSided).toBeNaN();
  expect(shiftInterval([1], [], 0.95).estimate).toBeNaN();
});
