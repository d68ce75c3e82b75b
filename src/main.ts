// run(): the action's pipeline, and the only place that fails the step.

import * as core from '@actions/core';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { messageOf } from './errors.js';
import { commentMarker } from './github/marker.js';
import { publishComment } from './github/publish.js';
import { readEventContext, type EventContext } from './github/context.js';
import { errorFinding, evaluate, stepFails, type Evaluation } from './pipeline/evaluate.js';
import type { Log } from './pipeline/log.js';
import { gate } from './analysis/compare.js';
import { renderReport, reportDate } from './report/render.js';
import { readActionSettings } from './settings/action-inputs.js';
import { installNativeOnnx, realInstallDeps } from './engines/install-native.js';
import { detectGpusOnce } from './hardware/gpus.js';
import type { Settings } from './settings/settings.js';

/** The onnxruntime-node version matching the bundled onnxruntime-web, so both runtimes agree. */
const ORT_VERSION = '1.30.0';

const actionLog: Log = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  debug: (m) => core.debug(m),
  group: (name, fn) => core.group(name, fn),
};

export async function run(): Promise<void> {
  core.info('model-gate: starting');
  try {
    await runGate();
  } catch (e) {
    // Last line of defence: a bug still ends as one readable line, never a stack trace.
    core.setFailed(`model-gate failed unexpectedly: ${messageOf(e)}`);
  }
}

async function runGate(): Promise<void> {
  let context: EventContext | undefined;
  let settings: Settings | undefined;
  let evaluation: Evaluation;
  try {
    context = readEventContext();
    settings = await readActionSettings();
    await maybeInstallNative(settings);
    evaluation = await evaluate(settings, actionLog);
  } catch (e) {
    const findings = [errorFinding(e)];
    evaluation = { data: { path: core.getInput('data'), rows: 0 }, models: [], gate: gate('binary', [], {}, findings) };
  }

  const key = settings?.commentKey ?? (core.getInput('comment-key') || 'default');
  const rendered = renderReport(evaluation, {
    date: reportDate(),
    marker: commentMarker(key),
    runUrl: context?.runUrl,
    title: key === 'default' ? undefined : key,
  });

  const reportPath = path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'model-gate', `report-${safeName(key)}.json`);
  await mkdir(path.dirname(reportPath), { recursive: true });
  await writeFile(reportPath, JSON.stringify(rendered.json, null, 2) + '\n');
  core.setOutput('verdict', evaluation.gate.verdict);
  core.setOutput('report-json', reportPath);
  core.setOutput('changelog', rendered.changelog);
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(rendered.markdown).write();

  for (const f of evaluation.gate.findings) {
    if (f.severity === 'error') core.error(f.message);
    else if (f.severity === 'warning') core.warning(f.message);
  }

  await publish(context, settings, key, rendered.markdown);

  core.info(`model-gate: verdict ${evaluation.gate.verdict}`);
  if (stepFails(evaluation, settings?.failOn ?? ['regression'])) {
    const first = evaluation.gate.findings.find((f) => f.severity === 'error');
    core.setFailed(`model-gate verdict: fail${first ? ` (${first.message})` : ''}`);
  }
}

async function publish(context: EventContext | undefined, settings: Settings | undefined, key: string, body: string): Promise<void> {
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
  core.setSecret(token);
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
    });
    if (result.action === 'skipped') {
      core.warning(`Pull request comment skipped: ${result.reason}`);
      return;
    }
    core.setOutput('comment-id', String(result.id));
    core.info(`Pull request comment ${result.action}: ${result.url}`);
  } catch (e) {
    // Commenting is reporting, not gating: a GitHub outage must not flip the verdict.
    core.warning(`Could not post the pull request comment: ${messageOf(e)}. The report is in the job summary.`);
  }
}

/**
 * install-native: true puts onnxruntime-node into the runner's tool cache before the first ONNX model
 * loads. A failure is a warning: the bundled WebAssembly runtime still runs the models.
 */
async function maybeInstallNative(settings: Settings): Promise<void> {
  if (!settings.installNative) return;
  const paths = [settings.candidate.path, ...settings.baselines.map((b) => b.path)];
  if (!paths.some((p) => p.toLowerCase().endsWith('.onnx')) || settings.onnxRuntime === 'wasm') return;
  await core.group('Installing onnxruntime-node into the tool cache', async () => {
    try {
      const gpu = settings.device !== 'cpu' && (await detectGpusOnce()).gpus.length > 0;
      const r = await installNativeOnnx(ORT_VERSION, gpu, await realInstallDeps());
      core.info(`onnxruntime-node ${ORT_VERSION} ${r.installed ? 'installed into' : 'found in'} ${r.path}`);
    } catch (e) {
      core.warning(messageOf(e));
    }
  });
}

function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'default';
}
