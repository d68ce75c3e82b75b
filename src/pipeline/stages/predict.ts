// Stage 2, predict: one model on the evaluation rows. A model that fails is a finding, not the end; one
// that ran stays open for the measure stage (which runs it on the training rows and disposes it).

import type { LoadedModel, PredictInput } from '../../engines/engine.js';
import { openModel } from '../../engines/open.js';
import { detectGpusOnce } from '../../hardware/gpus.js';
import { hardwareLine, type HardwareFacts } from '../../hardware/line.js';
import { errorFinding } from '../../analysis/findings.js';
import type { GitWritten, ModelSpec, Settings } from '../../settings/settings.js';
import type { Finding, ModelMeasurement, Predictions, Role } from '../../types.js';
import { hideFolder, shownFiles, shownPath } from '../git-baselines.js';
import { fedColumns, modelInput, predict } from '../predict.js';
import { openOptions } from './open-options.js';
import type { PreparedRun } from './prepare.js';
import type { StageContext, StageResult } from './stage.js';

/** A model to evaluate: what the report calls it, and where it opens from (a git baseline's temporary folder). */
export interface ModelTarget {
  /** As shown: a git baseline's path names its revision. */
  spec: ModelSpec;
  role: Role;
  openPath: string;
  /** Keeps a git baseline's temporary folder out of every message. */
  hide: (text: string) => string;
}

/** One model that ran: its outputs, and what the report says about how it ran. The model is still open. */
export interface RanModel extends ModelTarget {
  model: LoadedModel;
  input: PredictInput;
  predictions: Predictions;
  fed: Pick<ModelMeasurement, 'features' | 'featureOrder' | 'featureInputs'>;
  /** The candidate's CPU, GPU, engine, backend and threads. */
  hardware?: HardwareFacts;
}

/**
 * Where models come from when they are not opened and run here: a merge of shards (src/shard/merge.ts)
 * replays each model's recorded outputs. `prepared` sees the prepared data first and may throw (shards
 * that do not cover it): that stops the evaluation rather than becoming a finding.
 */
export interface ModelSource {
  prepared?(run: PreparedRun): void;
  /** The model to use in place of opening and running the target; undefined: open it as usual (a predictions file). */
  replay(target: ModelTarget): LoadedModel | undefined;
  /** The candidate's Hardware line as recorded where it ran. */
  hardware?: HardwareFacts;
}

/** The candidate, then the baselines in the order given. */
export function modelTargets(settings: Settings): ModelTarget[] {
  const specs: { spec: ModelSpec; role: Role }[] = [
    { spec: settings.candidate, role: 'candidate' },
    ...settings.baselines.map((spec) => ({ spec, role: 'baseline' as Role })),
  ];
  return specs.map(({ spec, role }) => {
    // A git baseline opens from its temporary folder; what is shown and reported names its revision instead.
    const g = spec.fromGit;
    if (g === undefined) return { spec, role, openPath: spec.path, hide: (t: string) => t };
    return { spec: { ...spec, path: shownPath(g) }, role, openPath: spec.path, hide: (t: string) => hideFolder(t, g) };
  });
}

export async function predictStage(
  { settings, log }: StageContext,
  { prep, candidate }: PreparedRun,
  target: ModelTarget,
  source?: ModelSource,
): Promise<StageResult<RanModel | undefined>> {
  const { spec, role } = target;
  let model: LoadedModel | undefined;
  try {
    const replayed = source?.replay(target);
    if (replayed !== undefined && role === 'candidate') candidate.dispose();
    if (replayed !== undefined || role === 'candidate') model = replayed ?? candidate;
    else {
      const started = performance.now();
      model = await openModel(target.openPath, spec.name, openOptions(settings));
      log.debug(`opened ${spec.path} in ${Math.round(performance.now() - started)} ms`);
    }
    if (spec.fromGit !== undefined) hideGitFolder(model, spec.fromGit);
    const input = modelInput(settings, prep, model, spec.name);
    const predictions = await predict(model, input, log);
    const r: RanModel = { ...target, model, input, predictions, fed: fedColumns(settings, model, input) };
    if (role === 'candidate') r.hardware = source?.hardware ?? (await describeHardware(model));
    return { part: r, findings: [] };
  } catch (e) {
    model?.dispose();
    // The finding is the message: the CLI and the action print each finding once, at the end.
    const f: Finding = errorFinding(e);
    return { part: undefined, findings: [{ ...f, message: target.hide(f.message) }] };
  }
}

/** A git baseline's files, notes and log name its revision and repository paths, not its temporary folder. */
function hideGitFolder(model: LoadedModel, g: GitWritten): void {
  model.files = shownFiles(model.files, g);
  if (model.notes !== undefined) model.notes = model.notes.map((n) => hideFolder(n, g));
  if (model.log !== undefined) model.log = hideFolder(model.log, g);
}

/** The "Hardware" line: nvidia-smi is asked once per process; its absence is a fact, not an error. */
async function describeHardware(model: LoadedModel): Promise<HardwareFacts> {
  return hardwareLine({ engine: model.engine, backend: model.backend, threads: model.runtime?.threads, gpus: await detectGpusOnce() });
}
