// Stage 2, predict: every model on the evaluation rows (and the training rows, for the gaps). A model
// that fails is a finding, not the end. Models whose latency will be measured stay open for that.

import type { LoadedModel, PredictInput } from '../../engines/engine.js';
import { openModel } from '../../engines/open.js';
import { detectGpusOnce } from '../../hardware/gpus.js';
import { hardwareLine, type HardwareFacts } from '../../hardware/line.js';
import { errorFinding, trainingDataFinding } from '../../analysis/findings.js';
import { latencyMeasurable } from '../../perf/latency.js';
import type { ModelSpec } from '../../settings/settings.js';
import type { Finding, ModelMeasurement, Predictions, Role } from '../../types.js';
import { fedColumns, modelInput, predict } from '../predict.js';
import { openOptions } from './open-options.js';
import type { PreparedRun } from './prepare.js';
import type { StageContext, StageResult } from './stage.js';

/** One model that ran: its outputs, and what the report says about how it ran. */
export interface RanModel {
  spec: ModelSpec;
  role: Role;
  model: LoadedModel;
  input: PredictInput;
  predictions: Predictions;
  /** On the training rows, when training data was given and the engine can run them. */
  trainPredictions?: Predictions;
  /** Still open: its latency is measured once every model has run (the measure stage disposes it). */
  open: boolean;
  fed: Pick<ModelMeasurement, 'features' | 'featureOrder' | 'featureInputs'>;
  /** The candidate's CPU, GPU, engine, backend and threads. */
  hardware?: HardwareFacts;
}

export async function predictStage({ settings, log }: StageContext, { prep, trainPrep, candidate }: PreparedRun): Promise<StageResult<RanModel[]>> {
  const findings: Finding[] = [];
  const ran: RanModel[] = [];
  const specs: { spec: ModelSpec; role: Role }[] = [
    { spec: settings.candidate, role: 'candidate' },
    ...settings.baselines.map((spec) => ({ spec, role: 'baseline' as Role })),
  ];
  for (const { spec, role } of specs) {
    await log.group(`Evaluating ${role} ${spec.name} (${spec.path})`, async () => {
      let model: LoadedModel | undefined;
      let keepOpen = false;
      try {
        model = role === 'candidate' ? candidate : await openModel(spec.path, spec.name, openOptions(settings));
        const input = modelInput(settings, prep, model, spec.name);
        const predictions = await predict(model, input, log);
        const r: RanModel = { spec, role, model, input, predictions, open: false, fed: fedColumns(settings, model, input) };
        if (role === 'candidate') r.hardware = await describeHardware(model);
        // A predictions file holds outputs for the evaluation rows only.
        if (trainPrep !== undefined && model.runsTrainingRows) {
          try {
            r.trainPredictions = await predict(model, modelInput(settings, trainPrep, model, spec.name), log);
          } catch (e) {
            findings.push(trainingDataFinding(e));
          }
        }
        keepOpen = r.open = settings.perf && latencyMeasurable(model);
        ran.push(r);
      } catch (e) {
        // The finding is the message: the CLI and the action print each finding once, at the end.
        findings.push(errorFinding(e));
      } finally {
        if (model !== undefined && !keepOpen) model.dispose();
      }
    });
  }
  return { part: ran, findings };
}

/** The "Hardware" line: nvidia-smi is asked once per process; its absence is a fact, not an error. */
async function describeHardware(model: LoadedModel): Promise<HardwareFacts> {
  return hardwareLine({ engine: model.engine, backend: model.backend, threads: model.runtime?.threads, gpus: await detectGpusOnce() });
}
