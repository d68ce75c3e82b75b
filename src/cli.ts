// The same pipeline for a terminal: model-gate evaluate | demo | help | version.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BAD_INPUT_KINDS, GateError, InputError, messageOf } from './errors.js';
import { escalate, evaluate, stepFails, type Evaluation } from './pipeline/evaluate.js';
import type { Log } from './pipeline/log.js';
import { renderReport, reportDate } from './report/render.js';
import { DRIFT_USAGE, EVALUATE_USAGE, readCliSettings, readDriftArgs, STDOUT, type CliOutputs } from './settings/cli-args.js';
import { measureDataDrift } from './pipeline/drift.js';
import { renderDriftReport } from './report/comment.js';
import type { FailOn } from './settings/settings.js';
import { mapStrings, MAX_MESSAGE_CHARS, quote, safeLogText, scrubber, scrubTokens, shorten } from './untrusted.js';
import { VERSION } from './version.js';
import { CHANGELOG_USAGE, changelogCommand } from './publish/changelog-file.js';
import { MODEL_CARD_USAGE, modelCardCommand } from './publish/model-card.js';
import type { ModelSource } from './pipeline/evaluate.js';
import type { Settings } from './settings/settings.js';
import { parseShard, type ShardSpec } from './shard/spec.js';
import { runShard, ShardRunError, writePartial } from './shard/run.js';
import { readPartialAt } from './shard/read.js';
import { mergeSource } from './shard/index.js';

/** The commands `main` takes (help and version besides --help, -h and --version). */
export const COMMANDS = ['evaluate', 'merge', 'drift', 'changelog', 'model-card', 'demo', 'help', 'version'] as const;

export const USAGE = `model-gate ${VERSION}: gate neural network changes on metrics, like code review for models.

Usage:
  model-gate evaluate --candidate PATH --baselines [NAME=]PATH ... --data PATH --label-column COLUMN [options]
                         with --shard I/N [--shard-dir DIR] (and --id-column): run the models on shard I of N
                         only (rows by id hash) and write the partial result into DIR; nothing is reported
  model-gate merge --shards DIR [DIR ...] [the same evaluate flags]
                         merge every shard's result into the report of the unsharded run
  model-gate drift --reference-data PATH --current-data PATH [--json OUT|-] [--markdown OUT|-]
                         data drift between two samples, no model needed; exit 1 on dataset drift
  model-gate changelog --report REPORT.json --changelog-file CHANGELOG.md [--version X.Y.Z]
                         write the report's changelog entry into a Keep a Changelog file
  model-gate model-card --report REPORT.json --model-card README.md
                         record the candidate's metrics in a Hugging Face model card
  model-gate demo        run on the bundled fixtures (penguins, TF.js) and print the comment
  model-gate help        this text; "model-gate evaluate --help" lists every flag
  model-gate version`;

/**
 * Writes to stderr as the action writes to its log: secrets scrubbed, and no line of an untrusted value
 * can start a workflow command (the CLI runs in CI too).
 */
function stderr(text: string, scrub: (t: string) => string = scrubTokens): void {
  process.stderr.write(safeLogText(shorten(scrub(text), MAX_MESSAGE_CHARS)) + '\n');
}

function stderrLog(quiet: boolean, scrub = scrubTokens): Log {
  const say = (m: string) => {
    if (!quiet) stderr(m, scrub);
  };
  const debug = (m: string) => {
    if (process.env.MODEL_GATE_DEBUG) stderr(`debug: ${m}`, scrub);
  };
  return {
    info: say,
    warning: (m) => stderr(`warning: ${m}`, scrub),
    debug,
    group: async (name, fn) => {
      say(`▸ ${name}`);
      const started = performance.now();
      try {
        return await fn();
      } finally {
        // Where the time went, for `MODEL_GATE_DEBUG=1` (the benchmark reads it).
        debug(`${name}: ${Math.round(performance.now() - started)} ms`);
      }
    },
  };
}

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'evaluate':
        return await evaluateCommand(rest, cwd);
      case 'merge':
        return await mergeCommand(rest, cwd);
      case 'demo':
        return await demoCommand(rest);
      case 'drift':
        return await driftCommand(rest, cwd);
      case 'changelog':
      case 'model-card':
        return await documentCommand(command, rest, cwd);
      case 'version':
      case '--version':
        process.stdout.write(VERSION + '\n');
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return 0;
      default:
        throw new InputError(`unknown command ${quote(command)}. Commands: ${COMMANDS.join(', ')}.`);
    }
  } catch (e) {
    stderr(`model-gate: ${e instanceof GateError ? '' : 'unexpected error: '}${messageOf(e)}`);
    return 2;
  }
}

