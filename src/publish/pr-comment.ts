// The sticky pull request comment: one per pull request and comment key, updated on every run.
// The REST calls, retries and the sticky upsert are github/'s; this decides what the run prints.

import type { ClientOptions } from '../github/client.js';
import { publishComment } from '../github/publish.js';
import { messageOf } from '../errors.js';
import type { Publisher } from './publisher.js';

export const NOT_A_PULL_REQUEST = 'Not a pull request event: the report is in the job summary only.';
export const NO_TOKEN = 'No github-token: cannot comment on the pull request; the report is in the job summary.';

/** Posts or updates the comment and sets the comment-id output. Client options are for tests (short waits). */
export function prComment(client: ClientOptions = {}): Publisher {
  return {
    name: 'pr-comment',
    action: 'post the pull request comment',
    async publish({ event, token, report, key, settings, out }) {
      if (!event?.repo || event.issueNumber === undefined) return { status: 'skipped', detail: NOT_A_PULL_REQUEST };
      try {
        const result = await publishComment({
          ...client,
          token,
          apiUrl: event.apiUrl,
          owner: event.repo.owner,
          repo: event.repo.repo,
          issueNumber: event.issueNumber,
          body: report.markdown,
          key,
          // A GitHub App's token cannot ask GET /user who it is: the comment-author input says it.
          ...(settings?.commentAuthor !== undefined ? { author: settings.commentAuthor } : {}),
          fromFork: event.pullRequest?.fromFork,
          runUrl: event.runUrl,
          log: (line) => out.log.info(line),
          warn: (line) => out.log.warning(line),
        });
        if (result.action === 'skipped') {
          out.log.warning(`Pull request comment skipped: ${result.reason}`);
          return { status: 'skipped', detail: result.reason };
        }
        out.setOutput('comment-id', String(result.id));
        out.log.info(`Pull request comment ${result.action}: ${result.url}`);
        return { status: 'done', detail: result.url };
      } catch (e) {
        // Commenting is reporting, not gating: a GitHub outage must not flip the verdict.
        const text = `Could not post the pull request comment: ${messageOf(e)}. The report is in the job summary.`;
        out.log.warning(text);
        return { status: 'failed', detail: out.message(text) };
      }
    },
  };
}

/**
 * Stands in the comment's place when a comment is wanted but cannot be posted, to say why in the log
 * where the comment's own lines would be.
 */
export function noPrComment(level: 'info' | 'warning', reason: string): Publisher {
  return {
    name: 'no-pr-comment',
    action: 'explain the missing pull request comment',
    publish({ out }) {
      out.log[level](reason);
      return { status: 'skipped', detail: reason };
    },
  };
}
