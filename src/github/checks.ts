// model-gate's check run on a commit: one per comment key, found again by its name and external id, marked
// in progress while the gate runs and completed with the verdict, the report and annotations.
//
// Two rules keep it single and its annotations right under retries:
// - A POST is never repeated blind. When its answer is lost (a reset, a timeout, a 5xx) the run's check runs
//   are listed again, and the POST is repeated only when none landed (the same rule as the sticky comment).
// - GitHub appends the annotations of every PATCH to those the run already has, so a PATCH that carries
//   annotations is not retried blind either: after a lost answer the run is listed again (and its annotations,
//   when it has any), and only the missing ones are sent. A run that holds annotations this result does not have (an earlier run's, which
//   no API call removes) is not reused: a new check run is created, which GitHub shows in its place, and the
//   old one, if this run had reopened it, is closed as superseded.
import { GitHubError } from '../errors.js';
import { CLIENT_DEFAULTS, type GitHubClient } from './client.js';
import { GitHubHttpError, toGitHubHttpError } from './http-error.js';

/** GitHub's limits: at most 50 annotations per request, 65535 characters of summary, 255 of title, 64 KB per message. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
export const MAX_CHECK_SUMMARY_LENGTH = 65535;
export const MAX_CHECK_TITLE_LENGTH = 255;
export const MAX_ANNOTATION_MESSAGE_BYTES = 64 * 1024;

export type CheckConclusion = 'success' | 'neutral' | 'failure';

export interface CheckAnnotation {
  /** Relative to the repository's root, with `/`. */
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

/** Which check run: the commit, its name and the external id that marks it as model-gate's for one comment key. */
export interface CheckRunTarget {
  owner: string;
  repo: string;
  headSha: string;
  name: string;
  externalId: string;
  /** Where "Details" points (the workflow run). */
  detailsUrl?: string;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
}

export interface CheckRunWriteOptions {
  /** Writes to try again after their answer was lost, reading first (default 3). */
  retries?: number;
  /** How long one second of a wait lasts, in ms (default 1000; tests shrink it). */
  secondMs?: number;
  /** Clock for started_at and completed_at (tests). */
  now?: () => Date;
}

export interface CheckRunResult {
  id: number;
  url: string;
  action: 'created' | 'updated';
  /** Annotations sent by this call (those the run already had are not sent again). */
  annotationsSent: number;
  /** An earlier check run that held annotations this result no longer has, closed as superseded. */
  superseded?: number;
}

interface ListedRun {
  id: number;
  html_url: string | null;
  external_id: string | null;
  status: string;
  output: { annotations_count: number };
}

const ROUTES = {
  list: 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
  create: 'POST /repos/{owner}/{repo}/check-runs',
  update: 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
  annotations: 'GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations'
} as const;

const enc = encodeURIComponent;

async function call<T>(route: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toGitHubHttpError(error, route, path);
  }
}

