// Create or update model-gate's single ("sticky") comment on a pull request.
import { GitHubError } from '../errors.js';
import { CLIENT_DEFAULTS, type GitHubClient } from './client.js';
import { commentMarker, hasMarker } from './marker.js';
import { GitHubHttpError, toGitHubHttpError } from './http-error.js';

export type { GitHubClient } from './client.js';

/** GitHub rejects issue comment bodies longer than this ("body is too long (maximum is 65536 characters)"). */
export const MAX_COMMENT_LENGTH = 65536;

/** The login that GITHUB_TOKEN (the Actions installation token) writes comments as. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

/** The note that ends a cut body; it links the workflow run when given an http(s) link to it. */
export function truncationNote(runUrl?: string): string {
  // runUrl comes from GitHub's environment; still, only a plain http(s) link is made.
  const run = runUrl && /^https?:\/\/[^\s()<>[\]]+$/.test(runUrl) ? `[workflow run](${runUrl})` : 'workflow run';
  return (
    "> [!NOTE]\n> This report was cut short to fit GitHub's 65536-character comment limit. " +
    `The full report is in the ${run}'s job summary (and in the report artifact, where the workflow uploads one).`
  );
}

export const DEFAULT_TRUNCATION_NOTE = truncationNote();

export interface UpsertCommentOptions {
  owner: string;
  repo: string;
  /** Pull request (issue) number. */
  issueNumber: number;
  /** Markdown body; the marker is put in front when it is not already the first thing. */
  body: string;
  /** Identifies this sticky comment among others (e.g. one per workflow or per model). */
  key: string;
  /**
   * Login of the account the token writes as. When left out it is asked from GET /user; when that
   * is refused (401/403, as for GITHUB_TOKEN and app installation tokens) `github-actions[bot]`.
   * Set it for a GitHub App token (`my-app[bot]`).
   */
  author?: string;
  /** Longest body sent (defaults to GitHub's 65536). */
  maxLength?: number;
  /** Text appended when the body had to be cut (default: truncationNote(runUrl)). */
  truncationNote?: string;
  /** The workflow run's page, linked from the note that ends a cut body. */
  runUrl?: string;
  /** Posts to try again after their answer was lost (a reset, a timeout, a 5xx), listing first (default 3). */
  retries?: number;
  /** How long one second of a wait lasts, in ms (default 1000; tests shrink it). */
  secondMs?: number;
}

export interface UpsertCommentResult {
  id: number;
  url: string;
  action: 'created' | 'updated';
}

const ROUTES = {
  user: 'GET /user',
  list: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  create: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  update: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
  remove: 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}'
} as const;

async function call<T>(route: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toGitHubHttpError(error, route, path);
  }
}

const enc = encodeURIComponent;

/**
 * The login the token acts as: GET /user for user tokens; `github-actions[bot]` when GitHub answers
 * 401/403 (GITHUB_TOKEN and installation tokens may not call GET /user).
 */
export async function resolveAuthor(octokit: GitHubClient): Promise<string> {
  try {
    const response = await call(ROUTES.user, '/user', () => octokit.rest.users.getAuthenticated());
    return response.data.login;
  } catch (error) {
    if (error instanceof GitHubHttpError && (error.status === 401 || error.status === 403)) return GITHUB_ACTIONS_BOT;
    throw error;
  }
}

/** The body with the marker as its first line. */
export function withMarker(body: string, key: string): string {
  const marker = commentMarker(key);
  return body.startsWith(marker) ? body : `${marker}\n${body}`;
}

function unclosedBlocks(text: string): string {
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const match = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (!match) continue;
    const token = match[1]!;
    if (fence === undefined) fence = token;
    else if (token[0] === fence[0] && token.length >= fence.length && line.trim() === token) fence = undefined;
  }
  let closers = '';
  if (fence !== undefined) closers += `\n${fence}`;
  if (text.lastIndexOf('<!--') > text.lastIndexOf('-->')) closers += ' -->';
  const opened = (text.match(/<details\b/gi) ?? []).length;
  const closed = (text.match(/<\/details>/gi) ?? []).length;
  for (let i = closed; i < opened; i++) closers += '\n</details>';
  return closers;
}

/** A cut that would drop more than this much of one line keeps the line's start instead. */
const LONG_LINE = 1000;

/**
 * Cut a body that is longer than `maxLength` (UTF-16 units, which is never fewer than GitHub's
 * character count), keeping its head: the marker, the verdict and the failed gates come first in
 * the rendered report. The cut is at a line boundary, unless that would drop most of one very long
 * line (a finding quoting a huge value): then that line's start is kept, ending in `…`. An open code
 * fence, HTML comment or `<details>` block is closed and `note` appended. Bodies that fit are returned unchanged.
 */
