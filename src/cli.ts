// The same pipeline for a terminal: model-gate evaluate | demo | help | version.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GateError, InputError, messageOf } from './errors.js';
import { evaluate, stepFails, type Evaluation } from './pipeline/evaluate.js';
import type { Log } from './pipeline/log.js';
import { renderReport, reportDate } from './report/render.js';
import { DRIFT_USAGE, EVALUATE_USAGE, readCliSettings, readDriftArgs } from './settings/cli-args.js';
import { measureDataDrift } from './pipeline/drift.js';
import { renderDriftReport } from './report/comment.js';
import { VERSION } from './version.js';

const USAGE = `model-gate ${VERSION}: gate neural network changes on metrics, like code review for models.

Usage:
  model-gate evaluate --candidate PATH --baseline [NAME=]PATH ... --data PATH --label COLUMN [options]
  model-gate drift --reference-data PATH --current-data PATH [--json OUT] [--markdown OUT]
                         data drift between two samples, no model needed; exit 1 on dataset drift
  model-gate demo        run on the bundled fixtures (penguins, TF.js) and print the comment
  model-gate help        this text; "model-gate evaluate --help" lists every flag
  model-gate version`;

function stderrLog(quiet: boolean): Log {
  const say = (m: string) => {
    if (!quiet) process.stderr.write(m + '\n');
  };
  const debug = (m: string) => {
    if (process.env.MODEL_GATE_DEBUG) process.stderr.write(`debug: ${m}\n`);
  };
  return {
    info: say,
    warning: (m) => process.stderr.write(`warning: ${m}\n`),
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
      case 'demo':
        return await demoCommand(rest);
      case 'drift':
        return await driftCommand(rest, cwd);
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
        throw new InputError(`unknown command "${command}". Commands: evaluate, demo, help, version.`);
    }
  } catch (e) {
    process.stderr.write(`model-gate: ${e instanceof GateError ? '' : 'unexpected error: '}${messageOf(e)}\n`);
    return 2;
  }
}

async function evaluateCommand(argv: string[], cwd: string): Promise<number> {
  const parsed = await readCliSettings(argv, cwd);
  if (parsed === 'help') {
    process.stdout.write(EVALUATE_USAGE + '\n');
    return 0;
  }
  const { settings, outputs } = parsed;
  const log = stderrLog(outputs.quiet);
  const started = performance.now();
  const evaluation = await evaluate(settings, log);
  const rendered = renderReport(evaluation, { date: reportDate() });
  if (outputs.json) await writeOut(path.resolve(cwd, outputs.json), JSON.stringify(rendered.json, null, 2) + '\n');
  if (outputs.markdown) await writeOut(path.resolve(cwd, outputs.markdown), rendered.markdown);
  // Milliseconds since the process started: what lies before is start-up, what follows is exit.
  log.debug(`pipeline ran from ${Math.round(started)} ms to ${Math.round(performance.now())} ms`);
  if (!outputs.json && !outputs.markdown && !outputs.quiet) process.stdout.write(rendered.markdown);
  printFindings(evaluation);
  if (!outputs.quiet) process.stderr.write(`verdict: ${evaluation.gate.verdict}\n`);
  return stepFails(evaluation, settings.failOn) ? 1 : 0;
}

async function demoCommand(argv: string[]): Promise<number> {
  const config = findDemoConfig();
  if (config === undefined) {
    throw new InputError('the demo fixtures (fixtures/penguins-sex/model-gate.yml) are not next to this copy of model-gate; run it from a clone of the repository.');
  }
  const parsed = await readCliSettings(['--config', config, ...argv], process.cwd());
  if (parsed === 'help') {
    process.stdout.write('Usage: model-gate demo [evaluate flags to override the demo config]\n');
    return 0;
  }
  const evaluation = await evaluate(parsed.settings, stderrLog(parsed.outputs.quiet));
  const rendered = renderReport(evaluation, { date: reportDate() });
  if (parsed.outputs.json) await writeOut(path.resolve(parsed.outputs.json), JSON.stringify(rendered.json, null, 2) + '\n');
  process.stdout.write(rendered.markdown);
  printFindings(evaluation);
  process.stderr.write(`verdict: ${evaluation.gate.verdict}\n`);
  // The demo shows a report; only a broken demo (an error finding from bad fixtures) exits non-zero.
  return evaluation.models.some((m) => m.role === 'candidate') ? 0 : 1;
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
  const markdown = renderDriftReport(drift, stage.findings, VERSION);
  const json = { schemaVersion: 1, tool: { name: 'model-gate', version: VERSION }, kind: 'drift', drift, findings: stage.findings };
  if (parsed.outputs.json) await writeOut(path.resolve(cwd, parsed.outputs.json), JSON.stringify(json, null, 2) + '\n');
  if (parsed.outputs.markdown) await writeOut(path.resolve(cwd, parsed.outputs.markdown), markdown);
  if (!parsed.outputs.json && !parsed.outputs.markdown && !parsed.outputs.quiet) process.stdout.write(markdown);
  if (!parsed.outputs.quiet) process.stderr.write(`dataset drift: ${drift.datasetDrift ? 'yes' : 'no'}\n`);
  return drift.datasetDrift ? 1 : 0;
}

function printFindings(e: Evaluation): void {
  for (const f of e.gate.findings) if (f.severity === 'error') process.stderr.write(`error: ${f.message}\n`);
}

async function writeOut(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}
