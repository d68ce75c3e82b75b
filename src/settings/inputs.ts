// Every input, declared once. The resolver's names, the action's defaults, the CLI's flags and --help, the
// config-file keys, action.yml's inputs and the README's Inputs table all come from this table (a test,
// test/settings/inputs-agree.test.ts, holds action.yml and the README to it; scripts/inputs.mjs rewrites them).
// No runtime imports: scripts/inputs.mjs loads this file on its own.

/** What a value is: how the CLI parses it (boolean: a bare flag) and what --help shows as its argument. */
export type InputType = 'path' | 'text' | 'list' | 'number' | 'boolean' | 'choice' | 'yaml';

export interface InputSpec {
  /** kebab-case: the action's input, the config-file key and the CLI flag (--name). */
  readonly name: string;
  readonly type: InputType;
  /** The action's default as action.yml shows it; '' when none. The resolver falls back to it too. */
  readonly default: string;
  /** One line: action.yml, the README and --help show this text. */
  readonly description: string;
  /** Other CLI flags for the same input (the CLI's older short names). */
  readonly aliases?: readonly string[];
  /** CLI: the flag may repeat; the values join one per line (as the action's input is written). */
  readonly repeatable?: boolean;
  /** --help's argument name; the type's when not given. */
  readonly arg?: string;
  /** A config file may set it. */
  readonly config: boolean;
  /** Only the action (no CLI flag) or only the CLI (not an action input, not a setting). */
  readonly only?: 'action' | 'cli';
  /** Read at the action's edge (main.ts) and never a setting or logged: github-token, mode, artifact-name. */
  readonly edge?: boolean;
  /** `model-gate drift` takes it too. */
  readonly drift?: boolean;
}

