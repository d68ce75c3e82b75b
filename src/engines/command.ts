// Models run by a command of the user's (PyTorch, JAX, scikit-learn, anything): model-gate runs it once per
// evaluation, without a shell, and reads the predictions file it writes (the same formats as a predictions
// file model: `score`, `p_<class>` or `prediction` columns, optionally the id column).
//
// The command is a template. Quoting rules (close to a POSIX shell's, but nothing is ever run by a shell):
//   - words are split on spaces and tabs outside quotes;
//   - '…' keeps everything inside literally; "…" keeps everything except that \" and \\ stand for " and \;
//   - outside quotes a backslash keeps the next character literally ("my\ file" is one word);
//   - '' or "" is an empty word.
// Then, inside each word, {model}, {data}, {predictions} and {device} are replaced by their values: the
// model path, the evaluation data file, the file the command must write, and cpu or cuda. A value never
// splits or joins words and is never interpreted, whatever it holds (spaces, quotes, $(…), ;). {{ and }}
// stand for literal braces; any other {name} is an error. Pipes, redirections, $VARS and globs are not
// interpreted: to use a shell, say so and pass values as arguments, e.g.
//   bash -c 'python predict.py "$1" > "$2"' _ {data} {predictions}
// The device is also in the environment as MODEL_GATE_DEVICE.
//
// The command is code from the pull request, so it gets an allow-listed environment (childEnvironment):
// never the action's inputs (the token among them), ACTIONS_* runtime tokens or the runner's file-command
// paths, unless the user names a variable in `command-env`.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readDataset } from '../data/read.js';
import { DataError, InputError, ModelError, messageOf } from '../errors.js';
import { planDevice, type DeviceSetting } from '../hardware/device.js';
import { detectGpusOnce, type GpuReport } from '../hardware/gpus.js';
import type { Predictions } from '../types.js';
import { numberDefault } from '../settings/inputs.js';
import type { Engine, LoadedModel, PredictInput } from './engine.js';
import { describeFiles } from './files.js';
import { PREDICTION_EXTENSIONS, predictionsFromTable } from './predictions-file.js';

