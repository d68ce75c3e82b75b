// The check run: one per comment key and source (workflow and event) on the commit the run is about, in
// progress while the gate runs (startCheckRun, called by main.ts before evaluating, which hands back a way to
// close it if the run crashes), then completed by this publisher with the verdict as its conclusion and title,
// the report as its summary, and an annotation for every error and warning. The REST calls and their retry
// rules are github/checks.ts's; this decides what the run shows.

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { messageOf } from '../errors.js';
import {
  CheckRunNotCompleted,
  closeCheckRun,
  completeCheckRun,
  EXTERNAL_ID_PREFIX,
  isChecksRefusal,
  markCheckRunInProgress,
  MAX_ANNOTATION_MESSAGE_BYTES,
  MAX_CHECK_SUMMARY_BYTES,
  MAX_CHECK_TITLE_LENGTH,
  type CheckAnnotation,
  type CheckConclusion,
  type CheckRunOutput,
  type CheckRunTarget,
  type CheckRunWriteOptions,
  type OtherCheckRun
} from '../github/checks.js';
import { createClient, type ClientOptions, type GitHubClient } from '../github/client.js';
import { fitCommentBody } from '../github/comment.js';
import type { EventContext } from '../github/context.js';
import type { Evaluation } from '../pipeline/evaluate.js';
import type { Settings } from '../settings/settings.js';
import type { Finding, Verdict } from '../types.js';
import { shorten } from '../untrusted.js';
import type { ActionOutput } from './action-output.js';
import type { Publisher } from './publisher.js';

type Env = Record<string, string | undefined>;

export const CHECK_RUN_FORBIDDEN =
  'Check run skipped: the token cannot write checks. Give the job `permissions: checks: write`; a pull request from a fork ' +
  'gets a read-only token, so it has no check run. The report is in the job summary.';

/** The note put where the summary was cut; `cut` says which sections were cut or left out ("Cut: … Left out: …"). */
export function checkRunTruncationNote(cut = ''): string {
  return (
    "> [!NOTE]\n> This summary was cut short to fit GitHub's 65,535-byte check run summary. The full report is in the workflow run's " +
    'job summary and in the JSON report (output `report-json`).' +
    (cut ? `\n> ${cut}` : '')
  );
}

export const CHECK_RUN_TRUNCATION_NOTE = checkRunTruncationNote();

/**
 * Events whose GITHUB_SHA is not the commit the run is about (the default branch's head instead), or that
 * watch rather than gate (schedule): no check run.
 */
const NO_COMMIT_EVENTS = new Set(['issue_comment', 'workflow_run', 'schedule', 'repository_dispatch']);

/** `model-gate`, or `model-gate (<key>)` for another comment key: one check run per configuration. */
export function checkRunName(key: string): string {
  return key === 'default' ? 'model-gate' : `model-gate (${oneLine(shorten(key, 100))})`;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * What runs the step, as the external id carries it: the event (`push-tag` for a tag push) and, when the runner
 * names it, a short hash of the workflow file. Two workflows or events on one commit thus never take over each
 * other's check run (they still share its name: see the README's "Check run").
 */
export function checkRunSource(event: EventContext | undefined, env: Env = process.env): string {
  const name = (event?.eventName ?? '').toLowerCase().replace(/[^a-z0-9_]/g, '').slice(0, 40) || 'unknown';
  const kind = name === 'push' && event?.tag ? 'push-tag' : name;
  const workflow = /^[^/]+\/[^/]+\/(.+?)@/.exec(env.GITHUB_WORKFLOW_REF ?? '')?.[1] ?? env.GITHUB_WORKFLOW ?? '';
  return workflow ? `${kind}:${sha256(workflow).slice(0, 8)}` : kind;
}

/**
 * Marks model-gate's own check run for a key and source (`model-gate:<key hash>:<event>[:<workflow hash>]`), so
 * that a job named model-gate (GitHub's own check run) or another workflow's run is never taken over.
 */
