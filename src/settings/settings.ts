// One typed Settings object, resolved from raw inputs (the action's inputs or the CLI's flags) layered over an
// optional YAML config file and the input table's defaults (inputs.ts). Pure: the edges read the inputs and the file.

import path from 'node:path';
import { parseYamlText } from './yaml.js';
import { InputError } from '../errors.js';
import { quote, shorten } from '../untrusted.js';
import type { TaskSetting } from '../types.js';
import { parseThresholdsYaml, thresholdsFrom, type Thresholds } from './thresholds.js';
import { gitBaselineName, parseGitBaseline, type GitBaselineSpec } from './git-baseline.js';
import { CONFIG_KEYS, defaultOf, EVALUATE_FLAGS, WORKFLOW_ONLY_INPUTS, type InputName } from './inputs.js';

export { INPUT_NAMES, WORKFLOW_ONLY_INPUTS, type InputName } from './inputs.js';

export const FAIL_ON = ['regression', 'overfitting', 'drift'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface ModelSpec {
  name: string;
  /**
   * The model file or folder. A git baseline (`git`): where the model would be in the workspace (the
   * candidate's path, or `:path` from the workspace), for its extension only, until pipeline/git-baselines.ts
   * writes it out of git and puts the written path here.
   */
  path: string;
  /** A baseline read from a git revision (`@base`, `@v1.2.0:models/old`); `cwd` is the workspace git runs in. Never confined as a path. */
  git?: GitBaselineSpec & { cwd: string };
  /** Set by pipeline/git-baselines.ts once the model is written out of git: how it is shown, and the temporary folder it is in. */
  fromGit?: GitWritten;
}

/** A git baseline written into a temporary folder: what reports show instead of that folder. */
export interface GitWritten {
  /** The revision as written and as resolved: `@base (merge base 1a2b3c4)`, `@previous-release (v1.2.0, 1a2b3c4)`. */
  revision: string;
  /** The model's path in the repository. */
  repoPath: string;
  /** The temporary folder (removed when evaluate() ends); never shown. */
  dir: string;
}

export interface Settings {
  candidate: ModelSpec;
  baselines: ModelSpec[];
  data: string;
  trainData?: string;
  labelColumn: string;
  /** Several label columns (one 0/1 column per label) make a multilabel task. */
  labelColumns: string[];
  /** Ranking: the column that groups items into queries; the label is the graded relevance. */
  queryColumn?: string;
  /** Ranking: the cut-offs k of ndcg@k, map@k, recall@k and hit_rate@k. */
  rankingK: number[];
  idColumn?: string;
  features?: string[];
  task: TaskSetting;
  classes?: string[];
  positiveClass?: string;
  decisionThreshold: number;
  /** The false-positive rate at which recall_at_fpr is read. */
  recallAtFpr: number;
  /** The recall at which precision_at_recall is read. */
  precisionAtRecall: number;
  thresholds: Thresholds;
  /** The metrics that move the verdict without a threshold; undefined: the task's defaults (src/metrics/direction.ts). */
  primaryMetrics?: string[];
  comment: boolean;
  /** Publish a check run for the commit (the `check-run` input). */
  checkRun: boolean;
  /** Where each threshold was written when the thresholds came from the config file: its path and, per metric, the 1-based line. */
  thresholdLines?: { file: string; lines: Record<string, number> };
  /** What fails the step: the gate's regressions, overfitting/underfitting, drift. Empty: never. */
  failOn: FailOn[];
  commentKey: string;
  /** The login the token writes comments as (a GitHub App's `my-app[bot]`); undefined: asked from GitHub. */
  commentAuthor?: string;
  batchSize: number;
  /** Data drift: the reference sample (for example training data) and the current one (default: data). */
  referenceData?: string;
  currentData?: string;
  driftCorrection: 'bh' | 'bonferroni' | 'none';
  /** Share of drifted features at which the whole dataset counts as drifted. */
  driftShare: number;
  /** Per-feature test overrides: column → ks, chi-square, z, wasserstein, jensen-shannon or psi. */
  driftTests: Record<string, string>;
  /** Any framework: `python eval.py --model {model} --data {data} --out {predictions}`. */
  command?: string;
  commandTimeout: number;
  /** Variables of the runner's environment passed to the command beyond the allow-list (tokens are not, unless named here). */
  commandEnv: string[];
  device: 'auto' | 'cpu' | 'gpu';
  onnxInputs?: Record<string, string[]>;
  onnxOutput?: string;
  onnxRuntime: 'auto' | 'native' | 'wasm';
  /** Action only: install onnxruntime-node into the runner's tool cache on first use. */
  installNative: boolean;
  /** Latency at several batch sizes, a stress run and peak memory, per model. */
  perf: boolean;
  perfBatchSizes: number[];
  perfMaxSeconds: number;
  /** Concurrent callers of the stress run; 0 turns it off. */
  stressConcurrency: number;
  stressSeconds: number;
  /** Slices: columns, crossed pairs, minimum slice size. */
  slices?: { columns: string[]; crossed: [string, string][]; minSize: number };
  /** What training left behind: Keras History JSON, CSVLogger CSV, or TensorBoard event files / folder. */
  trainingLog?: string;
  /** Epochs without improvement of the validation loss that count as "it turned" (Keras EarlyStopping's patience). */
  patience: number;
  /** Bootstrap resamples for intervals and p-values; 0 turns the bootstrap off. */
  bootstrap: number;
  /** Confidence level of every interval. */
  confidence: number;
  /** Seed of the resampling weights: same inputs and seed give byte-identical reports. */
  seed: number;
  /** Action only: the Keep a Changelog file the changelog entry is written into (a workspace path). */
  changelogFile?: string;
  /** Action only: the Hugging Face model card whose model-index and metrics section are updated (a workspace path). */
  modelCard?: string;
}

/** What `model-gate drift` and the pipeline's drift stage read: no model, so the labels are optional. */
export type DriftSettings = Pick<Settings, 'referenceData' | 'currentData' | 'data' | 'idColumn' | 'queryColumn' | 'driftTests' | 'driftCorrection' | 'driftShare'> & {
  labelColumns?: string[];
};

/** Raw values by input name (kebab-case). Empty strings mean "not given". */
export type RawInputs = Partial<Record<InputName, string>>;

/** A parsed config file: its values, and the folder its relative paths start from. */
export interface ConfigFile {
  path: string;
  values: Record<string, unknown>;
  /** The 1-based line of each metric under `thresholds:` (set by loadConfigFile, for the check run's annotations). */
  thresholdLines?: Record<string, number>;
}

const TASKS: TaskSetting[] = ['auto', 'binary', 'multiclass', 'regression', 'multilabel', 'ranking'];

/** Parses config YAML text; errors name the file, line and column. */
export function parseConfig(text: string, file: string): ConfigFile {
  const values = parseYamlText(text, file, 'the config file is') ?? {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new InputError(`${file}: the config file must be a YAML mapping of input names to values.`);
  }
  for (const key of Object.keys(values)) {
    if (WORKFLOW_ONLY_INPUTS.includes(key)) {
      // The config file may come from the pull request; only the workflow (or the CLI's caller) widens what is
      // read or which of the runner's variables a command sees.
      const flag = EVALUATE_FLAGS.some((f) => f.name === key) ? ` (--${key} in the CLI)` : '';
      throw new InputError(`${file}: "${key}" cannot be set in a config file; set the \`${key}\` input of the workflow step${flag}.`);
    }
    if (!CONFIG_KEYS.includes(key)) {
      throw new InputError(`${file}: unknown key ${quote(key)}. Known keys: ${CONFIG_KEYS.join(', ')}.`);
    }
  }
  return { path: file, values: values as Record<string, unknown> };
}

/**
 * Reads one input at a time: the raw input first, then the config file, then the table's default. Relative
 * paths from inputs resolve against `cwd`; relative paths from the config resolve against the config file's
 * folder, so a config can travel with its models.
 */
function readerOf(inputs: RawInputs, config: ConfigFile | undefined, cwd: string) {
  const cfg = config?.values ?? {};
  const cfgDir = config ? path.dirname(path.resolve(cwd, config.path)) : cwd;
  const cfgName = config?.path ?? 'config';

  const given = (name: InputName): string | undefined => {
    const v = inputs[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const fromConfig = (name: InputName): unknown => cfg[name];

  const pathSetting = (name: InputName): string | undefined => {
    const v = given(name);
    if (v !== undefined) return path.resolve(cwd, v);
    const c = fromConfig(name);
    if (c === undefined || c === null || c === '') return undefined;
    if (typeof c !== 'string') throw new InputError(`${cfgName}: "${name}" must be a path (a string).`);
    return path.resolve(cfgDir, c);
  };
  const textSetting = (name: InputName): string | undefined => {
    const v = given(name);
    if (v !== undefined) return v;
    const c = fromConfig(name);
    if (c === undefined || c === null || c === '') return defaultOf(name);
    if (typeof c === 'object') throw new InputError(`${cfgName}: "${name}" must be a single value.`);
    return String(c);
  };
  const listSetting = (name: InputName): string[] | undefined => {
    const commas = name !== 'baselines';
    const v = given(name);
    if (v !== undefined) return splitList(v, commas);
    const c = fromConfig(name);
    if (c === undefined || c === null) {
      const d = defaultOf(name);
      return d === undefined ? undefined : splitList(d, commas);
    }
    if (Array.isArray(c)) return c.map((x) => String(x).trim()).filter((x) => x !== '');
    if (typeof c === 'string') return splitList(c, commas);
    throw new InputError(`${cfgName}: "${name}" must be a list or a string with one item per line.`);
  };
  /** Inputs the table gives a default: a value is always there. */
  const defaulted = (name: InputName): string => {
    const v = textSetting(name);
    if (v === undefined) throw new Error(`the input table gives ${name} no default`);
    return v;
  };
  return {
    cfgName,
    cfgDir,
    given,
    fromConfig,
    path: pathSetting,
    text: textSetting,
    list: listSetting,
    number: (name: InputName, lo: number, hi: number) => numberSetting(defaulted(name), name, lo, hi),
    integer: (name: InputName, lo: number, hi: number) => integerSetting(defaulted(name), name, lo, hi),
    boolean: (name: InputName) => booleanSetting(defaulted(name), name),
    oneOf: <T extends string>(name: InputName, allowed: readonly T[]) => oneOf(defaulted(name), name, allowed),
    driftTests: (): Record<string, string> =>
      Object.fromEntries(
        (listSetting('drift-tests') ?? []).map((item) => {
          const [column, test] = item.split('=').map((x) => x.trim());
          if (!column || !test) throw new InputError(`drift-tests: "${item}" must be column=test, for example "age=psi".`);
          return [column, test];
        }),
      ),
  };
}

/** Inputs override the config file, and the config file the table's defaults. */
export function resolveSettings(inputs: RawInputs, config: ConfigFile | undefined, cwd: string): Settings {
  const read = readerOf(inputs, config, cwd);
  const { cfgName, given, fromConfig } = read;

  const candidatePath = read.path('candidate');
  if (candidatePath === undefined) {
    throw new InputError('No candidate model: set the `candidate` input (or --candidate) to a model.json, its folder, or a predictions file.');
  }
  const data = read.path('data');
  if (data === undefined) {
    throw new InputError('No evaluation data: set the `data` input (or --data) to a CSV, TSV, JSONL or .npz file.');
  }
  const labelColumns = read.list('label-column') ?? [];
  const labelColumn = labelColumns[0];
  if (labelColumn === undefined) {
    throw new InputError('No label column: set the `label-column` input (or --label-column) to the column that holds the true values.');
  }

  const baselineSource = given('baselines') !== undefined ? cwd : read.cfgDir;
  // `@rev[:path]` names a git revision (pipeline/git-baselines.ts reads it); git runs in the workspace.
  const baselines = (read.list('baselines') ?? []).map((line, i) => parseGitModelSpec(line, i, candidatePath, cwd) ?? parseModelSpec(line, baselineSource, i));
  checkNames(baselines);

  const task = read.text('task') as TaskSetting;
  if (!TASKS.includes(task)) {
    throw new InputError(`task must be one of ${TASKS.join(', ')}, not "${task}".`);
  }

  const failOn = failOnSetting(read.list('fail-on')!);

  const thresholdsText = given('thresholds');
  const thresholds =
    thresholdsText !== undefined
      ? parseThresholdsYaml(thresholdsText, 'the thresholds input')
      : typeof fromConfig('thresholds') === 'string'
        ? parseThresholdsYaml(fromConfig('thresholds') as string, `${cfgName} (thresholds)`)
        : thresholdsFrom(fromConfig('thresholds'), `${cfgName} (thresholds)`);

  return {
    candidate: { name: 'candidate', path: candidatePath },
    baselines,
    data,
    trainData: read.path('train-data'),
    labelColumn,
    labelColumns,
    queryColumn: read.text('query-column'),
    rankingK: read.list('ranking-k')!.map((k) => integerSetting(k, 'ranking-k', 1, 1_000_000)),
    idColumn: read.text('id-column'),
    features: read.list('features'),
    task,
    classes: read.list('classes'),
    positiveClass: read.text('positive-class'),
    decisionThreshold: read.number('decision-threshold', 0, 1),
    recallAtFpr: read.number('recall-at-fpr', 0, 1),
    precisionAtRecall: read.number('precision-at-recall', 0, 1),
    thresholds,
    primaryMetrics: primaryMetricsSetting(read.list('primary-metrics')),
    comment: read.boolean('comment'),
    checkRun: read.boolean('check-run'),
    ...(thresholdsText === undefined && config?.thresholdLines ? { thresholdLines: { file: config.path, lines: config.thresholdLines } } : {}),
    failOn,
    commentKey: read.text('comment-key')!,
    commentAuthor: commentAuthorSetting(read.text('comment-author')),
    batchSize: read.integer('batch-size', 1, 1_000_000),
    command: read.text('command'),
    commandTimeout: read.integer('command-timeout', 1, 7 * 24 * 3600),
    commandEnv: (given('command-env') === undefined ? [] : splitList(given('command-env')!, true)).map((name) => envName(name)),
    device: read.oneOf('device', ['auto', 'cpu', 'gpu'] as const),
    onnxInputs: onnxInputsSetting(given('onnx-inputs') ?? fromConfig('onnx-inputs'), cfgName),
    onnxOutput: read.text('onnx-output'),
    installNative: read.boolean('install-native'),
    onnxRuntime: read.oneOf('onnx-runtime', ['auto', 'native', 'wasm'] as const),
    perf: read.boolean('perf'),
    perfBatchSizes: read.list('perf-batch-sizes')!.map((b) => integerSetting(b, 'perf-batch-sizes', 1, 1_000_000)),
    perfMaxSeconds: read.number('perf-max-seconds', 0.01, 600),
    stressConcurrency: read.integer('stress-concurrency', 0, 1024),
    stressSeconds: read.number('stress-seconds', 0.01, 3600),
    slices: slicesSetting(given('slices') ?? fromConfig('slices'), cfgName),
    referenceData: read.path('reference-data'),
    currentData: read.path('current-data'),
    driftCorrection: read.oneOf('drift-correction', DRIFT_CORRECTIONS),
    driftShare: read.number('drift-share', 0, 1),
    driftTests: read.driftTests(),
    trainingLog: read.path('training-log'),
    patience: read.integer('patience', 1, 10_000),
    bootstrap: read.integer('bootstrap', 0, 100_000),
    confidence: read.number('confidence', 0.5, 0.9999),
    seed: read.integer('seed', 0, 2 ** 32 - 1),
    changelogFile: read.path('changelog-file'),
    modelCard: read.path('model-card'),
  };
}

const DRIFT_CORRECTIONS = ['bh', 'bonferroni', 'none'] as const;

/** fail-on's items (regression, overfitting, drift, or never) as the resolver reads them; InputError on any other. */
export function failOnSetting(items: readonly string[]): FailOn[] {
  for (const f of items) {
    if (![...FAIL_ON, 'never'].includes(f)) {
      throw new InputError(`fail-on must list regression, overfitting or drift (or be never), not "${f}".`);
    }
  }
  return items.filter((f): f is FailOn => f !== 'never');
}

/** comment-author: a GitHub login, a user's (`octocat`) or an app's bot (`my-app[bot]`). */
function commentAuthorSetting(login: string | undefined): string | undefined {
  if (login === undefined) return undefined;
  const name = login.trim();
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/.test(name)) {
    throw new InputError(`comment-author: ${quote(login)} is not a GitHub login; give the account the token writes as, for a GitHub App "my-app[bot]".`);
  }
  return name;
}

/** `model-gate drift`: the two samples and the drift inputs, read and checked as for evaluate. */
export function resolveDriftSettings(inputs: RawInputs, cwd: string): DriftSettings {
  const read = readerOf(inputs, undefined, cwd);
  const referenceData = read.path('reference-data');
  const currentData = read.path('current-data');
  if (referenceData === undefined || currentData === undefined) {
    throw new InputError('model-gate drift needs --reference-data and --current-data (two CSV, TSV or JSONL files).');
  }
  return {
    referenceData,
    currentData,
    data: currentData,
    idColumn: read.text('id-column'),
    queryColumn: undefined,
    driftCorrection: read.oneOf('drift-correction', DRIFT_CORRECTIONS),
    driftShare: read.number('drift-share', 0, 1),
    driftTests: read.driftTests(),
    // No model, so no label: every column but the id is a feature here.
    labelColumns: [],
  };
}

/** `primary-metrics`: metric names, or `none` (only thresholds move the verdict). Names are checked against the task later. */
function primaryMetricsSetting(list: string[] | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  if (list.length === 1 && list[0] === 'none') return [];
  if (list.includes('none')) throw new InputError('primary-metrics: "none" cannot be listed with metric names; give either names or none.');
  return list;
}

/** `name=path` or `path`; a bare path is named after its file or folder. */
export function parseModelSpec(line: string, cwd: string, index: number): ModelSpec {
  const eq = line.indexOf('=');
  // A Windows drive or a path containing "=" later on is still a path when the part before "=" has a slash.
  if (eq > 0 && !/[\\/]/.test(line.slice(0, eq))) {
    const name = line.slice(0, eq).trim();
    const p = line.slice(eq + 1).trim();
    if (p === '') throw new InputError(`baseline ${index + 1} (${quote(line)}) names no path after "=".`);
    // A name is an identifier in every message and table: short, on one line.
    if (name.length > MAX_MODEL_NAME || /[\u0000-\u001f\u007f\u2028\u2029]/.test(name)) {
      throw new InputError(`baseline ${index + 1}: the name ${quote(name)} must be at most ${MAX_MODEL_NAME} characters on one line; write "short-name=path".`);
    }
    return { name, path: path.resolve(cwd, p) };
  }
  return { name: shorten(defaultModelName(line).replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' '), MAX_MODEL_NAME), path: path.resolve(cwd, line) };
}

/**
 * `name=@rev[:path]` or `@rev[:path]` (named base, previous-release, the tag or branch, or the commit's 7 digits):
 * a baseline read from git (settings/git-baseline.ts has the syntax); undefined when the line names a file.
 * Without `:path` the model is at the candidate's own path; `path` holds that path, or `:path` from `cwd`.
 */
export function parseGitModelSpec(line: string, index: number, candidatePath: string, cwd: string): ModelSpec | undefined {
  const eq = line.indexOf('=');
  const named = !line.startsWith('@') && eq > 0 && !/[\\/]/.test(line.slice(0, eq));
  const value = named ? line.slice(eq + 1).trim() : line;
  const given = named ? line.slice(0, eq).trim() : undefined;
  const spec = parseGitBaseline(value, given === undefined ? 'baselines' : `baselines (${quote(given)})`);
  if (spec === undefined) return undefined;
  const name = given ?? shorten(gitBaselineName(spec), MAX_MODEL_NAME);
  checkModelName(name, index);
  const local = spec.path === undefined ? candidatePath : path.resolve(cwd, ...spec.path.split('/'));
  return { name, path: local, git: { ...spec, cwd } };
}

function checkModelName(name: string, index: number): void {
  // A name is an identifier in every message and table: short, on one line.
  if (name.length > MAX_MODEL_NAME || /[\u0000-\u001f\u007f\u2028\u2029]/.test(name)) {
    throw new InputError(`baseline ${index + 1}: the name ${quote(name)} must be at most ${MAX_MODEL_NAME} characters on one line; write "short-name=path".`);
  }
}

/** The longest baseline name. */
const MAX_MODEL_NAME = 100;

function defaultModelName(p: string): string {
  const parts = p.split(/[\\/]/).filter((s) => s !== '');
  const last = parts[parts.length - 1] ?? p;
  if (last === 'model.json' && parts.length > 1) return parts[parts.length - 2];
  return last;
}

function checkNames(specs: ModelSpec[]): void {
  const seen = new Set<string>(['candidate', 'dummy']);
  for (const s of specs) {
    if (seen.has(s.name)) {
      throw new InputError(
        `baseline name "${s.name}" is used twice or is reserved (candidate, dummy): write "other-name=${s.path}".`,
      );
    }
    seen.add(s.name);
  }
}

/** A variable name for command-env: letters, digits, _ and - (the runner's INPUT_GITHUB-TOKEN has one). */
function envName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
    throw new InputError(`command-env: ${quote(name)} is not an environment variable name; list names only (for example HF_TOKEN), one per line or comma-separated.`);
  }
  return name;
}

