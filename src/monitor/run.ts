// mode: monitor (on `schedule` or `workflow_dispatch`): measure the production model (metrics on the latest
// labelled data against the thresholds, data drift, prediction drift), keep one issue per comment-key (opened
// when the model degrades, updated while it stays so, closed with a comment when it is healthy again; its body
// remembers the last runs), and start retraining with repository_dispatch on the change from healthy to degraded.
//
// A closed issue keeps the history: a healthy run edits its body, and the next degradation reopens it. While
// there has never been a degradation, no issue exists and nothing is remembered. An issue a person closed as
// "not planned" mutes the monitoring: its body still records the runs, but it is not reopened and retraining
// is not asked for until a person reopens it. A degraded run does not fail the step (fail-on is not read).

import * as core from '@actions/core';
import path from 'node:path';
import { BAD_INPUT_KINDS, messageOf } from '../errors.js';
import { createClient } from '../github/client.js';
import { resolveAuthor } from '../github/comment.js';
import { readEventContext } from '../github/context.js';
import { sendRepositoryDispatch } from '../github/dispatch.js';
import { commentOnIssue, findMonitorIssue, monitorMarker, openMonitorIssue, updateIssue, type MonitorIssue } from '../github/issues.js';
import type { ActionOutput } from '../publish/action-output.js';
import { mapStrings, shorten } from '../untrusted.js';
import { appendHistory, parseHistory, type HistoryEntry } from './history.js';
import { measureProduction } from './measure.js';
import { closingComment, issueBody, issueTitle, runSection, type RenderOptions } from './render.js';
import { historyEntry, judge, type MonitorResult } from './result.js';
import { readMonitorSettings, type MonitorOptions } from './settings.js';
import { monitorStep, type IssueState } from './state.js';

/** GitHub refuses issue bodies over 65536 characters. */
const MAX_BODY = 65536;

export async function runMonitor(out: ActionOutput): Promise<void> {
  const event = readEventContext();
  const token = core.getInput('github-token');
  if (event.eventName !== 'schedule' && event.eventName !== 'workflow_dispatch') {
    out.log.info(`mode: monitor is meant for schedule and workflow_dispatch events; this is a ${event.eventName || 'unnamed'} event, watched all the same.`);
  }
  // An InputError here ends the step with exit code 2 (main.ts).
  const { settings, labelled, options } = await readMonitorSettings();
  out.addSecrets(settings.commandEnv.map((name) => process.env[name]));
  const key = settings.commentKey;

  const measured = await measureProduction({ settings, labelled }, out.log);
  // Scrubbed before anything is rendered or sent.
  const result = mapStrings(withRelativePaths(judge(measured), process.env.GITHUB_WORKSPACE || process.cwd()), (t) => out.clean(t));
  const errors = result.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    // Health cannot be judged: the issue is left as it is, and the step fails.
    for (const e of errors) out.annotate('error', e.message);
    await summary(out, `## model-gate monitoring\n\nThe production model could not be checked; the monitoring issue was left as it was. See the errors above.`);
    core.setFailed('model-gate monitor: the production model could not be checked (see the errors above)');
    if (errors.some((f) => BAD_INPUT_KINDS.has(f.kind))) process.exitCode = 2;
    return;
  }
  for (const n of result.notes) out.log.info(n);
  out.log.info(verdictLine(result));
  // The verdict output in the evaluate mode's terms: healthy is pass, degraded is fail.
  out.setOutput('verdict', result.verdict === 'healthy' ? 'pass' : 'fail');
  await summary(out, `## model-gate monitoring\n\n${runSection(result, event.runUrl)}`);

  if (!event.repo || token === '') {
    out.log.warning(`mode: monitor keeps its issue with the github-token input${event.repo ? '' : ' in a repository (GITHUB_REPOSITORY is not set)'}: no issue was opened, updated or closed.`);
    return;
  }
  try {
    await keepIssue({ result, options, key, token, repo: event.repo, apiUrl: event.apiUrl, runUrl: event.runUrl, author: settings.commentAuthor, out });
  } catch (e) {
    core.setFailed(out.message(`model-gate monitor: the verdict is ${result.verdict}, but publishing it failed: ${messageOf(e)}`));
  }
}

/** The log's verdict line (printed through the guarded log; the reasons' names are already escaped by judge). */
export function verdictLine(result: MonitorResult): string {
  return `model-gate monitor: ${result.verdict}${result.reasons.length ? ` (${result.reasons.map((r) => shorten(r, 200)).join('; ')})` : ''}`;
}

/** Paths inside the workspace as the repository names them (`models/prod.onnx`), not the runner's absolute ones. */
export function withRelativePaths(r: MonitorResult, workspace: string): MonitorResult {
  const shown = (p: string): string => {
    const rel = path.relative(workspace, p);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : p;
  };
  return {
    ...r,
    model: shown(r.model),
    ...(r.labelled ? { labelled: { ...r.labelled, path: shown(r.labelled.path) } } : {}),
    ...(r.drift ? { drift: { ...r.drift, reference: { ...r.drift.reference, path: shown(r.drift.reference.path) }, current: { ...r.drift.current, path: shown(r.drift.current.path) } } } : {}),
  };
}

async function summary(out: ActionOutput, markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await out.writeSummary(markdown);
  } catch (e) {
    out.log.warning(`Could not write the job summary: ${messageOf(e)}`);
  }
}

