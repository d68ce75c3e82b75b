// run(): the action's pipeline, and the only place that fails the step. It only puts the parts
// together: mask secrets, then by the `mode` input: evaluate (read the event and settings, evaluate, render,
// publish, set the exit code), publish (publish/from-artifact.ts) or monitor (monitor/run.ts).

import * as core from '@actions/core';
import { BAD_INPUT_KINDS, InputError, messageOf } from './errors.js';
import { commentMarker } from './github/marker.js';
import { readEventContext, type EventContext } from './github/context.js';
import { errorFinding, evaluate, failedEvaluation, stepFails, type Evaluation } from './pipeline/evaluate.js';
import { renderReport, reportDate } from './report/render.js';
import { fallbackCommentKey, fallbackFailOn, readActionSettings } from './settings/action-inputs.js';
import { installNativeOnnx, realInstallDeps } from './engines/install-native.js';
import { needsNativeOnnx } from './engines/registry.js';
import { detectGpusOnce } from './hardware/gpus.js';
import { ActionOutput } from './publish/action-output.js';
import { choosePublishers, runPublishers } from './publish/index.js';
import { startCheckRun, type StartedCheckRun } from './publish/check-run.js';
import type { Settings } from './settings/settings.js';
import type { Finding } from './types.js';
import { mapStrings, quote } from './untrusted.js';
import { runPublish } from './publish/from-artifact.js';
import { runMonitor } from './monitor/run.js';

/** The onnxruntime-node version matching the bundled onnxruntime-web, so both runtimes agree. */
const ORT_VERSION = '1.30.0';

export async function run(): Promise<void> {
  const out = new ActionOutput();
  // The token is masked before the first line: ::add-mask:: is the first thing the step prints.
  out.addSecrets([core.getInput('github-token'), process.env.GITHUB_TOKEN, process.env.ACTIONS_RUNTIME_TOKEN, process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN]);
  core.info('model-gate: starting');
  const started: { checkRun?: StartedCheckRun } = {};
  try {
    const mode = readMode();
    switch (mode) {
      case 'evaluate':
        await runEvaluate(out, started);
        break;
      case 'publish':
        await runPublish(out);
        break;
      case 'monitor':
        await runMonitor(out);
        break;
    }
  } catch (e) {
    if (e instanceof InputError) {
      core.setFailed(out.message(messageOf(e)));
      process.exitCode = 2;
      await started.checkRun?.close('failure');
      return;
    }
    // Last line of defence: a bug still ends as one readable line, never a stack trace.
    core.setFailed(out.message(`model-gate failed unexpectedly: ${messageOf(e)}`));
    // A check run marked in progress and not completed would hang there: close it as failed.
    await started.checkRun?.close('failure');
  }
}

/** The action's mode (the `mode` input): evaluate (default), publish (fork-safe, on workflow_run) or monitor. */
export type Mode = 'evaluate' | 'publish' | 'monitor';
const MODES: readonly Mode[] = ['evaluate', 'publish', 'monitor'];

export function readMode(get: (name: string) => string = (n) => core.getInput(n)): Mode {
  const raw = get('mode').trim().toLowerCase() || 'evaluate';
  if ((MODES as readonly string[]).includes(raw)) return raw as Mode;
  throw new InputError(`\`mode\` must be evaluate, publish or monitor, not ${quote(raw)}.`);
}

/** mode: evaluate: today's path: evaluate the candidate, render, publish. */
async function runEvaluate(out: ActionOutput, started: { checkRun?: StartedCheckRun }): Promise<void> {
  let event: EventContext | undefined;
  let settings: Settings | undefined;
  let evaluation: Evaluation;
  try {
    event = readEventContext();
    settings = await readActionSettings();
    // Variables handed to the command may be secrets the command could print into its log.
    out.addSecrets(settings.commandEnv.map((name) => process.env[name]));
    started.checkRun = await startCheckRun({ event, settings, token: core.getInput('github-token'), out });
    await maybeInstallNative(settings, out);
    evaluation = await evaluate(settings, out.log);
  } catch (e) {
    evaluation = failedEvaluation(core.getInput('data'), [errorFinding(e)]);
  }

  // Scrubbed before rendering: markdown escapes would hide a secret from a scrubber run on the result.
  evaluation = mapStrings(evaluation, (t) => out.clean(t));
  const key = settings?.commentKey ?? fallbackCommentKey();
  const rendered = renderReport(evaluation, {
    date: reportDate(),
    marker: commentMarker(key),
    runUrl: event?.runUrl,
    title: key === 'default' ? undefined : key,
    releaseVersion: event?.tag?.version,
  });
  const token = core.getInput('github-token');

  const publishers = choosePublishers({
    event,
    settings,
    commentInput: core.getInput('comment'),
    token,
    stepSummary: process.env.GITHUB_STEP_SUMMARY,
  });
  await runPublishers(publishers, {
    evaluation,
    report: { ...rendered, markdown: out.clean(rendered.markdown) },
    key,
    settings,
    event,
    token,
    out,
  });

  const verdict = evaluation.gate.verdict;
  core.info(`model-gate: verdict ${verdict}`);
  const badInput = evaluation.gate.findings.some(isBadInput);
  if (badInput || stepFails(evaluation, settings?.failOn ?? fallbackFailOn())) {
    // The errors were annotated above, each once: this line only ends the step.
    core.setFailed(`model-gate verdict: fail${evaluation.gate.findings.some((f) => f.severity === 'error') ? ' (see the errors above)' : ''}`);
    // As the CLI: 2 when the inputs (settings, data, models) were at fault, 1 when the gate failed.
    if (badInput) {
      core.info('model-gate: exit code 2 (bad input: see the error above)');
      process.exitCode = 2;
    }
  }
}

/**
 * install-native: true puts onnxruntime-node into the runner's tool cache before the first ONNX model
 * loads. A failure is a warning: the bundled WebAssembly runtime still runs the models.
 */
async function maybeInstallNative(settings: Settings, out: ActionOutput): Promise<void> {
  if (!settings.installNative) return;
  if (!needsNativeOnnx([settings.candidate.path, ...settings.baselines.map((b) => b.path)], { onnxRuntime: settings.onnxRuntime, command: settings.command })) return;
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
