// Ranking metrics for recommendation and retrieval, per query and averaged over queries, from one
// row per (query, item): a query id, the model's score and a graded relevance label.
//
// For each k in ks (a positive integer): ndcg@k, map@k, recall@k, hit_rate@k; and once: mrr,
// query_count (distinct queries) and example_count (rows). Every metric is the unweighted mean of
// the per-query values over ALL queries.
//
// Definitions:
// - ndcg@k: scikit-learn 1.2.1's ndcg_score(k=k, ignore_ties=False) for the query's items as one
//   sample: linear gain (the relevance itself), discount 1 / log2(rank + 1), and tied scores handled
//   by averaging — a group of items with equal scores gets the mean relevance of the group times the
//   sum of the discounts of the ranks it spans (cut at k). Ideal DCG from the relevances sorted
//   descending. A query whose ideal DCG is 0 (no item with relevance > 0) scores 0, as in sklearn.
//   A single-item query scores 1 if its item is relevant and 0 otherwise (sklearn refuses a
//   one-column sample; this is the value it gives once an irrelevant, lowest-scored item is added).
// - The other metrics use binary relevance (relevance > 0) and a strict order: score descending,
//   ties broken by the original row order (stable), so they do NOT average over ties as ndcg does.
//   With R the number of relevant items of the query and hits@k those among its first k items:
//   - map@k: AP@k = (Σ_{p ≤ k, item p relevant} hits@p / p) / min(k, R) (the common recsys AP@k
//     denominator, e.g. ml_metrics.apk: a ranking that puts all min(k, R) reachable relevant items
//     on top scores 1).
//   - recall@k = hits@k / R.  hit_rate@k = 1 if hits@k > 0 else 0.
//   - mrr: 1 / rank of the first relevant item, over the whole list (no cut-off).
// - Queries with no relevant item (R = 0) score 0 in every metric (ndcg as sklearn; map, recall,
//   hit_rate and mrr as torchmetrics' retrieval metrics with empty_target_action='neg') and count in
//   the means.
// - k larger than a query's item count behaves as k = item count (min(k, R) still caps AP@k).
//
// Degenerate cases (never throws):
// - Empty input: every metric NaN, query_count 0, example_count 0.
// - Invalid input — lengths differ, a non-finite score or relevance: every metric NaN (query_count
//   too), example_count n.
// - A negative relevance: every ndcg@k NaN (sklearn 1.2 warns and 1.4 raises); the binary-relevance
//   metrics stay defined (a negative relevance is simply not relevant).
// - A k that is not a positive integer: its four metrics NaN.
//
// Cost: O(n log n): query ids grouped through one Map pass and a counting sort, then each query's
// items sorted by score and by relevance; the metrics for every k come from prefix sums, so each
// extra k costs O(1) per query.

import type { MetricInfo } from './metric-info.js';
import type { Task } from '../types.js';

export const RANKING_FAMILIES = ['ndcg', 'map', 'recall', 'hit_rate'] as const;
export type RankingFamily = (typeof RANKING_FAMILIES)[number];

/** The k values METRIC_INFO lists explicitly; rankingMetricInfo covers any k. */
export const RANKING_STANDARD_KS = [1, 3, 5, 10, 20, 50, 100] as const;

function keysFor(ks: readonly number[]): string[] {
  const keys: string[] = [];
  for (const k of ks) for (const family of RANKING_FAMILIES) keys.push(`${family}@${k}`);
  keys.push('mrr', 'query_count', 'example_count');
  return keys;
}

function allNaN(ks: readonly number[], n: number, queries: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of keysFor(ks)) out[key] = NaN;
  out.query_count = queries;
  out.example_count = n;
  return out;
}

/** sklearn's discount for 0-based rank i: 1 / (log(i + 2) / log(2)). */
function discount(i: number): number {
  return 1 / (Math.log(i + 2) / Math.LN2);
}