export function checkRunExternalId(key: string, source = ''): string {
  return `${EXTERNAL_ID_PREFIX}${sha256(key).slice(0, 16)}${source ? `:${source}` : ''}`;
}

/** "a push event", "a tag push": where another model-gate check run of the same name came from (its external id). */
function sourceWords(externalId: string): string {
  const event = externalId.split(':')[2] ?? '';
  if (!/^[a-z0-9_-]{1,40}$/.test(event)) return 'another model-gate version';
  return event === 'push-tag' ? 'a tag push' : `a ${event} event`;
}

/** The warning for model-gate check runs of the same name from other workflows or events on the commit. */
export function sharedNameWarning(name: string, others: readonly OtherCheckRun[]): string {
  const sources = [...new Set(others.map((o) => sourceWords(o.externalId)))];
  return (
    `Check run ${name}: this commit also has ${others.length === 1 ? 'a model-gate check run' : `${others.length} model-gate check runs`} of the same name ` +
    `from another workflow or event (${sources.join(', ')}). GitHub shows only the newest check run of a name, in the Checks tab and to branch ` +
    'protection, so the results replace each other. Give each workflow and event that can run on the same commit its own `comment-key`; ' +
    'its check run is then named "model-gate (KEY)".'
  );
}

/**
 * The commit the check run goes on: a pull request's head (from the payload), else GITHUB_SHA for
 * push, tag, release and workflow_dispatch events. Undefined when the run is not about one commit
 * (issue_comment, workflow_run, repository_dispatch) or watches rather than gates (schedule).
 */
export function checkRunCommit(event: EventContext | undefined, env: Env = process.env): string | undefined {
  if (!event?.repo) return undefined;
  if (event.pullRequest) return event.pullRequest.headSha;
  if (event.eventName.startsWith('pull_request') || NO_COMMIT_EVENTS.has(event.eventName)) return undefined;
  return env.GITHUB_SHA || undefined;
}

export function checkRunConclusion(verdict: Verdict): CheckConclusion {
  return verdict === 'pass' ? 'success' : verdict === 'warn' ? 'neutral' : 'failure';
}

const VERDICT_ICON: Record<Verdict, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

/** The verdict line of the report, as plain text (a check run's title is not markdown), at most 255 characters. */
export function checkRunTitle(evaluation: Evaluation, key: string): string {
  const title = key === 'default' ? '' : ` · ${oneLine(shorten(key, 100))}`;
  const what = evaluation.task ? ` · ${evaluation.task} · ${evaluation.data.rows} rows` : '';
  return clipChars(`${VERDICT_ICON[evaluation.gate.verdict]} model-gate: ${evaluation.gate.verdict}${title}${what}`, MAX_CHECK_TITLE_LENGTH);
}

/** Where annotations point: paths are relative to the repository root, which is the workspace on a runner. */
export interface AnnotationPlaces {
  workspace: string;
  settings: Settings | undefined;
  /** GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/x.yml@ref`; its file is where the step is configured. */
  workflowRef?: string;
}

/** The file an annotation falls back to: the workflow file that runs the step, else action.yml (see the README). */
export function fallbackPath(places: AnnotationPlaces): string {
  const m = /^[^/]+\/[^/]+\/(.+?)@/.exec(places.workflowRef ?? '');
  return m ? m[1]! : 'action.yml';
}