/**
 * Flags the shard and merge commands read themselves (they are not settings): each value after `--name`
 * (or `--name=value`), several when `many` (up to the next flag); the rest of argv is left for the settings.
 */
export function takeFlag(argv: string[], name: string, many = false): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith(`--${name}=`)) values.push(a.slice(name.length + 3));
    else if (a === `--${name}`) {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new InputError(`--${name} needs a value.`);
      values.push(argv[++i]);
      while (many && i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.push(argv[++i]);
    } else rest.push(a);
  }
  return { values, rest };
}

async function evaluateCommand(argv: string[], cwd: string, source?: (settings: Settings) => Promise<ModelSource>): Promise<number> {
  const shardFlag = takeFlag(argv, 'shard');
  const dirFlag = takeFlag(shardFlag.rest, 'shard-dir');
  if (shardFlag.values.length > 1 || dirFlag.values.length > 1) throw new InputError('--shard and --shard-dir are given once.');
  if (dirFlag.values.length > 0 && shardFlag.values.length === 0) throw new InputError('--shard-dir goes with --shard I/N.');
  if (takeFlag(dirFlag.rest, 'shards').values.length > 0) throw new InputError('--shards is model-gate merge\'s: model-gate merge --shards DIR [DIR ...].');
  const parsed = await readCliSettings(dirFlag.rest, cwd);
  if (parsed === 'help') {
    process.stdout.write(EVALUATE_USAGE + '\n');
    return 0;
  }
  const { settings, outputs } = parsed;
  // Variables handed to the command may be secrets the command could print into its log.
  const scrub = scrubber(settings.commandEnv.map((name) => process.env[name]));
  const log = stderrLog(outputs.quiet, scrub);
  if (shardFlag.values.length === 1) {
    const shard = parseShard(shardFlag.values[0], '--shard');
    const dir = path.resolve(cwd, dirFlag.values[0] ?? `model-gate-shard-${shard.index}-of-${shard.count}`);
    const file = await shardRun(settings, shard, log, dir, path.resolve(cwd));
    if (typeof file === 'number') return file;
    if (!outputs.quiet) stderr(`shard ${shard.index}/${shard.count}: wrote ${file}`, scrub);
    return 0;
  }
  const started = performance.now();
  // Scrubbed before rendering: markdown escapes would hide a secret from a scrubber run on the result.
  const evaluation = mapStrings(await evaluate(settings, log, source && (await source(settings))), scrub);
  const rendered = renderReport(evaluation, { date: reportDate() });
  const markdown = scrub(rendered.markdown);
  // A file that cannot be written is an error, but the verdict is still printed and the exit code still says it.
  let written = true;
  const write = async (file: string, text: string) => {
    try {
      await writeOut(path.resolve(cwd, file), text);
    } catch (e) {
      written = false;
      stderr(`error: cannot write ${file}: ${messageOf(e)}`, scrub);
    }
  };
  await emit(outputs, cwd, { json: scrub(JSON.stringify(rendered.json, null, 2)) + '\n', markdown }, write);
  // Milliseconds since the process started: what lies before is start-up, what follows is exit.
  log.debug(`pipeline ran from ${Math.round(started)} ms to ${Math.round(performance.now())} ms`);
  printFindings(evaluation, scrub);
  if (!outputs.quiet) stderr(`verdict: ${evaluation.gate.verdict}`);
  return exitCode(evaluation, settings.failOn, written);
}

/** A shard run: the partial result's path, or the exit code of a run that stopped at an error (printed). */
async function shardRun(settings: Settings, shard: ShardSpec, log: Log, dir: string, root: string): Promise<string | number> {
  try {
    return await writePartial(dir, await runShard(settings, shard, log, root));
  } catch (e) {
    if (!(e instanceof ShardRunError)) throw e;
    stderr(`error: ${e.message}`);
    return BAD_INPUT_KINDS.has(e.finding.kind) ? 2 : 1;
  }
}

/** model-gate merge --shards DIR...: the evaluate command, with the models' outputs read from the shards. */
async function mergeCommand(argv: string[], cwd: string): Promise<number> {
  const { values, rest } = takeFlag(argv, 'shards', true);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write('Usage: model-gate merge --shards DIR [DIR ...] [the evaluate flags the shards ran with]\n');
    return 0;
  }
  if (values.length === 0) throw new InputError('merge needs --shards DIR [DIR ...]: the folders the shard runs wrote (--shard-dir).');
  if (takeFlag(rest, 'shard').values.length > 0) throw new InputError('merge takes --shards (the results), not --shard.');
  const parts = await Promise.all(values.map((v) => readPartialAt(path.resolve(cwd, v))));
  return evaluateCommand(rest, cwd, (settings) => mergeSource(settings, parts, path.resolve(cwd)));
}