export function rankingMetrics(
  queryIds: readonly string[] | Int32Array,
  scores: Float64Array,
  relevance: Float64Array,
  ks: readonly number[]
): Record<string, number> {
  const n = queryIds.length;
  if (scores.length !== n || relevance.length !== n) return allNaN(ks, n, NaN);
  if (n === 0) return allNaN(ks, 0, 0);
  let negativeRelevance = false;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i]) || !Number.isFinite(relevance[i])) return allNaN(ks, n, NaN);
    if (relevance[i] < 0) negativeRelevance = true;
  }

  // Group rows by query: group index per row, then a stable counting sort by group.
  const groupOf = new Int32Array(n);
  const ids = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const id = queryIds[i];
    let g = ids.get(id);
    if (g === undefined) {
      g = ids.size;
      ids.set(id, g);
    }
    groupOf[i] = g;
  }
  const queries = ids.size;
  const start = new Int32Array(queries + 1);
  for (let i = 0; i < n; i++) start[groupOf[i] + 1]++;
  for (let g = 0; g < queries; g++) start[g + 1] += start[g];
  const order = new Int32Array(n);
  const fill = start.slice(0, queries);
  for (let i = 0; i < n; i++) order[fill[groupOf[i]]++] = i;

  const validK = ks.map((k) => Number.isInteger(k) && k >= 1);
  const ndcgSum = new Float64Array(ks.length);
  const apSum = new Float64Array(ks.length);
  const recallSum = new Float64Array(ks.length);
  const hitSum = new Float64Array(ks.length);
  let rrSum = 0;

  // Per-query scratch, sized to the largest query.
  let largest = 0;
  for (let g = 0; g < queries; g++) largest = Math.max(largest, start[g + 1] - start[g]);
  const cumDiscount = new Float64Array(largest + 1); // cumDiscount[p] = Σ_{i < p} discount(i)
  for (let p = 0; p < largest; p++) cumDiscount[p + 1] = cumDiscount[p] + discount(p);
  const hitsPrefix = new Float64Array(largest + 1); // relevant among the first p
  const apPrefix = new Float64Array(largest + 1); // Σ over relevant ranks q <= p of hits@q / q
  const idealRel = new Float64Array(largest);
  const idealPrefix = new Float64Array(largest + 1); // ideal DCG over the first p ranks
  // Tie groups (equal scores) by rank: where the group of rank p starts, its mean gain, and the
  // DCG of all groups before it.
  const tieStart = new Int32Array(largest);
  const tieGain = new Float64Array(largest);
  const tieBefore = new Float64Array(largest);

  for (let g = 0; g < queries; g++) {
    const from = start[g];
    const m = start[g + 1] - from;
    // Score descending, then original row order. order[from..] is ascending in row index already.
    const items = Array.from(order.subarray(from, from + m));
    items.sort((a, b) => scores[b] - scores[a] || a - b);

    let relevantTotal = 0;
    let firstRelevant = 0;
    for (let p = 0; p < m; p++) {
      const rel = relevance[items[p]] > 0 ? 1 : 0;
      hitsPrefix[p + 1] = hitsPrefix[p] + rel;
      apPrefix[p + 1] = apPrefix[p] + (rel === 1 ? hitsPrefix[p + 1] / (p + 1) : 0);
      if (rel === 1) {
        relevantTotal++;
        if (firstRelevant === 0) firstRelevant = p + 1;
      }
      idealRel[p] = relevance[items[p]];
    }
    if (firstRelevant > 0) rrSum += 1 / firstRelevant;

    // Ideal DCG: relevances descending (ties among equal relevances do not matter).
    const ideal = idealRel.subarray(0, m);
    ideal.sort();
    for (let p = 0; p < m; p++) idealPrefix[p + 1] = idealPrefix[p] + ideal[m - 1 - p] * discount(p);

    // Tie-averaged DCG (sklearn's _tie_averaged_dcg): each group of equal scores contributes its
    // mean relevance times the sum of the discounts of the ranks it spans.
    if (!negativeRelevance) {
      let before = 0;
      for (let a = 0; a < m; ) {
        const v = scores[items[a]];
        let b = a;
        let gain = 0;
        while (b < m && scores[items[b]] === v) gain += relevance[items[b++]];
        const mean = gain / (b - a);
        for (let p = a; p < b; p++) {
          tieStart[p] = a;
          tieGain[p] = mean;
          tieBefore[p] = before;
        }
        before += mean * (cumDiscount[b] - cumDiscount[a]);
        a = b;
      }
    }

    for (let t = 0; t < ks.length; t++) {
      if (!validK[t]) continue;
      const k = ks[t];
      const cut = Math.min(k, m);
      const hits = hitsPrefix[cut];
      if (relevantTotal > 0) {
        apSum[t] += apPrefix[cut] / Math.min(k, relevantTotal);
        recallSum[t] += hits / relevantTotal;
        if (hits > 0) hitSum[t] += 1;
      }
      if (negativeRelevance) continue;
      const idcg = idealPrefix[cut];
      if (idcg === 0) continue; // all irrelevant: 0, as sklearn
      // The groups before the one holding rank cut - 1, then that group cut at k (discounts past k
      // are 0).
      const last = cut - 1;
      const dcg = tieBefore[last] + tieGain[last] * (cumDiscount[cut] - cumDiscount[tieStart[last]]);
      ndcgSum[t] += dcg / idcg;
    }
  }

  const out: Record<string, number> = {};
  for (let t = 0; t < ks.length; t++) {
    const k = ks[t];
    const ok = validK[t];
    out[`ndcg@${k}`] = ok && !negativeRelevance ? ndcgSum[t] / queries : NaN;
    out[`map@${k}`] = ok ? apSum[t] / queries : NaN;
    out[`recall@${k}`] = ok ? recallSum[t] / queries : NaN;
    out[`hit_rate@${k}`] = ok ? hitSum[t] / queries : NaN;
  }
  out.mrr = rrSum / queries;
  out.query_count = queries;
  out.example_count = n;
  return out;
}

const RANKING_NAME = /^(ndcg|map|recall|hit_rate)@([1-9][0-9]*)$/;

const RANKING_LABELS: Record<RankingFamily, string> = {
  ndcg: 'NDCG',
  map: 'MAP',
  recall: 'Recall',
  hit_rate: 'Hit rate',
};

// Task has no 'ranking' member yet (src/types.ts); the cast keeps this file independent of it.
const RANKING_TASKS = ['ranking'] as unknown as Task[];

/** MetricInfo for a ranking metric name, for any k ("ndcg@7"), or undefined for other names. */
export function rankingMetricInfo(name: string): MetricInfo | undefined {
  if (name === 'mrr') return { higherIsBetter: true, bounded: true, label: 'Mean reciprocal rank', tasks: RANKING_TASKS };
  if (name === 'query_count') {
    return { higherIsBetter: true, bounded: false, label: 'Queries', tasks: RANKING_TASKS, informational: true };
  }
  const match = RANKING_NAME.exec(name);
  if (match === null) return undefined;
  const family = match[1] as RankingFamily;
  return { higherIsBetter: true, bounded: true, label: `${RANKING_LABELS[family]}@${match[2]}`, tasks: RANKING_TASKS };
}
