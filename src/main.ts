// run(): the action's pipeline, and the only place that fails the step. It only puts the parts
// together: mask secrets, then by the `mode` input: evaluate (read the event and settings, evaluate, render,
// publish, set the exit code; with `shard`, run the models on one shard and leave its partial result),
// publish (publish/from-artifact.ts), monitor (monitor/run.ts) or merge (the shards' results of this run,
// reported as evaluate reports: src/shard/).

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
import os from 'node:os';
import path from 'node:path';
import { downloadArtifactZip } from './github/artifacts.js';
import { createClient } from './github/client.js';
import { toGitHubHttpError } from './github/http-error.js';
import type { ModelSource } from './pipeline/evaluate.js';
import { inputSpec } from './settings/inputs.js';
import { mergeSource, parseShard, partialFromArtifactZip, runShard, ShardRunError, writePartial, type NamedPartial } from './shard/index.js';

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
      case 'merge':
        await runMerge(out, started);
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
export type Mode = 'evaluate' | 'publish' | 'monitor' | 'merge';
const MODES: readonly Mode[] = ['evaluate', 'publish', 'monitor', 'merge'];

export function readMode(get: (name: string) => string = (n) => core.getInput(n)): Mode {
  const raw = get('mode').trim().toLowerCase() || 'evaluate';
  if ((MODES as readonly string[]).includes(raw)) return raw as Mode;
  throw new InputError(`\`mode\` must be evaluate, publish, monitor or merge, not ${quote(raw)}.`);
}

/**
 * mode: evaluate: today's path: evaluate the candidate, render, publish. mode: merge comes here with the
 * shards' model source: a set of shards that does not fit the data is an InputError that stops the step
 * before anything is published.
 */
async function runEvaluate(out: ActionOutput, started: { checkRun?: StartedCheckRun }, merged?: { settings: Settings; source: ModelSource }): Promise<void> {
  if (merged === undefined && core.getInput('shard').trim() !== '') return runShardStep(out);
  let event: EventContext | undefined;
  let settings: Settings | undefined;
  let evaluation: Evaluation;
  try {
    event = readEventContext();
    settings = merged?.settings ?? (await readActionSettings());
    // Variables handed to the command may be secrets the command could print into its log.
    out.addSecrets(settings.commandEnv.map((name) => process.env[name]));
    started.checkRun = await startCheckRun({ event, settings, token: core.getInput('github-token'), out });
    // A merge runs no model.
    if (merged === undefined) await maybeInstallNative(settings, out);
    evaluation = await evaluate(settings, out.log, merged?.source);
  } catch (e) {
    if (merged !== undefined && e instanceof InputError) throw e;
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

/** `shard: i/N`: the models on this shard's rows, the partial result left in RUNNER_TEMP for upload-artifact; nothing published. */
async function runShardStep(out: ActionOutput): Promise<void> {
  const shard = parseShard(core.getInput('shard'));
  const settings = await readActionSettings();
  out.addSecrets(settings.commandEnv.map((name) => process.env[name]));
  await maybeInstallNative(settings, out);
  const dir = path.join(process.env.RUNNER_TEMP || os.tmpdir(), `model-gate-shard-${shard.index}-of-${shard.count}`);
  try {
    const file = await writePartial(dir, await runShard(settings, shard, out.log));
    out.log.info(`model-gate: shard ${shard.index}/${shard.count}: wrote ${file}; upload ${dir} with actions/upload-artifact as model-gate-shard-${shard.index}-of-${shard.count}.`);
    out.setOutput('shard-dir', dir);
  } catch (e) {
    if (!(e instanceof ShardRunError)) throw e;
    core.setFailed(out.message(`model-gate: shard ${shard.index}/${shard.count}: ${e.message}`));
    if (BAD_INPUT_KINDS.has(e.finding.kind)) process.exitCode = 2;
  }
}

/** Shard results can be large (every row's outputs, per model): the cap on one artifact's zip. */
const MAX_SHARD_ARTIFACT_BYTES = 2 * 1024 ** 3;
const ARTIFACTS_ROUTE = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts';

/** mode: merge: this run's shard artifacts, checked and replayed through the evaluation, published as evaluate publishes. */
async function runMerge(out: ActionOutput, started: { checkRun?: StartedCheckRun }): Promise<void> {
  if (core.getInput('shard').trim() !== '') throw new InputError('`mode: merge` reads every shard\'s result: leave `shard` out of the merge step (it belongs to the matrix jobs).');
  const event = readEventContext();
  const settings = await readActionSettings();
  const token = core.getInput('github-token');
  const runId = Number(process.env.GITHUB_RUN_ID);
  if (!event.repo || !Number.isSafeInteger(runId) || runId <= 0) throw new InputError('mode: merge reads the shard artifacts of this workflow run: GITHUB_REPOSITORY and GITHUB_RUN_ID must be set (they are on GitHub Actions).');
  if (token === '') throw new InputError('`github-token` is empty: mode: merge lists and downloads this run\'s artifacts (permissions: actions: read).');
  const prefix = core.getInput('shard-artifact-prefix').trim() || inputSpec('shard-artifact-prefix').default;
  const octokit = createClient(token, event.apiUrl, { log: (line) => out.log.info(line) });
  const repo = event.repo;
  const listPath = `/repos/${repo.owner}/${repo.repo}/actions/runs/${runId}/artifacts`;
  const found = new Map<string, { id: number; name: string; size: number }>();
  try {
    for (let page = 1; page <= 100; page++) {
      const { data } = await octokit.request(ARTIFACTS_ROUTE, { owner: repo.owner, repo: repo.repo, run_id: runId, per_page: 100, page });
      for (const a of data.artifacts) {
        if (a.expired || !a.name.startsWith(prefix)) continue;
        // A re-run attempt may upload a name again: the newest (highest id) is the latest attempt's.
        const had = found.get(a.name);
        if (had === undefined || a.id > had.id) found.set(a.name, { id: a.id, name: a.name, size: a.size_in_bytes });
      }
      if (data.artifacts.length < 100) break;
    }
  } catch (e) {
    throw new InputError(`could not list the artifacts of run ${runId}: ${messageOf(toGitHubHttpError(e, ARTIFACTS_ROUTE, listPath))}. The merge job needs \`permissions: actions: read\`.`);
  }
  if (found.size === 0) throw new InputError(`run ${runId} has no artifact whose name starts with ${quote(prefix)}: upload each shard's \`shard-dir\` output with actions/upload-artifact@v4 as ${quote(`${prefix}<i>-of-<N>`)}, and make the merge job \`needs:\` the shard jobs.`);
  const parts: NamedPartial[] = [];
  for (const a of [...found.values()].sort((x, y) => x.name.localeCompare(y.name))) {
    if (a.size > MAX_SHARD_ARTIFACT_BYTES) throw new InputError(`artifact ${quote(a.name)} is ${a.size} bytes, more than the ${MAX_SHARD_ARTIFACT_BYTES} a merge reads.`);
    let zip: Uint8Array;
    try {
      zip = await downloadArtifactZip(octokit, repo, a.id, MAX_SHARD_ARTIFACT_BYTES);
    } catch (e) {
      throw new InputError(`could not download artifact ${quote(a.name)}: ${messageOf(e)}`);
    }
    parts.push(partialFromArtifactZip(zip, a.name, 4 * MAX_SHARD_ARTIFACT_BYTES));
  }
  out.log.info(`model-gate: merging ${parts.length} shard result${parts.length === 1 ? '' : 's'}: ${parts.map((p) => p.source).join(', ')}`);
  const source = await mergeSource(settings, parts);
  await runEvaluate(out, started, { settings, source });
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
