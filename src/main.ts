// run(): the action's pipeline, and the only place that fails the step.

import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BAD_INPUT_KINDS, messageOf } from './errors.js';
import { fitCommentBody } from './github/comment.js';
import { commentMarker } from './github/marker.js';
import { publishComment } from './github/publish.js';
import { readEventContext, type EventContext } from './github/context.js';
import { errorFinding, evaluate, failedEvaluation, stepFails, type Evaluation } from './pipeline/evaluate.js';
import type { Log } from './pipeline/log.js';
import { renderReport, reportDate } from './report/render.js';
import { readActionSettings } from './settings/action-inputs.js';
import { installNativeOnnx, realInstallDeps } from './engines/install-native.js';
import { detectGpusOnce } from './hardware/gpus.js';
import type { Settings } from './settings/settings.js';
import type { Finding } from './types.js';
import { mapStrings, MAX_MESSAGE_CHARS, safeLogText, scrubber, shorten } from './untrusted.js';

const SUMMARY_TRUNCATION_NOTE =
  "> [!NOTE]\n> This summary was cut short to fit GitHub's job summary limit. The full report is in the JSON report (output `report-json`).";

/** The onnxruntime-node version matching the bundled onnxruntime-web, so both runtimes agree. */
const ORT_VERSION = '1.30.0';

/** GitHub refuses a job summary over 1 MiB; leave room for other steps' summaries. */
const SUMMARY_LIMIT = 512 * 1024;

/**
 * Everything the action prints goes through here: secrets are scrubbed, and no line of an untrusted
 * value can start a workflow command (core.warning and core.error escape their own line breaks).
 */
class ActionOutput {
  private scrub: (text: string) => string = (t) => t;
  private readonly secrets: string[] = [];

  /** Masks values with the runner (::add-mask::) and in every later line model-gate writes. */
  addSecrets(values: readonly (string | undefined)[]): void {
    for (const v of values) {
      if (v === undefined || v.length < 4 || this.secrets.includes(v)) continue;
      core.setSecret(v);
      this.secrets.push(v);
    }
    this.scrub = scrubber(this.secrets);
  }

  clean(text: string): string {
    return this.scrub(text);
  }

  message(text: string): string {
    return shorten(this.scrub(text), MAX_MESSAGE_CHARS);
  }

  readonly log: Log = {
    info: (m) => core.info(safeLogText(this.message(m))),
    warning: (m) => core.warning(this.message(m)),
    debug: (m) => core.debug(this.scrub(m)),
    group: (name, fn) => core.group(safeLogText(this.scrub(name)).replace(/\n/g, ' '), fn),
  };
}

export async function run(): Promise<void> {
  const out = new ActionOutput();
  // The token is masked before the first line: ::add-mask:: is the first thing the step prints.
  out.addSecrets([core.getInput('github-token'), process.env.GITHUB_TOKEN, process.env.ACTIONS_RUNTIME_TOKEN, process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN]);
  core.info('model-gate: starting');
  try {
    await runGate(out);
  } catch (e) {
    // Last line of defence: a bug still ends as one readable line, never a stack trace.
    core.setFailed(out.message(`model-gate failed unexpectedly: ${messageOf(e)}`));
  }
}