/** 0 pass or warn, 1 the gate failed, 2 bad input (settings, data or a model at fault) or a report not written. */
function exitCode(e: Evaluation, failOn: FailOn[], written: boolean): number {
  if (!written || e.gate.findings.some((f) => f.severity === 'error' && BAD_INPUT_KINDS.has(f.kind))) return 2;
  return stepFails(e, failOn) ? 1 : 0;
}

/**
 * The reports where --json and --markdown send them (`-`: standard output). With neither, the markdown goes
 * to standard output unless --quiet; with `--json -`, nothing but the JSON does.
 */
async function emit(
  outputs: CliOutputs,
  cwd: string,
  reports: { json: string; markdown: string },
  write: (file: string, text: string) => Promise<void> = (file, text) => writeOut(path.resolve(cwd, file), text),
): Promise<void> {
  for (const kind of ['json', 'markdown'] as const) {
    const target = outputs[kind];
    if (target === STDOUT) process.stdout.write(reports[kind]);
    else if (target) await write(target, reports[kind]);
  }
  if (!outputs.json && !outputs.markdown && !outputs.quiet) process.stdout.write(reports.markdown);
}

async function demoCommand(argv: string[]): Promise<number> {
  const config = findDemoConfig();
  if (config === undefined) {
    throw new InputError('the demo fixtures (fixtures/penguins-sex/model-gate.yml) are not next to this copy of model-gate; run it from a clone of the repository.');
  }
  const parsed = await readCliSettings(['--config', config, ...argv], process.cwd(), [path.dirname(config)]);
  if (parsed === 'help') {
    process.stdout.write('Usage: model-gate demo [evaluate flags to override the demo config]\n');
    return 0;
  }
  const evaluation = await evaluate(parsed.settings, stderrLog(parsed.outputs.quiet));
  const rendered = renderReport(evaluation, { date: reportDate() });
  // The demo shows its comment on standard output unless a report is sent there instead.
  const { json, markdown } = parsed.outputs;
  await emit({ json, markdown, quiet: true }, process.cwd(), { json: JSON.stringify(rendered.json, null, 2) + '\n', markdown: rendered.markdown });
  if (json !== STDOUT && markdown !== STDOUT) process.stdout.write(rendered.markdown);
  printFindings(evaluation);
  stderr(`verdict: ${evaluation.gate.verdict}`);
  // The demo shows a report; only a broken demo (an error finding from bad fixtures: bad input) exits non-zero, with 2.
  return evaluation.models.some((m) => m.role === 'candidate') ? 0 : 2;
}

/** The bundle lives in dist/cli/, the source in src/: walk up to the repository's fixtures. */
function findDemoConfig(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'fixtures', 'penguins-sex', 'model-gate.yml');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

async function driftCommand(argv: string[], cwd: string): Promise<number> {
  const parsed = readDriftArgs(argv, cwd);
  if (parsed === 'help') {
    process.stdout.write(DRIFT_USAGE + '\n');
    return 0;
  }
  const stage = await measureDataDrift(parsed.settings, stderrLog(parsed.outputs.quiet));
  const drift = { ...stage.drift!, reference: stage.reference!, current: stage.current! };
  // This command fails on dataset drift, as `fail-on: drift` does: the decision is an error here.
  const findings = escalate(stage.findings, ['drift']);
  const markdown = safeLogText(renderDriftReport(drift, findings, VERSION));
  const json = { schemaVersion: 1, tool: { name: 'model-gate', version: VERSION }, kind: 'drift', drift, findings };
  await emit(parsed.outputs, cwd, { json: JSON.stringify(json, null, 2) + '\n', markdown });
  if (!parsed.outputs.quiet) stderr(`dataset drift: ${drift.datasetDrift ? 'yes' : 'no'}`);
  return drift.datasetDrift ? 1 : 0;
}

/** changelog and model-card: a file updated from a JSON report (publish/changelog-file.ts, publish/model-card.ts). */
async function documentCommand(command: 'changelog' | 'model-card', argv: string[], cwd: string): Promise<number> {
  const done = command === 'changelog' ? await changelogCommand(argv, cwd) : await modelCardCommand(argv, cwd);
  if (done === 'help') process.stdout.write((command === 'changelog' ? CHANGELOG_USAGE : MODEL_CARD_USAGE) + '\n');
  else stderr(done);
  return 0;
}

function printFindings(e: Evaluation, scrub = scrubTokens): void {
  for (const f of e.gate.findings) if (f.severity === 'error') stderr(`error: ${f.message}`, scrub);
}

async function writeOut(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}