/** The request may have been carried out although no answer said so. */
export function answerLost(error: unknown): boolean {
  return error instanceof GitHubHttpError && (error.status === undefined || error.status >= 500);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

function checksApi(octokit: GitHubClient, target: CheckRunTarget) {
  const { owner, repo } = target;
  const repoPath = `/repos/${enc(owner)}/${enc(repo)}`;
  const runPath = (id: number): string => `${repoPath}/check-runs/${id}`;
  return {
    /** model-gate's runs for this key on the commit, newest first. */
    find: async (): Promise<ListedRun[]> => {
      const runs = (await call(ROUTES.list, `${repoPath}/commits/${enc(target.headSha)}/check-runs`, () =>
        octokit.paginate(octokit.rest.checks.listForRef, {
          owner,
          repo,
          ref: target.headSha,
          check_name: target.name,
          filter: 'all',
          per_page: 100
        })
      )) as ListedRun[];
      return runs.filter((r) => r.external_id === target.externalId).sort((a, b) => b.id - a.id);
    },
    annotations: async (id: number): Promise<CheckAnnotation[]> =>
      (await call(ROUTES.annotations, `${runPath(id)}/annotations`, () =>
        octokit.paginate(octokit.rest.checks.listAnnotations, { owner, repo, check_run_id: id, per_page: 100 })
      )) as CheckAnnotation[],
    // No automatic retry: a POST whose answer is lost may have made the run; the caller lists first.
    create: async (fields: Record<string, unknown>): Promise<ListedRun> =>
      (
        await call(ROUTES.create, `${repoPath}/check-runs`, () =>
          octokit.rest.checks.create({
            owner,
            repo,
            name: target.name,
            head_sha: target.headSha,
            external_id: target.externalId,
            ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
            ...fields,
            request: { retries: 0 }
          } as never)
        )
      ).data as ListedRun,
    /** A PATCH without annotations is idempotent and retried by the client; one with annotations is not. */
    update: async (id: number, fields: Record<string, unknown>, withAnnotations: boolean): Promise<ListedRun> =>
      (
        await call(ROUTES.update, runPath(id), () =>
          octokit.rest.checks.update({
            owner,
            repo,
            check_run_id: id,
            ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
            ...fields,
            ...(withAnnotations ? { request: { retries: 0 } } : {})
          } as never)
        )
      ).data as ListedRun
  };
}

function annotationKey(a: CheckAnnotation): string {
  return [a.path, a.start_line, a.end_line, a.annotation_level, a.title ?? '', a.message].join('\u0000');
}

/** `wanted` minus those already there (as multisets), and whether the run holds any that are not wanted. */
function diffAnnotations(wanted: readonly CheckAnnotation[], existing: readonly CheckAnnotation[]): { todo: CheckAnnotation[]; extra: number } {
  const have = new Map<string, number>();
  for (const a of existing) have.set(annotationKey(a), (have.get(annotationKey(a)) ?? 0) + 1);
  const todo: CheckAnnotation[] = [];
  for (const a of wanted) {
    const key = annotationKey(a);
    const n = have.get(key) ?? 0;
    if (n > 0) have.set(key, n - 1);
    else todo.push(a);
  }
  let extra = 0;
  for (const n of have.values()) extra += n;
  return { todo, extra };
}

function rounds(options: CheckRunWriteOptions): { retries: number; secondMs: number } {
  return { retries: options.retries ?? CLIENT_DEFAULTS.retries, secondMs: options.secondMs ?? CLIENT_DEFAULTS.secondMs };
}

/**
 * Marks model-gate's check run for the target in progress: the newest one for this key is reopened, or one
 * is created. A create whose answer was lost is repeated only when listing shows it did not land.
 */
export async function markCheckRunInProgress(
  octokit: GitHubClient,
  target: CheckRunTarget,
  output: CheckRunOutput,
  options: CheckRunWriteOptions = {}
): Promise<CheckRunResult> {
  const api = checksApi(octokit, target);
  const { retries, secondMs } = rounds(options);
  const now = options.now ?? (() => new Date());
  const fields = { status: 'in_progress', started_at: isoSeconds(now()), output };
  for (let lost = 0; ; ) {
    const [existing] = await api.find();
    // After a lost create, a run that is listed now is the one that create made.
    if (existing && lost > 0) return { id: existing.id, url: existing.html_url ?? '', action: 'created', annotationsSent: 0 };
    if (existing) {
      const run = await api.update(existing.id, fields, false);
      return { id: run.id, url: run.html_url ?? '', action: 'updated', annotationsSent: 0 };
    }
    try {
      const run = await api.create(fields);
      return { id: run.id, url: run.html_url ?? '', action: 'created', annotationsSent: 0 };
    } catch (error) {
      if (!answerLost(error) || lost >= retries) throw error;
      lost += 1;
      await sleep(lost ** 2 * secondMs);
    }
  }
}

/**
 * Completes model-gate's check run for the target with the conclusion, the output and every annotation,
 * 50 per request (the first write carries the conclusion and the first 50, further PATCHes the rest). The
 * newest run for this key is updated, or one is created; see the rules at the top of this file.
 */
export async function completeCheckRun(
  octokit: GitHubClient,
  target: CheckRunTarget,
  result: { conclusion: CheckConclusion; output: CheckRunOutput; annotations: readonly CheckAnnotation[] },
  options: CheckRunWriteOptions = {}
): Promise<CheckRunResult> {
  const api = checksApi(octokit, target);
  const { retries, secondMs } = rounds(options);
  const now = options.now ?? (() => new Date());
  const completion = { status: 'completed', conclusion: result.conclusion, completed_at: isoSeconds(now()) };

  let plan: { runId: number | undefined; todo: CheckAnnotation[] } | undefined;
  let superseded: ListedRun | undefined;
  let created: ListedRun | undefined;
  let last: ListedRun | undefined;
  let sent = 0;
  let lost = 0;
  // One round per batch, plus the reads and writes again after each lost answer.
  const maxRounds = Math.ceil(result.annotations.length / MAX_ANNOTATIONS_PER_REQUEST) + 2 * retries + 2;
  for (let round = 0; round < maxRounds; round++) {
    if (plan === undefined) {
      const [newest] = await api.find();
      const existing = newest && newest.output.annotations_count > 0 ? await api.annotations(newest.id) : [];
      const { todo, extra } = diffAnnotations(result.annotations, existing);
      if (newest && extra > 0 && newest.id !== created?.id) {
        // An earlier result's annotations, which cannot be removed: this result goes on a new run.
        superseded ??= newest;
        plan = { runId: undefined, todo: [...result.annotations] };
      } else {
        plan = { runId: newest?.id, todo };
      }
    }
    const batch = plan.todo.slice(0, MAX_ANNOTATIONS_PER_REQUEST);
    const fields = { ...completion, output: { ...result.output, ...(batch.length > 0 ? { annotations: batch } : {}) } };
    try {
      if (plan.runId === undefined) {
        created = await api.create(fields);
        last = created;
        plan.runId = created.id;
      } else {
        last = await api.update(plan.runId, fields, batch.length > 0);
      }
    } catch (error) {
      if (!answerLost(error) || lost >= retries) throw error;
      lost += 1;
      plan = undefined; // read again: the write may have landed
      await sleep(lost ** 2 * secondMs);
      continue;
    }
    sent += batch.length;
    plan.todo = plan.todo.slice(batch.length);
    if (plan.todo.length > 0) continue;
    let closed: number | undefined;
    if (superseded && superseded.id !== last.id && superseded.status !== 'completed') {
      // This run had reopened it (in progress); close it so that it does not stay running forever.
      await api.update(
        superseded.id,
        {
          status: 'completed',
          conclusion: 'skipped',
          completed_at: completion.completed_at,
          output: {
            title: 'Superseded by a newer model-gate check run',
            summary: `This check run held annotations from an earlier result, which GitHub cannot remove; the current result is in check run ${last.id}.`
          }
        },
        false
      );
      closed = superseded.id;
    }
    return {
      id: last.id,
      url: last.html_url ?? '',
      action: created?.id === last.id ? 'created' : 'updated',
      annotationsSent: sent,
      ...(closed !== undefined ? { superseded: closed } : {})
    };
  }
  throw new GitHubError(
    `The check run ${target.name} on ${target.owner}/${target.repo}@${target.headSha.slice(0, 7)} could not be completed in ${maxRounds} rounds ` +
      'of reading and writing; GitHub kept losing the answers. The report is in the job summary.'
  );
}
