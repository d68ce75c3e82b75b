// McNemar's exact test against statsmodels.stats.contingency_tables.mcnemar(exact=True), values in
// fixtures/reference/stats_reference.json (b + c up to 10^6). Relative tolerance 1e-9.
import { readFileSync } from 'node:fs';
import { logBinomialHalfPmf, mcnemarExact, mcnemarExactCounts } from '../../src/stats/mcnemar.js';

interface Reference {
  provenance: Record<string, unknown>;
  mcnemar: { b: number; c: number; p: number }[];
}
const reference = JSON.parse(readFileSync(new URL('../../fixtures/reference/stats_reference.json', import.meta.url), 'utf8')) as Reference;

test('statsmodels is the reference', () => {
  expect(String(reference.provenance.statsmodels)).toMatch(/^0\.13\./);
});

test.each(reference.mcnemar)('b=$b c=$c', ({ b, c, p }) => {
  const got = mcnemarExactCounts(b, c);
  expect(got.b).toBe(b);
  expect(got.c).toBe(c);
  if (!(Math.abs(got.pValue - p) <= 1e-9 * p)) throw new Error(`expected ${p}, got ${got.pValue}`);
});

test('from correctness arrays: b counts candidate-right/baseline-wrong pairs', () => {
  const cand = Uint8Array.from([1, 1, 1, 0, 0, 1, 1, 0]);
  const base = Uint8Array.from([0, 0, 1, 1, 0, 0, 1, 0]);
  const r = mcnemarExact(cand, base);
  expect(r.b).toBe(3);
  expect(r.c).toBe(1);
  // 2 · P(Bin(4, 1/2) <= 1) = 2 · 5/16
  expect(r.pValue).toBeCloseTo(10 / 16, 14);
  expect(() => mcnemarExact(cand, base.subarray(1))).toThrow(RangeError);
});

test('the log pmf matches exact small binomials', () => {
  // C(10, 3) / 2^10 = 120 / 1024
  expect(Math.exp(logBinomialHalfPmf(3, 10))).toBeCloseTo(120 / 1024, 15);
  expect(Math.exp(logBinomialHalfPmf(0, 7))).toBeCloseTo(1 / 128, 15);
  let total = 0;
  for (let x = 0; x <= 40; x++) total += Math.exp(logBinomialHalfPmf(x, 40));
  expect(total).toBeCloseTo(1, 13);
});
