// The pipeline from settings to findings: datasets → predictions → measurements → gate.
// Errors become findings so the report can still say what went wrong and keep what was computed.

import { gate, type DeltaUncertainty, type Gate } from '../analysis/compare.js';
import { dummyPredictions } from '../analysis/dummy.js';
import type { DriftResult } from '../analysis/drift.js';
import { measure, type MeasureOptions } from '../analysis/measure.js';
import { generalisation, type Gap } from '../analysis/overfitting.js';
import { measureGapUncertainty, type TrainedOutput } from './gap-uncertainty.js';
import { analyseSlices, type SliceResult } from '../analysis/slices.js';
import { analyseCurves, type CurveAnalysis } from '../analysis/training-curves.js';
import { readDataset } from '../data/read.js';
import type { LoadedModel } from '../engines/engine.js';
import { openModel, type OpenModelOptions } from '../engines/open.js';
import { detectGpusOnce } from '../hardware/gpus.js';
import { hardwareLine, type HardwareFacts } from '../hardware/line.js';
import { GateError, InputError, messageOf } from '../errors.js';
import { quote } from '../untrusted.js';
import { METRIC_INFO, metricInfo } from '../metrics/index.js';
import type { FailOn, ModelSpec, Settings } from '../settings/settings.js';
import { readTrainingLog } from '../training-log/read.js';
import type { TrainingLog } from '../training-log/types.js';
import type { Finding, ModelMeasurement, PerfReport, Predictions, Role, Task } from '../types.js';
import { measureDataDrift, predictionDrifts, type ModelPredictionDrift } from './drift.js';
import type { Log } from './log.js';
import { fedColumns, modelInput, predict } from './predict.js';
import { checkMetrics } from './check-predictions.js';
import { compareFacts, factsOf, featureFindings, suggestedVersionBump, type FactsComparison, type VersionBump } from '../analysis/model-facts.js';
import { latencyMeasurable, latencyMetrics, latencyRunner, measureLatencyRounds } from '../perf/latency.js';
import { timingTests } from '../perf/compare-latency.js';
import { stressRun } from '../perf/load.js';
import { MemorySampler } from '../perf/memory.js';
import type { PredictInput } from '../engines/engine.js';
import { prepareAs, prepareEvaluation, type Prepared } from './prepare.js';
import { measureUncertainty, rowKeys, type ModelOutput, type UncertaintyInfo } from './uncertainty.js';

export type { UncertaintyInfo } from './uncertainty.js';

export interface TrainingCurves {
  log: TrainingLog;
  analysis: CurveAnalysis;
}

export interface Evaluation {
  task?: Task;
  classes?: string[];
  data: { path: string; rows: number };
  trainData?: { path: string; rows: number };
  dummyFitOn?: 'training data' | 'evaluation data';
  models: ModelMeasurement[];
  gate: Gate;
  uncertainty?: UncertaintyInfo;
  training?: TrainingCurves;
  slices?: SliceResult;
  /** What a release of the candidate would change against the first baseline. */
  release?: { baseline: string; facts?: FactsComparison; versionBump: VersionBump };
  /** CPU, GPU, engine, backend and threads the candidate ran on. */
  hardware?: HardwareFacts;
  /** Generalisation gaps, when training data was given. */
  gaps?: Gap[];
  drift?: DriftResult & { reference: { path: string; rows: number }; current: { path: string; rows: number } };
  labelDrift?: DriftResult;
  predictionDrift?: ModelPredictionDrift[];
}

