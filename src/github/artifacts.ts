// The REST calls of mode: publish: the triggering run's artifacts, one artifact's zip (with a size cap, read
// into memory and never written to disk), and a pull request's head and base. Errors are GitHubHttpErrors
// that name the call.

import { GitHubError, messageOf } from '../errors.js';
import type { GitHubClient } from './client.js';
import { toGitHubHttpError } from './http-error.js';
import type { RepoRef } from './context.js';

export interface ArtifactInfo {
  id: number;
  name: string;
  /** As GitHub reports it: the zip's size. */
  sizeInBytes: number;
  expired: boolean;
}

export interface PullRequestInfo {
  number: number;
  headSha: string;
  /** owner/repo of the base: the repository the pull request is into. */
  baseRepo: string;
  /** owner/repo the head branch lives in (a fork's for a pull request from a fork); '' when GitHub gives none (a deleted fork). */
  headRepo: string;
  /** The head branch's name. */
  headRef: string;
  state: string;
}

const LIST_ROUTE = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts';
const DOWNLOAD_ROUTE = 'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}';
const PULL_ROUTE = 'GET /repos/{owner}/{repo}/pulls/{pull_number}';
const COMMITS_ROUTE = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits';

/** The artifacts of a workflow run named `name` (GitHub filters by name; the exact name is checked again here). */
export async function listRunArtifacts(octokit: GitHubClient, repo: RepoRef, runId: number, name: string): Promise<ArtifactInfo[]> {
  const path = `/repos/${repo.owner}/${repo.repo}/actions/runs/${runId}/artifacts`;
  try {
    const found: ArtifactInfo[] = [];
    for (let page = 1; page <= 10; page++) {
      const { data } = await octokit.request(LIST_ROUTE, { owner: repo.owner, repo: repo.repo, run_id: runId, name, per_page: 100, page });
      for (const a of data.artifacts) if (a.name === name) found.push({ id: a.id, name: a.name, sizeInBytes: a.size_in_bytes, expired: a.expired });
      if (data.artifacts.length < 100) break;
    }
    return found;
  } catch (e) {
    throw toGitHubHttpError(e, LIST_ROUTE, path);
  }
}

/**
 * An artifact's zip, at most `maxBytes`: GitHub answers 302 with a short-lived link, which is read here
 * without the token (the link carries its own signature), stopping as soon as it passes the cap.
 */
export async function downloadArtifactZip(
  octokit: GitHubClient,
  repo: RepoRef,
  artifactId: number,
  maxBytes: number,
  options: { timeoutMs?: number } = {},
): Promise<Uint8Array> {
  const path = `/repos/${repo.owner}/${repo.repo}/actions/artifacts/${artifactId}/zip`;
  let location: string | undefined;
  try {
    const response = await octokit.request(DOWNLOAD_ROUTE, {
      owner: repo.owner,
      repo: repo.repo,
      artifact_id: artifactId,
      archive_format: 'zip',
      request: { redirect: 'manual' },
    });
    const header = (response.headers as Record<string, unknown>).location;
    location = typeof header === 'string' ? header : undefined;
  } catch (e) {
    throw toGitHubHttpError(e, DOWNLOAD_ROUTE, path);
  }
  if (location === undefined || !/^https?:\/\//.test(location)) throw new GitHubError(`GitHub API request GET ${path} gave no download link (expected HTTP 302 with a Location header).`);
  let response: Response;
  try {
    response = await fetch(location, { redirect: 'follow', signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
  } catch (e) {
    throw new GitHubError(`Downloading artifact ${artifactId} failed: ${messageOf(e)}`);
  }
  if (!response.ok || !response.body) throw new GitHubError(`Downloading artifact ${artifactId} failed with HTTP ${response.status}.`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body.cancel();
    throw new ArtifactTooLargeError(`artifact ${artifactId} is ${declared} bytes, more than the ${maxBytes} allowed`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ArtifactTooLargeError(`artifact ${artifactId} is more than the ${maxBytes} bytes allowed`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** An artifact over the size cap. */
export class ArtifactTooLargeError extends GitHubError {
  override name = 'ArtifactTooLargeError';
}

/** A pull request's number, head commit, head repository and branch, and base repository. */
export async function getPullRequest(octokit: GitHubClient, repo: RepoRef, pullNumber: number): Promise<PullRequestInfo> {
  const path = `/repos/${repo.owner}/${repo.repo}/pulls/${pullNumber}`;
  try {
    const { data } = await octokit.request(PULL_ROUTE, { owner: repo.owner, repo: repo.repo, pull_number: pullNumber });
    return { number: data.number, headSha: data.head.sha, baseRepo: data.base.repo.full_name, headRepo: data.head.repo?.full_name ?? '', headRef: data.head.ref, state: data.state };
  } catch (e) {
    throw toGitHubHttpError(e, PULL_ROUTE, path);
  }
}

/** Whether `sha` is one of a pull request's commits (GET /pulls/{n}/commits, which lists at most 250). */
export async function pullRequestHasCommit(octokit: GitHubClient, repo: RepoRef, pullNumber: number, sha: string): Promise<boolean> {
  const path = `/repos/${repo.owner}/${repo.repo}/pulls/${pullNumber}/commits`;
  try {
    for (let page = 1; page <= 3; page++) {
      const { data } = await octokit.request(COMMITS_ROUTE, { owner: repo.owner, repo: repo.repo, pull_number: pullNumber, per_page: 100, page });
      if (data.some((c) => c.sha === sha)) return true;
      if (data.length < 100) break;
    }
    return false;
  } catch (e) {
    throw toGitHubHttpError(e, COMMITS_ROUTE, path);
  }
}
