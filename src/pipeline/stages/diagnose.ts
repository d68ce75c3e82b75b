// Stage 5, diagnose: what the metrics alone do not say. Slices, generalisation gaps, data, label and
// prediction drift, the training curves, and what a release of the candidate would change.

import { compareModels } from '../../analysis/compare.js';
import type { DriftResult } from '../../analysis/drift.js';
import { errorFinding, predictionDriftFindings, sliceFindings, trainingLogWarnings } from '../../analysis/findings.js';
import { featureFindings } from '../../analysis/model-facts.js';
import { generalisation, type Gap } from '../../analysis/overfitting.js';
import { releaseChange, releaseFindings, type Release } from '../../analysis/release.js';
import { analyseSlices, type SliceResult } from '../../analysis/slices.js';
import { analyseCurves, type CurveAnalysis } from '../../analysis/training-curves.js';
import { readTrainingLog } from '../../training-log/read.js';
import type { TrainingLog } from '../../training-log/types.js';
import type { Finding } from '../../types.js';
import { measureDataDrift, predictionDrifts, type ModelPredictionDrift } from '../drift.js';
import { measureGapUncertainty } from '../gap-uncertainty.js';
import type { Log } from '../log.js';
import { rowKeys } from '../uncertainty.js';
import { measureOptions, type Measured } from './measure.js';
import type { PreparedRun } from './prepare.js';
import { orFinding, type StageContext, type StageResult } from './stage.js';
import type { Uncertain } from './uncertainty.js';
import type { Settings } from '../../settings/settings.js';

export interface TrainingCurves {
  log: TrainingLog;
  analysis: CurveAnalysis;
}

export interface Diagnosis {
  slices?: SliceResult;
  /** Generalisation gaps, when training data was given. */
  gaps?: Gap[];
  drift?: DriftResult & { reference: { path: string; rows: number }; current: { path: string; rows: number } };
  labelDrift?: DriftResult;
  predictionDrift?: ModelPredictionDrift[];
  training?: TrainingCurves;
  /** What a release of the candidate would change against the first baseline. */
  release?: Release;
}

export async function diagnoseStage({ settings, log }: StageContext, { prep, trainPrep }: PreparedRun, measured: Measured, u: Uncertain): Promise<StageResult<Diagnosis>> {
  const findings: Finding[] = [];
  const { task } = prep;
  const { outputs, dummy } = measured;
  // Which way each metric moved, before thresholds: slices and the release notes read it.
  const changes = compareModels(task, u.models, {}, u.deltas, { primaryMetrics: settings.primaryMetrics }).comparisons;

  let slices: SliceResult | undefined;
  if (settings.slices !== undefined && outputs.some((o) => o.name === 'candidate')) {
    const spec = settings.slices;
    slices = await orFinding(findings, () => log.group('Slices', async () => {
      // The overall changes against the first baseline decide which slice regressions are surprising.
      const first = settings.baselines.find((b) => outputs.some((o) => o.name === b.name));
      const overall = changes.filter((c) => c.baseline === first?.name);
      const r = analyseSlices({
        dataset: prep.dataset,
        truth: prep.truth,
        outputs: [...outputs.map((o) => ({ ...o, role: o.name === 'candidate' ? ('candidate' as const) : ('baseline' as const) })), { ...dummy, role: 'dummy' as const }],
        measureOptions: measureOptions(settings),
        spec,
        bootstrap: settings.bootstrap > 0 ? { resamples: settings.bootstrap, confidence: settings.confidence, seed: settings.seed, keys: rowKeys(prep) } : undefined,
        overall: overall.map((c) => ({ metric: c.metric, change: c.change })),
      });
      log.info(`${r.slices.length} slices measured, ${r.skipped.length} below min-size, ${r.findings.length} flagged`);
      return r;
    }));
    if (slices) findings.push(...sliceFindings(slices));
  }

  const gen =
    trainPrep !== undefined
      ? await orFinding(findings, () =>
          generalisation(task, u.models, settings.thresholds, {
            uncertainty: measureGapUncertainty(settings, prep, trainPrep, measured.trained.filter((o) => u.models.some((m) => m.name === o.name)), u.replicates),
            primaryMetrics: settings.primaryMetrics,
          }),
        )
      : undefined;
  if (gen) findings.push(...gen.findings);

  let drift: Diagnosis['drift'];
  let labelDrift: DriftResult | undefined;
  try {
    const d = await measureDataDrift(settings, log, settings.currentData === undefined ? prep.dataset : undefined);
    if (d.drift) drift = { ...d.drift, reference: d.reference!, current: d.current! };
    labelDrift = d.labelDrift;
    findings.push(...d.findings);
  } catch (e) {
    findings.push(errorFinding(e));
  }
  const cand = outputs.find((o) => o.name === 'candidate');
  const predictionDrift = cand ? await orFinding(findings, () => predictionDrifts(cand.predictions, outputs.filter((o) => o !== cand), prep.classes, settings.decisionThreshold)) : undefined;
  findings.push(...predictionDriftFindings(predictionDrift ?? []));

  const training = await readCurves(settings, findings, log);
  let release: Release | undefined;
  if (u.models.some((m) => m.role === 'candidate')) {
    release = await orFinding(findings, () => releaseChange(u.models, changes));
    findings.push(...releaseFindings(release), ...featureFindings(u.models));
  }
  return { part: { slices, gaps: gen?.gaps, drift, labelDrift, predictionDrift, training, release }, findings };
}

/** The training log is evidence beside the evaluation: a broken one is reported, never fatal to the rest. */
async function readCurves(settings: Settings, findings: Finding[], log: Log): Promise<TrainingCurves | undefined> {
  if (settings.trainingLog === undefined) return undefined;
  try {
    const trainingLog = await readTrainingLog(settings.trainingLog);
    findings.push(...trainingLogWarnings(trainingLog));
    const analysis = analyseCurves(trainingLog, { patience: settings.patience });
    findings.push(...analysis.findings);
    log.info(`training log ${settings.trainingLog}: best ${analysis.monitor} at epoch ${analysis.bestEpoch} of ${analysis.lastEpoch}`);
    return { log: trainingLog, analysis };
  } catch (e) {
    findings.push(errorFinding(e));
    return undefined;
  }
}