export const INPUTS = [
  { name: 'candidate', type: 'path', default: '', config: true,
    description: 'The candidate model: a TF.js model.json (or its folder), an ONNX file, or a predictions file (.csv, .tsv, .jsonl or .ndjson with one row per data row).' },
  { name: 'baselines', type: 'path', default: '', config: true, aliases: ['baseline'], repeatable: true, arg: '[NAME=]PATH',
    description:
      'Baseline models, one per line (in the CLI, one flag each), each "name=path" or "path" (the name is then the file or folder name). ' +
      'A value starting with "@" reads the model from a git revision at the candidate\'s own path: "main=@base" (the pull request\'s merge base), ' +
      '"release=@previous-release" (the newest release tag older than the current one), "v1.2=@v1.2.0" (a tag, branch or full commit id); ' +
      'add ":path/in/repo" for another path ("old=@v1.2.0:models/old"). Without "name=", the name is the revision ("@base" is named base).' },
  { name: 'data', type: 'path', default: '', config: true,
    description: 'Evaluation data: CSV, TSV or JSONL with a header row, a NumPy archive (.npz from np.savez, one array per column or a 2-D array of features), or Parquet (.parquet).' },
  { name: 'train-data', type: 'path', default: '', config: true,
    description: "Training data. When given, the dummy baseline uses its class prior (or mean) instead of the evaluation data's." },
  { name: 'label-column', type: 'list', default: '', config: true, aliases: ['label'], arg: 'COLUMN',
    description: 'The column that holds the true values. Several comma-separated 0/1 columns make a multilabel task; for ranking it holds the graded relevance.' },
  { name: 'id-column', type: 'text', default: '', config: true, aliases: ['id'], arg: 'COLUMN', drift: true,
    description: 'A row id column. It is not a feature (nor compared for drift), and predictions files are matched to data rows by it.' },
  { name: 'query-column', type: 'text', default: '', config: true, aliases: ['query'], arg: 'COLUMN',
    description: 'Ranking tasks: the column that groups items into queries.' },
  { name: 'ranking-k', type: 'list', default: '5,10', config: true, arg: 'K,K',
    description: 'Ranking tasks: the cut-offs k of ndcg@k, map@k, recall@k and hit_rate@k, comma-separated.' },
  { name: 'features', type: 'list', default: '', config: true,
    description: "Feature columns in the model's input order, comma- or newline-separated. Default: the model's own list (TF.js userDefinedMetadata), else every column but the label and id." },
  { name: 'task', type: 'choice', default: 'auto', config: true, arg: 'TASK',
    description: "binary, multiclass, regression, multilabel, ranking or auto (from the model's metadata, else from the label columns and query column)." },
  { name: 'classes', type: 'list', default: '', config: true,
    description: "Class labels in the model's output order, comma- or newline-separated. Default: the model's metadata, else the sorted labels. For binary the second is the positive class." },
  { name: 'positive-class', type: 'text', default: '', config: true, arg: 'CLASS',
    description: 'The positive class of a binary task.' },
  { name: 'decision-threshold', type: 'number', default: '0.5', config: true,
    description: 'Score at or above which a binary prediction counts as positive.' },
  { name: 'recall-at-fpr', type: 'number', default: '0.01', config: true,
    description: 'The false-positive rate at which recall_at_fpr is read (fraud and screening models).' },
  { name: 'precision-at-recall', type: 'number', default: '0.9', config: true,
    description: 'The recall at which precision_at_recall is read.' },
  { name: 'thresholds', type: 'yaml', default: '', config: true,
    description: 'YAML mapping of metric names to rules: min, max (bounds on the candidate), max-drop, max-relative-drop (largest allowed worsening against each baseline), min-effect (smallest significant worsening that warns), severity (fail or warn), if-missing; for example "accuracy: { min: 0.8, max-drop: 0.01 }".' },
  { name: 'primary-metrics', type: 'list', default: '', config: true,
    description: 'Metrics that move the verdict without a threshold, comma-separated; none: only thresholds do. Default per task: roc_auc,log_loss (binary), roc_auc_ovr_macro,log_loss (multiclass), mse,mae (regression), roc_auc_macro,hamming_loss (multilabel), the smallest ndcg@k and mrr (ranking).' },
  { name: 'config', type: 'path', default: '', config: false, arg: 'FILE',
    description: 'A YAML file that may hold any of these inputs (kebab-case keys); inputs given here override it. Relative paths in it start at its folder.' },
  { name: 'allowed-roots', type: 'list', default: '', config: false, arg: 'DIR,DIR', drift: true,
    description: "Folders besides the workspace that input paths (models, data, config, training log) may lie in, comma- or newline-separated (for example a folder under the runner's temp folder where an earlier step put artifacts). Every path must lie, after symlinks, inside the workspace or one of these; a config file cannot set this." },
  { name: 'github-token', type: 'text', default: '${{ github.token }}', config: false, only: 'action', edge: true,
    description: 'Token for GitHub: the pull request comment, the check run, and in publish and monitor modes the artifacts, the monitoring issue and repository_dispatch. Masked before the first line is printed.' },
  { name: 'mode', type: 'choice', default: 'evaluate', config: false, only: 'action', edge: true, arg: 'MODE',
    description: 'evaluate (the default: evaluate the candidate and publish), publish (on a workflow_run event: post the comment and check run from the evaluate run\'s artifact, for pull requests from forks; see "Pull requests from forks"), monitor (on a schedule: watch production and keep an issue; a degraded model does not fail the step, and fail-on is not read) or merge (after a matrix of `shard` runs: read every shard\'s artifact of this workflow run and report as one unsharded run; see "Sharding over a job matrix").' },
  { name: 'shard', type: 'text', default: '', config: false, edge: true, arg: 'I/N',
    description: 'Run the models on shard I of N only (for example "1/3" from a matrix of shards 1, 2, 3): the rows whose id hashes to it (id-column is required). The step writes the partial result into the folder of its `shard-dir` output (the CLI: --shard-dir), for actions/upload-artifact, and reports nothing; `mode: merge` (the CLI: model-gate merge --shards) reports. perf is refused.' },
  { name: 'shard-dir', type: 'path', default: '', config: false, only: 'cli', arg: 'DIR',
    description: 'With --shard: the folder the partial result is written into (default model-gate-shard-I-of-N).' },
  { name: 'shards', type: 'path', default: '', config: false, only: 'cli', repeatable: true, arg: 'DIR ...',
    description: 'model-gate merge: the folders the shard runs wrote (their --shard-dir), one or several after the flag.' },
  { name: 'shard-artifact-prefix', type: 'text', default: 'model-gate-shard-', config: false, only: 'action', edge: true, arg: 'PREFIX',
    description: 'mode: merge: the shard results are this workflow run\'s artifacts whose names start with this (upload each as model-gate-shard-<i>-of-<N>).' },
  { name: 'artifact-name', type: 'text', default: 'model-gate', config: false, only: 'action', edge: true, arg: 'NAME',
    description: 'mode: publish: the name of the artifact the pull request\'s run uploaded (actions/upload-artifact\'s name) holding the publish bundle.' },
  { name: 'issue-labels', type: 'list', default: '', config: false, only: 'action', edge: true, arg: 'LABEL,LABEL',
    description: 'mode: monitor: labels the monitoring issue is opened with, comma- or newline-separated (it is found by its hidden marker and author, not by its labels).' },
  { name: 'issue-assignees', type: 'list', default: '', config: false, only: 'action', edge: true, arg: 'LOGIN,LOGIN',
    description: 'mode: monitor: GitHub logins the monitoring issue is assigned to when it is opened, comma- or newline-separated (a reopened issue keeps the assignees people left it with).' },
  { name: 'history', type: 'number', default: '30', config: false, only: 'action', edge: true, arg: 'N',
    description: "mode: monitor: how many runs the monitoring issue remembers (in a hidden block of its body) for its trend table and chart, 1 to 200." },
  { name: 'retrain-event', type: 'text', default: '', config: false, only: 'action', edge: true, arg: 'NAME',
    description: 'mode: monitor: send repository_dispatch with this event type when the model goes from healthy to degraded (once, not on every degraded run), with client_payload { model, reason, drifted_features, failed_gates, drift_share, run_url, issue_url }. A workflow with `on: repository_dispatch: types: [NAME]` retrains.' },
  { name: 'comment', type: 'boolean', default: 'true', config: true, only: 'action',
    description: 'Post or update the pull request comment (true or false). The job summary is always written.' },
  { name: 'comment-key', type: 'text', default: 'default', config: true, only: 'action',
    description: "Names this configuration's comment, so several gates on one pull request keep one comment each." },
  { name: 'comment-author', type: 'text', default: '', config: false, only: 'action', arg: 'LOGIN',
    description: "The login the github-token writes comments as, for a GitHub App's token: my-app[bot]. Default: asked from GitHub (GET /user), else github-actions[bot] (GITHUB_TOKEN's). Only this login's comments are ever edited or deleted; an app's token without it posts a new comment each run, folds it into its oldest one, and warns." },
  { name: 'check-run', type: 'boolean', default: 'true', config: true, only: 'action',
    description: "Publish a check run named model-gate (or `model-gate (<comment-key>)`) on the commit: in progress while the gate runs, then success, neutral (warn) or failure, with the report as its summary and annotations for failed gates and findings. Needs `checks: write`; without it (a fork's read-only token) it warns and goes on." },
  { name: 'changelog-file', type: 'path', default: '', config: false, only: 'action', arg: 'FILE',
    description: 'A Keep a Changelog file in the workspace (CHANGELOG.md) to write the changelog entry into, under "## [Unreleased]" (the file and the section are made when missing); on a tag run the Unreleased section becomes the version\'s. The file is only written: a later step commits it (see "Writing changes down").' },
  { name: 'model-card', type: 'path', default: '', config: false, only: 'action', arg: 'FILE',
    description: 'A Hugging Face model card in the workspace (README.md or MODEL_CARD.md) to record the candidate\'s metrics in: the model-index results of its YAML front matter and a metrics section between `<!-- model-gate:metrics:start -->` and `<!-- model-gate:metrics:end -->` markers; the rest of the file is left as it is.' },
  { name: 'fail-on', type: 'list', default: 'regression', config: true, arg: 'WHAT,WHAT',
    description: 'What fails the step, comma-separated: regression (thresholds, no skill, bad input), overfitting (overfitting and underfitting findings), drift (data, label and prediction drift findings); or never (report only). Not read in mode: monitor, where a degraded model does not fail the step.' },
  { name: 'batch-size', type: 'number', default: '1024', config: true,
    description: 'Rows per inference batch.' },
  { name: 'perf', type: 'boolean', default: 'false', config: true,
    description: "Measure each model's latency (p50, p95, p99 at several batch sizes, after warm-up), a stress run of concurrent requests and peak memory; thresholds can then gate on latency_p95_ms and the like." },
  { name: 'perf-batch-sizes', type: 'list', default: '1,32,256', config: true, arg: 'B,B',
    description: 'Batch sizes for the latency measurement, comma-separated.' },
  { name: 'perf-max-seconds', type: 'number', default: '3', config: true, arg: 'S',
    description: 'Seconds per batch size, once the minimum of 30 timed runs is reached.' },
  { name: 'stress-concurrency', type: 'number', default: '4', config: true,
    description: 'Concurrent callers in the stress run; 0 turns it off.' },
  { name: 'stress-seconds', type: 'number', default: '5', config: true, arg: 'S',
    description: 'Length of the stress run in seconds.' },
  { name: 'command', type: 'text', default: '', config: false, arg: 'TEMPLATE',
    description: 'Any framework: a command template run for the candidate and each baseline that is not a predictions file, for example python eval.py --model {model} --data {data} --out {predictions} --device {device}. It runs without a shell.' },
  { name: 'command-timeout', type: 'number', default: '3600', config: true, arg: 'S',
    description: "Seconds before a model's command is stopped." },
  { name: 'command-env', type: 'list', default: '', config: false, arg: 'NAME,NAME',
    description: "Environment variables passed to the command beyond the allow-list (PATH, HOME, locale, Python, CUDA and cache variables), comma- or newline-separated names, e.g. HF_TOKEN. The action's inputs, GITHUB_TOKEN and ACTIONS_* are never passed unless named here; values of the variables named are masked in everything model-gate prints or posts." },
  { name: 'device', type: 'choice', default: 'auto', config: true, arg: 'DEVICE',
    description: 'auto (CUDA when nvidia-smi shows a GPU and the runtime supports it, else CPU, with a note when it falls back), cpu, or gpu (fail without one).' },
  { name: 'onnx-inputs', type: 'yaml', default: '', config: true,
    description: 'ONNX graphs with several inputs: YAML mapping each graph input to its columns, for example "bill: [bill_length_mm, bill_depth_mm]".' },
  { name: 'install-native', type: 'boolean', default: 'false', config: true, only: 'action',
    description: "true to install onnxruntime-node (with its CUDA libraries when a GPU is present) into the runner's tool cache on first use, when the workspace has none; later runs on the same runner find it there." },
  { name: 'onnx-output', type: 'text', default: '', config: true, arg: 'NAME',
    description: 'The ONNX output that holds the scores. Default the first output.' },
  { name: 'onnx-runtime', type: 'choice', default: 'auto', config: true, arg: 'RUNTIME',
    description: 'auto (onnxruntime-node from the workspace when installed, else the bundled onnxruntime-web WebAssembly build), native or wasm.' },
  { name: 'slices', type: 'yaml', default: '', config: true,
    description: 'YAML: the slices to measure every metric on, for example "columns: [island, sex], crossed: [[island, sex]], min-size: 30".' },
  { name: 'reference-data', type: 'path', default: '', config: true, drift: true,
    description: 'Data drift: the reference sample (for example a sample of the training data). Each feature is tested as Evidently does by default, with a multiple-testing correction.' },
  { name: 'current-data', type: 'path', default: '', config: true, drift: true,
    description: 'Data drift: the current sample (for example recent production inputs). When evaluating a model it defaults to data; model-gate drift needs it.' },
  { name: 'drift-correction', type: 'choice', default: 'bh', config: true, arg: 'CORRECTION', drift: true,
    description: 'Multiple-testing correction over the drift p-values: bh (Benjamini-Hochberg), bonferroni or none.' },
  { name: 'drift-share', type: 'number', default: '0.5', config: true, arg: 'SHARE', drift: true,
    description: 'Share of drifted features at or above which the dataset counts as drifted.' },
  { name: 'drift-tests', type: 'list', default: '', config: true, arg: 'COL=TEST,...', drift: true,
    description: 'Per-feature drift test overrides, comma-separated column=test with test one of ks, chi-square, z, wasserstein, jensen-shannon, psi.' },
  { name: 'training-log', type: 'path', default: '', config: true,
    description: 'What training left behind, to chart the curves and find where validation loss turned: a Keras History JSON, a Keras CSVLogger file, or TensorBoard event files (a file or the log folder).' },
  { name: 'patience', type: 'number', default: '5', config: true,
    description: "Epochs without improvement of the validation loss after which it counts as turned, as Keras EarlyStopping's patience." },
  { name: 'bootstrap', type: 'number', default: '1000', config: true,
    description: 'Paired bootstrap resamples behind every interval and p-value; 0 turns the bootstrap off.' },
  { name: 'confidence', type: 'number', default: '0.95', config: true, arg: 'C',
    description: 'Confidence level of every interval.' },
  { name: 'seed', type: 'number', default: '0', config: true,
    description: 'Seed of the resampling weights. The same inputs and seed give byte-identical reports.' },
  { name: 'json', type: 'path', default: '', config: false, only: 'cli', arg: 'FILE', drift: true,
    description: 'Write the JSON report to FILE; - writes it to standard output and nothing else goes there.' },
  { name: 'markdown', type: 'path', default: '', config: false, only: 'cli', arg: 'FILE', drift: true,
    description: 'Write the markdown report (the pull request comment) to FILE; - writes it to standard output.' },
  { name: 'quiet', type: 'boolean', default: '', config: false, only: 'cli', aliases: ['q'], drift: true,
    description: 'Print nothing but errors (and a report sent to standard output).' },
  { name: 'help', type: 'boolean', default: '', config: false, only: 'cli', aliases: ['h'], drift: true,
    description: 'Show this help.' },
] as const satisfies readonly InputSpec[];

