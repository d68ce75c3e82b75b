// model-gate's check run on a commit: one per comment key and source (the workflow and event that run the
// step), found again by its name and external id, marked in progress while the gate runs and completed with
// the verdict, the report and annotations.
//
// Rules that keep it single, its annotations right, and never leave it running:
// - A completed check run is never reopened: GitHub does not let a completed run go back to in progress (its
//   status and conclusion stay as they are), so a rerun on the same commit makes a new check run, and GitHub
//   shows the newest run of a name. A run that is still in progress or queued (the one the in-progress step
//   marked, or one a crashed run left) is taken over.
// - A POST is never repeated blind. When its answer is lost (a reset, a timeout, a 5xx) the commit's check
//   runs are listed again, and the POST is repeated only when none landed (the same rule as the sticky comment).
// - GitHub appends the annotations of every PATCH to those the run already has, so a PATCH that carries
//   annotations is not retried blind either: after a lost answer the run is listed again (and its annotations,
//   when it has any), and only the missing ones are sent. model-gate's in-progress runs hold no annotations
//   (the first write that carries annotations also completes the run), so those a run holds are this call's.
// - When the completion fails (a 422, a 5xx after the retries, answers lost round after round), one last
//   minimal write closes the run with the conclusion and a short summary, so that a required check does not
//   hang "in progress".
import { GitHubError, messageOf } from '../errors.js';
import { CLIENT_DEFAULTS, type GitHubClient } from './client.js';
import { answerLost, GitHubHttpError, githubCall } from './http-error.js';

/**
 * GitHub's limits: at most 50 annotations per request; 65,535 BYTES of summary (GitHub counts UTF-8 bytes:
 * 422 "summary exceeds a maximum bytesize of 65535", although the reference says characters), the same for
 * text; 255 characters of title; 64 KB per annotation message.
 */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
export const MAX_CHECK_SUMMARY_BYTES = 65535;
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

/** Which check run: the commit, its name and the external id that marks it as model-gate's for one key and source. */
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

/** Another model-gate check run with the same name on the commit (another workflow or event): they replace each other. */
export interface OtherCheckRun {
  id: number;
  externalId: string;
  status: string;
}

export interface CheckRunResult {
  id: number;
  url: string;
  action: 'created' | 'updated';
  /** Annotations sent by this call (those the run already had are not sent again). */
  annotationsSent: number;
  /** model-gate check runs of the same name from another source (workflow or event), newest first. */
  others: OtherCheckRun[];
}

