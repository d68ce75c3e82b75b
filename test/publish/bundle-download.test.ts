// The REST side of mode: publish against the loopback API: listing a run's artifacts, the zip behind the
// 302 (read without the token, stopped at the size cap), and a fork pull request's head and base.

import { randomBytes } from 'node:crypto';
import { ArtifactTooLargeError, downloadArtifactZip, getPullRequest, listRunArtifacts, pullRequestHasCommit } from '../../src/github/artifacts.js';
import { createClient } from '../../src/github/client.js';
import { startGitHubApi, type GitHubApi } from '../support/github-api-server.js';

const TOKEN = 'ghs_bundleDownload_0123456789abcdef';
const repo = { owner: 'octo-org', repo: 'model-repo' };
let api: GitHubApi;
afterEach(async () => api?.close());

test('lists the run\'s artifacts by name and downloads the zip behind the redirect without the token', async () => {
  api = await startGitHubApi({ token: TOKEN });
  const zip = randomBytes(5000);
  api.state.artifacts.push({ id: 11, runId: 99, name: 'model-gate', zip }, { id: 12, runId: 99, name: 'other', zip: Buffer.from('x') }, { id: 13, runId: 98, name: 'model-gate', zip });
  const octokit = createClient(TOKEN, api.url, { retries: 0 });
  expect(await listRunArtifacts(octokit, repo, 99, 'model-gate')).toEqual([{ id: 11, name: 'model-gate', sizeInBytes: 5000, expired: false }]);
  expect(Buffer.from(await downloadArtifactZip(octokit, repo, 11, 10_000))).toEqual(zip);
  const blob = api.requests.find((r) => r.route === 'GET /_artifact-blobs/{id}.zip')!;
  expect(blob.headers.authorization).toBeUndefined();
  expect(api.violations).toEqual([]);
});

test('stops reading at the cap, whatever the listing said', async () => {
  api = await startGitHubApi({ token: TOKEN });
  api.state.artifacts.push({ id: 11, runId: 99, name: 'model-gate', zip: randomBytes(50_000) });
  const octokit = createClient(TOKEN, api.url, { retries: 0 });
  await expect(downloadArtifactZip(octokit, repo, 11, 40_000)).rejects.toThrow(ArtifactTooLargeError);
  await expect(downloadArtifactZip(octokit, repo, 11, 40_000)).rejects.toThrow('artifact 11 is 50000 bytes, more than the 40000 allowed');
  await expect(downloadArtifactZip(octokit, repo, 404, 40_000)).rejects.toThrow(/GET \/repos\/octo-org\/model-repo\/actions\/artifacts\/404\/zip failed with HTTP 404/);
});

test('reads a fork pull request\'s head commit, head repository and branch, and base repository', async () => {
  api = await startGitHubApi({ token: TOKEN });
  api.state.pulls.set(42, { number: 42, headSha: 'a'.repeat(40), headRepo: 'fork-user/model-repo', headRef: 'better-model' });
  const octokit = createClient(TOKEN, api.url, { retries: 0 });
  expect(await getPullRequest(octokit, repo, 42)).toEqual({ number: 42, headSha: 'a'.repeat(40), baseRepo: 'octo-org/model-repo', headRepo: 'fork-user/model-repo', headRef: 'better-model', state: 'open' });
  await expect(getPullRequest(octokit, repo, 43)).rejects.toThrow(/HTTP 404/);
  expect(api.violations).toEqual([]);
});

test('finds a commit among a pull request\'s commits, across pages', async () => {
  api = await startGitHubApi({ token: TOKEN });
  const shas = Array.from({ length: 150 }, (_, i) => i.toString(16).padStart(40, '0'));
  api.state.pulls.set(42, { number: 42, headSha: shas[149]!, headRepo: 'fork-user/model-repo', commits: shas });
  const octokit = createClient(TOKEN, api.url, { retries: 0 });
  expect(await pullRequestHasCommit(octokit, repo, 42, shas[0]!)).toBe(true);
  expect(await pullRequestHasCommit(octokit, repo, 42, shas[120]!)).toBe(true);
  expect(await pullRequestHasCommit(octokit, repo, 42, 'f'.repeat(40))).toBe(false);
  expect(api.requests.filter((r) => r.route === 'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits')).toHaveLength(5);
  await expect(pullRequestHasCommit(octokit, repo, 43, shas[0]!)).rejects.toThrow(/pulls\/43\/commits\S* failed with HTTP 404/);
  expect(api.violations).toEqual([]);
});