type Entry = (typeof INPUTS)[number];
/** Names the settings resolver reads: every input but the CLI's own and the action's token. */
export type InputName = Exclude<Entry, { only: 'cli' } | { edge: true }>['name'];

const specs: readonly InputSpec[] = INPUTS;

/** The resolver's inputs, in the table's order. */
export const INPUT_NAMES = specs.filter((i) => i.only !== 'cli' && !i.edge).map((i) => i.name) as InputName[];

/** Keys a config file may hold. */
export const CONFIG_KEYS: readonly string[] = specs.filter((i) => i.config).map((i) => i.name);

/** Inputs a config file cannot set (the workflow step or the CLI's caller only), besides CLI-only flags. */
export const WORKFLOW_ONLY_INPUTS: readonly string[] = specs.filter((i) => !i.config && i.only !== 'cli').map((i) => i.name);

/** The action's inputs, as action.yml declares them. */
export const ACTION_INPUTS: readonly InputSpec[] = specs.filter((i) => i.only !== 'cli');

/** `evaluate`'s flags (every input but the action-only ones) and `drift`'s. */
export const EVALUATE_FLAGS: readonly InputSpec[] = specs.filter((i) => i.only !== 'action');
export const DRIFT_FLAGS: readonly InputSpec[] = specs.filter((i) => i.drift === true);

