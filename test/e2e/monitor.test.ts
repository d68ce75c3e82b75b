// mode: monitor as a nightly schedule runs it: dist/index.js four times in a row against the loopback GitHub
// API (every request checked against GitHub's OpenAPI description) on real data (Seattle's daily weather,
// fixtures/drift) and a real model (a regression run through the command engine): healthy → drifted →
// still drifted → healthy. Exactly one issue is opened, updated and closed with a comment, and exactly one
// repository_dispatch asks for retraining.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHistory } from '../../src/monitor/history.js';
import { startGitHubApi, type GitHubApi } from '../support/github-api-server.js';
import { parseOutputs } from '../support/github-outputs.js';
import { runActionProcess } from '../support/action-process.js';
import { nodeBinaries, requireNodeBinary } from '../support/node-binaries.js';

const root = process.cwd();
const TOKEN = 'ghs_e2eMonitorToken_0123456789abcdef';
const drift = (year: string) => `fixtures/drift/seattle-${year}.csv`;

/** The production model on the newest labelled data (2015), and its inputs of 2015 against a reference. */
const inputs = (reference: string): Record<string, string> => ({
  mode: 'monitor',
  candidate: 'test/monitor/fixtures/temp-max-model.mjs',
  command: 'node {model} {data} {predictions}',
  data: drift('2015'),
  'label-column': 'temp_max',
  task: 'regression',
  features: 'precipitation,temp_min,wind',
  thresholds: 'r2: { min: 0.7 }',
  bootstrap: '0',
  'reference-data': reference,
  'current-data': drift('2015'),
  'comment-key': 'prod',
  'issue-labels': 'model-gate, monitoring',
  'issue-assignees': 'octocat',
  'retrain-event': 'retrain-model',
  history: '30',
});

