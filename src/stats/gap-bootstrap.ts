// Bootstrap replicates of every metric on the training rows and on the evaluation rows, for the
// generalisation gap (train against evaluation) and its interval.
//
// Both sets of rows are resampled, independently: the evaluation rows with the run's seed (the
// same weights as the paired bootstrap of the deltas), the training rows with
// streamSeed(seed, 'train') (resample-weights.ts), so a row that appears in both sets, or shares a
// row index, still gets independent weights. Every model shares each side's weights, so the gaps
// of two models are paired on both sides and the difference of their gaps has an interval too.
// Resample b of the gap pairs resample b of each side: gap*_b = f(train*_b) − f(eval*_b).

import { bootstrapReplicates, type BootstrapModel } from './bootstrap.js';
import { streamSeed } from './resample-weights.js';

export interface GapSide {
  /** Binary: 0/1; multiclass: class index 0..k−1; regression: target values. */
  truth: Uint8Array | Int32Array | Float64Array;
  /** Per-row example key (exampleKeys()). */
  keys: Uint32Array;
  /** Every model's predictions on these rows (the same models, in the same order, on both sides). */
  models: BootstrapModel[];
}

export interface GapBootstrapInput {
  task: 'binary' | 'multiclass' | 'regression';
  k?: number;
  decisionThreshold?: number;
  maxFpr?: number;
  minRecall?: number;
  train: GapSide;
  eval: GapSide;
  /** Number of resamples B (at least 1). */
  resamples: number;
  /** The run's seed, integer in [0, 2^53). */
  seed: number;
  threads?: number;
}

export interface GapReplicates {
  resamples: number;
  seed: number;
  models: string[];
  metrics: string[];
  /** values[(b · models.length + m) · metrics.length + s]: metric s of model m in resample b, per side. */
  train: Float64Array;
  eval: Float64Array;
}

/** The stream name of the training rows' weights. */
export const TRAIN_STREAM = 'train';

export function gapReplicates(input: GapBootstrapInput): GapReplicates {
  const names = (side: GapSide): string[] => side.models.map((m) => m.name);
  if (names(input.train).join('\n') !== names(input.eval).join('\n')) throw new RangeError('gapReplicates: the two sides must list the same models in the same order');
  if (!(input.resamples >= 1)) throw new RangeError(`gapReplicates: resamples must be at least 1, got ${input.resamples}`);
  const side = (s: GapSide, seed: number) =>
    bootstrapReplicates({
      task: input.task,
      k: input.k,
      decisionThreshold: input.decisionThreshold,
      maxFpr: input.maxFpr,
      minRecall: input.minRecall,
      truth: s.truth,
      keys: s.keys,
      models: s.models,
      candidate: s.models[0].name,
      resamples: input.resamples,
      confidence: 0.95, // unused: replicates only
      seed,
      threads: input.threads,
    });
  const evalSide = side(input.eval, input.seed);
  const trainSide = side(input.train, streamSeed(input.seed, TRAIN_STREAM));
  return { resamples: input.resamples, seed: input.seed, models: evalSide.models, metrics: evalSide.metrics, train: trainSide.values, eval: evalSide.values };
}

/** The B replicates of one metric of one model on one side, or undefined when they were not computed. */
export function sideReplicates(r: GapReplicates, side: 'train' | 'eval', model: string, metric: string): Float64Array | undefined {
  const m = r.models.indexOf(model);
  const s = r.metrics.indexOf(metric);
  if (m < 0 || s < 0) return undefined;
  const M = r.models.length;
  const S = r.metrics.length;
  const values = r[side];
  const out = new Float64Array(r.resamples);
  for (let b = 0; b < r.resamples; b++) out[b] = values[(b * M + m) * S + s];
  return out;
}
