// repository_dispatch: starts the workflows that listen for an event type (`on: repository_dispatch:
// types: [NAME]`), here the retraining workflow when the production model degrades.

import type { GitHubClient } from './client.js';
import { toGitHubHttpError } from './http-error.js';

const ROUTE = 'POST /repos/{owner}/{repo}/dispatches';

/** GitHub's limits: event_type at most 100 characters; client_payload at most 10 top-level properties. */
export const MAX_EVENT_TYPE = 100;
export const MAX_PAYLOAD_PROPERTIES = 10;

export async function sendRepositoryDispatch(
  octokit: GitHubClient,
  o: { owner: string; repo: string; eventType: string; payload: Record<string, unknown> },
): Promise<void> {
  if (Object.keys(o.payload).length > MAX_PAYLOAD_PROPERTIES) throw new Error(`client_payload has more than ${MAX_PAYLOAD_PROPERTIES} top-level properties`);
  const path = `/repos/${encodeURIComponent(o.owner)}/${encodeURIComponent(o.repo)}/dispatches`;
  try {
    await octokit.rest.repos.createDispatchEvent({ owner: o.owner, repo: o.repo, event_type: o.eventType, client_payload: o.payload, request: { retries: 0 } });
  } catch (error) {
    throw toGitHubHttpError(error, ROUTE, path);
  }
}
