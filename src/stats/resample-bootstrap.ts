// A paired bootstrap by materialising each resample: rows (or whole groups, such as a ranking
// query's items) repeated as often as their Poisson(1) weight, then any unweighted metric kernel.
// Slower than the weighted sweeps of bootstrap.ts, so it serves the tasks those do not cover
// (multilabel, ranking), whose evaluation sets are small. Same weights, same seed rules: the
// result does not depend on row order.

import { bootstrapPValue, finiteSorted, percentileInterval } from './intervals.js';
import { resampleWeights } from './resample-weights.js';

export interface GroupedBootstrapInput {
  /** Number of units (rows, or groups when rows belong to groups). */
  units: number;
  /** Per-unit key (exampleKeys of ids or group names). */
  keys: Uint32Array;
  models: string[];
  candidate: string;
  /** Metrics of one model on a resample: unit u appears `weights[u]` times. */
  metricsOn: (model: string, weights: Uint8Array) => Record<string, number>;
  resamples: number;
  confidence: number;
  seed: number;
}

export interface GroupedBootstrapResult {
  metrics: Record<string, Record<string, { ci: [number, number] }>>;
  deltas: Record<string, Record<string, { ci: [number, number]; pValue: number }>>;
}

export function groupedBootstrap(input: GroupedBootstrapInput): GroupedBootstrapResult {
  const replicates: Record<string, Record<string, number[]>> = {};
  const weights = new Uint8Array(input.units);
  for (let b = 0; b < input.resamples; b++) {
    resampleWeights(input.keys, input.seed, b, weights);
    for (const model of input.models) {
      const values = input.metricsOn(model, weights);
      const perModel = (replicates[model] ??= {});
      for (const [metric, v] of Object.entries(values)) (perModel[metric] ??= []).push(v);
    }
  }
  const result: GroupedBootstrapResult = { metrics: {}, deltas: {} };
  for (const model of input.models) {
    result.metrics[model] = {};
    for (const [metric, values] of Object.entries(replicates[model] ?? {})) {
      const { sorted } = finiteSorted(values);
      if (sorted.length > 0) result.metrics[model][metric] = { ci: percentileInterval(sorted, input.confidence) };
    }
  }
  const cand = replicates[input.candidate] ?? {};
  for (const model of input.models) {
    if (model === input.candidate) continue;
    result.deltas[model] = {};
    for (const [metric, values] of Object.entries(cand)) {
      const other = replicates[model]?.[metric];
      if (other === undefined) continue;
      const d = values.map((v, b) => v - other[b]);
      const { sorted } = finiteSorted(d);
      if (sorted.length > 0) result.deltas[model][metric] = { ci: percentileInterval(sorted, input.confidence), pValue: bootstrapPValue(sorted) };
    }
  }
  return result;
}

/** Row indices of a resample: each unit's rows, repeated by its weight. */
export function expandRows(weights: Uint8Array, rowsOfUnit: Int32Array[]): Int32Array {
  let n = 0;
  for (let u = 0; u < weights.length; u++) n += weights[u] * rowsOfUnit[u].length;
  const out = new Int32Array(n);
  let k = 0;
  for (let u = 0; u < weights.length; u++) {
    for (let w = 0; w < weights[u]; w++) {
      out.set(rowsOfUnit[u], k);
      k += rowsOfUnit[u].length;
    }
  }
  return out;
}