export async function evaluate(settings: Settings, log: Log): Promise<Evaluation> {
  const findings: Finding[] = [];
  const failed = (extra: Partial<Evaluation> = {}): Evaluation => ({
    data: { path: settings.data, rows: 0 },
    models: [],
    gate: gate(extra.task ?? 'binary', [], {}, findings),
    ...extra,
  });

  // Datasets: the evaluation data decides task and classes; the training data follows them.
  let candidate: LoadedModel;
  let prep: Prepared;
  // Started now, finished later: nvidia-smi and the candidate's runtime (compiling WebAssembly, building
  // the session) work on other threads while the data is read; a failure is reported where it was before.
  void detectGpusOnce();
  const openStarted = performance.now();
  let openMs = NaN;
  const opening = openModel(settings.candidate.path, settings.candidate.name, openOptions(settings));
  opening.then(() => (openMs = performance.now() - openStarted), () => undefined);
  try {
    const dataset = await log.group(`Reading ${settings.data}`, async () => {
      // An ONNX model takes rows of float32: the reader lays them out while it parses (no transposition later).
      const onnx = [settings.candidate, ...settings.baselines].some((m) => m.path.toLowerCase().endsWith('.onnx'));
      const notFeatures = [...settings.labelColumns, settings.idColumn, settings.queryColumn].filter((c): c is string => c !== undefined);
      const d = await readDataset(settings.data, onnx ? { rowMajor: { exclude: notFeatures } } : {});
      log.info(`${d.rowCount} rows, ${d.columns.length} columns`);
      return d;
    }).catch(async (e: unknown) => {
      await opening.then((m) => m.dispose(), () => undefined);
      throw e;
    });
    candidate = await opening;
    log.debug(`opened ${settings.candidate.path} in ${Math.round(openMs)} ms (alongside the reading)`);
    prep = prepareEvaluation(settings, dataset, candidate);
    checkThresholdNames(settings, prep.task);
  } catch (e) {
    findings.push(errorFinding(e));
    return failed();
  }
  const { dataset, task } = prep;
  const base = {
    task,
    classes: task === 'binary' || task === 'multiclass' || task === 'multilabel' ? prep.classes : undefined,
    data: { path: dataset.path, rows: dataset.rowCount },
  };
  let trainPrep: Prepared | undefined;
  if (settings.trainData !== undefined) {
    try {
      trainPrep = prepareAs(settings, await readDataset(settings.trainData, { input: 'train-data' }), task, prep.classes);
    } catch (e) {
      findings.push(errorFinding(e));
    }
  }

  // Predictions and measurements, model by model; a model that fails is a finding, not the end.
  const mo = measureOptions(settings);
  let hardware: HardwareFacts | undefined;
  const models: ModelMeasurement[] = [];
  const outputs: ModelOutput[] = [];
  const timed: Timed[] = [];
  // Models that ran on the training rows too, with both sets of predictions: the gaps' bootstrap.
  const trainedOutputs: TrainedOutput[] = [];
  const specs: { spec: ModelSpec; role: Role }[] = [
    { spec: settings.candidate, role: 'candidate' },
    ...settings.baselines.map((spec) => ({ spec, role: 'baseline' as Role })),
  ];
  for (const { spec, role } of specs) {
    await log.group(`Evaluating ${role} ${spec.name} (${spec.path})`, async () => {
      try {
        const model = role === 'candidate' ? candidate : await openModel(spec.path, spec.name, openOptions(settings));
        try {
          const input = modelInput(settings, prep, model, spec.name);
          const predictions = await predict(model, input, log);
          const measured = measure(prep.truth, predictions, mo);
          checkMetrics(measured.metrics, prep.truth, predictions, spec.name, dataset);
          const m: ModelMeasurement = { name: spec.name, role, path: spec.path, engine: model.engine, backend: model.backend, files: model.files, ...measured };
          if (model.notes?.length) m.notes = [...model.notes];
          if (model.log) m.log = model.log;
          const facts = await factsOf(model);
          if (facts !== undefined) m.facts = facts;
          Object.assign(m, fedColumns(settings, model, input));
          if (role === 'candidate') hardware = await describeHardware(model);
          // A predictions file holds outputs for the evaluation rows only.
          if (trainPrep !== undefined && model.engine !== 'predictions file') {
            const trained = await trainMetrics(settings, trainPrep, model, spec.name, log, mo, findings);
            if (trained !== undefined) {
              m.trainMetrics = trained.metrics;
              trainedOutputs.push({ name: spec.name, eval: predictions, train: trained.predictions });
            }
          }
          models.push(m);
          outputs.push({ name: spec.name, predictions });
          // Timed once every model has run, in interleaved rounds: kept open until then.
          if (settings.perf && latencyMeasurable(model)) timed.push({ m, model, input });
        } finally {
          if (!timed.some((t) => t.model === model)) model.dispose();
        }
      } catch (e) {
        // The finding is the message: the CLI and the action print each finding once, at the end.
        findings.push(errorFinding(e));
      }
    });
  }

  if (timed.length > 0) await measurePerf(settings, timed, log, findings);

  // The dummy: the prior (or mean) of the training labels when given, else of the evaluation labels.
  const fitOn = trainPrep?.truth ?? prep.truth;
  const dummyOut: ModelOutput = { name: 'dummy', predictions: dummyPredictions(fitOn, dataset.rowCount) };
  const dummy: ModelMeasurement = {
    name: 'dummy',
    role: 'dummy',
    path: `prior of the ${trainPrep ? 'training' : 'evaluation'} data`,
    engine: 'dummy',
    backend: 'none',
    files: [],
    ...measure(prep.truth, dummyOut.predictions, mo),
  };
  if (trainPrep !== undefined) dummy.trainMetrics = measure(trainPrep.truth, dummyPredictions(fitOn, trainPrep.dataset.rowCount), mo).metrics;
  models.push(dummy);

  const u = await log.group('Intervals and significance', async () => {
    const started = performance.now();
    // The dummy is resampled with the others (its predictions are constant: almost free), so the deltas against it get intervals too.
    const stage = measureUncertainty(settings, prep, [...outputs, dummyOut], models);
    if (stage.info) log.info(`${stage.info.resamples} paired ${stage.info.method} resamples in ${Math.round(performance.now() - started)} ms`);
    return stage;
  });
  findings.push(...u.findings);
  // Which way each metric moved, before thresholds and findings: slices and the release notes read it.
  const changes = gate(task, u.models, {}, [], u.deltas, { primaryMetrics: settings.primaryMetrics });

  let slices: SliceResult | undefined;
  if (settings.slices !== undefined && outputs.some((o) => o.name === 'candidate')) {
    slices = await log.group('Slices', async () => {
      // The overall changes against the first baseline decide which slice regressions are surprising.
      const first = settings.baselines.find((b) => outputs.some((o) => o.name === b.name));
      const overall = changes.comparisons.filter((c) => c.baseline === first?.name);
      const r = analyseSlices({
        dataset,
        truth: prep.truth,
        outputs: [...outputs.map((o) => ({ ...o, role: o.name === 'candidate' ? ('candidate' as const) : ('baseline' as const) })), { ...dummyOut, role: 'dummy' as const }],
        measureOptions: mo,
        spec: settings.slices!,
        bootstrap: settings.bootstrap > 0 ? { resamples: settings.bootstrap, confidence: settings.confidence, seed: settings.seed, keys: rowKeys(prep) } : undefined,
        overall: overall.map((c) => ({ metric: c.metric, change: c.change })),
      });
      log.info(`${r.slices.length} slices measured, ${r.skipped.length} below min-size, ${r.findings.length} flagged`);
      return r;
    });
    findings.push(...slices.findings.map(({ kind, severity, message }) => ({ kind, severity, message })));
    for (const note of slices.notes) findings.push({ kind: 'slices', severity: 'info', message: note });
  }

  const gen =
    trainPrep !== undefined
      ? generalisation(task, u.models, settings.thresholds, {
          uncertainty: measureGapUncertainty(settings, prep, trainPrep, trainedOutputs.filter((o) => u.models.some((m) => m.name === o.name)), u.replicates),
          primaryMetrics: settings.primaryMetrics,
        })
      : undefined;
  if (gen) findings.push(...gen.findings);

  let drift: Evaluation['drift'];
  let labelDrift: DriftResult | undefined;
  try {
    const d = await measureDataDrift(settings, log, settings.currentData === undefined ? dataset : undefined);
    if (d.drift) drift = { ...d.drift, reference: d.reference!, current: d.current! };
    labelDrift = d.labelDrift;
    findings.push(...d.findings);
  } catch (e) {
    findings.push(errorFinding(e));
  }
  const cand = outputs.find((o) => o.name === 'candidate');
  const predictionDrift = cand ? predictionDrifts(cand.predictions, outputs.filter((o) => o !== cand), prep.classes, settings.decisionThreshold) : undefined;
  for (const p of predictionDrift ?? []) {
    if (p.drifted) {
      findings.push({
        kind: 'prediction_drift',
        severity: 'info',
        message: `The candidate's outputs are distributed differently from ${p.baseline}'s on the same rows (KS D = ${p.ks_statistic?.toFixed(3)}, PSI ${p.psi?.toFixed(3)}${p.churn !== undefined ? `; ${(p.churn * 100).toFixed(1)} % of predicted classes flip` : ''}).`,
      });
    }
  }

  const training = await readCurves(settings, findings, log);
  const extras = {
    dummyFitOn: trainPrep ? ('training data' as const) : ('evaluation data' as const),
    trainData: trainPrep ? { path: trainPrep.dataset.path, rows: trainPrep.dataset.rowCount } : undefined,
    uncertainty: u.info,
    training,
    gaps: gen?.gaps,
    slices,
    hardware,
    drift,
    labelDrift,
    predictionDrift,
  };
  if (!models.some((x) => x.role === 'candidate')) return { ...failed(base), models: u.models, ...extras };
  const release = releaseChange(u.models, changes);
  if (release?.facts?.signatureChanged) {
    findings.push({
      kind: 'breaking_change',
      severity: 'warning',
      message: `The candidate's input/output signature differs from ${release.baseline}'s: ${release.facts.changes.join('; ')}. Callers must change: a major version.`,
    });
  }
  for (const note of release?.facts?.notes ?? []) findings.push({ kind: 'signature_note', severity: 'info', message: `Against ${release!.baseline}: ${note}.` });
  findings.push(...featureFindings(u.models));
  return { ...base, ...extras, release, models: u.models, gate: gate(task, u.models, settings.thresholds, escalate(findings, settings.failOn), u.deltas, { primaryMetrics: settings.primaryMetrics, timings: timingsOf(u.models, settings.confidence) }) };
}

