// The pipeline from settings to the verdict, as a fold over named stages: prepare → (predict → measure,
// model by model) → uncertainty → diagnose → gate. Each stage returns its part of the evaluation and its findings; errors
// become findings, so the report still says what went wrong and keeps what was computed.

import { gate, type Gate } from '../analysis/compare.js';
import { verdictFailsStep } from '../analysis/verdict.js';
import type { HardwareFacts } from '../hardware/line.js';
import type { FailOn, Settings } from '../settings/settings.js';
import type { Finding, ModelMeasurement, Task } from '../types.js';
import { gitBaselines } from './git-baselines.js';
import type { Log } from './log.js';
import { diagnoseStage, type Diagnosis } from './stages/diagnose.js';
import { gateStage } from './stages/gate.js';
import { measureRest, measureStage, type MeasuredModel } from './stages/measure.js';
import { modelTargets, predictStage, type ModelSource } from './stages/predict.js';
import { prepareStage } from './stages/prepare.js';
import type { StageContext, StageResult } from './stages/stage.js';
import { uncertaintyStage } from './stages/uncertainty.js';
import type { UncertaintyInfo } from './uncertainty.js';

export type { UncertaintyInfo } from './uncertainty.js';
export type { TrainingCurves } from './stages/diagnose.js';
export type { ModelSource } from './stages/predict.js';
export { errorFinding } from '../analysis/findings.js';
export { ESCALATED_KINDS, escalate } from '../analysis/verdict.js';

export interface Evaluation extends Diagnosis {
  task?: Task;
  classes?: string[];
  data: { path: string; rows: number };
  trainData?: { path: string; rows: number };
  dummyFitOn?: 'training data' | 'evaluation data';
  models: ModelMeasurement[];
  gate: Gate;
  uncertainty?: UncertaintyInfo;
  /** CPU, GPU, engine, backend and threads the candidate ran on. */
  hardware?: HardwareFacts;
}

/** `source`: the models' recorded outputs in place of running them (a merge of shards, src/shard/). */
export async function evaluate(given: Settings, log: Log, source?: ModelSource): Promise<Evaluation> {
  // Baselines named by a git revision are written into temporary folders first, and removed at the end.
  const git = await gitBaselines(given, log);
  try {
    return await evaluateWith(git.settings, log, git.findings, source);
  } finally {
    await git.remove();
  }
}

async function evaluateWith(settings: Settings, log: Log, findings: Finding[], source: ModelSource | undefined): Promise<Evaluation> {
  const ctx: StageContext = { settings, log };
  const take = <P>(stage: StageResult<P>): P => {
    findings.push(...stage.findings);
    return stage.part;
  };

  const run = take(await prepareStage(ctx));
  if (run === undefined) return failedEvaluation(settings.data, findings);
  try {
    source?.prepared?.(run);
  } catch (e) {
    run.candidate.dispose();
    throw e;
  }
  // Model by model, predict then measure, so each model's findings stay together and in model order.
  const each: MeasuredModel[] = [];
  for (const target of modelTargets(settings)) {
    await log.group(`Evaluating ${target.role} ${target.spec.name} (${target.spec.path})`, async () => {
      const ran = take(await predictStage(ctx, run, target, source));
      const started = performance.now();
      const m = ran && take(await measureStage(ctx, run, ran));
      if (ran) log.debug(`metrics of ${target.spec.name}: ${Math.round(performance.now() - started)} ms`);
      if (m) each.push(m);
    });
  }
  const measured = take(await measureRest(ctx, run, each));
  const u = take(await uncertaintyStage(ctx, run, measured));
  const diagnosis = take(await diagnoseStage(ctx, run, measured, u));

  const { prep, trainPrep } = run;
  const { task } = prep;
  return {
    task,
    classes: task === 'binary' || task === 'multiclass' || task === 'multilabel' ? prep.classes : undefined,
    data: { path: prep.dataset.path, rows: prep.dataset.rowCount },
    dummyFitOn: trainPrep ? 'training data' : 'evaluation data',
    trainData: trainPrep ? { path: trainPrep.dataset.path, rows: trainPrep.dataset.rowCount } : undefined,
    uncertainty: u.info,
    ...diagnosis,
    hardware: measured.hardware,
    models: u.models,
    gate: gateStage(settings, task, u.models, findings, u.deltas),
  };
}

/** An evaluation that stopped before any model ran: the findings say why. */
export function failedEvaluation(dataPath: string, findings: Finding[], task: Task = 'binary'): Evaluation {
  return { data: { path: dataPath, rows: 0 }, models: [], gate: gate(task, [], {}, findings) };
}

/** Whether the step fails under fail-on (analysis/verdict.ts says how). */
export function stepFails(e: Evaluation, failOn: FailOn[]): boolean {
  return verdictFailsStep(e.gate.verdict, e.gate.findings, failOn);
}
