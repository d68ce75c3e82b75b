// Bootstrap replicates of every metric on the training rows and on the evaluation rows, for the
// generalisation gap (train against evaluation) and its interval.
//
// Both sets of rows are resampled, independently: the evaluation rows with the run's seed (the
// same weights as the paired bootstrap of the deltas), the training rows with
// streamSeed(seed, 'train') (resample-weights.ts), so a row that appears in both sets, or shares a
// row index, still gets independent weights. Every model shares each side's weights, so the gaps
// of two models are paired on both sides and the difference of their gaps has an interval too.
// Resample b of the gap pairs resample b of each side: gap*_b = f(train*_b) − f(eval*_b).

import { bootstrapReplicates, type BootstrapModel, type Replicates } from './bootstrap.js';
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
  /** The evaluation rows, resampled here unless `evalReplicates` is given. */
  eval?: GapSide;
  /**
   * The evaluation side's replicates when the paired bootstrap of the deltas already made them (the
   * same rows, keys, seed and options, the candidate first): they are used as they are, not made again.
   */
  evalReplicates?: Replicates;
  /** Number of resamples B (at least 1). */
  resamples: number;
  /** The run's seed, integer in [0, 2^53). */
  seed: number;
  threads?: number;
}

export interface GapReplicates {
  resamples: number;
  seed: number;
  /** Each side's replicates (their own model lists: the evaluation side may hold more models). */
  train: Replicates;
  eval: Replicates;
}

/** The stream name of the training rows' weights. */
export const TRAIN_STREAM = 'train';

export function gapReplicates(input: GapBootstrapInput): GapReplicates {
  const names = (side: GapSide): string[] => side.models.map((m) => m.name);
  if (input.eval !== undefined && names(input.train).join('\n') !== names(input.eval).join('\n')) throw new RangeError('gapReplicates: the two sides must list the same models in the same order');
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
  if (input.evalReplicates === undefined && input.eval === undefined) throw new RangeError('gapReplicates: give the evaluation rows or their replicates');
  const evalSide = input.evalReplicates ?? side(input.eval!, input.seed);
  if (evalSide.resamples !== input.resamples) throw new RangeError(`gapReplicates: the evaluation replicates have ${evalSide.resamples} resamples, not ${input.resamples}`);
  const trainSide = side(input.train, streamSeed(input.seed, TRAIN_STREAM));
  return { resamples: input.resamples, seed: input.seed, train: trainSide, eval: evalSide };
}

/** The B replicates of one metric of one model on one side, or undefined when they were not computed. */
export function sideReplicates(r: GapReplicates, side: 'train' | 'eval', model: string, metric: string): Float64Array | undefined {
  const { models, metrics, values } = r[side];
  const m = models.indexOf(model);
  const s = metrics.indexOf(metric);
  if (m < 0 || s < 0) return undefined;
  const M = models.length;
  const S = metrics.length;
  const out = new Float64Array(r.resamples);
  for (let b = 0; b < r.resamples; b++) out[b] = values[(b * M + m) * S + s];
  return out;
}