/** A path in the repository (relative, with `/`) for a file, or undefined when it lies outside or is a folder. */
function repoFile(file: string | undefined, workspace: string): string | undefined {
  if (!file) return undefined;
  const full = path.resolve(workspace, file);
  const rel = path.relative(workspace, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  try {
    if (!statSync(full).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return rel.split(path.sep).join('/');
}

const DATA_KINDS = new Set(['data_error', 'data_drift', 'feature_drift', 'label_drift', 'prediction_drift', 'psi_shift', 'new_categories', 'drift', 'slice_regression', 'slices']);
const MODEL_KINDS = new Set(['model_error', 'engine', 'feature_mismatch', 'feature_order', 'breaking_change', 'signature_note', 'no_skill']);
const TRAINING_KINDS = new Set(['training_curve', 'training_log', 'overfitting', 'underfitting']);

/**
 * The metric a threshold finding is about: the longest metric with a recorded line that the message starts
 * with, followed by a space (compare.ts words them "METRIC against …", "METRIC is …", "METRIC has a threshold, …").
 */
function thresholdMetric(message: string, metrics: readonly string[]): string | undefined {
  return [...metrics].sort((a, b) => b.length - a.length).find((m) => message.startsWith(`${m} `));
}

/** Where one finding points: a threshold at its line in the config file, others at the file they concern. */
export function annotationPlace(finding: Finding, places: AnnotationPlaces): { path: string; line: number } {
  const { settings, workspace } = places;
  const fallback = { path: fallbackPath(places), line: 1 };
  if (!settings) return fallback;
  const at = (file: string | undefined, line = 1) => {
    const rel = repoFile(file, workspace);
    return rel ? { path: rel, line } : undefined;
  };
  if (finding.kind === 'threshold' && settings.thresholdLines) {
    const { file, lines } = settings.thresholdLines;
    const metric = thresholdMetric(finding.message, Object.keys(lines));
    if (metric !== undefined) return at(file, lines[metric]) ?? fallback;
  }
  if (finding.kind === 'threshold' || finding.kind === 'input_error' || finding.kind === 'primary_metrics') {
    return (settings.thresholdLines && at(settings.thresholdLines.file)) ?? fallback;
  }
  if (DATA_KINDS.has(finding.kind)) return at(settings.currentData ?? settings.data) ?? fallback;
  if (TRAINING_KINDS.has(finding.kind)) return at(settings.trainingLog) ?? at(settings.candidate.path) ?? fallback;
  if (MODEL_KINDS.has(finding.kind)) return at(settings.candidate.path) ?? fallback;
  return fallback;
}

/** One annotation per error (failure level) and warning (warning level) finding; the messages are plain text. */
export function checkAnnotations(findings: readonly Finding[], places: AnnotationPlaces): CheckAnnotation[] {
  const out: CheckAnnotation[] = [];
  for (const f of findings) {
    if (f.severity !== 'error' && f.severity !== 'warning') continue;
    const place = annotationPlace(f, places);
    out.push({
      path: place.path,
      start_line: place.line,
      end_line: place.line,
      annotation_level: f.severity === 'error' ? 'failure' : 'warning',
      title: clipChars(`model-gate: ${f.kind.replace(/_/g, ' ')}`, MAX_CHECK_TITLE_LENGTH),
      message: clipBytes(f.message.replace(/\u0000/g, ''), MAX_ANNOTATION_MESSAGE_BYTES - 64)
    });
  }
  return out;
}

/** What both steps need: the client, the target, or why there is none. */
function targetOf(
  event: EventContext | undefined,
  settings: Pick<Settings, 'checkRun'> | undefined,
  token: string,
  key: string,
  env: Env,
  clean: (text: string) => string
): { target: CheckRunTarget; apiUrl: string; runUrl?: string } | string {
  if (settings && !settings.checkRun) return 'check-run is false';
  if (token === '') return 'no github-token';
  const sha = checkRunCommit(event, env);
  if (!event?.repo || !sha) return `a ${event?.eventName || 'run without an event'} is not about one commit`;
  return {
    apiUrl: event.apiUrl,
    target: {
      owner: event.repo.owner,
      repo: event.repo.repo,
      headSha: sha,
      // A secret the key happens to hold is masked in the name, the same way in both steps.
      name: clean(checkRunName(key)),
      externalId: checkRunExternalId(key, checkRunSource(event, env)),
      ...(runUrlOf(event) ? { detailsUrl: runUrlOf(event) } : {})
    },
    ...(runUrlOf(event) ? { runUrl: runUrlOf(event) } : {})
  };
}

const runUrlOf = (event: EventContext): string | undefined =>
  event.runUrl && /^https?:\/\/[^\s()<>[\]]+$/.test(event.runUrl) ? event.runUrl : undefined;

export { isChecksRefusal };

export type CheckRunClientOptions = ClientOptions & CheckRunWriteOptions;

/** Where the full report is, as markdown: the workflow run's job summary (linked when known) and the JSON report. */
function reportIsIn(runUrl: string | undefined): string {
  return `The full report is in the ${runUrl ? `[workflow run](${runUrl})` : 'workflow run'}'s job summary and in the JSON report (output \`report-json\`).`;
}

/** What a check run shows when its completion failed: the verdict line, and where the report is. No annotations. */
export function fallbackOutput(title: string, verdict: Verdict, runUrl?: string): CheckRunOutput {
  return {
    title,
    summary: `model-gate could not write its full report to this check run: GitHub refused the request or kept failing. The verdict is **${verdict}**. ${reportIsIn(runUrl)}`
  };
}

/** What a check run shows when model-gate stopped before it could report (main.ts closes it). */
export function stoppedOutput(runUrl?: string): CheckRunOutput {
  return {
    title: '❌ model-gate: stopped before it could report',
    summary:
      `model-gate stopped unexpectedly before it could report; the reason is in the ${runUrl ? `[workflow run](${runUrl})` : 'workflow run'}'s log. ` +
      'This check run is closed as failed so that it does not stay in progress. Run the workflow again to get a report.'
  };
}

/** The check run marked in progress, and how to close it if the run stops before the publisher completes it. */
export interface StartedCheckRun {
  /** The run marked in progress; undefined when there is none (no check run for this run, or marking failed). */
  readonly id: number | undefined;
  /**
   * Completes the run with `conclusion` and a short summary when it is still in progress (main.ts, when the run
   * crashed). A run the publisher completed is left as it is. Never throws.
   */
  close(conclusion: CheckConclusion): Promise<void>;
}

/**
 * main.ts's one call before evaluating: marks the check run in progress. It never throws and never warns:
 * when it cannot, the publisher still completes the run (creating it if need be) and warns once if that fails too.
 */
export async function startCheckRun(
  args: { event: EventContext | undefined; settings: Settings | undefined; token: string; out: ActionOutput; key?: string },
  client: CheckRunClientOptions = {},
  env: Env = process.env
): Promise<StartedCheckRun> {
  const key = args.key ?? args.settings?.commentKey ?? 'default';
  const chosen = targetOf(args.event, args.settings, args.token, key, env, (t) => args.out.clean(t));
  if (typeof chosen === 'string') return { id: undefined, close: async () => {} };
  let octokit: GitHubClient | undefined;
  let id: number | undefined;
  try {
    octokit = createClient(args.token, chosen.apiUrl, { ...client, log: client.log ?? ((line) => args.out.log.info(line)) });
    const run = await markCheckRunInProgress(
      octokit,
      chosen.target,
      { title: 'model-gate is running', summary: 'model-gate is evaluating the models; the report replaces this when it is done.' },
      client
    );
    id = run.id;
    args.out.log.info(`Check run ${chosen.target.name} in progress: ${run.url || run.id}`);
  } catch (e) {
    args.out.log.info(`Check run ${chosen.target.name}: could not mark it in progress (${messageOf(e)}); it is completed when the report is ready.`);
  }
  return {
    id,
    async close(conclusion) {
      if (octokit === undefined) return;
      try {
        const closed = await closeCheckRun(octokit, chosen.target, { conclusion, output: stoppedOutput(chosen.runUrl), ...(id !== undefined ? { runId: id } : {}) }, client);
        if (closed && closed.action !== 'left') args.out.log.info(`Check run ${chosen.target.name} closed as ${conclusion}: ${closed.url || closed.id}`);
      } catch (e) {
        args.out.log.info(`Check run ${chosen.target.name}: could not close it (${messageOf(e)}).`);
      }
    }
  };
}

/** Completes the check run. Client options are for tests (short waits). */
export function checkRun(client: CheckRunClientOptions = {}, env: Env = process.env): Publisher {
  return {
    name: 'check-run',
    action: 'complete the check run',
    async publish({ event, settings, token, key, report, evaluation, out }) {
      const chosen = targetOf(event, settings, token, key, env, (t) => out.clean(t));
      if (typeof chosen === 'string') return { status: 'skipped', detail: chosen };
      const places: AnnotationPlaces = { workspace: env.GITHUB_WORKSPACE || process.cwd(), settings, workflowRef: env.GITHUB_WORKFLOW_REF };
      const conclusion = checkRunConclusion(evaluation.gate.verdict);
      try {
        const octokit = createClient(token, chosen.apiUrl, { ...client, log: client.log ?? ((line) => out.log.info(line)) });
        const title = out.clean(checkRunTitle(evaluation, key));
        const run = await completeCheckRun(
          octokit,
          chosen.target,
          {
            conclusion,
            output: {
              title,
              // report.markdown was scrubbed by main.ts; cleaned again in case a caller did not. GitHub counts bytes.
              summary: fitCommentBody(out.clean(report.markdown), key, MAX_CHECK_SUMMARY_BYTES, checkRunTruncationNote, 'bytes')
            },
            // The evaluation was scrubbed of secrets before it reached the publishers.
            annotations: checkAnnotations(evaluation.gate.findings, places).map((a) => ({ ...a, message: out.clean(a.message) })),
            fallback: fallbackOutput(title, evaluation.gate.verdict, chosen.runUrl)
          },
          client
        );
        out.log.info(`Check run ${chosen.target.name} ${run.action} (${run.annotationsSent} annotation${run.annotationsSent === 1 ? '' : 's'} sent): ${run.url || run.id}`);
        if (run.others.length > 0) out.log.warning(sharedNameWarning(chosen.target.name, run.others));
        return { status: 'done', detail: run.url || String(run.id) };
      } catch (e) {
        if (isChecksRefusal(e)) {
          out.log.warning(CHECK_RUN_FORBIDDEN);
          return { status: 'skipped', detail: CHECK_RUN_FORBIDDEN };
        }
        // Like the comment, the check run is reporting: a GitHub outage must not flip the verdict.
        const text = `Could not complete the check run: ${messageOf(e)}. ${afterFailure(e, conclusion)}The report is in the job summary.`;
        out.log.warning(text);
        return { status: 'failed', detail: out.message(text) };
      }
    }
  };
}

/** What the check run shows after a failed completion, as a sentence ending in a space ('' when unknown). */
function afterFailure(error: unknown, conclusion: CheckConclusion): string {
  if (!(error instanceof CheckRunNotCompleted)) return '';
  if (error.reportShown) return 'The check run shows the conclusion and the report, but not every annotation. ';
  if (error.closed) return `The check run was closed as ${conclusion} with a short summary. `;
  return 'The check run could not be closed either: it may show "in progress" until GitHub marks it stale. ';
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

/** At most `max` UTF-16 units, never half a surrogate pair, ending in … when cut. */
function clipChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end--;
  return `${text.slice(0, end)}…`;
}

/** At most `max` bytes of UTF-8, cut at a character boundary, ending in … when cut. */
export function clipBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (Buffer.byteLength(text.slice(0, mid), 'utf8') + 3 <= max) lo = mid;
    else hi = mid - 1;
  }
  if (/[\uD800-\uDBFF]/.test(text[lo - 1] ?? '')) lo--;
  return `${text.slice(0, lo)}…`;
}
