// The monitoring issue and the retraining dispatch against the loopback GitHub API, which checks every
// request and answer against GitHub's OpenAPI description.

import { createClient } from '../../src/github/client.js';
import { sendRepositoryDispatch } from '../../src/github/dispatch.js';
import { commentOnIssue, createIssue, findMonitorIssue, hasMonitorMarker, monitorMarker, openMonitorIssue, updateIssue } from '../../src/github/issues.js';
import { GITHUB_ACTIONS_LOGIN, startGitHubApi, type Fault, type GitHubApi } from '../support/github-api-server.js';

const TOKEN = 'ghs_monitorIssuesSecret0123456789abcdef';
const repo = { owner: 'octo-org', repo: 'model-repo' };
let api: GitHubApi | undefined;

afterEach(async () => {
  if (api) expect(api.violations).toEqual([]);
  await api?.close();
  api = undefined;
});

async function start(faults: Fault[] = []) {
  api = await startGitHubApi({ token: TOKEN, faults });
  return { api, octokit: createClient(TOKEN, api.url, { secondMs: 1 }) };
}

const issueOf = (api: GitHubApi, n: number) => api.state.repoIssues.find((i) => i.number === n)!;

describe('monitor marker', () => {
  test('exactly this key, on the first line', () => {
    expect(monitorMarker('prod')).toBe('<!-- model-gate:monitor key=prod -->');
    expect(hasMonitorMarker(`${monitorMarker('prod')}\nbody`, 'prod')).toBe(true);
    expect(hasMonitorMarker(`${monitorMarker('prod')}\nbody`, 'pro')).toBe(false);
    expect(hasMonitorMarker(`${monitorMarker('prod-eu')}`, 'prod')).toBe(false);
    expect(hasMonitorMarker(`quoted:\n${monitorMarker('prod')}`, 'prod')).toBe(false);
    expect(monitorMarker('a --> b')).not.toContain('-->b');
  });
});

describe('the monitoring issue', () => {
  test('created with labels and assignees, found again, updated, closed with a comment, reopened', async () => {
    const { api, octokit } = await start();
    expect(await findMonitorIssue(octokit, { ...repo, key: 'prod' })).toBeUndefined();
    const body = `${monitorMarker('prod')}\nfirst`;
    const made = await createIssue(octokit, { ...repo, title: 'degraded', body, labels: ['model-gate', 'ml'], assignees: ['octocat'] });
    expect(issueOf(api, made.number)).toMatchObject({ state: 'open', labels: ['model-gate', 'ml'], assignees: ['octocat'], author: { login: GITHUB_ACTIONS_LOGIN } });

    const found = await findMonitorIssue(octokit, { ...repo, key: 'prod' });
    expect(found).toMatchObject({ number: made.number, state: 'open', body });
    // Another key's issue is not ours.
    expect(await findMonitorIssue(octokit, { ...repo, key: 'staging' })).toBeUndefined();

    await updateIssue(octokit, { ...repo, number: made.number, body: `${body}\nsecond` });
    await commentOnIssue(octokit, { ...repo, number: made.number, body: 'healthy again' });
    const closed = await updateIssue(octokit, { ...repo, number: made.number, body: `${body}\nthird`, state: 'closed' });
    expect(closed.state).toBe('closed');
    expect(issueOf(api, made.number)).toMatchObject({ state: 'closed', stateReason: 'completed', body: `${body}\nthird` });
    expect(api.state.commentsOn(made.number).map((c) => c.body)).toEqual(['healthy again']);

    // Closed: still found (its history goes on), then reopened.
    expect(await findMonitorIssue(octokit, { ...repo, key: 'prod' })).toMatchObject({ number: made.number, state: 'closed' });
    await updateIssue(octokit, { ...repo, number: made.number, body, state: 'open', labels: ['model-gate'], assignees: ['octocat'] });
    expect(issueOf(api, made.number)).toMatchObject({ state: 'open', stateReason: 'reopened' });
  });

  test('found by marker and author, whatever its labels: a person removed one, or issue-labels changed', async () => {
    const { api, octokit } = await start();
    const made = await createIssue(octokit, { ...repo, title: 't', body: `${monitorMarker('prod')}\nx`, labels: ['model-gate', 'ml'], assignees: [] });
    issueOf(api, made.number).labels = ['ml'];
    expect(await findMonitorIssue(octokit, { ...repo, key: 'prod' })).toMatchObject({ number: made.number, state: 'open' });
    // The listing asks for no labels.
    const lists = api.requests.filter((r) => r.method === 'GET' && r.route === 'GET /repos/{owner}/{repo}/issues');
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((r) => !/[?&]labels=/.test(r.url))).toBe(true);
  });

  test('how it was closed is kept: not planned is told apart from completed', async () => {
    const { api, octokit } = await start();
    const made = await createIssue(octokit, { ...repo, title: 't', body: `${monitorMarker('prod')}\nx`, labels: [], assignees: [] });
    Object.assign(issueOf(api, made.number), { state: 'closed', stateReason: 'not_planned' });
    expect(await findMonitorIssue(octokit, { ...repo, key: 'prod' })).toMatchObject({ number: made.number, state: 'closed', stateReason: 'not_planned' });
  });

  test("someone else's issue carrying the marker is not taken", async () => {
    const { api, octokit } = await start();
    const body = `${monitorMarker('default')}\nby hand`;
    const mine = await createIssue(octokit, { ...repo, title: 't', body, labels: [], assignees: [] });
    // A person opened an issue quoting the marker first: with no known login only a bot's issue counts.
    api.state.repoIssues.unshift({ ...issueOf(api, mine.number), number: 7, id: 7, author: api.state.user('mona') });
    expect((await findMonitorIssue(octokit, { ...repo, key: 'default' }))?.number).toBe(mine.number);
    // With the login known, only that login's issue counts.
    expect(await findMonitorIssue(octokit, { ...repo, key: 'default', author: 'mona' })).toMatchObject({ number: 7 });
  });

  test('the oldest open issue wins over a closed one', async () => {
    const { octokit } = await start();
    const body = `${monitorMarker('default')}\nx`;
    const a = await createIssue(octokit, { ...repo, title: 't', body, labels: [], assignees: [] });
    await updateIssue(octokit, { ...repo, number: a.number, body, state: 'closed' });
    const b = await createIssue(octokit, { ...repo, title: 't', body, labels: [], assignees: [] });
    expect(await findMonitorIssue(octokit, { ...repo, key: 'default' })).toMatchObject({ number: b.number, state: 'open' });
  });
});

