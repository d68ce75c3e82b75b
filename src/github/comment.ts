// Create or update model-gate's single ("sticky") comment on a pull request.
import type { getOctokit } from '@actions/github';
import { commentMarker, hasMarker } from './marker.js';
import { GitHubHttpError, toGitHubHttpError } from './http-error.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** GitHub rejects issue comment bodies longer than this ("body is too long (maximum is 65536 characters)"). */
export const MAX_COMMENT_LENGTH = 65536;

/** The login that GITHUB_TOKEN (the Actions installation token) writes comments as. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

export const DEFAULT_TRUNCATION_NOTE =
  "> [!NOTE]\n> This report was cut short to fit GitHub's 65536-character comment limit. " +
  "The full report is in the workflow run's job summary (and in the report artifact, where the workflow uploads one).";

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
  /** Text appended when the body had to be cut. */
  truncationNote?: string;
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
  update: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
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

/**
 * Cut a body that is longer than `maxLength` (UTF-16 units, which is never fewer than GitHub's
 * character count) at a line boundary, keep the marker line, close an open code fence or
 * `<details>` block and append `note`. Bodies that fit are returned unchanged.
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
    if (lineEnd > marker.length) cut = cut.slice(0, lineEnd);
    else if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
    const result = cut.trimEnd() + unclosedBlocks(cut) + tail;
    if (result.length <= maxLength) return result;
    budget -= result.length - maxLength;
  }
  // Pathological input (the limit is smaller than marker + note): keep what fits.
  return `${marker}\n${note}`.slice(0, maxLength);
}

/**
 * Post the report as one comment, or edit the one posted before: the newest comment on the pull
 * request that carries the marker for `key` and was written by the token's own account.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  options: UpsertCommentOptions
): Promise<UpsertCommentResult> {
  const { owner, repo, issueNumber, key } = options;
  const body = fitCommentBody(withMarker(options.body, key), key, options.maxLength, options.truncationNote);
  const author = (options.author ?? (await resolveAuthor(octokit))).toLowerCase();
  const issuePath = `/repos/${enc(owner)}/${enc(repo)}/issues/${issueNumber}`;

  const comments = await call(ROUTES.list, `${issuePath}/comments`, () =>
    octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 })
  );
  let existing: (typeof comments)[number] | undefined;
  for (const comment of comments) {
    if (comment.user?.login.toLowerCase() !== author || !hasMarker(comment.body, key)) continue;
    if (!existing || comment.id > existing.id) existing = comment;
  }

  if (existing) {
    const commentId = existing.id;
    const response = await call(ROUTES.update, `/repos/${enc(owner)}/${enc(repo)}/issues/comments/${commentId}`, () =>
      octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body })
    );
    return { id: response.data.id, url: response.data.html_url, action: 'updated' };
  }
  const response = await call(ROUTES.create, `${issuePath}/comments`, () =>
    octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })
  );
  return { id: response.data.id, url: response.data.html_url, action: 'created' };
}
