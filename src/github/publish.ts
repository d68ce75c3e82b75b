// Build the client from a token and publish the sticky comment; turn GitHub's refusals into results.
import { GitHubError, messageOf } from '../errors.js';
import { scrubber } from '../untrusted.js';
import { createClient, type ClientOptions } from './client.js';
import { upsertStickyComment, type CutNote } from './comment.js';
import { GitHubHttpError } from './http-error.js';

export const DEFAULT_API_URL = 'https://api.github.com';

export const READ_ONLY_TOKEN_REASON =
  'the token cannot write to this pull request (a pull request from a fork has a read-only token); the report is in the job summary';

/** Retries, time limits and waits are ClientOptions; the defaults suit GitHub (30 s per request, 3 retries). */
export interface PublishCommentOptions extends ClientOptions {
  token: string;
  /** REST API root, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  apiUrl?: string;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  key: string;
  /** Login the token writes as (the comment-author input); see UpsertCommentOptions.author. */
  author?: string;
  /** The pull request comes from a fork: a 404 on it then means "read-only token", not "wrong number". */
  fromFork?: boolean;
  /** Replaces the note put where the body is cut to GitHub's 65536-character limit. */
  truncationNote?: CutNote;
  /** The workflow run's page: the note that ends a cut body links it (the report's own link is cut with the rest). */
  runUrl?: string;
  /**
   * Told when the token turned out to write comments as another login than the one taken for it (an app
   * token without comment-author: set it), e.g. core.warning. Default: `log`.
   */
  warn?: (message: string) => void;
}

export interface PublishCommentResult {
  action: 'created' | 'updated' | 'skipped';
  id?: number;
  url?: string;
  reason?: string;
}

/** GitHub's way of saying the token may read but not write (fork pull requests get such a token). */
export function isReadOnlyTokenRefusal(error: GitHubHttpError, fromFork: boolean): boolean {
  if (error.status === 403 && /resource not accessible by integration/i.test(error.githubMessage)) return true;
  return fromFork && error.status === 404;
}

export async function publishComment(options: PublishCommentOptions): Promise<PublishCommentResult> {
  const { token } = options;
  const scrub = scrubber([token]);
  const baseUrl = (options.apiUrl || DEFAULT_API_URL).replace(/\/+$/, '');
  const warn = options.warn ?? options.log;
  try {
    const octokit = createClient(token, baseUrl, options);
    const result = await upsertStickyComment(octokit, {
      owner: options.owner,
      repo: options.repo,
      issueNumber: options.issueNumber,
      body: options.body,
      key: options.key,
      ...(options.author !== undefined ? { author: options.author } : {}),
      ...(options.truncationNote !== undefined ? { truncationNote: options.truncationNote } : {}),
      ...(options.runUrl !== undefined ? { runUrl: options.runUrl } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.secondMs !== undefined ? { secondMs: options.secondMs } : {}),
      ...(warn !== undefined ? { warn: (message: string) => warn(scrub(message)) } : {})
    });
    return { action: result.action, id: result.id, url: result.url };
  } catch (error) {
    if (error instanceof GitHubHttpError) {
      if (isReadOnlyTokenRefusal(error, options.fromFork ?? false)) {
        return { action: 'skipped', reason: READ_ONLY_TOKEN_REASON };
      }
      error.message = scrub(error.message);
      throw error;
    }
    throw new GitHubError(scrub(`Publishing the pull request comment failed: ${messageOf(error)}`));
  }
}
