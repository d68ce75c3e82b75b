// Stage 3, measure: every model's metrics on the evaluation rows (and the training rows), the dummy's,
// and the latency of the models kept open, in interleaved rounds.

import { dummyPredictions } from '../../analysis/dummy.js';
import { errorFinding, trainingDataFinding } from '../../analysis/findings.js';
import { measure, type MeasureOptions } from '../../analysis/measure.js';
import type { HardwareFacts } from '../../hardware/line.js';
import { latencyMetrics, latencyRunner, measureLatencyRounds } from '../../perf/latency.js';
import { stressRun } from '../../perf/load.js';
import { MemorySampler } from '../../perf/memory.js';
import type { Settings } from '../../settings/settings.js';
import type { Finding, ModelMeasurement, PerfReport } from '../../types.js';
import { checkMetrics } from '../check-predictions.js';
import type { TrainedOutput } from '../gap-uncertainty.js';
import type { Log } from '../log.js';
import type { ModelOutput } from '../uncertainty.js';
import type { RanModel } from './predict.js';
import type { PreparedRun } from './prepare.js';
import type { StageContext, StageResult } from './stage.js';

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

export async function measureStage({ settings, log }: StageContext, { prep, trainPrep }: PreparedRun, ran: RanModel[]): Promise<StageResult<Measured>> {
  const findings: Finding[] = [];
  const mo = measureOptions(settings);
  const models: ModelMeasurement[] = [];
  const outputs: ModelOutput[] = [];
  const trained: TrainedOutput[] = [];
  const timed: { m: ModelMeasurement; r: RanModel }[] = [];
  let hardware: HardwareFacts | undefined;
  for (const r of ran) {
    const { spec, role, model, predictions } = r;
    try {
      const measured = measure(prep.truth, predictions, mo);
      checkMetrics(measured.metrics, prep.truth, predictions, spec.name, prep.dataset);
      const m: ModelMeasurement = { name: spec.name, role, path: spec.path, engine: model.engine, backend: model.backend, files: model.files, ...measured };
      if (model.notes?.length) m.notes = [...model.notes];
      if (model.log) m.log = model.log;
      if (model.facts !== undefined) m.facts = model.facts;
      Object.assign(m, r.fed);
      if (role === 'candidate') hardware = r.hardware;
      if (trainPrep !== undefined && r.trainPredictions !== undefined) {
        try {
          const { metrics } = measure(trainPrep.truth, r.trainPredictions, mo);
          checkMetrics(metrics, trainPrep.truth, r.trainPredictions, spec.name, trainPrep.dataset);
          m.trainMetrics = metrics;
          trained.push({ name: spec.name, eval: predictions, train: r.trainPredictions });
        } catch (e) {
          findings.push(trainingDataFinding(e));
        }
      }
      models.push(m);
      outputs.push({ name: spec.name, predictions });
      if (r.open) timed.push({ m, r });
    } catch (e) {
      findings.push(errorFinding(e));
    } finally {
      if (r.open && !timed.some((t) => t.r === r)) model.dispose();
    }
  }
  if (timed.length > 0) await measurePerf(settings, timed, log, findings);

  // The dummy: the prior (or mean) of the training labels when given, else of the evaluation labels.
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
  models.push(d);
  return { part: { models, outputs, dummy, trained, hardware }, findings };
}

export function measureOptions(s: Settings): MeasureOptions {
  return { decisionThreshold: s.decisionThreshold, maxFpr: s.recallAtFpr, minRecall: s.precisionAtRecall, ks: s.rankingK };
}

/**
 * Latency of every timed model in interleaved rounds (so a busy moment of the machine falls on all of
 * them alike), then each one's stress run, with its peak memory sampled after each of its runs. Disposes
 * the models. A failure is a finding: the metrics already measured stand.
 */
async function measurePerf(settings: Settings, timed: { m: ModelMeasurement; r: RanModel }[], log: Log, findings: Finding[]): Promise<void> {
  try {
    const runs = timed.map((t) => latencyRunner(t.r.model, t.r.input));
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
    for (const t of timed) t.r.model.dispose();
  }
}
