// mode: publish (README "Pull requests from forks"): runs on a workflow_run event with a write token, and
// posts the comment and the check run of the pull request run that triggered it, from that run's artifact.
// The artifact is untrusted data: read in memory with a size cap (bundle.ts), checked against the report
// schema, matched to the triggering run's pull request, and re-rendered (report/from-json.ts). Nothing from
// the pull request is checked out or run. A refused artifact fails the step, and nothing is posted.

import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { InputError, messageOf } from '../errors.js';
import { downloadArtifactZip, getPullRequest, listRunArtifacts, pullRequestHasCommit } from '../github/artifacts.js';
import { completeCheckRun } from '../github/checks.js';
import { createClient, type ClientOptions } from '../github/client.js';
import { MAX_CHECK_SUMMARY_BYTES } from '../github/checks.js';
import { fitCommentBody } from '../github/comment.js';
import { eventContextFrom, type EventContext } from '../github/context.js';
import { commentMarker } from '../github/marker.js';
import { publishComment } from '../github/publish.js';
import { renderFromJson } from '../report/from-json.js';
import { booleanDefault, inputSpec } from '../settings/inputs.js';
import { parseBoolean } from '../settings/settings.js';
import { quote } from '../untrusted.js';
import { VERSION } from '../version.js';
import type { ActionOutput } from './action-output.js';
import { BUNDLE_LIMITS, BundleError, checkBundlePullRequest, readBundles, type Bundle, type BundleMatch, type TriggeringRun } from './bundle.js';
import { CHECK_RUN_FORBIDDEN, checkAnnotations, checkRunTruncationNote, checkRunConclusion, checkRunExternalId, checkRunName, isChecksRefusal } from './check-run.js';

type Env = Record<string, string | undefined>;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The triggering run from a workflow_run payload; undefined when the payload lacks it. */
export function triggeringRunOf(payload: unknown): TriggeringRun | undefined {
  const run = record(record(payload)?.workflow_run);
  if (!run || typeof run.id !== 'number' || typeof run.head_sha !== 'string') return undefined;
  const prs = Array.isArray(run.pull_requests) ? run.pull_requests : [];
  const headRepository = record(run.head_repository)?.full_name;
  const htmlUrl = run.html_url;
  return {
    id: run.id,
    event: typeof run.event === 'string' ? run.event : '',
    headSha: run.head_sha,
    headRepository: typeof headRepository === 'string' ? headRepository : '',
    headBranch: typeof run.head_branch === 'string' ? run.head_branch : '',
    ...(typeof htmlUrl === 'string' && /^https?:\/\/[^\s()<>[\]]+$/.test(htmlUrl) ? { htmlUrl } : {}),
    pullRequests: prs.flatMap((p) => {
      const pr = record(p);
      const sha = record(pr?.head)?.sha;
      return pr && typeof pr.number === 'number' && typeof sha === 'string' ? [{ number: pr.number, headSha: sha }] : [];
    }),
  };
}

function readPayload(env: Env): unknown {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`GITHUB_EVENT_PATH points at ${file}, which cannot be read as JSON: ${messageOf(e)}`);
  }
}

/** mode: publish. Client options are for tests (short waits). */
export async function runPublish(out: ActionOutput, env: Env = process.env, client: ClientOptions = {}): Promise<void> {
  const payload = readPayload(env);
  const event = eventContextFrom(env, payload);
  if (event.eventName !== 'workflow_run') {
    throw new InputError(`\`mode: publish\` runs on a workflow_run event (on: workflow_run: types: [completed]), not on ${quote(event.eventName || 'no event')}. See "Pull requests from forks" in the README.`);
  }
  const run = triggeringRunOf(payload);
  if (!run || !event.repo) throw new InputError('the workflow_run event has no workflow_run (id and head_sha) or no repository.');
  if (run.event !== 'pull_request') {
    out.log.info(`model-gate: the triggering run was a ${quote(run.event)} run, not a pull_request run: nothing to publish.`);
    return;
  }
  const token = core.getInput('github-token');
  if (token === '') throw new InputError('`github-token` is empty: mode: publish needs a token with pull-requests: write, checks: write and actions: read.');
  const name = core.getInput('artifact-name').trim() || inputSpec('artifact-name').default;
  const commentWanted = parseBoolean(core.getInput('comment')) ?? booleanDefault('comment');
  const checkRunWanted = parseBoolean(core.getInput('check-run')) ?? booleanDefault('check-run');
  const repository = `${event.repo.owner}/${event.repo.repo}`;
  const octokit = createClient(token, event.apiUrl, { ...client, log: client.log ?? ((line) => out.log.info(line)) });

  let artifacts;
  try {
    artifacts = (await listRunArtifacts(octokit, event.repo, run.id, name)).filter((a) => !a.expired);
  } catch (e) {
    core.setFailed(out.message(`model-gate: could not list the artifacts of run ${run.id}: ${messageOf(e)}. The publish job needs \`permissions: actions: read\` (and pull-requests: write, checks: write).`));
    return;
  }
  if (artifacts.length === 0) {
    // A pull request from a branch of this repository leaves none: its own run commented.
    out.log.info(`model-gate: the triggering run ${run.id} left no artifact named ${quote(name)}: nothing to publish. (A pull request from a branch of this repository comments from its own run; for a fork, check that the evaluation reached actions/upload-artifact and that \`artifact-name\` matches its name.)`);
    return;
  }
  // A re-run attempt may upload it again: the newest (highest id) is the latest attempt's.
  const artifact = artifacts.reduce((a, b) => (b.id > a.id ? b : a));

  let bundles: Bundle[];
  const matches: BundleMatch[] = [];
  try {
    if (artifact.sizeInBytes > BUNDLE_LIMITS.maxZipBytes) throw new BundleError(`the artifact is ${artifact.sizeInBytes} bytes, more than the ${BUNDLE_LIMITS.maxZipBytes} allowed`);
    const zip = await downloadArtifactZip(octokit, event.repo, artifact.id, BUNDLE_LIMITS.maxZipBytes, { timeoutMs: client.timeoutMs });
    bundles = readBundles(zip);
    for (const b of bundles) {
      matches.push(
        await checkBundlePullRequest(
          b.pullRequest,
          run,
          repository,
          (n) => getPullRequest(octokit, event.repo!, n),
          (n, sha) => pullRequestHasCommit(octokit, event.repo!, n, sha),
        ),
      );
    }
  } catch (e) {
    const text = `model-gate: refused artifact ${quote(name)} of run ${run.id}: ${messageOf(e)}. Nothing was posted.`;
    core.setFailed(out.message(text));
    return;
  }

  // The triggering run's page, from the event GitHub wrote: never a link the artifact supplies.
  const runUrl = run.htmlUrl ?? `${event.serverUrl}/${repository}/actions/runs/${run.id}`;
  for (const [i, b] of bundles.entries()) {
    await publishOne(b, { event, run, runUrl, superseded: matches[i] === 'superseded', token, out, client, commentWanted, checkRunWanted, env });
  }
}

