// The sticky comment with a GitHub App installation token: GET /user is refused (403) and the app
// writes as `<slug>[bot]`. The server lets any token with write access edit and delete others' comments,
// as GitHub does (and flags each such write in `violations`). Against the loopback API in its app-token mode (every request checked
// against GitHub's OpenAPI description).

import { getOctokit } from '@actions/github';
import { commentAuthorWarning, GITHUB_ACTIONS_BOT, upsertStickyComment } from '../../src/github/comment.js';
import { commentMarker } from '../../src/github/marker.js';
import { publishComment } from '../../src/github/publish.js';
import { startGitHubApi, type GitHubApi } from '../support/github-api-server.js';

const TOKEN = 'ghs_appInstallationToken0123456789abcdefXYZ';
const OWNER = 'acme';
const REPO = 'models';
const PR = 7;
const APP = 'model-gate-app';
const BOT = `${APP}[bot]`;
const MARKER = commentMarker('ci');
const target = { owner: OWNER, repo: REPO, issueNumber: PR, key: 'ci', secondMs: 1 };
const WARNING = commentAuthorWarning(GITHUB_ACTIONS_BOT, BOT);

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
  const warnings: string[] = [];
  const result = await upsertStickyComment(octokit(), { ...target, body: 'one', warn: (m) => warnings.push(m) });
  expect(result.action).toBe('created');
  expect(api.state.commentsOn(PR)[0]!.author).toMatchObject({ login: BOT, type: 'Bot' });
  expect(api.requests.filter((r) => r.route === 'GET /user').map((r) => r.status)).toEqual([403]);
  // Taken for github-actions[bot] until its comment showed the app's login: one warning says to name it.
  expect(warnings).toEqual([WARNING]);
  expect(WARNING).toBe(
    'The token writes pull request comments as "model-gate-app[bot]", not "github-actions[bot]": ' +
      'set comment-author: "model-gate-app[bot]" so model-gate finds its comment without posting a new one each run.'
  );
  expect(api.violations).toEqual([]);
});

test('two concurrent runs with an app token and no comment-author end with one comment; no other bot\'s is touched', async () => {
  const { api, octokit } = await appApi();
  // A person quoting the marker is never taken for the app, nor is another app's older marked comment.
  const human = api.state.addComment({ issueNumber: PR, author: 'mona', body: `${MARKER}\nby a human` });
  const foreign = api.state.addComment({ issueNumber: PR, author: 'other-app[bot]', body: `${MARKER}\nanother app's report` });
  const foreignCopy = api.state.addComment({ issueNumber: PR, author: 'other-app[bot]', body: `${MARKER}\nanother app's copy` });
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const results = await Promise.all(['report of run 1', 'report of run 2'].map((body) => upsertStickyComment(octokit(), { ...target, body, warn })));
  const own = marked(api).filter((c) => c.author.login === BOT);
  expect(own).toHaveLength(1);
  expect(results.map((r) => r.id)).toEqual([own[0]!.id, own[0]!.id]);
  expect(['report of run 1', 'report of run 2'].map((b) => `${MARKER}\n${b}`)).toContain(own[0]!.body);
  expect(api.state.comments.find((c) => c.id === human.id)!.body).toBe(`${MARKER}\nby a human`);
  // Both posted (neither could know the other's comment was its own), then folded into the oldest.
  expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  expect(warnings).toEqual([WARNING, WARNING]);
  expect(api.violations).toEqual([]);

  // A later run without comment-author posts once more, then keeps the app's oldest comment and deletes the new one.
  const third = await upsertStickyComment(octokit(), { ...target, body: 'report of run 3', warn });
  expect(third).toMatchObject({ id: own[0]!.id, action: 'updated' });
  expect(marked(api).filter((c) => c.author.login === BOT).map((c) => c.body)).toEqual([`${MARKER}\nreport of run 3`]);
  expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
  expect(warnings).toHaveLength(3);
  // The other app's comments, older and carrying the same marker, were never edited or deleted.
  expect(api.state.comments.filter((c) => c.id === foreign.id || c.id === foreignCopy.id).map((c) => c.body)).toEqual([
    `${MARKER}\nanother app's report`,
    `${MARKER}\nanother app's copy`,
  ]);
  const touched = api.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE').map((r) => r.url);
  for (const id of [foreign.id, foreignCopy.id, human.id]) expect(touched.some((u) => u.endsWith(`/${id}`))).toBe(false);
  expect(api.violations).toEqual([]);
});

