// Stage 3, measure: a model's metrics on the evaluation rows, then on the training rows (run here, so a
// model whose evaluation metrics fail is not run again); once every model has run, the latency of those
// kept open, in interleaved rounds, and the dummy.

import { dummyPredictions } from '../../analysis/dummy.js';
import { errorFinding, trainingDataFinding } from '../../analysis/findings.js';
import { measure, type MeasureOptions } from '../../analysis/measure.js';
import type { HardwareFacts } from '../../hardware/line.js';
import { latencyMeasurable, latencyMetrics, latencyRunner, measureLatencyRounds } from '../../perf/latency.js';
import { stressRun } from '../../perf/load.js';
import { MemorySampler } from '../../perf/memory.js';
import type { Settings } from '../../settings/settings.js';
import type { Finding, ModelMeasurement, PerfReport } from '../../types.js';
import { checkMetrics } from '../check-predictions.js';
import type { TrainedOutput } from '../gap-uncertainty.js';
import type { Log } from '../log.js';
import { modelInput, predict } from '../predict.js';
import type { ModelOutput } from '../uncertainty.js';
import type { RanModel } from './predict.js';
import type { PreparedRun } from './prepare.js';
import type { StageContext, StageResult } from './stage.js';

/** One model measured. Open only when its latency is still to be measured. */
export interface MeasuredModel {
  m: ModelMeasurement;
  output: ModelOutput;
  trained?: TrainedOutput;
  /** Kept open for the latency rounds (measureRest disposes it). */
  timed?: RanModel;
  hardware?: HardwareFacts;
}

export interface Measured {
  /** Every model that ran and measured, then the dummy. */
  models: ModelMeasurement[];
  /** Their outputs on the evaluation rows (the dummy's apart), for the bootstrap, slices and prediction drift. */
  outputs: ModelOutput[];
  dummy: ModelOutput;
  /** Models with outputs on both the training and the evaluation rows: the gaps' bootstrap. */
  trained: TrainedOutput[];
  hardware?: HardwareFacts;
}

/** Disposes the model unless its latency is to be measured. */
export async function measureStage({ settings, log }: StageContext, { prep, trainPrep }: PreparedRun, r: RanModel): Promise<StageResult<MeasuredModel | undefined>> {
  const findings: Finding[] = [];
  const { spec, role, model, predictions } = r;
  let keepOpen = false;
  try {
    const mo = measureOptions(settings);
    const measured = measure(prep.truth, predictions, mo);
    checkMetrics(measured.metrics, prep.truth, predictions, spec.name, prep.dataset);
    const m: ModelMeasurement = { name: spec.name, role, path: spec.path, engine: model.engine, backend: model.backend, files: model.files, ...measured };
    if (model.notes?.length) m.notes = [...model.notes];
    if (model.log) m.log = model.log;
    if (model.facts !== undefined) m.facts = model.facts;
    Object.assign(m, r.fed);
    const done: MeasuredModel = { m, output: { name: spec.name, predictions }, hardware: r.hardware };
    // A predictions file holds outputs for the evaluation rows only.
    if (trainPrep !== undefined && model.runsTrainingRows) {
      try {
        const train = await predict(model, modelInput(settings, trainPrep, model, spec.name), log);
        const { metrics } = measure(trainPrep.truth, train, mo);
        checkMetrics(metrics, trainPrep.truth, train, spec.name, trainPrep.dataset);
        m.trainMetrics = metrics;
        done.trained = { name: spec.name, eval: predictions, train };
      } catch (e) {
        const f = trainingDataFinding(e);
        findings.push({ ...f, message: r.hide(f.message) });
      }
    }
    keepOpen = settings.perf && latencyMeasurable(model);
    if (keepOpen) done.timed = r;
    return { part: done, findings };
  } catch (e) {
    const f = errorFinding(e);
    findings.push({ ...f, message: r.hide(f.message) });
    return { part: undefined, findings };
  } finally {
    if (!keepOpen) model.dispose();
  }
}

/** Once every model has run: the latency of the ones kept open (then disposed), and the dummy. */
export async function measureRest({ settings, log }: StageContext, { prep, trainPrep }: PreparedRun, each: MeasuredModel[]): Promise<StageResult<Measured>> {
  const findings: Finding[] = [];
  const timed = each.filter((e) => e.timed !== undefined);
  if (timed.length > 0) await measurePerf(settings, timed, log, findings);

  // The dummy: the prior (or mean) of the training labels when given, else of the evaluation labels.
  const mo = measureOptions(settings);
  const fitOn = trainPrep?.truth ?? prep.truth;
  const dummy: ModelOutput = { name: 'dummy', predictions: dummyPredictions(fitOn, prep.dataset.rowCount) };
  const d: ModelMeasurement = {
    name: 'dummy',
    role: 'dummy',
    path: `prior of the ${trainPrep ? 'training' : 'evaluation'} data`,
    engine: 'dummy',
    backend: 'none',
    files: [],
    ...measure(prep.truth, dummy.predictions, mo),
  };
  if (trainPrep !== undefined) d.trainMetrics = measure(trainPrep.truth, dummyPredictions(fitOn, trainPrep.dataset.rowCount), mo).metrics;
  const part: Measured = {
    models: [...each.map((e) => e.m), d],
    outputs: each.map((e) => e.output),
    dummy,
    trained: each.flatMap((e) => (e.trained ? [e.trained] : [])),
    hardware: each.find((e) => e.m.role === 'candidate')?.hardware,
  };
  return { part, findings };
}

export function measureOptions(s: Settings): MeasureOptions {
  return { decisionThreshold: s.decisionThreshold, maxFpr: s.recallAtFpr, minRecall: s.precisionAtRecall, ks: s.rankingK };
}

/**
 * Latency of every timed model in interleaved rounds (so a busy moment of the machine falls on all of
 * them alike), then each one's stress run, with its peak memory sampled after each of its runs. Disposes
 * the models. A failure is a finding: the metrics already measured stand.
 */
async function measurePerf(settings: Settings, timed: MeasuredModel[], log: Log, findings: Finding[]): Promise<void> {
  const models = timed.map((t) => t.timed!);
  try {
    const runs = models.map((r) => latencyRunner(r.model, r.input));
    const samplers = timed.map(() => new MemorySampler({ intervalMs: 0 }));
    const latency = await log.group(`Latency of ${timed.map((t) => t.m.name).join(', ')} in interleaved rounds`, () =>
      measureLatencyRounds(runs, { batchSizes: settings.perfBatchSizes, maxSeconds: settings.perfMaxSeconds, onRun: (i) => samplers[i].sample() }),
    );
    for (const [i, t] of timed.entries()) {
      const load =
        settings.stressConcurrency > 0
          ? await stressRun(runs[i], { concurrency: settings.stressConcurrency, seconds: settings.stressSeconds, onRun: samplers[i].sample })
          : undefined;
      t.m.perf = { latency: latency[i], load, memory: samplers[i].stop() } satisfies PerfReport;
      for (const [k, v] of Object.entries(latencyMetrics(latency[i]))) t.m.metrics[k] = { value: v };
      log.info(`${t.m.name} latency: ${latency[i].map((l) => `batch ${l.batchSize} p95 ${l.p95_ms.toFixed(2)} ms`).join(', ')} (${latency[i][0]?.rounds ?? 0} rounds)`);
    }
  } catch (e) {
    findings.push(errorFinding(e));
  } finally {
    for (const r of models) r.model.dispose();
  }
}