/** The completion failed; `closed` is the run that shows the conclusion anyway (closed by a last minimal write), if any. */
export class CheckRunNotCompleted extends GitHubError {
  override name = 'CheckRunNotCompleted';
  constructor(
    readonly reason: unknown,
    readonly closed: ClosedCheckRun | undefined,
    /** The first write (conclusion, title, the full summary) landed; only later annotation batches are missing. */
    readonly reportShown: boolean
  ) {
    super(messageOf(reason));
  }
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



/** 403 "Resource not accessible by integration" (or by a personal access token), or 404: no `checks: write`. */
export function isChecksRefusal(error: unknown): boolean {
  if (!(error instanceof GitHubHttpError)) return false;
  return error.status === 404 || (error.status === 403 && /resource not accessible/i.test(error.githubMessage));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const isOpen = (run: ListedRun): boolean => run.status !== 'completed';

/** External ids model-gate writes start with this. */
export const EXTERNAL_ID_PREFIX = 'model-gate:';

function checksApi(octokit: GitHubClient, target: CheckRunTarget) {
  const { owner, repo } = target;
  const repoPath = `/repos/${enc(owner)}/${enc(repo)}`;
  const runPath = (id: number): string => `${repoPath}/check-runs/${id}`;
  return {
    /** The commit's runs of this name: model-gate's for this target (`ours`) and for other sources (`others`), newest first. */
    find: async (): Promise<{ ours: ListedRun[]; others: OtherCheckRun[] }> => {
      const runs = (await githubCall(ROUTES.list, `${repoPath}/commits/${enc(target.headSha)}/check-runs`, () =>
        octokit.paginate(octokit.rest.checks.listForRef, {
          owner,
          repo,
          ref: target.headSha,
          check_name: target.name,
          filter: 'all',
          per_page: 100
        })
      )) as ListedRun[];
      const newestFirst = [...runs].sort((a, b) => b.id - a.id);
      return {
        ours: newestFirst.filter((r) => r.external_id === target.externalId),
        others: newestFirst
          .filter((r) => r.external_id !== target.externalId && (r.external_id ?? '').startsWith(EXTERNAL_ID_PREFIX))
          .map((r) => ({ id: r.id, externalId: r.external_id!, status: r.status }))
      };
    },
    annotations: async (id: number): Promise<CheckAnnotation[]> =>
      (await githubCall(ROUTES.annotations, `${runPath(id)}/annotations`, () =>
        octokit.paginate(octokit.rest.checks.listAnnotations, { owner, repo, check_run_id: id, per_page: 100 })
      )) as CheckAnnotation[],
    // No automatic retry: a POST whose answer is lost may have made the run; the caller lists first.
    create: async (fields: Record<string, unknown>): Promise<ListedRun> =>
      (
        await githubCall(ROUTES.create, `${repoPath}/check-runs`, () =>
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
        await githubCall(ROUTES.update, runPath(id), () =>
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

/** `wanted` minus those already there (as multisets). */
function missingAnnotations(wanted: readonly CheckAnnotation[], existing: readonly CheckAnnotation[]): CheckAnnotation[] {
  const have = new Map<string, number>();
  for (const a of existing) have.set(annotationKey(a), (have.get(annotationKey(a)) ?? 0) + 1);
  const todo: CheckAnnotation[] = [];
  for (const a of wanted) {
    const key = annotationKey(a);
    const n = have.get(key) ?? 0;
    if (n > 0) have.set(key, n - 1);
    else todo.push(a);
  }
  return todo;
}

function rounds(options: CheckRunWriteOptions): { retries: number; secondMs: number } {
  return { retries: options.retries ?? CLIENT_DEFAULTS.retries, secondMs: options.secondMs ?? CLIENT_DEFAULTS.secondMs };
}

/**
 * Marks model-gate's check run for the target in progress: the newest one for this target is taken over when
 * it is still open (in progress or queued); otherwise (none, or the newest is completed: a completed run cannot
 * be reopened) one is created. A create whose answer was lost is repeated only when listing shows it did not land.
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
  let newestBefore: number | undefined;
  for (let lost = 0; ; ) {
    const { ours, others } = await api.find();
    const [newest] = ours;
    // After a lost create, a run that is listed now and was not before is the one that create made.
    if (newest && lost > 0 && newest.id !== newestBefore) return { id: newest.id, url: newest.html_url ?? '', action: 'created', annotationsSent: 0, others };
    if (newest && isOpen(newest)) {
      const run = await api.update(newest.id, fields, false);
      return { id: run.id, url: run.html_url ?? '', action: 'updated', annotationsSent: 0, others };
    }
    newestBefore = newest?.id;
    try {
      const run = await api.create(fields);
      return { id: run.id, url: run.html_url ?? '', action: 'created', annotationsSent: 0, others };
    } catch (error) {
      if (!answerLost(error) || lost >= retries) throw error;
      lost += 1;
      await sleep(lost ** 2 * secondMs);
    }
  }
}

/** What the completion writes: the conclusion, the full output, every annotation, and the minimal output for a failure. */
export interface CheckRunCompletion {
  conclusion: CheckConclusion;
  output: CheckRunOutput;
  annotations: readonly CheckAnnotation[];
  /**
   * What the run shows when the completion fails: written once, without annotations, with the same conclusion,
   * so that the run does not stay in progress. Without it a failed completion only throws.
   */
  fallback?: CheckRunOutput;
}

/**
 * Completes model-gate's check run for the target with the conclusion, the output and every annotation,
 * 50 per request (the first write carries the conclusion and the first 50, further PATCHes the rest). The
 * newest run for the target is completed when it is still open (the one the in-progress step marked);
 * otherwise a new one is created. See the rules at the top of this file. A failure throws CheckRunNotCompleted
 * (after the fallback write, when `fallback` is given), or the refusal itself when the token cannot write checks.
 */
export async function completeCheckRun(
  octokit: GitHubClient,
  target: CheckRunTarget,
  result: CheckRunCompletion,
  options: CheckRunWriteOptions = {}
): Promise<CheckRunResult> {
  const api = checksApi(octokit, target);
  const { retries, secondMs } = rounds(options);
  const now = options.now ?? (() => new Date());
  const completion = { status: 'completed', conclusion: result.conclusion, completed_at: isoSeconds(now()) };

  /** The run this call writes to, once known. */
  let runId: number | undefined;
  let createdId: number | undefined;
  /** Set while a create's answer is unknown: the newest run of ours listed before it was sent. */
  let pendingCreate: { newestBefore: number | undefined } | undefined;
  let todo: CheckAnnotation[] | undefined;
  let newestListed: number | undefined;
  let others: OtherCheckRun[] = [];
  let last: ListedRun | undefined;
  let sent = 0;
  let lost = 0;
  // One round per batch, plus the reads and writes again after each lost answer.
  const maxRounds = Math.ceil(result.annotations.length / MAX_ANNOTATIONS_PER_REQUEST) + 2 * retries + 2;
  try {
    for (let round = 0; round < maxRounds; round++) {
      if (todo === undefined) {
        const listed = await api.find();
        others = listed.others;
        const [newest] = listed.ours;
        newestListed = newest?.id;
        if (runId === undefined && newest) {
          if (pendingCreate && newest.id !== pendingCreate.newestBefore) runId = createdId = newest.id;
          else if (isOpen(newest)) runId = newest.id;
        }
        pendingCreate = undefined;
        const run = runId === undefined ? undefined : listed.ours.find((r) => r.id === runId);
        const existing = run && run.output.annotations_count > 0 ? await api.annotations(run.id) : [];
        todo = missingAnnotations(result.annotations, existing);
      }
      const batch = todo.slice(0, MAX_ANNOTATIONS_PER_REQUEST);
      const fields = { ...completion, output: { ...result.output, ...(batch.length > 0 ? { annotations: batch } : {}) } };
      try {
        if (runId === undefined) {
          pendingCreate = { newestBefore: newestListed };
          last = await api.create(fields);
          runId = createdId = last.id;
          pendingCreate = undefined;
        } else {
          last = await api.update(runId, fields, batch.length > 0);
        }
      } catch (error) {
        if (!answerLost(error) || lost >= retries) throw error;
        lost += 1;
        todo = undefined; // read again: the write may have landed
        await sleep(lost ** 2 * secondMs);
        continue;
      }
      sent += batch.length;
      todo = todo.slice(batch.length);
      if (todo.length > 0) continue;
      return { id: last.id, url: last.html_url ?? '', action: createdId === last.id ? 'created' : 'updated', annotationsSent: sent, others };
    }
    throw new GitHubError(
      `The check run ${target.name} on ${target.owner}/${target.repo}@${target.headSha.slice(0, 7)} could not be completed in ${maxRounds} rounds ` +
        'of reading and writing; GitHub kept losing the answers'
    );
  } catch (error) {
    if (isChecksRefusal(error)) throw error;
    // The first write that answered carried the conclusion and the full summary: the run shows the result.
    if (last !== undefined) throw new CheckRunNotCompleted(error, { id: last.id, url: last.html_url ?? '', action: 'left' }, true);
    const closed = result.fallback
      ? await closeCheckRun(octokit, target, { conclusion: result.conclusion, output: result.fallback, runId, createWhenNoneOpen: true }).catch(() => undefined)
      : undefined;
    throw new CheckRunNotCompleted(error, closed, false);
  }
}

/**
 * One minimal write that closes model-gate's open check run for the target with `conclusion` and `output` (no
 * annotations): the run `runId` when given, else the newest open one of ours. A run that is already completed is
 * left as it is (GitHub would not change its conclusion). When none is open, `createWhenNoneOpen` makes a
 * completed one, so that the newest run of the name shows this conclusion rather than an earlier result.
 * Returns the run written, or undefined when there was nothing to do.
 */
export async function closeCheckRun(
  octokit: GitHubClient,
  target: CheckRunTarget,
  close: { conclusion: CheckConclusion; output: CheckRunOutput; runId?: number; createWhenNoneOpen?: boolean },
  options: Pick<CheckRunWriteOptions, 'now'> = {}
): Promise<ClosedCheckRun | undefined> {
  const api = checksApi(octokit, target);
  const fields = { status: 'completed', conclusion: close.conclusion, completed_at: isoSeconds((options.now ?? (() => new Date()))()), output: close.output };
  const { ours } = await api.find();
  const run = close.runId !== undefined ? ours.find((r) => r.id === close.runId) : ours.find(isOpen);
  if (run && !isOpen(run)) return { id: run.id, url: run.html_url ?? '', action: 'left' };
  if (run) {
    const written = await api.update(run.id, fields, false);
    return { id: written.id, url: written.html_url ?? '', action: 'updated' };
  }
  if (!close.createWhenNoneOpen) return undefined;
  const created = await api.create(fields);
  return { id: created.id, url: created.html_url ?? '', action: 'created' };
}

/** A run closeCheckRun wrote ('updated', 'created'), or found completed already and left as it is ('left'). */
export interface ClosedCheckRun {
  id: number;
  url: string;
  action: 'updated' | 'created' | 'left';
}