test('with comment-author set, a comment by another bot with our marker is not taken over', async () => {
  const { api, octokit } = await appApi();
  const foreign = api.state.addComment({ issueNumber: PR, author: 'other-app[bot]', body: `${MARKER}\nanother app's report` });
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const first = await upsertStickyComment(octokit(), { ...target, body: 'ours', author: BOT, warn });
  expect(first.action).toBe('created');
  expect(first.id).not.toBe(foreign.id);
  const second = await upsertStickyComment(octokit(), { ...target, body: 'ours again', author: BOT, warn });
  expect(second).toMatchObject({ id: first.id, action: 'updated' });
  expect(api.state.comments.find((c) => c.id === foreign.id)!.body).toBe(`${MARKER}\nanother app's report`);
  expect(api.requests.some((r) => r.route === 'GET /user')).toBe(false);
  expect(api.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE').map((r) => r.url)).toEqual([
    `/repos/${OWNER}/${REPO}/issues/comments/${first.id}`,
  ]);
  expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  expect(warnings).toEqual([]);
  expect(api.violations).toEqual([]);
});

test('two concurrent runs with comment-author set post at most twice and end with one comment', async () => {
  const { api, octokit } = await appApi();
  const foreign = api.state.addComment({ issueNumber: PR, author: 'other-app[bot]', body: `${MARKER}\nanother app's report` });
  const results = await Promise.all(['a', 'b'].map((body) => upsertStickyComment(octokit(), { ...target, body, author: BOT })));
  const own = marked(api).filter((c) => c.author.login === BOT);
  expect(own).toHaveLength(1);
  expect(results.map((r) => r.id)).toEqual([own[0]!.id, own[0]!.id]);
  expect(api.state.comments.find((c) => c.id === foreign.id)!.body).toBe(`${MARKER}\nanother app's report`);
  expect(api.violations).toEqual([]);
});

test('a comment-author naming another login: the posted comment\'s login is used, with the warning', async () => {
  const { api, octokit } = await appApi();
  // No comment by the named login: the run posts, learns the app's login from its comment, and says so.
  const named = api.state.addComment({ issueNumber: PR, author: 'typo-app[bot]', body: `${MARKER}\nold` });
  const warnings: string[] = [];
  const result = await upsertStickyComment(octokit(), { ...target, body: 'ours', author: 'no-such-app[bot]', warn: (m) => warnings.push(m) });
  expect(result.action).toBe('created');
  expect(api.state.comments.find((c) => c.id === named.id)!.body).toBe(`${MARKER}\nold`);
  expect(marked(api).filter((c) => c.author.login === BOT)).toHaveLength(1);
  expect(warnings).toEqual([commentAuthorWarning('no-such-app[bot]', BOT)]);
  expect(api.violations).toEqual([]);
});

test('publishComment passes the warning to `warn`, else to `log`', async () => {
  const { api } = await appApi();
  const base = { token: TOKEN, apiUrl: api.url, owner: OWNER, repo: REPO, issueNumber: PR, key: 'ci', secondMs: 1 };
  const warned: string[] = [];
  const logged: string[] = [];
  const first = await publishComment({ ...base, body: 'one', warn: (m) => warned.push(m), log: (m) => logged.push(m) });
  const second = await publishComment({ ...base, body: 'two', log: (m) => logged.push(m) });
  expect([first.action, second.action]).toEqual(['created', 'updated']);
  expect(second.id).toBe(first.id);
  expect(warned).toEqual([WARNING]);
  expect(logged).toEqual([WARNING]);
  expect(marked(api).map((c) => c.body)).toEqual([`${MARKER}\ntwo`]);
  expect(api.violations).toEqual([]);
});
