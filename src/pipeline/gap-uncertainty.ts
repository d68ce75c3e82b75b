// The generalisation gap's uncertainty: every model that ran on both sets, resampled on the
// evaluation rows (the deltas' weights) and, independently, on the training rows.

import type { GapUncertainty } from '../analysis/overfitting.js';
import type { Settings } from '../settings/settings.js';
import type { Replicates } from '../stats/bootstrap.js';
import { gapReplicates } from '../stats/gap-bootstrap.js';
import type { Predictions } from '../types.js';
import type { Prepared } from './prepare.js';
import { flat, rowKeys } from './uncertainty.js';

export interface TrainedOutput {
  name: string;
  /** On the evaluation rows. */
  eval: Predictions;
  /** On the training rows. */
  train: Predictions;
}

/** Replicates of both sides, or undefined when the bootstrap is off or the task's bootstrap is not by weights (multilabel, ranking). */
/**
 * `evalReplicates`: the paired bootstrap's replicates of the evaluation rows (measureUncertainty), reused
 * for the evaluation side rather than computed again.
 */
export function measureGapUncertainty(
  settings: Settings,
  prep: Prepared,
  trainPrep: Prepared,
  outputs: TrainedOutput[],
  evalReplicates?: Replicates,
): GapUncertainty | undefined {
  const task = prep.truth.task;
  if (settings.bootstrap === 0 || outputs.length === 0 || (task !== 'binary' && task !== 'multiclass' && task !== 'regression')) return undefined;
  if (trainPrep.truth.task !== task) return undefined;
  // The candidate first: the binary bootstrap numbers rows in the first model's score order.
  const ordered = [...outputs].sort((a, b) => Number(b.name === 'candidate') - Number(a.name === 'candidate'));
  const replicates = gapReplicates({
    task,
    k: prep.truth.task === 'multiclass' ? prep.truth.classes.length : undefined,
    decisionThreshold: settings.decisionThreshold,
    maxFpr: settings.recallAtFpr,
    minRecall: settings.precisionAtRecall,
    ...(evalReplicates === undefined ? { eval: { truth: prep.truth.y, keys: rowKeys(prep), models: ordered.map((o) => ({ name: o.name, predictions: flat(o.eval) })) } } : {}),
    train: { truth: trainPrep.truth.y, keys: rowKeys(trainPrep), models: ordered.map((o) => ({ name: o.name, predictions: flat(o.train) })) },
    evalReplicates,
    resamples: settings.bootstrap,
    seed: settings.seed,
  });
  return { replicates, confidence: settings.confidence };
}
