// keepIssue (mode: monitor's issue and dispatch) against the loopback GitHub API, which checks every request
// and answer against GitHub's OpenAPI description: the issue is found whatever its labels, a person's "not
// planned" mutes it, a reopened issue keeps its assignees, and closing it is one edit.

import { jest } from '@jest/globals';
import { monitorMarker } from '../../src/github/issues.js';
import { judge, type MonitorResult } from '../../src/monitor/result.js';
import { keepIssue } from '../../src/monitor/run.js';
import type { MonitorOptions } from '../../src/monitor/settings.js';
import { ActionOutput } from '../../src/publish/action-output.js';
import { startGitHubApi, type GitHubApi } from '../support/github-api-server.js';

const TOKEN = 'ghs_keepIssueSecret0123456789abcdef';
const repo = { owner: 'octo-org', repo: 'model-repo' };
let api: GitHubApi | undefined;
let logged: string[] = [];

beforeEach(() => {
  logged = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    logged.push(String(c));
    return true;
  });
  delete process.env.GITHUB_OUTPUT;
});

afterEach(async () => {
  jest.restoreAllMocks();
  if (api) expect(api.violations).toEqual([]);
  await api?.close();
  api = undefined;
});

const run = (verdict: 'healthy' | 'degraded'): MonitorResult =>
  judge({
    at: '2026-11-02T03:00:00.000Z',
    model: 'models/prod.onnx',
    notes: [],
    findings: [],
    drift: { share: verdict === 'degraded' ? 0.75 : 0.25, datasetDrift: verdict === 'degraded', limit: 0.5, drifted: verdict === 'degraded' ? ['a', 'b', 'c'] : ['a'], compared: 4, reference: { path: 'r.csv', rows: 5 }, current: { path: 'c.csv', rows: 5 } },
  });

const options = (labels: string[], assignees: string[] = []): MonitorOptions => ({ labels, assignees, history: 30, retrainEvent: 'retrain' });

async function keep(a: GitHubApi, verdict: 'healthy' | 'degraded', o: MonitorOptions): Promise<void> {
  await keepIssue({ result: run(verdict), options: o, key: 'prod', token: TOKEN, repo, apiUrl: a.url, runUrl: 'https://github.com/octo-org/model-repo/actions/runs/1', out: new ActionOutput() }, { secondMs: 1 });
}

const posts = (a: GitHubApi) => a.requests.filter((r) => r.route === 'POST /repos/{owner}/{repo}/issues' && r.status === 201);
const patches = (a: GitHubApi) => a.requests.filter((r) => r.route === 'PATCH /repos/{owner}/{repo}/issues/{issue_number}');

test('labels changed by a person or by issue-labels: the same issue, no second dispatch', async () => {
  api = await startGitHubApi({ token: TOKEN });
  await keep(api, 'degraded', options(['model-gate', 'monitoring']));
  expect(api.state.repoIssues).toHaveLength(1);
  expect(api.state.repoIssues[0]).toMatchObject({ labels: ['model-gate', 'monitoring'] });
  api.state.repoIssues[0]!.labels = ['monitoring'];
  await keep(api, 'degraded', options(['model-gate', 'monitoring']));
  await keep(api, 'degraded', options(['ml-ops']));
  expect(posts(api)).toHaveLength(1);
  expect(api.state.dispatches).toHaveLength(1);
  expect(api.state.repoIssues[0]).toMatchObject({ state: 'open', labels: ['monitoring'] });
});

test('closing when healthy again: a comment, then one edit with the body and the state', async () => {
  api = await startGitHubApi({ token: TOKEN });
  await keep(api, 'degraded', options([]));
  const before = patches(api).length;
  await keep(api, 'healthy', options([]));
  const closing = patches(api).slice(before);
  expect(closing).toHaveLength(1);
  expect(closing[0]!.body).toMatchObject({ state: 'closed', state_reason: 'completed', body: expect.stringContaining(monitorMarker('prod')) });
  expect(api.state.repoIssues[0]).toMatchObject({ state: 'closed', stateReason: 'completed' });
  expect(api.state.commentsOn(api.state.repoIssues[0]!.number)).toHaveLength(1);
});

test('closed as not planned while degraded: muted (not reopened, no dispatch) until a person reopens it', async () => {
  api = await startGitHubApi({ token: TOKEN });
  await keep(api, 'degraded', options([]));
  expect(api.state.dispatches).toHaveLength(1);
  const issue = api.state.repoIssues[0]!;
  Object.assign(issue, { state: 'closed', stateReason: 'not_planned', closedAt: issue.updatedAt });

  await keep(api, 'degraded', options([]));
  expect(issue).toMatchObject({ state: 'closed', stateReason: 'not_planned' });
  expect(api.state.dispatches).toHaveLength(1);
  expect(logged.join('')).toMatch(/closed as not planned.*reopen the issue to unmute/);
  await keep(api, 'healthy', options([]));
  await keep(api, 'degraded', options([]));
  expect(issue).toMatchObject({ state: 'closed', stateReason: 'not_planned' });
  expect(api.state.dispatches).toHaveLength(1);
  expect(api.state.commentsOn(issue.number)).toHaveLength(0);
  // The history went on all the same.
  expect(issue.body.match(/"verdict"/g)?.length ?? 0).toBeGreaterThanOrEqual(4);

  // A person reopens it: unmuted. Healthy closes it as completed; the next degradation reopens it and dispatches.
  Object.assign(issue, { state: 'open', stateReason: 'reopened', closedAt: null });
  await keep(api, 'healthy', options([]));
  expect(issue).toMatchObject({ state: 'closed', stateReason: 'completed' });
  await keep(api, 'degraded', options([]));
  expect(issue).toMatchObject({ state: 'open', stateReason: 'reopened' });
  expect(api.state.dispatches).toHaveLength(2);
  expect(posts(api)).toHaveLength(1);
});

test('reopened: the assignees people left are kept (issue-assignees applies when it is opened)', async () => {
  api = await startGitHubApi({ token: TOKEN });
  await keep(api, 'degraded', options([], ['octocat']));
  const issue = api.state.repoIssues[0]!;
  expect(issue.assignees).toEqual(['octocat']);
  await keep(api, 'healthy', options([], ['octocat']));
  issue.assignees = ['mona'];
  await keep(api, 'degraded', options([], ['octocat']));
  expect(issue).toMatchObject({ state: 'open', assignees: ['mona'] });
});