/** Against the first baseline: size and signature changes, and the version bump they suggest. */
function releaseChange(models: ModelMeasurement[], g: Gate): Evaluation['release'] {
  const cand = models.find((m) => m.role === 'candidate');
  const base = models.find((m) => m.role === 'baseline');
  if (cand === undefined || base === undefined) return undefined;
  const facts = cand.facts && base.facts ? compareFacts(cand.facts, base.facts) : undefined;
  const rows = g.comparisons.filter((c) => c.baseline === base.name && !c.metric.startsWith('latency_') && !c.metric.startsWith('throughput_'));
  const versionBump = suggestedVersionBump({
    signatureChanged: facts?.signatureChanged ?? false,
    anyMetricRegressed: rows.some((c) => c.change === 'regressed'),
    anyMetricImproved: rows.some((c) => c.change === 'improved'),
  });
  return { baseline: base.name, facts, versionBump };
}

/** The same model on the training data, for generalisation gaps; a failure there loses only the gaps. */
async function trainMetrics(settings: Settings, trainPrep: Prepared, model: LoadedModel, name: string, log: Log, mo: MeasureOptions, findings: Finding[]) {
  try {
    const p: Predictions = await predict(model, modelInput(settings, trainPrep, model, name), log);
    const { metrics } = measure(trainPrep.truth, p, mo);
    checkMetrics(metrics, trainPrep.truth, p, name, trainPrep.dataset);
    return { metrics, predictions: p };
  } catch (e) {
    findings.push({ ...errorFinding(e), severity: 'warning', message: `on the training data: ${messageOf(e)}` });
    return undefined;
  }
}