async function runGate(out: ActionOutput): Promise<void> {
  let context: EventContext | undefined;
  let settings: Settings | undefined;
  let evaluation: Evaluation;
  try {
    context = readEventContext();
    settings = await readActionSettings();
    // Variables handed to the command may be secrets the command could print into its log.
    out.addSecrets(settings.commandEnv.map((name) => process.env[name]));
    await maybeInstallNative(settings, out);
    evaluation = await evaluate(settings, out.log);
  } catch (e) {
    evaluation = failedEvaluation(core.getInput('data'), [errorFinding(e)]);
  }

  // Scrubbed before rendering: markdown escapes would hide a secret from a scrubber run on the result.
  evaluation = mapStrings(evaluation, (t) => out.clean(t));
  const key = settings?.commentKey ?? (core.getInput('comment-key') || 'default');
  const rendered = renderReport(evaluation, {
    date: reportDate(),
    marker: commentMarker(key),
    runUrl: context?.runUrl,
    title: key === 'default' ? undefined : key,
  });
  const markdown = out.clean(rendered.markdown);
  const verdict = evaluation.gate.verdict;

  // Each way of reporting stands alone: one that fails is a warning, and the others still happen.
  const attempt = async (what: string, fn: () => unknown): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      core.warning(out.message(`Could not ${what}: ${messageOf(e)}`));
    }
  };
  await attempt('set the verdict output', () => core.setOutput('verdict', verdict));
  await attempt('write the JSON report', async () => {
    const reportPath = path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'model-gate', reportFileName(key));
    await mkdir(path.dirname(reportPath), { recursive: true });
    await writeFile(reportPath, out.clean(JSON.stringify(rendered.json, null, 2)) + '\n');
    core.setOutput('report-json', reportPath);
  });
  await attempt('set the changelog output', () => core.setOutput('changelog', out.clean(rendered.changelog)));
  if (process.env.GITHUB_STEP_SUMMARY) {
    await attempt('write the job summary', () => core.summary.addRaw(fitCommentBody(markdown, key, SUMMARY_LIMIT, SUMMARY_TRUNCATION_NOTE)).write());
  }

  for (const f of evaluation.gate.findings) {
    if (f.severity === 'error') core.error(out.message(f.message));
    else if (f.severity === 'warning') core.warning(out.message(f.message));
  }

  await attempt('post the pull request comment', () => publish(context, settings, key, markdown, out));

  core.info(`model-gate: verdict ${verdict}`);
  const badInput = evaluation.gate.findings.some(isBadInput);
  if (badInput || stepFails(evaluation, settings?.failOn ?? ['regression'])) {
    // The errors were annotated above, each once: this line only ends the step.
    core.setFailed(`model-gate verdict: fail${evaluation.gate.findings.some((f) => f.severity === 'error') ? ' (see the errors above)' : ''}`);
    // As the CLI: 2 when the inputs (settings, data, models) were at fault, 1 when the gate failed.
    if (badInput) {
      core.info('model-gate: exit code 2 (bad input: see the error above)');
      process.exitCode = 2;
    }
  }
}

async function publish(context: EventContext | undefined, settings: Settings | undefined, key: string, body: string, out: ActionOutput): Promise<void> {
  const wanted = settings?.comment ?? core.getInput('comment') !== 'false';
  if (!wanted) return;
  if (!context?.repo || context.issueNumber === undefined) {
    core.info('Not a pull request event: the report is in the job summary only.');
    return;
  }
  const token = core.getInput('github-token');
  if (token === '') {
    core.warning('No github-token: cannot comment on the pull request; the report is in the job summary.');
    return;
  }
  try {
    const result = await publishComment({
      token,
      apiUrl: context.apiUrl,
      owner: context.repo.owner,
      repo: context.repo.repo,
      issueNumber: context.issueNumber,
      body,
      key,
      fromFork: context.pullRequest?.fromFork,
      runUrl: context.runUrl,
      log: (line) => out.log.info(line),
    });
    if (result.action === 'skipped') {
      core.warning(out.message(`Pull request comment skipped: ${result.reason}`));
      return;
    }
    core.setOutput('comment-id', String(result.id));
    out.log.info(`Pull request comment ${result.action}: ${result.url}`);
  } catch (e) {
    // Commenting is reporting, not gating: a GitHub outage must not flip the verdict.
    core.warning(out.message(`Could not post the pull request comment: ${messageOf(e)}. The report is in the job summary.`));
  }
}

/**
 * install-native: true puts onnxruntime-node into the runner's tool cache before the first ONNX model
 * loads. A failure is a warning: the bundled WebAssembly runtime still runs the models.
 */
async function maybeInstallNative(settings: Settings, out: ActionOutput): Promise<void> {
  if (!settings.installNative) return;
  const paths = [settings.candidate.path, ...settings.baselines.map((b) => b.path)];
  if (!paths.some((p) => p.toLowerCase().endsWith('.onnx')) || settings.onnxRuntime === 'wasm') return;
  await core.group('Installing onnxruntime-node into the tool cache', async () => {
    try {
      const gpu = settings.device !== 'cpu' && (await detectGpusOnce()).gpus.length > 0;
      const r = await installNativeOnnx(ORT_VERSION, gpu, await realInstallDeps());
      out.log.info(`onnxruntime-node ${ORT_VERSION} ${r.installed ? 'installed into' : 'found in'} ${r.path}`);
    } catch (e) {
      out.log.warning(messageOf(e));
    }
  });
}

/** Bad input: settings, data or a model at fault, not the gate (exit code 2). */
function isBadInput(f: Finding): boolean {
  return f.severity === 'error' && BAD_INPUT_KINDS.has(f.kind);
}

/**
 * The report's file name for a comment key: readable, and distinct for distinct keys (`gate a` and
 * `gate/a` both read `gate_a`, so a hash of the key itself follows).
 */
export function reportFileName(key: string): string {
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'default';
  return `report-${readable}-${createHash('sha256').update(key).digest('hex').slice(0, 10)}.json`;
}