/** The input's declaration. */
export function inputSpec(name: string): InputSpec {
  const spec = specs.find((i) => i.name === name);
  if (spec === undefined) throw new Error(`no input named ${name}`);
  return spec;
}

/** The table's default, or undefined when it has none. */
export function defaultOf(name: InputName): string | undefined {
  const d = inputSpec(name).default;
  return d === '' ? undefined : d;
}

/** The names of the inputs of one type that the table gives a default. */
type DefaultedOf<T extends InputType> = Extract<Exclude<Entry, { default: '' }>, { type: T }>['name'];

/** A number input's default, as the resolver reads it: the kernels' defaults come from here. */
export function numberDefault(name: DefaultedOf<'number'>): number {
  const n = Number(inputSpec(name).default);
  if (!Number.isFinite(n)) throw new Error(`the input table's default of ${name} is not a number`);
  return n;
}

/** A list input's default, split at commas and line breaks as the resolver splits it. */
export function listDefault(name: DefaultedOf<'list'>): string[] {
  return inputSpec(name).default.split(/\r?\n|,/).map((s) => s.trim()).filter((s) => s !== '');
}

/** A list-of-numbers input's default (perf-batch-sizes, ranking-k). */
export function numberListDefault(name: DefaultedOf<'list'>): number[] {
  return listDefault(name).map(Number);
}