/** The training log is evidence beside the evaluation: a broken one is reported, never fatal to the rest. */
async function readCurves(settings: Settings, findings: Finding[], log: Log): Promise<TrainingCurves | undefined> {
  if (settings.trainingLog === undefined) return undefined;
  try {
    const trainingLog = await readTrainingLog(settings.trainingLog);
    for (const w of trainingLog.warnings ?? []) findings.push({ kind: 'training_log', severity: 'warning', message: w });
    const analysis = analyseCurves(trainingLog, { patience: settings.patience });
    findings.push(...analysis.findings);
    log.info(`training log ${settings.trainingLog}: best ${analysis.monitor} at epoch ${analysis.bestEpoch} of ${analysis.lastEpoch}`);
    return { log: trainingLog, analysis };
  } catch (e) {
    findings.push(errorFinding(e));
    return undefined;
  }
}

interface Timed {
  m: ModelMeasurement;
  model: LoadedModel;
  input: PredictInput;
}

/**
 * Latency of every timed model in interleaved rounds (so a busy moment of the machine falls on all of
 * them alike), then each one's stress run, with its peak memory sampled after each of its runs. Disposes
 * the models. A failure is a finding: the metrics already measured stand.
 */
async function measurePerf(settings: Settings, timed: Timed[], log: Log, findings: Finding[]): Promise<void> {
  try {
    const runs = timed.map((t) => latencyRunner(t.model, t.input));
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
    for (const t of timed) t.model.dispose();
  }
}

