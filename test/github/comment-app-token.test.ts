// The sticky comment with a GitHub App installation token: GET /user is refused (403) and the app
// writes as `<slug>[bot]`. Against the loopback API in its app-token mode (every request checked
// against GitHub's OpenAPI description).

import { getOctokit } from '@actions/github';
import { upsertStickyComment } from '../../src/github/comment.js';
import { commentMarker } from '../../src/github/marker.js';
import { startGitHubApi, type GitHubApi } from '../support/github-api-server.js';

const TOKEN = 'ghs_appInstallationToken0123456789abcdefXYZ';
const OWNER = 'acme';
const REPO = 'models';
const PR = 7;
const APP = 'model-gate-app';
const BOT = `${APP}[bot]`;
const MARKER = commentMarker('ci');
const target = { owner: OWNER, repo: REPO, issueNumber: PR, key: 'ci', secondMs: 1 };

let api: GitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function appApi() {
  api = await startGitHubApi({ owner: OWNER, repo: REPO, issues: [PR], token: TOKEN, appToken: APP });
  return { api, octokit: () => getOctokit(TOKEN, { baseUrl: api!.url }) };
}

const marked = (a: GitHubApi) => a.state.commentsOn(PR).filter((c) => c.body.startsWith(MARKER));

test('the app-token mode: GET /user is refused and comments are the Bot-type `<slug>[bot]`', async () => {
  const { api, octokit } = await appApi();
  const result = await upsertStickyComment(octokit(), { ...target, body: 'one' });
  expect(result.action).toBe('created');
  expect(api.state.commentsOn(PR)[0]!.author).toMatchObject({ login: BOT, type: 'Bot' });
  expect(api.requests.filter((r) => r.route === 'GET /user').map((r) => r.status)).toEqual([403]);
  expect(api.violations).toEqual([]);
});

test('two concurrent runs with an app token and no comment-author end with one comment', async () => {
  const { api, octokit } = await appApi();
  // A person quoting the marker is never taken for the app.
  const human = api.state.addComment({ issueNumber: PR, author: 'mona', body: `${MARKER}\nby a human` });
  const results = await Promise.all(['report of run 1', 'report of run 2'].map((body) => upsertStickyComment(octokit(), { ...target, body })));
  const own = marked(api).filter((c) => c.author.login === BOT);
  expect(own).toHaveLength(1);
  expect(results.map((r) => r.id)).toEqual([own[0]!.id, own[0]!.id]);
  expect(['report of run 1', 'report of run 2'].map((b) => `${MARKER}\n${b}`)).toContain(own[0]!.body);
  expect(api.state.comments.find((c) => c.id === human.id)!.body).toBe(`${MARKER}\nby a human`);
  // Both posted (neither could know the other's comment was its own), then folded into the oldest.
  expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  expect(api.violations).toEqual([]);

  // A later run finds the app's comment without posting again.
  const third = await upsertStickyComment(octokit(), { ...target, body: 'report of run 3' });
  expect(third).toMatchObject({ id: own[0]!.id, action: 'updated' });
  expect(marked(api).filter((c) => c.author.login === BOT).map((c) => c.body)).toEqual([`${MARKER}\nreport of run 3`]);
  expect(api.violations).toEqual([]);
});

test('with comment-author set, a comment by another bot with our marker is not taken over', async () => {
  const { api, octokit } = await appApi();
  const foreign = api.state.addComment({ issueNumber: PR, author: 'other-app[bot]', body: `${MARKER}\nanother app's report` });
  const first = await upsertStickyComment(octokit(), { ...target, body: 'ours', author: BOT });
  expect(first.action).toBe('created');
  expect(first.id).not.toBe(foreign.id);
  const second = await upsertStickyComment(octokit(), { ...target, body: 'ours again', author: BOT });
  expect(second).toMatchObject({ id: first.id, action: 'updated' });
  expect(api.state.comments.find((c) => c.id === foreign.id)!.body).toBe(`${MARKER}\nanother app's report`);
  expect(api.requests.some((r) => r.route === 'GET /user')).toBe(false);
  expect(api.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE').map((r) => r.url)).toEqual([
    `/repos/${OWNER}/${REPO}/issues/comments/${first.id}`,
  ]);
  expect(api.violations).toEqual([]);
});

test('without comment-author, an older marked comment of another bot is tried once per run, refused, and left alone', async () => {
  const { api, octokit } = await appApi();
  const foreign = api.state.addComment({ issueNumber: PR, author: 'other-app[bot]', body: `${MARKER}\nanother app's report` });
  const first = await upsertStickyComment(octokit(), { ...target, body: 'ours' });
  const second = await upsertStickyComment(octokit(), { ...target, body: 'ours again' });
  expect(first.action).toBe('created');
  expect(second).toMatchObject({ id: first.id, action: 'updated' });
  expect(api.state.comments.find((c) => c.id === foreign.id)!.body).toBe(`${MARKER}\nanother app's report`);
  expect(api.state.comments.find((c) => c.id === first.id)!.body).toBe(`${MARKER}\nours again`);
  // GitHub refuses the app's edit of another app's comment (403); the loopback server flags each try.
  // comment-author avoids them (previous test).
  expect(api.violations).toHaveLength(2);
  for (const v of api.violations) expect(v).toContain(`PATCH comment ${foreign.id}: written by other-app[bot]`);
  expect(api.requests.some((r) => r.method === 'DELETE')).toBe(false);
});