const VERDICT_ICON = { pass: '✅', warn: '⚠️', fail: '❌' } as const;

/** The check run's title, as the evaluate run words it (check-run.ts's checkRunTitle): plain text, at most 255 characters. */
function publishTitle(b: Bundle, key: string): string {
  const oneLine = (t: string): string => t.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').slice(0, 100);
  const title = key === 'default' ? '' : ` · ${oneLine(key)}`;
  const what = b.report.task ? ` · ${oneLine(b.report.task)} · ${b.report.data.rows} rows` : '';
  return `${VERDICT_ICON[b.report.verdict]} model-gate: ${b.report.verdict}${title}${what}`.slice(0, 255);
}

interface PublishArgs {
  event: EventContext;
  run: TriggeringRun;
  /** The triggering run's page (runPublish builds it from the event). */
  runUrl: string;
  /** The pull request has moved on past the run's commit: the check run goes on that commit, no comment. */
  superseded: boolean;
  token: string;
  out: ActionOutput;
  client: ClientOptions;
  commentWanted: boolean;
  checkRunWanted: boolean;
  env: Env;
}

async function publishOne(b: Bundle, a: PublishArgs): Promise<void> {
  const { out, event } = a;
  const key = b.pullRequest.key;
  const markdown = out.clean(
    renderFromJson(b.report, { marker: commentMarker(key), title: key === 'default' ? undefined : key, runUrl: a.runUrl, version: VERSION }),
  );
  out.setOutput('verdict', b.report.verdict);
  out.log.info(`model-gate: publishing the ${b.report.verdict} verdict of pull request #${b.pullRequest.number} (comment key ${quote(key)})`);
  if (a.checkRunWanted) {
    const name = out.clean(checkRunName(key));
    try {
      const octokit = createClient(a.token, event.apiUrl, { ...a.client, log: (line) => out.log.info(line) });
      const result = await completeCheckRun(
        octokit,
        { owner: event.repo!.owner, repo: event.repo!.repo, headSha: a.run.headSha, name, externalId: checkRunExternalId(key, 'pull_request-published'), ...(event.runUrl ? { detailsUrl: event.runUrl } : {}) },
        {
          conclusion: checkRunConclusion(b.report.verdict),
          output: {
            title: out.clean(publishTitle(b, key)),
            summary: fitCommentBody(markdown, key, MAX_CHECK_SUMMARY_BYTES, checkRunTruncationNote, 'bytes'),
          },
          annotations: checkAnnotations(b.report.findings, { workspace: a.env.GITHUB_WORKSPACE || process.cwd(), settings: undefined, workflowRef: a.env.GITHUB_WORKFLOW_REF }).map((x) => ({
            ...x,
            message: out.clean(x.message),
          })),
        },
        a.client,
      );
      out.log.info(`Check run ${name} ${result.action}: ${result.url || result.id}`);
    } catch (e) {
      out.log.warning(isChecksRefusal(e) ? CHECK_RUN_FORBIDDEN : `Could not complete the check run: ${messageOf(e)}`);
    }
  }
  if (a.commentWanted && a.superseded) {
    out.log.info(
      `model-gate: notice: pull request #${b.pullRequest.number} has moved on since the triggering run's commit ${a.run.headSha.slice(0, 12)}: its comment is left for the newer commit's run (the check run, if any, went on ${a.run.headSha.slice(0, 12)}).`,
    );
  } else if (a.commentWanted) {
    try {
      const result = await publishComment({
        ...a.client,
        token: a.token,
        apiUrl: event.apiUrl,
        owner: event.repo!.owner,
        repo: event.repo!.repo,
        issueNumber: b.pullRequest.number,
        body: markdown,
        key,
        runUrl: event.runUrl,
        log: (line) => out.log.info(line),
      });
      if (result.action === 'skipped') out.log.warning(`Pull request comment skipped: ${result.reason}`);
      else {
        out.setOutput('comment-id', String(result.id));
        out.log.info(`Pull request comment ${result.action}: ${result.url}`);
      }
    } catch (e) {
      out.log.warning(`Could not post the pull request comment: ${messageOf(e)}`);
    }
  }
}
