// rankingMetrics against fixtures/reference/metrics_extra_reference.json: ndcg@k from scikit-learn's
// ndcg_score per query, map@k / recall@k / hit_rate@k / mrr from an independent brute force in
// metrics_extra_reference.py. Tolerance 1e-9; null in the JSON means NaN.
import { readFileSync } from 'node:fs';
import { RANKING_FAMILIES, RANKING_STANDARD_KS, rankingMetricInfo, rankingMetrics } from '../../src/metrics/retrieval.js';
import { METRIC_INFO, metricInfo } from '../../src/metrics/direction.js';
import { expectClose } from '../support/close.js';

interface RankingCase {
  name: string;
  ks: number[];
  query_ids: (string | number)[];
  scores: number[];
  relevance: number[];
  expected: Record<string, number | null>;
}
const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/reference/metrics_extra_reference.json', import.meta.url), 'utf8')
) as { ranking: RankingCase[] };

function ids(c: RankingCase): string[] | Int32Array {
  return c.query_ids.every((q) => typeof q === 'number')
    ? Int32Array.from(c.query_ids as number[])
    : (c.query_ids as string[]);
}

describe('rankingMetrics matches the reference', () => {
  test.each(reference.ranking.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const actual = rankingMetrics(ids(c), Float64Array.from(c.scores), Float64Array.from(c.relevance), c.ks);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(c.expected).sort());
    for (const [key, want] of Object.entries(c.expected)) expectClose(actual[key], want, 1e-9, key);
  });

  test('the reference covers the required situations', () => {
    const names = reference.ranking.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['all_zero_relevance', 'tied_scores_int_ids', 'all_scores_tied', 'single_item_queries'])
    );
    expect(reference.ranking.some((c) => c.query_ids.every((q) => typeof q === 'number'))).toBe(true);
  });
});

describe('conventions', () => {
  test('ties: ndcg averages over the tied group, the others keep row order', () => {
    // One query, two items tied, only the second relevant.
    const r = rankingMetrics(['q', 'q'], Float64Array.of(0.5, 0.5), Float64Array.of(0, 1), [1]);
    expect(r['ndcg@1']).toBeCloseTo(0.5, 15); // mean gain 0.5 over the group, ideal 1
    expect(r['hit_rate@1']).toBe(0); // row 0 ranks first
    expect(r.mrr).toBe(0.5);
  });

  test('map@k divides by min(k, R)', () => {
    // Relevant at ranks 1 and 3 of 4; R = 3 (rank 5 too).
    const rel = Float64Array.of(1, 0, 1, 0, 1);
    const s = Float64Array.of(5, 4, 3, 2, 1);
    const r = rankingMetrics(Array(5).fill('q'), s, rel, [1, 2, 3, 5]);
    expect(r['map@1']).toBe(1); // 1 / min(1, 3)
    expect(r['map@2']).toBe(0.5); // 1 / min(2, 3)
    expect(r['map@3']).toBeCloseTo((1 + 2 / 3) / 3, 15);
    expect(r['map@5']).toBeCloseTo((1 + 2 / 3 + 3 / 5) / 3, 15);
  });

  test('row order of queries does not matter', () => {
    const q = ['a', 'b', 'a', 'c', 'b', 'a'];
    const s = Float64Array.of(0.1, 0.9, 0.8, 0.3, 0.2, 0.5);
    const rel = Float64Array.of(0, 2, 1, 1, 0, 3);
    const perm = [5, 3, 1, 0, 4, 2];
    const a = rankingMetrics(q, s, rel, [1, 2, 3]);
    const b = rankingMetrics(
      perm.map((i) => q[i]),
      Float64Array.from(perm.map((i) => s[i])),
      Float64Array.from(perm.map((i) => rel[i])),
      [1, 2, 3]
    );
    // Ties are absent, so the stable tie-break cannot differ.
    for (const key of Object.keys(a)) expect(b[key]).toBeCloseTo(a[key], 14);
  });
});

describe('degenerate input', () => {
  test('empty: NaN with counts 0', () => {
    const r = rankingMetrics([], new Float64Array(0), new Float64Array(0), [5]);
    expect(r['ndcg@5']).toBeNaN();
    expect(r.mrr).toBeNaN();
    expect(r.query_count).toBe(0);
    expect(r.example_count).toBe(0);
  });
  test.each([
    ['length mismatch', ['a', 'a'], Float64Array.of(1), Float64Array.of(1, 0)],
    ['NaN score', ['a', 'a'], Float64Array.of(1, NaN), Float64Array.of(1, 0)],
    ['infinite relevance', ['a', 'a'], Float64Array.of(1, 2), Float64Array.of(Infinity, 0)],
  ])('%s: every metric NaN', (_name, q, s, rel) => {
    const r = rankingMetrics(q, s, rel, [1, 3]);
    for (const [key, v] of Object.entries(r)) if (key !== 'example_count') expect(v).toBeNaN();
    expect(r.example_count).toBe(q.length);
  });
  test('non-integer k: its metrics NaN, others defined', () => {
    const r = rankingMetrics(['a', 'a'], Float64Array.of(1, 2), Float64Array.of(1, 0), [2.5, 1]);
    expect(r['map@2.5']).toBeNaN();
    expect(r['map@1']).toBe(0);
    expect(r.mrr).toBe(0.5);
  });
});

test('n log n: 200k rows in 20k queries', () => {
  const n = 200_000;
  const q = new Int32Array(n);
  const s = new Float64Array(n);
  const rel = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    q[i] = i % 20_000;
    s[i] = ((i * 7919) % 1000) / 1000;
    rel[i] = (i * 31) % 7 === 0 ? 2 : 0;
  }
  const t0 = performance.now();
  const r = rankingMetrics(q, s, rel, [1, 5, 10, 100]);
  expect(performance.now() - t0).toBeLessThan(5000);
  expect(r.query_count).toBe(20_000);
});

describe('METRIC_INFO', () => {
  test('every name the kernel returns for the standard ks is known', () => {
    const r = rankingMetrics(['a'], Float64Array.of(1), Float64Array.of(1), [...RANKING_STANDARD_KS]);
    for (const name of Object.keys(r)) expect(metricInfo(name)).toBeDefined();
    for (const family of RANKING_FAMILIES) {
      for (const k of RANKING_STANDARD_KS) expect(METRIC_INFO[`${family}@${k}`]).toEqual(rankingMetricInfo(`${family}@${k}`));
    }
    expect(METRIC_INFO.mrr).toEqual(rankingMetricInfo('mrr'));
    expect(METRIC_INFO.query_count).toEqual(rankingMetricInfo('query_count'));
  });
  test('rankingMetricInfo parses any k and rejects others', () => {
    expect(rankingMetricInfo('ndcg@7')).toMatchObject({ higherIsBetter: true, bounded: true, label: 'NDCG@7' });
    expect(rankingMetricInfo('hit_rate@250')?.label).toBe('Hit rate@250');
    expect(rankingMetricInfo('ndcg@0')).toBeUndefined();
    expect(rankingMetricInfo('ndcg@07')).toBeUndefined();
    expect(rankingMetricInfo('precision@5')).toBeUndefined();
    expect(rankingMetricInfo('query_count')?.informational).toBe(true);
  });
});
