// Stage 1, prepare: read the evaluation data while the candidate opens, settle task, classes and truth,
// and read the training data in the same terms.

import { readDataset } from '../../data/read.js';
import type { LoadedModel } from '../../engines/engine.js';
import { openModel } from '../../engines/open.js';
import { engineFor, targetOf, wantsRowMajor } from '../../engines/registry.js';
import { predictionsFileEngine } from '../../engines/predictions-file.js';
import { detectGpusOnce } from '../../hardware/gpus.js';
import { checkMetricNames, errorFinding } from '../../analysis/findings.js';
import type { Finding } from '../../types.js';
import { dataColumns, prepareAs, prepareEvaluation, type Prepared } from '../prepare.js';
import { openOptions } from './open-options.js';
import type { StageContext, StageResult } from './stage.js';

export interface PreparedRun {
  prep: Prepared;
  /** The training data, prepared with the evaluation data's task and classes. */
  trainPrep?: Prepared;
  /** Opened while the data was read; the predict stage runs and disposes it. */
  candidate: LoadedModel;
}

/** Undefined part: nothing can be evaluated, and the findings say why. */
export async function prepareStage({ settings, log }: StageContext): Promise<StageResult<PreparedRun | undefined>> {
  const findings: Finding[] = [];
  // Started now, finished later: nvidia-smi and the candidate's runtime (compiling WebAssembly, building
  // the session) work on other threads while the data is read; a failure is reported where it was before.
  void detectGpusOnce();
  const openStarted = performance.now();
  let openMs = NaN;
  const opening = openModel(settings.candidate.path, settings.candidate.name, openOptions(settings));
  // Models that take no features (predictions files) leave the data's feature columns unread.
  const models = [settings.candidate, ...settings.baselines].map((m) => m.path);
  const takesFeatures = !models.every((p) => engineFor(targetOf(p, openOptions(settings))) === predictionsFileEngine);
  const keepColumn = dataColumns(settings, takesFeatures);
  opening.then(() => (openMs = performance.now() - openStarted), () => undefined);
  let candidate: LoadedModel | undefined;
  let prep: Prepared;
  try {
    const dataset = await log
      .group(`Reading ${settings.data}`, async () => {
        // An engine that takes rows (ONNX: float32 rows) gets them laid out while the file is parsed.
        const rows = wantsRowMajor(models, openOptions(settings));
        const notFeatures = [...settings.labelColumns, settings.idColumn, settings.queryColumn].filter((c): c is string => c !== undefined);
        const names = new Set<string>();
        const counted = keepColumn === undefined ? undefined : (name: string) => (names.add(name), keepColumn(name));
        const d = await readDataset(settings.data, { ...(rows ? { rowMajor: { exclude: notFeatures } } : {}), keepColumn: counted });
        const read = names.size > d.columns.length ? ` (${d.columns.length} read: no model takes features)` : '';
        if (names.size > d.columns.length) d.allColumns = [...names];
        log.info(`${d.rowCount} rows, ${Math.max(names.size, d.columns.length)} columns${read}`);
        return d;
      })
      .catch(async (e: unknown) => {
        await opening.then((m) => m.dispose(), () => undefined);
        throw e;
      });
    candidate = await opening;
    log.debug(`opened ${settings.candidate.path} in ${Math.round(openMs)} ms (alongside the reading)`);
    prep = prepareEvaluation(settings, dataset, candidate);
    checkMetricNames(settings.thresholds, settings.primaryMetrics, prep.task);
  } catch (e) {
    // Opened, but nothing will run it (the labels or a metric name were at fault).
    candidate?.dispose();
    findings.push(errorFinding(e));
    return { part: undefined, findings };
  }
  let trainPrep: Prepared | undefined;
  if (settings.trainData !== undefined) {
    try {
      trainPrep = prepareAs(settings, await readDataset(settings.trainData, { input: 'train-data', keepColumn: dataColumns({ ...settings, referenceData: undefined }, takesFeatures) }), prep.task, prep.classes);
    } catch (e) {
      findings.push(errorFinding(e));
    }
  }
  return { part: { prep, trainPrep, candidate }, findings };
}