/** Baselines are one per line (paths may hold commas); other lists also split on commas. */
export function splitList(text: string, commas: boolean): string[] {
  return text
    .split(commas ? /\r?\n|,/ : /\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function numberSetting(v: string, name: string, lo: number, hi: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < lo || n > hi) {
    throw new InputError(`${name} must be a number from ${lo} to ${hi}, not "${v}".`);
  }
  return n;
}

/** `onnx-inputs:` graph input name → the columns feeding it, as YAML text or a mapping. */
function onnxInputsSetting(value: unknown, source: string): Record<string, string[]> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = typeof value === 'string' ? parseYamlText(value, 'the onnx-inputs input', 'it is') : value;
  const ok =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) &&
    Object.values(parsed as object).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'));
  if (!ok) {
    throw new InputError(`${typeof value === 'string' ? 'the onnx-inputs input' : `${source} (onnx-inputs)`}: map each graph input to its columns, for example "bill: [bill_length_mm, bill_depth_mm]".`);
  }
  return parsed as Record<string, string[]>;
}

/** `slices:` as YAML text (the input) or a mapping (the config): columns, crossed pairs, min-size. */
function slicesSetting(value: unknown, source: string): Settings['slices'] {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = typeof value === 'string' ? parseYamlText(value, 'the slices input', 'it is') : value;
  const where = typeof value === 'string' ? 'the slices input' : `${source} (slices)`;
  const usage = 'for example "columns: [island, sex]\ncrossed: [[island, sex]]\nmin-size: 30"';
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError(`${where}: slices must be a mapping, ${usage}.`);
  const o = parsed as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['columns', 'crossed', 'min-size'].includes(key)) throw new InputError(`${where}: unknown key "${key}"; use columns, crossed or min-size.`);
  }
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (o.columns !== undefined && !strings(o.columns)) throw new InputError(`${where}: columns must be a list of column names, ${usage}.`);
  if (o.crossed !== undefined && !(Array.isArray(o.crossed) && o.crossed.every((p) => strings(p) && (p as string[]).length === 2))) {
    throw new InputError(`${where}: crossed must be a list of column pairs, ${usage}.`);
  }
  const minSize = o['min-size'] ?? 30;
  if (typeof minSize !== 'number' || !Number.isInteger(minSize) || minSize < 1) throw new InputError(`${where}: min-size must be a whole number of rows, at least 1.`);
  return { columns: (o.columns as string[]) ?? [], crossed: (o.crossed as [string, string][]) ?? [], minSize };
}

function oneOf<T extends string>(v: string, name: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new InputError(`${name} must be one of ${allowed.join(', ')}, not "${v}".`);
  return v as T;
}

function integerSetting(v: string, name: string, lo: number, hi: number): number {
  const n = numberSetting(v, name, lo, hi);
  if (!Number.isInteger(n)) throw new InputError(`${name} must be a whole number from ${lo} to ${hi}, not "${v}".`);
  return n;
}

function booleanSetting(v: string, name: string): boolean {
  const b = parseBoolean(v);
  if (b === undefined) throw new InputError(`${name} must be true or false, not "${v}".`);
  return b;
}

/** A boolean input's value as the resolver reads it (true/yes/on/1, false/no/off/0, any case); undefined when it is none of them. */
export function parseBoolean(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(s)) return true;
  if (['false', 'no', 'off', '0'].includes(s)) return false;
  return undefined;
}