export const PLACEHOLDERS = ['model', 'data', 'predictions', 'device'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Bytes of output kept: the end of the log, for the report and for error messages. */
export const LOG_LIMIT = 64 * 1024;
/** After SIGTERM on timeout, how long before SIGKILL. */
const KILL_GRACE_MS = 5000;

export interface CommandOptions {
  /** The command template, e.g. `python predict.py --model {model} --data {data} --out {predictions} --device {device}`. */
  command: string;
  /** Stops the command (its whole process group) after this long; default the command-timeout input's (3600). */
  timeoutSeconds?: number;
  /** Working folder; default GITHUB_WORKSPACE, else the current folder. */
  cwd?: string;
  /** What {device} says: auto (cuda when nvidia-smi lists a GPU), cpu, or gpu (cuda, or an error without a GPU). */
  device?: DeviceSetting;
  /** Format of {predictions}: csv (default) or jsonl. */
  predictionsFormat?: 'csv' | 'jsonl';
  /** Extra environment variables for the command. */
  env?: Record<string, string>;
  /** Variables of model-gate's own environment passed on beside the allow-list (`command-env`). */
  passEnv?: readonly string[];
  /** Each piece of output as it arrives (to show it live in a CI log). */
  onOutput?: (text: string) => void;
  /** Replaces nvidia-smi (tests). */
  detectGpus?: () => Promise<GpuReport>;
}

export interface CommandRun {
  argv: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  seconds: number;
}

export interface CommandModel extends LoadedModel {
  /** The template split into words, placeholders still in (what will run). */
  words: string[];
  /** What {device} is: cpu or cuda. */
  device: 'cpu' | 'cuda';
  /** The last run's stdout and stderr, interleaved as they arrived: the last 64 KB. */
  log: string;
  lastRun?: CommandRun;
  notes: string[];
}

/** With `command` set, every model that is not a predictions file, whatever is at its path (the command is told it). */
export const commandEngine: Engine = {
  name: 'command',
  opens: (t) => t.options.command !== undefined && !PREDICTION_EXTENSIONS.includes(t.ext),
  layout: 'columns',
  load: (modelPath, name, options) =>
    loadCommandModel(modelPath, name, { command: options.command ?? '', timeoutSeconds: options.commandTimeout, device: options.device, passEnv: options.commandEnv }),
};

export async function loadCommandModel(modelPath: string, name: string, options: CommandOptions): Promise<CommandModel> {
  if (typeof options.command !== 'string' || options.command.trim() === '') {
    throw new InputError(`model ${name}: \`command\` is empty; give the command that writes predictions, e.g. "python predict.py {model} {data} {predictions}".`);
  }
  const words = splitCommand(options.command, `model ${name}: command`);
  if (words.length === 0) throw new InputError(`model ${name}: \`command\` has no words.`);
  // Fails early on unknown placeholders, before anything runs.
  fillPlaceholders(words, { model: '', data: '', predictions: '', device: '' }, `model ${name}: command`);
  if (!words.some((w) => w.includes('{predictions}'))) {
    throw new InputError(`model ${name}: \`command\` never mentions {predictions}, so model-gate cannot tell it where to write its predictions.`);
  }
  const timeoutSeconds = options.timeoutSeconds ?? numberDefault('command-timeout');
  if (!(timeoutSeconds > 0)) throw new InputError(`model ${name}: \`timeout\` must be a positive number of seconds, not ${timeoutSeconds}.`);
  const info = await stat(modelPath).catch(() => undefined);
  if (info === undefined) throw new ModelError(`model ${name}: ${modelPath} not found. Check the path given to the command as {model}.`);
  const files = await describeFiles(info.isDirectory() ? await filesUnder(modelPath) : [modelPath]);
  const device = await commandDevice(options, name);
  const cwd = options.cwd ?? process.env.GITHUB_WORKSPACE ?? process.cwd();
  const format = options.predictionsFormat ?? 'csv';
  const model: CommandModel = {
    engine: 'command',
    backend: `command: ${path.basename(words[0])}`,
    // It reads the data file itself, on all its rows, but from a data file that must hold the features.
    takesFeatures: false,
    needsFeatures: true,
    runsTrainingRows: true,
    files,
    metadata: {},
    words,
    device: device.device,
    log: '',
    notes: device.note === undefined ? [] : [device.note],
    predict: async (input: PredictInput): Promise<Predictions> => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'model-gate-command-'));
      try {
        const predictions = path.join(dir, `predictions.${format}`);
        const argv = fillPlaceholders(
          words,
          { model: path.resolve(modelPath), data: path.resolve(input.dataset.path), predictions, device: device.device },
          `model ${name}: command`,
        );
        const run = await runCommand(argv, {
          cwd,
          timeoutMs: timeoutSeconds * 1000,
          env: { ...childEnvironment(process.env, options.passEnv ?? []), ...options.env, MODEL_GATE_DEVICE: device.device },
          onOutput: options.onOutput,
        });
        model.log = run.log;
        model.lastRun = { argv, exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, seconds: run.seconds };
        const what = `model ${name}: command "${argv[0]}"`;
        if (run.spawnError !== undefined) {
          const e = run.spawnError;
          if (e.code === 'ENOENT') {
            throw new ModelError(`${what} not found (it runs without a shell, from ${cwd}). Use the program's name on PATH or its path.`);
          }
          throw new ModelError(`${what} could not start (${e.code ?? messageOf(e)}).`);
        }
        if (run.timedOut) {
          throw new ModelError(
            `${what} did not finish within ${timeoutSeconds} s and was stopped (SIGTERM${run.killed ? ', then SIGKILL,' : ''} to its process group).${tail(run.log)}`,
          );
        }
        if (run.signal !== null) throw new ModelError(`${what} was killed by ${run.signal} after ${run.seconds.toFixed(1)} s.${tail(run.log)}`);
        if (run.exitCode !== 0) throw new ModelError(`${what} exited with code ${run.exitCode} after ${run.seconds.toFixed(1)} s.${tail(run.log)}`);
        if (!(await stat(predictions).catch(() => undefined))?.isFile()) {
          throw new ModelError(`${what} finished but wrote no predictions to {predictions} (${predictions}).${tail(run.log)}`);
        }
        try {
          return predictionsFromTable(await readDataset(predictions), input);
        } catch (e) {
          if (e instanceof DataError || e instanceof ModelError) throw new ModelError(`${what} wrote predictions model-gate cannot use: ${e.message}`);
          throw e;
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    dispose: () => undefined,
  };
  return model;
}

async function commandDevice(options: CommandOptions, name: string): Promise<{ device: 'cpu' | 'cuda'; note?: string }> {
  const setting = options.device ?? 'auto';
  if (setting === 'cpu') return { device: 'cpu' };
  const gpus = await (options.detectGpus ?? detectGpusOnce)();
  // The command decides how to use the GPU: model-gate only says which device to use.
  const plan = planDevice(setting, gpus, { available: true }, name);
  return plan.note === undefined ? { device: plan.device } : { device: plan.device, note: plan.note };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/** The last lines of a log, indented, for an error message ('' for an empty log). */
function tail(log: string, lines = 20): string {
  const all = log.replace(/\s+$/, '').split(/\r?\n/);
  if (all.length === 1 && all[0] === '') return ' It printed nothing.';
  const last = all.slice(-lines);
  return ` Last ${last.length === 1 ? 'line' : `${last.length} lines`} of its output:\n${last.map((l) => `    ${l}`).join('\n')}`;
}

// ---------------------------------------------------------------------------------------------
// The template

/** Splits a command template into words by the quoting rules above; placeholders stay as written. */
export function splitCommand(template: string, where = 'command'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = template.indexOf("'", i + 1);
      if (end < 0) throw new InputError(`${where}: the ' at character ${i + 1} is never closed.`);
      word += template.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= template.length) throw new InputError(`${where}: the " at character ${i + 1} is never closed.`);
        const d = template[j];
        if (d === '"') break;
        if (d === '\\' && (template[j + 1] === '"' || template[j + 1] === '\\')) {
          word += template[j + 1];
          j += 2;
        } else {
          word += d;
          j++;
        }
      }
      inWord = true;
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= template.length) throw new InputError(`${where}: it ends with a lone backslash.`);
      word += template[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Replaces {model} {data} {predictions} {device} inside each word; {{ and }} are literal braces. */
export function fillPlaceholders(words: string[], values: Record<Placeholder, string>, where = 'command'): string[] {
  return words.map((w) =>
    w.replace(/\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, key: string | undefined) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      if (key !== undefined && (PLACEHOLDERS as readonly string[]).includes(key)) return values[key as Placeholder];
      throw new InputError(`${where}: unknown placeholder {${key}}; the placeholders are ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')} (write {{ and }} for literal braces).`);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Running it

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** SIGKILL was needed after the timeout's SIGTERM. */
  killed: boolean;
  /** The last LOG_LIMIT bytes of stdout and stderr, interleaved. */
  log: string;
  seconds: number;
  spawnError?: NodeJS.ErrnoException;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  /** The child's whole environment (nothing is inherited); default: the allow-list of model-gate's own. */
  env?: Record<string, string>;
  onOutput?: (text: string) => void;
  /** Kept output; default LOG_LIMIT. */
  logLimit?: number;
}

/**
 * Every process the command starts inherits this variable, with a value new for each run: what is left
 * after the run is found by it and stopped, even when it left the process group (as Jenkins finds a
 * build's leftovers by BUILD_ID).
 */
const COOKIE_NAME = 'MODEL_GATE_RUN';

/** SIGKILL to every process whose environment holds the run's cookie (Linux /proc; elsewhere nothing). */
function killCarriers(cookie: string): void {
  if (process.platform !== 'linux') return;
  const needle = Buffer.from(`${COOKIE_NAME}=${cookie}\0`);
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/environ`).includes(needle)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already, or another user's process
    }
  }
}

/** Variables every command gets when model-gate has them: what programs, Python, CUDA and caches need. */
export const CHILD_ENV_NAMES = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TERM', 'TMPDIR', 'TEMP', 'TMP',
  'LD_LIBRARY_PATH', 'VIRTUAL_ENV', 'PYTHONPATH', 'PYTHONHOME', 'PYTHONUNBUFFERED', 'PYTHONHASHSEED',
  'CUDA_VISIBLE_DEVICES', 'CUDA_HOME', 'CUDA_PATH', 'NVIDIA_VISIBLE_DEVICES', 'CUBLAS_WORKSPACE_CONFIG',
  'OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE',
  'HF_HOME', 'HF_HUB_OFFLINE', 'TORCH_HOME', 'XDG_CACHE_HOME', 'KERAS_HOME', 'JAX_PLATFORMS', 'XLA_FLAGS',
  'CI', 'GITHUB_ACTIONS', 'GITHUB_WORKSPACE', 'GITHUB_REPOSITORY', 'GITHUB_SHA', 'GITHUB_REF', 'GITHUB_RUN_ID',
  'RUNNER_OS', 'RUNNER_ARCH', 'RUNNER_TEMP', 'RUNNER_TOOL_CACHE',
  'SYSTEMROOT', 'SystemRoot', 'WINDIR', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
] as const;
/** Families of variables passed on by prefix: locales, conda. */
const CHILD_ENV_PREFIXES = ['LC_', 'CONDA_'];

/**
 * The environment a command runs with: the allow-listed variables of `env`, plus those `pass` names.
 * Nothing else: not INPUT_* (the token is INPUT_GITHUB-TOKEN), GITHUB_TOKEN, ACTIONS_* (runtime and
 * OIDC tokens), nor GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH and GITHUB_STEP_SUMMARY, through which a
 * child could change later steps.
 */
export function childEnvironment(env: NodeJS.ProcessEnv, pass: readonly string[]): Record<string, string> {
  const wanted = new Set<string>([...CHILD_ENV_NAMES, ...pass]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (wanted.has(name) || CHILD_ENV_PREFIXES.some((p) => name.startsWith(p))) out[name] = value;
  }
  return out;
}

/**
 * Runs argv without a shell in its own process group. On timeout the group gets SIGTERM, then SIGKILL
 * after a grace period, so whatever the command started stops too. Never rejects.
 */
export function runCommand(argv: string[], options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const limit = options.logLimit ?? LOG_LIMIT;
  const group = process.platform !== 'win32';
  const cookie = randomUUID();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    const keep = (b: Buffer) => {
      chunks.push(b);
      kept += b.length;
      while (kept - chunks[0].length >= limit) kept -= chunks.shift()!.length;
      options.onOutput?.(b.toString('utf8'));
    };
    let timedOut = false;
    let killed = false;
    let settled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let closeTimer: NodeJS.Timeout | undefined;
    const finish = (spawnError?: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      for (const t of [timer, killTimer, closeTimer]) if (t !== undefined) clearTimeout(t);
      // Whatever is left goes too: children that ignored a timeout's SIGTERM, background processes
      // the command left in its group, and those that left the group (setsid) but carry its cookie.
      signalGroup('SIGKILL');
      killCarriers(cookie);
      child.stdout?.destroy();
      child.stderr?.destroy();
      let all = Buffer.concat(chunks);
      if (all.length > limit) {
        all = all.subarray(all.length - limit);
        // Do not start in the middle of a UTF-8 character.
        let k = 0;
        while (k < 4 && k < all.length && (all[k] & 0xc0) === 0x80) k++;
        all = all.subarray(k);
      }
      const result: RunResult = {
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        killed,
        log: all.toString('utf8'),
        seconds: (Date.now() - started) / 1000,
      };
      if (spawnError !== undefined) result.spawnError = spawnError;
      resolve(result);
    };
    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (group) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: { ...(options.env ?? childEnvironment(process.env, [])), [COOKIE_NAME]: cookie },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group, // its own process group, so a timeout stops its children too
      windowsHide: true,
    });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid === undefined) finish(e); // did not start
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Normally 'close' follows at once; a background process holding the pipes must not hold model-gate.
      closeTimer = setTimeout(() => finish(), 2000);
    });
    child.on('close', (code, signal) => {
      exit ??= { code, signal };
      finish();
    });
    timer = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => {
        killed = true;
        signalGroup('SIGKILL');
      }, KILL_GRACE_MS);
    }, options.timeoutMs);
  });
}
