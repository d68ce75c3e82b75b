// The CLI's flags, mapped onto the action's input names so both share resolveSettings.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InputError, messageOf } from '../errors.js';
import { loadConfigFile } from './action-inputs.js';
import { confinePath, confineSettings, parseAllowedRoots, rootsOf, type Roots } from './confine.js';
import { resolveSettings, type RawInputs, type Settings } from './settings.js';
import type { DriftSettings } from '../pipeline/drift.js';

export interface CliOutputs {
  json?: string;
  markdown?: string;
  quiet: boolean;
}

const OPTIONS = {
  candidate: { type: 'string' },
  baseline: { type: 'string', multiple: true },
  data: { type: 'string' },
  'train-data': { type: 'string' },
  label: { type: 'string' },
  id: { type: 'string' },
  query: { type: 'string' },
  'ranking-k': { type: 'string' },
  features: { type: 'string' },
  task: { type: 'string' },
  classes: { type: 'string' },
  'positive-class': { type: 'string' },
  'decision-threshold': { type: 'string' },
  'recall-at-fpr': { type: 'string' },
  'precision-at-recall': { type: 'string' },
  thresholds: { type: 'string' },
  'primary-metrics': { type: 'string' },
  config: { type: 'string' },
  'fail-on': { type: 'string' },
  'batch-size': { type: 'string' },
  perf: { type: 'boolean' },
  'perf-batch-sizes': { type: 'string' },
  'perf-max-seconds': { type: 'string' },
  'stress-concurrency': { type: 'string' },
  'stress-seconds': { type: 'string' },
  command: { type: 'string' },
  'command-timeout': { type: 'string' },
  'command-env': { type: 'string' },
  device: { type: 'string' },
  'onnx-inputs': { type: 'string' },
  'onnx-output': { type: 'string' },
  'onnx-runtime': { type: 'string' },
  slices: { type: 'string' },
  'reference-data': { type: 'string' },
  'current-data': { type: 'string' },
  'drift-correction': { type: 'string' },
  'drift-share': { type: 'string' },
  'drift-tests': { type: 'string' },
  'training-log': { type: 'string' },
  patience: { type: 'string' },
  bootstrap: { type: 'string' },
  confidence: { type: 'string' },
  seed: { type: 'string' },
  'allowed-roots': { type: 'string' },
  json: { type: 'string' },
  markdown: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const EVALUATE_USAGE = `Usage: model-gate evaluate --candidate PATH --data PATH --label COLUMN [options]

  --candidate PATH         candidate model: TF.js model.json or its folder, or a predictions file
  --baseline [NAME=]PATH   a baseline model; repeat for several
  --data PATH              evaluation data (CSV, TSV or JSONL)
  --label COLUMN[,COLUMN]  the column holding the true values (several 0/1 columns: multilabel;
                           graded relevance for ranking)
  --train-data PATH        training data; the dummy baseline uses its class prior or mean
  --id COLUMN              row id column (matches predictions files by id)
  --query COLUMN           ranking: the column grouping items into queries
  --ranking-k K,K          ranking: cut-offs for ndcg@k, map@k, recall@k, hit_rate@k (default 5,10)
  --features A,B,...       feature columns in the model's input order
  --task T                 binary | multiclass | regression | multilabel | ranking | auto (default auto)
  --classes A,B,...        class labels in the model's output order
  --positive-class C       the positive class of a binary task
  --decision-threshold X   score at or above which a binary prediction is positive (default 0.5)
  --recall-at-fpr F        false-positive rate at which recall_at_fpr is read (default 0.01)
  --precision-at-recall R  recall at which precision_at_recall is read (default 0.9)
  --thresholds FILE        YAML file of metric thresholds
  --primary-metrics M,M    metrics that move the verdict without a threshold (default per task, e.g.
                           roc_auc,log_loss for binary); none: only thresholds do
  --config FILE            YAML config holding any of the above (flags override it)
  --fail-on M,M            what fails: regression (default), overfitting, drift; or never
  --perf                   measure latency (p50/p95/p99 at batch sizes), a stress run and peak memory
  --perf-batch-sizes B,B   batch sizes for latency (default 1,32,256)
  --perf-max-seconds S     time per batch size after the minimum runs (default 3)
  --stress-concurrency N   concurrent callers in the stress run (default 4; 0 = off)
  --stress-seconds S       length of the stress run (default 5)
  --command TEMPLATE       run every model with your framework: {model} {data} {predictions} {device}
  --command-timeout S      seconds before a command is stopped (default 3600)
  --command-env NAMES      variables passed to the command beyond the allow-list (PATH, HOME, Python, CUDA)
  --device D               auto (default) | cpu | gpu: CUDA when a GPU is there (gpu: fail without one)
  --onnx-inputs YAML       ONNX graphs with several inputs: "input: [col, col]" per input
  --onnx-output NAME       ONNX output holding the scores (default the first)
  --onnx-runtime R         auto (default: native when installed) | native | wasm
  --slices FILE            YAML: columns, crossed pairs and min-size of the slices to measure
  --reference-data PATH    data drift: the reference sample (for example training data)
  --current-data PATH      data drift: the current sample (default: --data)
  --drift-correction C     bh (default) | bonferroni | none, over the p-value tests
  --drift-share S          share of drifted features that makes dataset drift (default 0.5)
  --drift-tests COL=T,...  per-feature test: ks, chi-square, z, wasserstein, jensen-shannon, psi
  --training-log PATH      Keras History JSON, CSVLogger CSV, or TensorBoard event files/folder
  --patience N             epochs without validation improvement that mark the turn (default 5)
  --bootstrap N            bootstrap resamples for intervals and p-values (default 1000; 0 = off)
  --confidence C           confidence level of the intervals (default 0.95)
  --seed S                 seed of the resampling (default 0)
  --allowed-roots D,D      folders besides the current one that input paths may lie in (after symlinks)
  --json OUT.json          write the JSON report
  --markdown OUT.md        write the markdown report (the PR comment)
  -q, --quiet              print nothing but errors

Exit status: 0 pass or warn, 1 fail, 2 bad input.`;

/**
 * Input paths must lie inside `cwd` (the CLI's workspace), a folder given with --allowed-roots, or one of
 * `extraRoots` (the demo passes its fixtures folder).
 */
export async function readCliSettings(argv: string[], cwd: string, extraRoots: string[] = []): Promise<{ settings: Settings; outputs: CliOutputs } | 'help'> {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (e) {
    throw flagError(e, 'evaluate');
  }
  if (values.help) return 'help';
  const str = (k: string) => values[k] as string | undefined;
  const roots = rootsOf(cwd, [...parseAllowedRoots(str('allowed-roots'), cwd), ...extraRoots]);
  let thresholds: string | undefined;
  if (str('thresholds') !== undefined) {
    const file = path.resolve(cwd, str('thresholds')!);
    confinePath('thresholds', file, roots);
    thresholds = await readFile(file, 'utf8').catch(() => {
      throw new InputError(`thresholds file not found: ${str('thresholds')} (resolved to ${file}).`);
    });
  }
  const raw: RawInputs = {
    candidate: str('candidate'),
    baselines: (values.baseline as string[] | undefined)?.join('\n'),
    data: str('data'),
    'train-data': str('train-data'),
    'label-column': str('label'),
    'id-column': str('id'),
    'query-column': str('query'),
    'ranking-k': str('ranking-k'),
    features: str('features'),
    task: str('task'),
    classes: str('classes'),
    'positive-class': str('positive-class'),
    'decision-threshold': str('decision-threshold'),
    'recall-at-fpr': str('recall-at-fpr'),
    'precision-at-recall': str('precision-at-recall'),
    thresholds,
    'primary-metrics': str('primary-metrics'),
    'fail-on': str('fail-on'),
    'batch-size': str('batch-size'),
    perf: values.perf === true ? 'true' : undefined,
    'perf-batch-sizes': str('perf-batch-sizes'),
    'perf-max-seconds': str('perf-max-seconds'),
    'stress-concurrency': str('stress-concurrency'),
    'stress-seconds': str('stress-seconds'),
    command: str('command'),
    'command-timeout': str('command-timeout'),
    'command-env': str('command-env'),
    device: str('device'),
    'onnx-inputs': str('onnx-inputs'),
    'onnx-output': str('onnx-output'),
    'onnx-runtime': str('onnx-runtime'),
    slices: str('slices') === undefined ? undefined : await readSlicesFile(path.resolve(cwd, str('slices')!), roots),
    'reference-data': str('reference-data'),
    'current-data': str('current-data'),
    'drift-correction': str('drift-correction'),
    'drift-share': str('drift-share'),
    'drift-tests': str('drift-tests'),
    'training-log': str('training-log'),
    patience: str('patience'),
    bootstrap: str('bootstrap'),
    confidence: str('confidence'),
    seed: str('seed'),
    'allowed-roots': str('allowed-roots'),
    comment: 'false',
  };
  const config = await loadConfigFile(str('config'), cwd, roots);
  const settings = resolveSettings(raw, config, cwd);
  confineSettings(settings, roots);
  return { settings, outputs: { json: str('json'), markdown: str('markdown'), quiet: values.quiet === true } };
}

async function readSlicesFile(file: string, roots: Roots): Promise<string> {
  confinePath('slices', file, roots);
  return readFile(file, 'utf8').catch(() => {
    throw new InputError(`slices file not found: ${file}.`);
  });
}

export const DRIFT_USAGE = `Usage: model-gate drift --reference-data PATH --current-data PATH [options]

  --reference-data PATH    the reference sample (for example training data)
  --current-data PATH      the current sample (for example recent production inputs)
  --id COLUMN              a row id column, left out of the comparison
  --drift-correction C     bh (default) | bonferroni | none, over the p-value tests
  --drift-share S          share of drifted features that makes dataset drift (default 0.5)
  --drift-tests COL=T,...  per-feature test: ks, chi-square, z, wasserstein, jensen-shannon, psi
  --allowed-roots D,D      folders besides the current one that the samples may lie in (after symlinks)
  --json OUT.json          write the JSON report
  --markdown OUT.md        write the markdown report
  -q, --quiet              print nothing but errors

Exit status: 0 no dataset drift, 1 dataset drift, 2 bad input.`;

const DRIFT_OPTIONS = {
  'reference-data': { type: 'string' },
  'current-data': { type: 'string' },
  id: { type: 'string' },
  'drift-correction': { type: 'string' },
  'drift-share': { type: 'string' },
  'drift-tests': { type: 'string' },
  'allowed-roots': { type: 'string' },
  json: { type: 'string' },
  markdown: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `model-gate drift` needs no model: only the two samples and the drift options. */
export function readDriftArgs(argv: string[], cwd: string): { settings: DriftSettings; outputs: CliOutputs } | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: DRIFT_OPTIONS, allowPositionals: false, strict: true }));
  } catch (e) {
    throw flagError(e, 'drift');
  }
  if (values.help) return 'help';
  const str = (k: string) => values[k] as string | undefined;
  const reference = str('reference-data');
  const current = str('current-data');
  if (reference === undefined || current === undefined) {
    throw new InputError('model-gate drift needs --reference-data and --current-data (two CSV, TSV or JSONL files).');
  }
  // The full settings resolver checks every drift option the same way as for evaluate.
  const full = resolveSettings(
    {
      candidate: '-',
      data: current,
      'label-column': '-',
      'reference-data': reference,
      'current-data': current,
      'id-column': str('id'),
      'drift-correction': str('drift-correction'),
      'drift-share': str('drift-share'),
      'drift-tests': str('drift-tests'),
    },
    undefined,
    cwd,
  );
  const roots = rootsOf(cwd, parseAllowedRoots(str('allowed-roots'), cwd));
  confinePath('reference-data', full.referenceData!, roots);
  confinePath('current-data', full.currentData!, roots);
  // No model, so no label: every column but the id is a feature here.
  return { settings: { ...full, labelColumns: [] }, outputs: { json: str('json'), markdown: str('markdown'), quiet: values.quiet === true } };
}

/** parseArgs' messages read well once its error-class prefix and trailing advice are gone. */
function flagError(e: unknown, command: string): InputError {
  const text = messageOf(e).replace(/^TypeError \[[A-Z_]+\]: /, '').split('. To specify')[0].replace(/\.$/, '');
  return new InputError(`${text}. Run "model-gate ${command} --help" for the flags.`);
}