export function fitCommentBody(
  body: string,
  key: string,
  maxLength = MAX_COMMENT_LENGTH,
  note = DEFAULT_TRUNCATION_NOTE
): string {
  if (body.length <= maxLength) return body;
  const marker = commentMarker(key);
  const tail = `\n\n${note}`;
  let budget = maxLength - tail.length;
  for (let attempt = 0; attempt < 8 && budget > 0; attempt++) {
    let cut = body.slice(0, budget);
    const lineEnd = cut.lastIndexOf('\n');
    if (lineEnd > marker.length && cut.length - lineEnd <= LONG_LINE) cut = cut.slice(0, lineEnd);
    else cut = (/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut) + '…';
    const result = cut.trimEnd() + unclosedBlocks(cut) + tail;
    if (result.length <= maxLength) return result;
    budget -= result.length - maxLength;
  }
  // Pathological input (the limit is smaller than marker + note): keep what fits.
  return `${marker}\n${note}`.slice(0, maxLength);
}

type IssueComment = Awaited<ReturnType<GitHubClient['rest']['issues']['createComment']>>['data'];

/** The REST calls on one pull request's comments, each failure a GitHubHttpError. */
function commentsApi(octokit: GitHubClient, owner: string, repo: string, issueNumber: number) {
  const issuePath = `/repos/${enc(owner)}/${enc(repo)}/issues/${issueNumber}`;
  const commentPath = (id: number): string => `/repos/${enc(owner)}/${enc(repo)}/issues/comments/${id}`;
  return {
    list: () =>
      call(ROUTES.list, `${issuePath}/comments`, () =>
        octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 })
      ),
    // No automatic retry: a POST whose answer is lost may have made the comment; the caller lists first.
    create: async (body: string): Promise<IssueComment> =>
      (
        await call(ROUTES.create, `${issuePath}/comments`, () =>
          octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body, request: { retries: 0 } })
        )
      ).data,
    update: (id: number, body: string) =>
      call(ROUTES.update, commentPath(id), () => octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })),
    /** Delete; a comment already gone is fine. */
    remove: async (id: number): Promise<void> => {
      try {
        await call(ROUTES.remove, commentPath(id), () => octokit.rest.issues.deleteComment({ owner, repo, comment_id: id }));
      } catch (error) {
        if (!(error instanceof GitHubHttpError && error.status === 404)) throw error;
      }
    }
  };
}

/** The request may have been carried out although no answer said so. */
function answerLost(error: unknown): boolean {
  return error instanceof GitHubHttpError && (error.status === undefined || error.status >= 500);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Post the report as one comment, or edit the one posted before: the oldest comment on the pull
 * request that carries the marker for `key` and was written by the token's own account.
 *
 * Two runs at once may both find none and both post. So every run lists again after posting, keeps
 * the oldest comment (all runs agree on it, so none deletes the one another keeps), writes its body
 * there unless it posted that comment itself, and deletes the others. The run that wrote last wins,
 * as when runs follow each other. A comment deleted during the run (404 on edit) is posted anew, and a
 * post whose answer was lost is only repeated when listing shows it did not land.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  options: UpsertCommentOptions
): Promise<UpsertCommentResult> {
  const { owner, repo, issueNumber, key } = options;
  const note = options.truncationNote ?? truncationNote(options.runUrl);
  const body = fitCommentBody(withMarker(options.body, key), key, options.maxLength, note);
  const author = (options.author ?? (await resolveAuthor(octokit))).toLowerCase();
  const api = commentsApi(octokit, owner, repo, issueNumber);
  const retries = options.retries ?? CLIENT_DEFAULTS.retries;
  const secondMs = options.secondMs ?? CLIENT_DEFAULTS.secondMs;

  // Rounds of listing and writing: one per lost post, then post, confirm, and a spare for a comment deleted meanwhile.
  const rounds = retries + 4;
  let created: IssueComment | undefined;
  let lostPosts = 0;
  let notFound: { id: number; error: GitHubHttpError } | undefined;
  for (let round = 0; round < rounds; round++) {
    const [keeper, ...duplicates] = (await api.list())
      .filter((c) => c.user?.login.toLowerCase() === author && hasMarker(c.body, key))
      .sort((a, b) => a.id - b.id);
    // A 404 on editing a comment that is still listed is a refusal (a fork's read-only token), not a deletion.
    if (notFound && keeper?.id === notFound.id) throw notFound.error;
    if (!keeper) {
      // A listing that does not show our new comment yet lags behind: never post twice for that.
      if (created) return { id: created.id, url: created.html_url, action: 'created' };
      try {
        created = await api.create(body);
      } catch (error) {
        if (!answerLost(error) || lostPosts >= retries) throw error;
        lostPosts += 1;
        await sleep(lostPosts ** 2 * secondMs);
      }
      continue;
    }
    const ours = keeper.id === created?.id || (lostPosts > 0 && keeper.body === body);
    if (!ours && keeper.body !== body) {
      try {
        await api.update(keeper.id, body);
      } catch (error) {
        if (!(error instanceof GitHubHttpError && error.status === 404)) throw error;
        notFound = { id: keeper.id, error }; // deleted meanwhile? List again.
        continue;
      }
    }
    for (const duplicate of duplicates) await api.remove(duplicate.id);
    return { id: keeper.id, url: keeper.html_url, action: ours ? 'created' : 'updated' };
  }
  throw new GitHubError(
    `The pull request comment on ${owner}/${repo}#${issueNumber} kept changing while this run wrote it (${rounds} rounds of ` +
      'listing and writing); another run or a person is editing it. The report is in the job summary.'
  );
}