describe('opening the issue when the answer is lost', () => {
  const create = (body: string) => ({ ...repo, title: 't', body, labels: ['model-gate'], assignees: [] });
  const find = { ...repo, key: 'prod' };
  const route = '/repos/{owner}/{repo}/issues';

  test('made, but the connection dropped before the answer: found again, not made twice', async () => {
    const { api, octokit } = await start([{ method: 'POST', route, reset: 'after', times: 1 }]);
    const issue = await openMonitorIssue(octokit, create(`${monitorMarker('prod')}\nx`), find);
    expect(api.state.repoIssues).toHaveLength(1);
    expect(issue.number).toBe(api.state.repoIssues[0]!.number);
  });

  test('not made (a 502): tried once more', async () => {
    const { api, octokit } = await start([{ method: 'POST', route, status: 502, times: 1 }]);
    await openMonitorIssue(octokit, create(`${monitorMarker('prod')}\nx`), find);
    expect(api.state.repoIssues).toHaveLength(1);
  });

  test('refused (403): no second try', async () => {
    const { api, octokit } = await start([{ method: 'POST', route, status: 403, message: 'Resource not accessible by integration' }]);
    await expect(openMonitorIssue(octokit, create(`${monitorMarker('prod')}\nx`), find)).rejects.toThrow(/HTTP 403: Resource not accessible by integration/);
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('repository_dispatch', () => {
  test('sends the event type and payload', async () => {
    const { api, octokit } = await start();
    await sendRepositoryDispatch(octokit, { ...repo, eventType: 'retrain', payload: { model: 'm', failed_gates: [] } });
    expect(api.state.dispatches).toEqual([{ eventType: 'retrain', clientPayload: { model: 'm', failed_gates: [] } }]);
  });

  test('refuses more than 10 top-level properties before sending', async () => {
    const { api, octokit } = await start();
    const payload = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    await expect(sendRepositoryDispatch(octokit, { ...repo, eventType: 'retrain', payload })).rejects.toThrow(/10 top-level/);
    expect(api.state.dispatches).toEqual([]);
  });
});