/** A choice input's default. */
export function choiceDefault(name: DefaultedOf<'choice'>): string {
  return inputSpec(name).default;
}

/** A boolean input's default. */
export function booleanDefault(name: DefaultedOf<'boolean'>): boolean {
  return inputSpec(name).default === 'true';
}

/** A one-letter alias is a short flag (-q); longer ones are flags of their own (--label). */
export function flagNames(spec: InputSpec): string[] {
  return [spec.name, ...(spec.aliases ?? [])].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
}

const ARG_OF_TYPE: Record<InputType, string> = { path: 'PATH', text: 'TEXT', list: 'A,B', number: 'N', boolean: '', choice: 'VALUE', yaml: 'YAML|FILE' };

/** The flags' part of a --help line: "--label-column, --label COLUMN". */
export function helpFlags(spec: InputSpec): string {
  const names = flagNames(spec).sort((a, b) => (a.startsWith('--') ? 1 : 0) - (b.startsWith('--') ? 1 : 0));
  const arg = spec.type === 'boolean' ? '' : ` ${spec.arg ?? ARG_OF_TYPE[spec.type]}`;
  return names.join(', ') + arg;
}

/** --help: one entry per flag, its default beside it and the description wrapped under it. */
export function helpText(flags: readonly InputSpec[], width = 100): string {
  const indent = '      ';
  return flags
    .map((spec) => {
      const head = spec.default !== '' && spec.type !== 'boolean' ? `  ${helpFlags(spec)}  (default ${spec.default})` : `  ${helpFlags(spec)}`;
      return [head, ...wrap(spec.description, width - indent.length).map((l) => indent + l)].join('\n');
    })
    .join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * The CLI's rule for a YAML input: a value on one line that does not start with "{" and holds no ": " is a
 * file path (read, after the workspace check); anything else is the YAML itself. Every YAML input is a
 * mapping, and a mapping written inline always has one of those. A one-line value that is the path of an
 * existing file inside the allowed folders is a file path too, ": " or not (settings/cli-args.ts).
 */
export function isYamlText(value: string): boolean {
  return /[\r\n]/.test(value) || value.trimStart().startsWith('{') || /:(\s|$)/.test(value);
}