export interface KeepIssue {
  result: MonitorResult;
  options: MonitorOptions;
  key: string;
  token: string;
  repo: { owner: string; repo: string };
  apiUrl: string;
  runUrl?: string;
  author?: string;
  out: ActionOutput;
}

/** Opens, updates, closes or records in the monitoring issue, and asks for retraining on a new degradation. */
export async function keepIssue(k: KeepIssue, client: { secondMs?: number } = {}): Promise<void> {
  const { result, options, repo, out } = k;
  const octokit = createClient(k.token, k.apiUrl, { log: (m) => out.log.info(m), ...client });
  const author = k.author ?? (await resolveAuthor(octokit));
  // Found by its marker and author only: labels people add or remove (or a changed issue-labels) do not lose it.
  const find = { ...repo, key: k.key, author };
  const found = await findMonitorIssue(octokit, find);
  const previous: IssueState = !found ? 'none' : found.state === 'closed' && found.stateReason === 'not_planned' ? 'muted' : found.state;
  const step = monitorStep(previous, result.verdict);
  out.log.info(`monitoring issue: ${found ? `#${found.number} (${previous === 'muted' ? 'closed as not planned' : found.state})` : 'none yet'}; this run: ${step.issue}${step.dispatch && options.retrainEvent ? ', retraining dispatch' : ''}`);
  if (previous === 'muted' && result.verdict === 'degraded') {
    out.log.info(`monitoring is muted: issue #${found!.number} was closed as not planned, so it is not reopened and no retraining is asked for; reopen the issue to unmute.`);
  }
  if (step.issue === 'none') return;

  const history = appendHistory(parseHistory(found?.body), historyEntry(result), options.history);
  const body = fitBody(result, history, { marker: monitorMarker(k.key), key: k.key, runUrl: k.runUrl });
  let issue: MonitorIssue;
  switch (step.issue) {
    case 'create':
      issue = await openMonitorIssue(octokit, { ...repo, title: issueTitle(k.key), body, labels: options.labels, assignees: options.assignees }, find);
      out.log.info(`opened the monitoring issue #${issue.number}`);
      break;
    case 'reopen':
      // Its labels and assignees are left as people left them (issue-labels and issue-assignees apply when it is opened).
      issue = await updateIssue(octokit, { ...repo, number: found!.number, body, state: 'open' });
      out.log.info(`reopened the monitoring issue #${issue.number}`);
      break;
    case 'update':
    case 'record':
      issue = await updateIssue(octokit, { ...repo, number: found!.number, body });
      out.log.info(`updated the monitoring issue #${issue.number}`);
      break;
    case 'close':
      // The comment first, then one edit for the body and the state.
      await commentOnIssue(octokit, { ...repo, number: found!.number, body: shorten(closingComment(result, k.runUrl), MAX_BODY - 100) });
      issue = await updateIssue(octokit, { ...repo, number: found!.number, body, state: 'closed' });
      out.log.info(`closed the monitoring issue #${issue.number}: the model is healthy again`);
      break;
  }
  out.setOutput('issue-number', String(issue.number));
  out.setOutput('issue-url', issue.url);

  // Only once the issue says so: its state is how the next run knows retraining was already asked for.
  // Sent at most once: a dispatch whose answer was lost is not repeated (two retrainings cost more than a
  // person starting one from the open issue).
  if (step.dispatch && options.retrainEvent !== undefined) {
    try {
      await sendRepositoryDispatch(octokit, { ...repo, eventType: options.retrainEvent, payload: retrainPayload(result, k.runUrl, issue.url) });
    } catch (e) {
      throw new Error(`issue #${issue.number} is open, but repository_dispatch ${options.retrainEvent} may not have been sent (${messageOf(e)}); start the retraining workflow by hand if it did not run.`, { cause: e });
    }
    out.log.info(`sent repository_dispatch ${options.retrainEvent}: retraining asked for`);
  }
}

/** The body within GitHub's limit: the oldest runs are dropped first. */
function fitBody(result: MonitorResult, history: HistoryEntry[], o: RenderOptions): string {
  let kept = history;
  let body = issueBody(result, kept, o);
  while (body.length > MAX_BODY && kept.length > 1) {
    kept = kept.slice(Math.ceil(kept.length / 4));
    body = issueBody(result, kept, o);
  }
  return body.length > MAX_BODY ? issueBody({ ...result, reasons: result.reasons.map((r) => shorten(r, 300)), notes: [] }, kept.slice(-1), o) : body;
}

/** What the retraining workflow gets as github.event.client_payload (GitHub allows 10 top-level properties). */
export function retrainPayload(result: MonitorResult, runUrl: string | undefined, issueUrl: string): Record<string, unknown> {
  return {
    model: shorten(result.model, 500),
    reason: shorten(result.reasons.join('; '), 2000),
    drifted_features: (result.drift?.drifted ?? []).slice(0, 100).map((f) => shorten(f, 200)),
    failed_gates: result.failedGates.slice(0, 50).map((g) => ({ metric: shorten(g.metric, 100), value: g.value, ...(g.min !== undefined ? { min: g.min } : {}), ...(g.max !== undefined ? { max: g.max } : {}) })),
    drift_share: result.drift?.share ?? null,
    run_url: runUrl ?? null,
    issue_url: issueUrl,
  };
}