/** The candidate's timings against each timed baseline's, tested across their rounds. */
function timingsOf(models: ModelMeasurement[], confidence: number): Record<string, Record<string, DeltaUncertainty>> | undefined {
  const cand = models.find((m) => m.role === 'candidate');
  if (cand?.perf === undefined) return undefined;
  const baselines = models.filter((m) => m.role === 'baseline' && m.perf !== undefined).map((m) => ({ name: m.name, latency: m.perf!.latency }));
  return timingTests(cand.perf.latency, baselines, confidence);
}

function openOptions(s: Settings): OpenModelOptions {
  return { command: s.command, commandTimeout: s.commandTimeout, commandEnv: s.commandEnv, device: s.device, onnxInputs: s.onnxInputs, onnxOutput: s.onnxOutput, onnxRuntime: s.onnxRuntime };
}

/** The "Hardware" line: nvidia-smi is asked once per process; its absence is a fact, not an error. */
async function describeHardware(model: LoadedModel): Promise<HardwareFacts> {
  const runtime = (model as { runtime?: { threads?: number } }).runtime;
  return hardwareLine({ engine: model.engine, backend: model.backend, threads: runtime?.threads, gpus: await detectGpusOnce() });
}

function measureOptions(s: Settings): MeasureOptions {
  return { decisionThreshold: s.decisionThreshold, maxFpr: s.recallAtFpr, minRecall: s.precisionAtRecall, ks: s.rankingK };
}

function checkThresholdNames(settings: Settings, task: Task): void {
  const named = [...Object.keys(settings.thresholds).map((m) => ['thresholds name', m]), ...(settings.primaryMetrics ?? []).map((m) => ['primary-metrics names', m])];
  for (const [input, metric] of named) {
    const info = metricInfo(metric);
    if (info === undefined || !info.tasks.includes(task)) {
      const known = Object.entries(METRIC_INFO)
        .filter(([, i]) => i.tasks.includes(task))
        .map(([n]) => n);
      throw new InputError(`${input} ${quote(metric)}, which is not a ${task} metric. ${task} metrics: ${known.join(', ')}.`);
    }
  }
}

/**
 * Finding kinds that `fail-on: overfitting` and `fail-on: drift` turn from warnings into failures.
 * Drift fails on its decision alone (data_drift: the corrected tests and drift-share): drifted
 * features below the share, new categories and label drift stay warnings; PSI without a test and
 * prediction drift (a better candidate's outputs differ too) stay information.
 */
export const ESCALATED_KINDS: Record<'overfitting' | 'drift', string[]> = {
  overfitting: ['overfitting', 'underfitting'],
  drift: ['data_drift'],
};

/** With fail-on overfitting or drift, those warnings fail the gate; information stays information. */
export function escalate(findings: Finding[], failOn: FailOn[]): Finding[] {
  const kinds = new Set(failOn.flatMap((f) => (f === 'regression' ? [] : ESCALATED_KINDS[f])));
  return findings.map((f) => (kinds.has(f.kind) && f.severity === 'warning' ? { ...f, severity: 'error' } : f));
}

/**
 * Whether the step fails: a fail verdict, caused by what fail-on lists. Regressions (thresholds,
 * no skill) count under `regression`; escalated findings under their own names. An error that left
 * the evaluation incomplete (bad input, a model that failed, an internal error) fails under any
 * fail-on but `never`: a gate that could not look must not pass.
 */
export function stepFails(e: Evaluation, failOn: FailOn[]): boolean {
  if (e.gate.verdict !== 'fail' || failOn.length === 0) return false;
  if (failOn.includes('regression')) return true;
  const kinds = new Set(failOn.flatMap((f) => (f === 'regression' ? [] : ESCALATED_KINDS[f])));
  return e.gate.findings.some((f) => f.severity === 'error' && (kinds.has(f.kind) || f.kind.endsWith('_error')));
}

/** An evaluation that stopped before any model ran: the findings say why. */
export function failedEvaluation(dataPath: string, findings: Finding[], task: Task = 'binary'): Evaluation {
  return { data: { path: dataPath, rows: 0 }, models: [], gate: gate(task, [], {}, findings) };
}

export function errorFinding(e: unknown): Finding {
  if (e instanceof GateError) return { kind: kindOf(e), severity: 'error', message: e.message };
  return { kind: 'internal_error', severity: 'error', message: `model-gate failed unexpectedly: ${messageOf(e)}. Please report this with the log.` };
}

function kindOf(e: GateError): string {
  return e.name.replace(/Error$/, '').toLowerCase() + '_error';
}