interface StepResult {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

async function runStep(runtime: string, api: GitHubApi, given: Record<string, string>, runId: number): Promise<StepResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-monitor-'));
  try {
    const eventFile = path.join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify({ schedule: '0 3 * * *', repository: { full_name: 'octo-org/model-repo' } }));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_REPOSITORY: 'octo-org/model-repo',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: api.url,
      GITHUB_RUN_ID: String(runId),
      GITHUB_WORKSPACE: root,
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
      RUNNER_TEMP: dir,
      'INPUT_GITHUB-TOKEN': TOKEN,
    };
    writeFileSync(env.GITHUB_OUTPUT, '');
    writeFileSync(env.GITHUB_STEP_SUMMARY, '');
    for (const [k, v] of Object.entries(given)) env[`INPUT_${k.toUpperCase()}`] = v;
    const { code, stdout } = await runActionProcess(runtime, path.join(root, 'dist', 'index.js'), env, root);
    const read = (file: string) => (existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : '');
    return { code, stdout, outputs: parseOutputs(read(env.GITHUB_OUTPUT)), summary: read(env.GITHUB_STEP_SUMMARY) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let api: GitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const writes = (a: GitHubApi, route: string) => a.requests.filter((r) => r.route === route && r.status >= 200 && r.status < 300);

describe.each(nodeBinaries())('mode: monitor, dist/index.js under $name', (binary) => {
  beforeAll(() => requireNodeBinary(binary));

  test('healthy → drifted → still drifted → healthy: one issue opened, updated, closed with a comment; one dispatch', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const a = api;
    const step = (reference: string, run: number) => runStep(binary.path, a, inputs(reference), run);

    // 1. 2014 against 2015: one feature of four drifts, the model holds its R²: healthy, and no issue exists.
    const first = await step(drift('2014'), 1);
    expect(first.code).toBe(0);
    expect(first.outputs.verdict).toBe('pass');
    expect(first.summary).toContain('🟢 **Healthy**');
    expect(a.state.repoIssues).toEqual([]);

    // 2. 2012 against 2015: the dataset drifts. The issue opens, with labels and assignees; retraining is asked for.
    const second = await step(drift('2012'), 2);
    expect(second.code).toBe(0);
    expect(second.outputs.verdict).toBe('fail');
    expect(a.state.repoIssues).toHaveLength(1);
    const issue = a.state.repoIssues[0]!;
    expect(issue).toMatchObject({ state: 'open', labels: ['model-gate', 'monitoring'], assignees: ['octocat'], title: 'model-gate: the production model degraded (prod)' });
    expect(issue.body.startsWith('<!-- model-gate:monitor key=prod -->\n')).toBe(true);
    expect(issue.body).toContain('🔴 **Degraded**');
    expect(issue.body).toContain('```mermaid');
    expect(second.outputs['issue-number']).toBe(String(issue.number));
    expect(a.state.dispatches).toHaveLength(1);
    const payload = a.state.dispatches[0]!.clientPayload!;
    expect(a.state.dispatches[0]!.eventType).toBe('retrain-model');
    expect(payload).toMatchObject({ model: expect.stringContaining('temp-max-model.mjs'), failed_gates: [], run_url: 'https://github.com/octo-org/model-repo/actions/runs/2' });
    expect(payload.reason).toMatch(/^dataset drift: /);
    expect((payload.drifted_features as string[]).length).toBeGreaterThan(0);
    expect(payload.issue_url).toBe(`https://github.com/octo-org/model-repo/issues/${issue.number}`);

    // 3. 2012–2014 against 2015: still drifted. The same issue is updated; no second dispatch.
    const third = await step(drift('2012-2014'), 3);
    expect(third.code).toBe(0);
    expect(a.state.repoIssues).toHaveLength(1);
    expect(a.state.repoIssues[0]!.state).toBe('open');
    expect(parseHistory(a.state.repoIssues[0]!.body).map((e) => e.verdict)).toEqual(['degraded', 'degraded']);
    expect(a.state.dispatches).toHaveLength(1);

    // 4. Back to 2014: healthy. The issue is closed with a comment, and remembers the three runs.
    const fourth = await step(drift('2014'), 4);
    expect(fourth.code).toBe(0);
    expect(fourth.outputs.verdict).toBe('pass');
    const closed = a.state.repoIssues[0]!;
    expect(a.state.repoIssues).toHaveLength(1);
    expect(closed).toMatchObject({ state: 'closed', stateReason: 'completed' });
    const history = parseHistory(closed.body);
    expect(history.map((e) => e.verdict)).toEqual(['degraded', 'degraded', 'healthy']);
    expect(history.every((e) => e.metrics.r2 !== undefined && e.driftShare !== undefined && e.predictionDrift !== undefined)).toBe(true);
    expect(a.state.commentsOn(closed.number).map((c) => c.body)).toEqual([expect.stringContaining('healthy again')]);
    expect(a.state.dispatches).toHaveLength(1);

    expect(writes(a, 'POST /repos/{owner}/{repo}/issues')).toHaveLength(1);
    expect(writes(a, 'POST /repos/{owner}/{repo}/dispatches')).toHaveLength(1);
    // One edit while still drifted, one to close (the body and the state together).
    expect(writes(a, 'PATCH /repos/{owner}/{repo}/issues/{issue_number}')).toHaveLength(2);
    expect(a.violations).toEqual([]);
    for (const r of [first, second, third, fourth]) {
      // The runner masks it from the first line on; nothing after that line names it.
      expect(r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain(TOKEN);
      expect(r.stdout.split('\n').filter((l) => /^\s*::/.test(l) && !/^::(error|warning|debug|group|endgroup|add-mask|set-output)::/.test(l))).toEqual([]);
    }
  }, 120_000);

  test('without labelled data or drift inputs the step fails as bad input (exit 2) and touches nothing', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const { data: _d, 'reference-data': _r, 'current-data': _c, ...rest } = inputs(drift('2014'));
    const r = await runStep(binary.path, api, rest, 9);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/mode: monitor needs the latest labelled data/);
    expect(api.requests).toEqual([]);
  }, 60_000);
});
