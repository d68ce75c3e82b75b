// Stage 4, uncertainty: one paired bootstrap over every model at once (the dummy too: its outputs are
// constant, so it is almost free), giving each metric an interval and each delta a p-value.

import type { Uncertainties } from '../../analysis/compare.js';
import type { Replicates } from '../../stats/bootstrap.js';
import type { Finding, ModelMeasurement } from '../../types.js';
import { measureUncertainty, type UncertaintyInfo } from '../uncertainty.js';
import type { Measured } from './measure.js';
import type { PreparedRun } from './prepare.js';
import { orFinding, type StageContext, type StageResult } from './stage.js';

export interface Uncertain {
  /** The measurements with each metric's interval added. */
  models: ModelMeasurement[];
  deltas: Uncertainties;
  info?: UncertaintyInfo;
  /** The evaluation side's replicates, which the generalisation gaps reuse. */
  replicates?: Replicates;
}

export async function uncertaintyStage({ settings, log }: StageContext, { prep }: PreparedRun, measured: Measured): Promise<StageResult<Uncertain>> {
  const findings: Finding[] = [];
  const u = await orFinding(findings, () =>
    log.group('Intervals and significance', async () => {
      const started = performance.now();
      const stage = measureUncertainty(settings, prep, [...measured.outputs, measured.dummy], measured.models);
      if (stage.info) log.info(`${stage.info.resamples} paired ${stage.info.method} resamples in ${Math.round(performance.now() - started)} ms`);
      return stage;
    }),
  );
  // Without intervals the point estimates still stand, and the gate judges them as with bootstrap: 0.
  if (u === undefined) return { part: { models: measured.models, deltas: {} }, findings };
  return { part: { models: u.models, deltas: u.deltas, info: u.info, replicates: u.replicates }, findings: [...findings, ...u.findings] };
}
