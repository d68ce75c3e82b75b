// The generalisation gap's uncertainty: every model that ran on both sets, resampled on the
// evaluation rows (the deltas' weights) and, independently, on the training rows.

import type { GapUncertainty } from '../analysis/overfitting.js';
import type { Settings } from '../settings/settings.js';
import { gapReplicates } from '../stats/gap-bootstrap.js';
import { exampleKeys } from '../stats/resample-weights.js';
import type { Predictions } from '../types.js';
import type { Prepared } from './prepare.js';
import { idText } from './uncertainty.js';

export interface TrainedOutput {
  name: string;
  /** On the evaluation rows. */
  eval: Predictions;
  /** On the training rows. */
  train: Predictions;
}

/** Replicates of both sides, or undefined when the bootstrap is off or the task's bootstrap is not by weights (multilabel, ranking). */
export function measureGapUncertainty(settings: Settings, prep: Prepared, trainPrep: Prepared, outputs: TrainedOutput[]): GapUncertainty | undefined {
  const task = prep.truth.task;
  if (settings.bootstrap === 0 || outputs.length === 0 || (task !== 'binary' && task !== 'multiclass' && task !== 'regression')) return undefined;
  if (trainPrep.truth.task !== task) return undefined;
  // The candidate first: the binary bootstrap numbers rows in the first model's score order.
  const ordered = [...outputs].sort((a, b) => Number(b.name === 'candidate') - Number(a.name === 'candidate'));
  const keysOf = (p: Prepared): Uint32Array => {
    const n = p.dataset.rowCount;
    return exampleKeys(p.id === undefined ? undefined : Array.from({ length: n }, (_, i) => idText(p, i)), n);
  };
  const replicates = gapReplicates({
    task,
    k: prep.truth.task === 'multiclass' ? prep.truth.classes.length : undefined,
    decisionThreshold: settings.decisionThreshold,
    maxFpr: settings.recallAtFpr,
    minRecall: settings.precisionAtRecall,
    eval: { truth: prep.truth.y, keys: keysOf(prep), models: ordered.map((o) => ({ name: o.name, predictions: flat(o.eval) })) },
    train: { truth: trainPrep.truth.y, keys: keysOf(trainPrep), models: ordered.map((o) => ({ name: o.name, predictions: flat(o.train) })) },
    resamples: settings.bootstrap,
    seed: settings.seed,
  });
  return { replicates, confidence: settings.confidence };
}

function flat(p: Predictions): Float64Array {
  if (p.kind === 'multiclass') return p.probs;
  if (p.kind === 'regression') return p.values;
  if (p.kind === 'binary') return p.scores;
  throw new Error(`gap bootstrap: ${p.kind} predictions`);
}
