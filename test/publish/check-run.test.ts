// The check run publisher (and main.ts's in-progress step) against the loopback GitHub API, which checks
// every request against GitHub's OpenAPI description and keeps the check runs and their annotations as
// GitHub does (annotations are appended by every write). The event is read from a real pull_request payload.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gate } from '../../src/analysis/compare.js';
import { eventContextFrom, type EventContext } from '../../src/github/context.js';
import { completeCheckRun, MAX_CHECK_SUMMARY_BYTES } from '../../src/github/checks.js';
import { createClient } from '../../src/github/client.js';
import { commentMarker } from '../../src/github/marker.js';
import type { Evaluation } from '../../src/pipeline/evaluate.js';
import {
  CHECK_RUN_FORBIDDEN,
  CHECK_RUN_TRUNCATION_NOTE,
  checkRun,
  checkRunCommit,
  checkRunExternalId,
  checkRunName,
  checkRunSource,
  checkRunTitle,
  clipBytes,
  fallbackOutput,
  sharedNameWarning,
  startCheckRun,
  stoppedOutput
} from '../../src/publish/check-run.js';
import { choosePublishers, runPublishers, type PublishContext } from '../../src/publish/index.js';
import { verdictOutput } from '../../src/publish/outputs.js';
import { renderReport } from '../../src/report/render.js';
import { loadConfigFile } from '../../src/settings/action-inputs.js';
import { rootsOf } from '../../src/settings/confine.js';
import { resolveSettings, type Settings } from '../../src/settings/settings.js';
import { thresholdKeyLines } from '../../src/settings/thresholds.js';
import { ActionOutput } from '../../src/publish/action-output.js';
import { mapStrings } from '../../src/untrusted.js';
import type { Finding, ModelMeasurement } from '../../src/types.js';
import { startGitHubApi, type GitHubApi, type GitHubApiOptions, type StoredCheckRun } from '../support/github-api-server.js';
import { actionEnv, publishContext, type ActionEnv } from './action-env.js';

const TOKEN = 'ghs_checkRunSecretToken_0a1b2c3d4e5f6a';
const PAYLOAD = JSON.parse(readFileSync(new URL('../support/fixtures/pull_request.opened.json', import.meta.url), 'utf8'));
const HEAD_SHA: string = PAYLOAD.pull_request.head.sha;
const WORKFLOW_REF = 'octo-org/model-repo/.github/workflows/model-gate.yml@refs/pull/42/merge';
const CLIENT = { secondMs: 2, timeoutMs: 2000 };

let env: ActionEnv;
let api: GitHubApi | undefined;
let workspace: string;
beforeEach(() => {
  env = actionEnv();
  workspace = mkdtempSync(path.join(os.tmpdir(), 'mg-check-run-'));
});
afterEach(async () => {
  env.restore();
  rmSync(workspace, { recursive: true, force: true });
  await api?.close();
  api = undefined;
});

function runnerEnv(): Record<string, string> {
  return { GITHUB_WORKSPACE: workspace, GITHUB_WORKFLOW_REF: WORKFLOW_REF };
}

function pullRequestEvent(apiUrl: string): EventContext {
  return eventContextFrom({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: apiUrl, GITHUB_RUN_ID: '4242' }, PAYLOAD);
}

const warning = (message: string): Finding => ({ kind: 'data_drift', severity: 'warning', message });
const error = (message: string): Finding => ({ kind: 'input_error', severity: 'error', message });

/** The in-progress step as main.ts runs it, then the publishers (the verdict output and the check run). */
async function gateRun(findings: Finding[], over: Partial<PublishContext> = {}, options: GitHubApiOptions = {}, runner: Record<string, string> = runnerEnv()) {
  api ??= await startGitHubApi({ token: TOKEN, ...options });
  const ctx = publishContext(findings, { event: pullRequestEvent(api.url), token: TOKEN, ...over });
  ctx.out.addSecrets([TOKEN]);
  const started = await startCheckRun({ event: ctx.event, settings: ctx.settings, token: TOKEN, out: ctx.out, key: ctx.key }, CLIENT, runner);
  const results = await runPublishers([verdictOutput, checkRun(CLIENT, runner)], ctx);
  return { ctx, results, started, check: results.find((r) => r.name === 'check-run')! };
}

/** model-gate's check runs for the default key from the pull_request workflow, oldest first. */
function ours(): StoredCheckRun[] {
  const id = checkRunExternalId('default', checkRunSource(pullRequestEvent(api!.url), runnerEnv()));
  return api!.state.checkRuns.filter((r) => r.externalId === id).sort((a, b) => a.id - b.id);
}

/** GitHub's view: the newest check run of each name on the head commit (filter=latest), as [id, status, conclusion]. */
async function latest(name = 'model-gate'): Promise<[number, string, string | null][]> {
  const response = await fetch(`${api!.url}/repos/octo-org/model-repo/commits/${HEAD_SHA}/check-runs?check_name=${encodeURIComponent(name)}`, {
    headers: { authorization: `token ${TOKEN}`, 'user-agent': 'test' }
  });
  const body = (await response.json()) as { check_runs: { id: number; status: string; conclusion: string | null }[] };
  return body.check_runs.map((r) => [r.id, r.status, r.conclusion]);
}

/**
 * A report whose sections are short in characters but long in UTF-8 bytes (✅/⚠️, non-Latin slice names, CJK):
 * each of its two sections alone is over 65,535 bytes, the whole under 65,535 characters.
 */
function writes(): { method: string; annotations: number }[] {
  return api!.requests
    .filter((r) => r.route?.includes('/check-runs') && (r.method === 'POST' || r.method === 'PATCH'))
    .map((r) => ({ method: r.method, annotations: ((r.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length }));
}

function nonAsciiReport(markdown: string, rows: number): string {
  const names = ['Привет', 'スライス', '切片', 'شريحة', 'κομμάτι'];
  const table = Array.from({ length: rows }, (_, i) => `| ${names[i % names.length]} ${i} | ${i % 7 ? '✅' : '⚠️'} ${'界'.repeat(40)} | 0.${i} |`).join('\n');
  const labels = Array.from({ length: 420 }, (_, i) => `- ラベル ${i}: ${'精度'.repeat(24)} ✅`).join('\n');
  return (
    `${markdown}\n\n<details><summary>Slices</summary>\n\n| Slice | Verdict | Value |\n| --- | --- | --- |\n${table}\n\n</details>\n\n` +
    `<details><summary>Per label</summary>\n\n${labels}\n\n</details>\n`
  );
}

describe('the check run of one gate run', () => {
  test.each([
    { verdict: 'pass', conclusion: 'success', title: '✅ model-gate: pass', findings: [] },
    { verdict: 'warn', conclusion: 'neutral', title: '⚠️ model-gate: warn', findings: [warning('feature "age" drifted (KS p = 0.001)')] },
    { verdict: 'fail', conclusion: 'failure', title: '❌ model-gate: fail', findings: [error('input "data": data/eval.csv does not exist')] }
  ])('$verdict: conclusion $conclusion, the verdict line as title, the report as summary', async ({ findings, conclusion, title }) => {
    const { ctx, check } = await gateRun([...findings]);
    expect(check).toMatchObject({ name: 'check-run', status: 'done' });
    const [run] = ours();
    expect(ours()).toHaveLength(1);
    expect(run).toMatchObject({ headSha: HEAD_SHA, name: 'model-gate', status: 'completed', conclusion, title });
    expect(run!.summary).toBe(ctx.report.markdown);
    expect(run!.detailsUrl).toBe('https://github.com/octo-org/model-repo/actions/runs/4242');
    // Marked in progress before the gate ran, then completed: one POST, one PATCH.
    const bodies = api!.requests.filter((r) => r.method !== 'GET').map((r) => [r.method, (r.body as { status: string }).status]);
    expect(bodies).toEqual([['POST', 'in_progress'], ['PATCH', 'completed']]);
    expect(run!.annotations.map((a) => a.annotation_level)).toEqual(findings.map((f) => (f.severity === 'error' ? 'failure' : 'warning')));
    expect(env.stdout().filter((l) => l.startsWith('::warning::'))).toEqual([]);
    expect(env.stdout().filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain(TOKEN);
    expect(api!.violations).toEqual([]);
  });

  test('the title is plain text under 255 characters, whatever the key', async () => {
    const evaluation = publishContext([]).evaluation;
    expect(checkRunTitle({ ...evaluation, task: 'binary', data: { path: 'eval.csv', rows: 344 } }, 'default')).toBe('✅ model-gate: pass · binary · 344 rows');
    const long = checkRunTitle(evaluation, `gate\n${'x'.repeat(600)}`);
    expect(long.length).toBeLessThanOrEqual(255);
    expect(long).toMatch(/^✅ model-gate: pass · gate x+/);
    expect(checkRunName(`a\nb${'y'.repeat(300)}`)).toMatch(/^model-gate \(a by+… \(\+\d+ characters\)\)$/);
  });

  test('a report over 65535 characters: the summary is cut under the limit, keeps its head and says so', async () => {
    const findings = [error('input "data": data/eval.csv does not exist')];
    const base = publishContext(findings);
    const rows = Array.from({ length: 4000 }, (_, i) => `| slice ${i} | ${'é'.repeat(30)} | 0.${i} |`).join('\n');
    const markdown = `${base.report.markdown}\n\n| Slice | Text | Value |\n| --- | --- | --- |\n${rows}\n`;
    expect(markdown.length).toBeGreaterThan(150_000);
    await gateRun(findings, { report: { ...base.report, markdown } });
    const [run] = ours();
    expect(Buffer.byteLength(run!.summary!)).toBeLessThanOrEqual(MAX_CHECK_SUMMARY_BYTES);
    expect(run!.summary!.startsWith(`${commentMarker('default')}\n\n## ❌ model-gate: fail\n`)).toBe(true);
    expect(run!.summary).toContain('data/eval.csv does not exist');
    expect(run!.summary).toContain(CHECK_RUN_TRUNCATION_NOTE);
    expect(api!.violations).toEqual([]);
  });

  test('a report under 65,535 characters but over 65,535 bytes (✅, ⚠️, non-Latin slices) is cut in bytes; the note says what was cut', async () => {
    const findings = [error('input "data": data/eval.csv does not exist')];
    const base = publishContext(findings);
    const markdown = nonAsciiReport(base.report.markdown, 450);
    // The case that GitHub refuses with 422 "summary exceeds a maximum bytesize of 65535" when cut by characters.
    expect(markdown.length).toBeLessThan(MAX_CHECK_SUMMARY_BYTES);
    expect(Buffer.byteLength(markdown)).toBeGreaterThan(MAX_CHECK_SUMMARY_BYTES);
    const { check } = await gateRun(findings, { report: { ...base.report, markdown } });
    expect(check.status).toBe('done');
    const [run] = ours();
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(Buffer.byteLength(run!.summary!)).toBeLessThanOrEqual(MAX_CHECK_SUMMARY_BYTES);
    expect(Buffer.byteLength(run!.summary!)).toBeGreaterThan(MAX_CHECK_SUMMARY_BYTES - 4000);
    expect(run!.summary!.startsWith(`${commentMarker('default')}\n\n## ❌ model-gate: fail\n`)).toBe(true);
    expect(run!.summary).toContain(CHECK_RUN_TRUNCATION_NOTE);
    // The describing note: the slices table kept in part, the next section left out.
    expect(run!.summary).toMatch(/\n> Cut: Slices \(\d+ of 452 lines kept\)\. Left out: Per label\./);
    expect(api!.violations).toEqual([]);
  });

  test('the loopback API refuses a summary over 65,535 bytes as GitHub does; the run is then closed with a short summary', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const target = { owner: 'octo-org', repo: 'model-repo', headSha: HEAD_SHA, name: 'model-gate', externalId: checkRunExternalId('default', 'test') };
    const summary = 'Привет ✅ '.repeat(5000); // 45,000 characters, 85,000 bytes
    const octokit = createClient(TOKEN, api.url, CLIENT);
    const failed = completeCheckRun(
      octokit,
      target,
      { conclusion: 'neutral', output: { title: 'warn', summary }, annotations: [], fallback: fallbackOutput('⚠️ model-gate: warn', 'warn') },
      CLIENT
    );
    await expect(failed).rejects.toMatchObject({ name: 'CheckRunNotCompleted', message: expect.stringContaining('422: Validation Failed: summary exceeds a maximum bytesize of 65535'), closed: { action: 'created' } });
    expect(api.violations).toEqual([expect.stringMatching(/^POST \/repos\/\{owner\}\/\{repo\}\/check-runs: output\.summary has 85000 bytes; GitHub accepts at most 65535$/)]);
    expect(api.state.checkRuns).toHaveLength(1);
    expect(api.state.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'neutral', title: '⚠️ model-gate: warn', annotations: [] });
    expect(api.state.checkRuns[0]!.summary).toContain("The full report is in the workflow run's job summary and in the JSON report (output `report-json`).");
  });

  test('120 findings: 120 annotations in 3 writes of at most 50 (the first write carries the conclusion)', async () => {
    const findings = Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? error(`error number ${i}`) : warning(`warning number ${i}`)));
    const { check } = await gateRun(findings);
    expect(check.status).toBe('done');
    expect(writes()).toEqual([
      { method: 'POST', annotations: 0 },
      { method: 'PATCH', annotations: 50 },
      { method: 'PATCH', annotations: 50 },
      { method: 'PATCH', annotations: 20 }
    ]);
    const [run] = ours();
    expect(run!.annotations.map((a) => a.message)).toEqual(findings.map((f) => f.message));
    expect(run!.annotations.filter((a) => a.annotation_level === 'failure')).toHaveLength(40);
    expect(run!.conclusion).toBe('failure');
    expect(env.stdout()).toContain(`Check run model-gate updated (120 annotations sent): ${api!.state.htmlUrl}/octo-org/model-repo/runs/${run!.id}`);
    expect(api!.violations).toEqual([]);
  });

  test('without the in-progress step, 120 annotations are one POST and two PATCHes', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const findings = Array.from({ length: 120 }, (_, i) => error(`error number ${i}`));
    const ctx = publishContext(findings, { event: pullRequestEvent(api.url), token: TOKEN });
    await runPublishers([checkRun(CLIENT, runnerEnv())], ctx);
    expect(writes()).toEqual([
      { method: 'POST', annotations: 50 },
      { method: 'PATCH', annotations: 50 },
      { method: 'PATCH', annotations: 20 }
    ]);
    expect(ours()[0]!.annotations).toHaveLength(120);
    expect(api.violations).toEqual([]);
  });

  test('a threshold from the config file is annotated at its line; other findings at their file or the workflow', async () => {
    mkdirSync(path.join(workspace, 'config'));
    mkdirSync(path.join(workspace, 'data'));
    writeFileSync(path.join(workspace, 'data', 'eval.csv'), 'y,p\n1,0.5\n');
    writeFileSync(
      path.join(workspace, 'config', 'gate.yml'),
      ['# the release gate', 'candidate: ../models/candidate', 'data: ../data/eval.csv', 'label-column: y', 'thresholds:', '  accuracy: { min: 0.9 }', '', '  roc_auc:', '    min: 0.99', '    severity: warn', ''].join('\n')
    );
    const roots = rootsOf(workspace, []);
    const config = await loadConfigFile('config/gate.yml', workspace, roots);
    expect(config?.thresholdLines).toEqual({ accuracy: 6, roc_auc: 8 });
    const settings: Settings = resolveSettings({}, config, workspace);
    expect(settings.thresholdLines).toEqual({ file: path.join(workspace, 'config', 'gate.yml'), lines: { accuracy: 6, roc_auc: 8 } });
    const candidate: ModelMeasurement = {
      name: 'candidate',
      role: 'candidate',
      path: settings.candidate.path,
      engine: 'predictions file',
      backend: 'cpu',
      files: [],
      metrics: { accuracy: { value: 0.5 }, roc_auc: { value: 0.6 } } as ModelMeasurement['metrics']
    };
    const drift = warning('feature "age" drifted');
    const evaluation: Evaluation = { data: { path: settings.data, rows: 1 }, models: [candidate], gate: gate('binary', [candidate], settings.thresholds, [drift]) };
    const report = renderReport(evaluation, { date: '2026-01-02', marker: commentMarker('default') });
    await gateRun([], { evaluation, report, settings });
    const [run] = ours();
    const places = run!.annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.message]);
    expect(places).toEqual(
      expect.arrayContaining([
        ['config/gate.yml', 6, 'failure', 'accuracy is 0.5, below min 0.9.'],
        ['config/gate.yml', 8, 'warning', 'roc_auc is 0.6, below min 0.99.'],
        ['data/eval.csv', 1, 'warning', 'feature "age" drifted']
      ])
    );
    expect(places).toHaveLength(3);
    expect(run!.conclusion).toBe('failure');
    expect(api!.violations).toEqual([]);
  });

  test('findings without a file point at the workflow file that runs the step', async () => {
    await gateRun([error('input "data": data/eval.csv does not exist')]);
    expect(ours()[0]!.annotations.map((a) => [a.path, a.start_line])).toEqual([['.github/workflows/model-gate.yml', 1]]);
  });

  test('a secret in a finding or in the key is masked in the annotation and the title', async () => {
    // As main.ts does: the evaluation is scrubbed, then rendered; the key is used as given.
    const out = new ActionOutput();
    out.addSecrets([TOKEN]);
    const key = `gate ${TOKEN}`;
    const evaluation = mapStrings(publishContext([error(`the command printed ${TOKEN}`)]).evaluation, (t) => out.clean(t));
    const rendered = renderReport(evaluation, { date: '2026-01-02', marker: commentMarker(key), title: key });
    await gateRun([], { key, evaluation, out, report: { ...rendered, markdown: out.clean(rendered.markdown) } });
    expect(api!.state.checkRuns).toHaveLength(1);
    const [run] = api!.state.checkRuns;
    expect(run!.name).toBe('model-gate (gate ***)');
    expect(run!.annotations[0]!.message).toBe('the command printed ***');
    expect(run!.title).toBe('❌ model-gate: fail · gate ***');
    expect(JSON.stringify(api!.requests.map((r) => r.body))).not.toContain(TOKEN);
  });

  test('an annotation message over 64 KB is cut at a character boundary', () => {
    const text = 'ä'.repeat(40_000);
    const cut = clipBytes(text, 64 * 1024 - 64);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(64 * 1024 - 64);
    expect(cut.endsWith('…')).toBe(true);
    expect(clipBytes('short', 10)).toBe('short');
  });
});

describe('permissions', () => {
  test.each([
    ['403 Resource not accessible by integration (no checks: write, or a fork)', 'forbidden'],
    ['404 (a narrowed token)', 'not-found']
  ] as const)('%s: one warning, no check run, and the step goes on', async (_name, checks) => {
    const { results } = await gateRun([error('input "data": data/eval.csv does not exist')], {}, { checks });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['verdict', 'done'],
      ['check-run', 'skipped']
    ]);
    expect(env.stdout().filter((l) => l.startsWith('::warning::'))).toEqual([`::warning::${CHECK_RUN_FORBIDDEN}`]);
    expect(env.stdout().filter((l) => l.includes('could not mark it in progress'))).toHaveLength(1);
    expect(api!.state.checkRuns).toEqual([]);
    expect(env.outputs().verdict).toBe('fail');
    expect(api!.violations).toEqual([]);
  });
});

describe('reruns', () => {
  test('a rerun on the same commit makes a new check run (a completed one is never reopened); the earlier one is untouched', async () => {
    // GitHub's own check run for a job named model-gate: same name, not ours, never touched.
    const job = { headSha: HEAD_SHA, name: 'model-gate', externalId: '6f0c1d2e-job', status: 'in_progress' };
    api = await startGitHubApi({ token: TOKEN });
    const own = api.state.addCheckRun(job);
    const findings = [error('input "data": data/eval.csv does not exist'), warning('feature "age" drifted')];
    const first = await gateRun(findings);
    const before = structuredClone(ours()[0]!);
    const second = await gateRun([]);
    const runs = ours();
    expect(runs).toHaveLength(2);
    expect(first.check.detail).not.toBe(second.check.detail);
    expect(runs[0]).toEqual(before);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runs[0]!.annotations).toHaveLength(2);
    expect(runs[1]).toMatchObject({ status: 'completed', conclusion: 'success', annotations: [] });
    expect(api.state.checkRuns.find((r) => r.id === own.id)).toMatchObject({ ...job, title: null, annotations: [] });
    // Each run: its own run created in progress, then completed.
    expect(api.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${(r.body as { status: string }).status}`)).toEqual([
      'POST in_progress',
      'PATCH completed',
      'POST in_progress',
      'PATCH completed'
    ]);
    expect(env.stdout().filter((l) => l.startsWith('Check run model-gate'))).toEqual([
      expect.stringMatching(/^Check run model-gate in progress: /),
      'Check run model-gate updated (2 annotations sent): ' + first.check.detail,
      expect.stringMatching(/^Check run model-gate in progress: /),
      'Check run model-gate updated (0 annotations sent): ' + second.check.detail
    ]);
    // GitHub shows the newest run of a name (filter=latest): the rerun's pass.
    expect(await latest()).toEqual([[runs[1]!.id, 'completed', 'success']]);
    expect(api.violations).toEqual([]);
  });

  test('the loopback API keeps a completed run completed, as GitHub does, and records the attempt', async () => {
    await gateRun([]);
    const [run] = ours();
    const response = await fetch(`${api!.url}/repos/octo-org/model-repo/check-runs/${run!.id}`, {
      method: 'PATCH',
      headers: { authorization: `token ${TOKEN}`, 'user-agent': 'test', 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'in_progress', output: { title: 'again', summary: 'running again' } })
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: run!.id, status: 'completed', conclusion: 'success', output: { title: 'again' } });
    expect(ours()[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(api!.violations).toEqual([`PATCH check run ${run!.id}: status in_progress on a completed check run (success); GitHub keeps it as it is`]);
  });

  test('a run left in progress (a crashed run) is taken over by the next run, not left hanging', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const externalId = checkRunExternalId('default', checkRunSource(pullRequestEvent(api.url), runnerEnv()));
    const hanging = api.state.addCheckRun({ headSha: HEAD_SHA, name: 'model-gate', externalId, status: 'in_progress' });
    await gateRun([]);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]).toMatchObject({ id: hanging.id, status: 'completed', conclusion: 'success' });
    expect(api.violations).toEqual([]);
  });

  test('another workflow or event on the same commit: its own check run, and a warning that the two share the name', async () => {
    // The pull request's run, then a push of the same commit (a same-repository branch with on: [push, pull_request]).
    await gateRun([error('input "data": data/eval.csv does not exist')]);
    expect(env.stdout().filter((l) => l.startsWith('::warning::'))).toEqual([]);
    const push = eventContextFrom({ GITHUB_EVENT_NAME: 'push', GITHUB_API_URL: api!.url, GITHUB_REPOSITORY: 'octo-org/model-repo', GITHUB_RUN_ID: '4243' }, { ref: 'refs/heads/feature' });
    const runner = { ...runnerEnv(), GITHUB_SHA: HEAD_SHA, GITHUB_WORKFLOW_REF: 'octo-org/model-repo/.github/workflows/model-gate.yml@refs/heads/feature' };
    await gateRun([], { event: push }, {}, runner);
    const runs = api!.state.checkRuns.sort((a, b) => a.id - b.id);
    expect(runs.map((r) => [r.name, r.conclusion])).toEqual([
      ['model-gate', 'failure'],
      ['model-gate', 'success']
    ]);
    expect(runs[1]!.externalId).toBe(checkRunExternalId('default', checkRunSource(push, runner)));
    expect(runs[0]!.externalId).not.toBe(runs[1]!.externalId);
    const warnings = env.stdout().filter((l) => l.startsWith('::warning::'));
    expect(warnings).toEqual([`::warning::${sharedNameWarning('model-gate', [{ id: runs[0]!.id, externalId: runs[0]!.externalId!, status: 'completed' }])}`]);
    expect(warnings[0]).toContain('(a pull_request event)');
    expect(warnings[0]).toContain('its own `comment-key`');
    expect(api!.violations).toEqual([]);
  });

  test('the source in the external id: event, tag push, workflow', () => {
    const ev = (name: string, over: Partial<EventContext> = {}): EventContext => ({ eventName: name, serverUrl: '', apiUrl: '', ...over });
    const wf = { GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/gate.yml@refs/heads/main' };
    expect(checkRunSource(ev('pull_request'), {})).toBe('pull_request');
    expect(checkRunSource(ev('push', { tag: { name: 'v1.0.0', version: '1.0.0' } }), {})).toBe('push-tag');
    expect(checkRunSource(ev('push'), wf)).toMatch(/^push:[0-9a-f]{8}$/);
    expect(checkRunSource(ev('push'), wf)).not.toBe(checkRunSource(ev('push'), { GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/other.yml@refs/heads/main' }));
    expect(checkRunSource(ev('push'), wf)).toBe(checkRunSource(ev('push'), { GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/gate.yml@refs/tags/v2' }));
    expect(checkRunSource(ev('we\nird::x'), {})).toBe('weirdx');
    expect(checkRunExternalId('default', 'push')).toMatch(/^model-gate:[0-9a-f]{16}:push$/);
    expect(sharedNameWarning('model-gate', [{ id: 1, externalId: 'model-gate:0123456789abcdef:push-tag:aa', status: 'completed' }])).toContain('(a tag push)');
    expect(sharedNameWarning('model-gate', [{ id: 1, externalId: 'model-gate:0123456789abcdef:<b>x', status: 'completed' }])).toContain('(another model-gate version)');
  });

  test('another comment key is another check run', async () => {
    await gateRun([], { key: 'nightly' });
    await gateRun([]);
    expect(api!.state.checkRuns.map((r) => r.name).sort()).toEqual(['model-gate', 'model-gate (nightly)']);
  });
});

describe('a check run is never left in progress', () => {
  test('a completion refused with 422: one last minimal write closes the run with the conclusion and a short summary', async () => {
    const findings = [error('input "data": data/eval.csv does not exist'), warning('feature "age" drifted')];
    const { check } = await gateRun(findings, {}, { faults: [{ method: 'PATCH', route: '/repos/{owner}/{repo}/check-runs/{check_run_id}', status: 422, message: 'Validation Failed', times: 1 }] });
    expect(check.status).toBe('failed');
    const [run] = ours();
    expect(ours()).toHaveLength(1);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure', title: '❌ model-gate: fail', annotations: [] });
    expect(run!.summary).toBe(fallbackOutput('❌ model-gate: fail', 'fail', 'https://github.com/octo-org/model-repo/actions/runs/4242').summary);
    expect(run!.summary).toContain('[workflow run](https://github.com/octo-org/model-repo/actions/runs/4242)');
    const patches = api!.requests.filter((r) => r.method === 'PATCH').map((r) => [r.status, ((r.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length]);
    expect(patches).toEqual([
      [422, 2],
      [200, 0]
    ]);
    expect(env.stdout().filter((l) => l.startsWith('::warning::'))).toEqual([
      expect.stringMatching(/^::warning::Could not complete the check run: .*HTTP 422: Validation Failed.*\. The check run was closed as failure with a short summary\. The report is in the job summary\.$/)
    ]);
    expect(env.outputs().verdict).toBe('fail');
  });

  test('a run that crashes after the in-progress step: close("failure") completes the run main.ts started', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const ctx = publishContext([], { event: pullRequestEvent(api.url), token: TOKEN });
    const started = await startCheckRun({ event: ctx.event, settings: undefined, token: TOKEN, out: ctx.out }, CLIENT, runnerEnv());
    expect(started.id).toBe(ours()[0]!.id);
    expect(ours()[0]).toMatchObject({ status: 'in_progress' });
    await started.close('failure');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]).toMatchObject({ status: 'completed', conclusion: 'failure', ...stoppedOutput('https://github.com/octo-org/model-repo/actions/runs/4242') });
    expect(env.stdout()).toContain(`Check run model-gate closed as failure: ${api.state.htmlUrl}/octo-org/model-repo/runs/${started.id}`);
    expect(api.violations).toEqual([]);
  });

  test('close() after the publisher completed the run leaves it as it is', async () => {
    const { started } = await gateRun([]);
    await started.close('failure');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]).toMatchObject({ status: 'completed', conclusion: 'success', title: '✅ model-gate: pass' });
    expect(api!.requests.filter((r) => r.method !== 'GET')).toHaveLength(2);
    expect(api!.violations).toEqual([]);
  });

  test('close() without a check run (check-run off, no token, no commit) and on a GitHub that refuses: never throws', async () => {
    const none = await startCheckRun({ event: undefined, settings: undefined, token: TOKEN, out: new ActionOutput() }, CLIENT, runnerEnv());
    expect(none.id).toBeUndefined();
    await expect(none.close('failure')).resolves.toBeUndefined();
    api = await startGitHubApi({ token: TOKEN, checks: 'forbidden' });
    const ctx = publishContext([], { event: pullRequestEvent(api.url), token: TOKEN });
    const refused = await startCheckRun({ event: ctx.event, settings: undefined, token: TOKEN, out: ctx.out }, CLIENT, runnerEnv());
    expect(refused.id).toBeUndefined();
    await expect(refused.close('failure')).resolves.toBeUndefined();
    expect(api.state.checkRuns).toEqual([]);
    expect(env.stdout().filter((l) => l.startsWith('::'))).toEqual([]);
  });
});

describe('choosing the check run', () => {
  const payload = PAYLOAD;
  const event = (name: string, body: unknown = {}) => eventContextFrom({ GITHUB_REPOSITORY: 'octo-org/model-repo', GITHUB_EVENT_NAME: name }, body);
  const names = (over: Partial<Parameters<typeof choosePublishers>[0]>, runner: Record<string, string> = {}) =>
    choosePublishers({ event: event('pull_request', payload), settings: { comment: true, checkRun: true }, commentInput: '', token: 'ghs_x', stepSummary: undefined, ...over }, runner).map((p) => p.name);

  test('a pull request (its head), a push or a tag (GITHUB_SHA), with a token', () => {
    expect(names({})).toEqual(['verdict', 'report-json', 'changelog', 'annotations', 'check-run', 'pr-comment']);
    expect(names({ event: event('push', { ref: 'refs/tags/v1.2.0' }) }, { GITHUB_SHA: 'a'.repeat(40) })).toContain('check-run');
    expect(checkRunCommit(event('push'), { GITHUB_SHA: 'b'.repeat(40) })).toBe('b'.repeat(40));
    expect(checkRunCommit(event('workflow_dispatch'), { GITHUB_SHA: 'd'.repeat(40) })).toBe('d'.repeat(40));
    expect(checkRunCommit(event('release', { release: { tag_name: 'v1.2.0' } }), { GITHUB_SHA: 'e'.repeat(40) })).toBe('e'.repeat(40));
    expect(checkRunCommit(event('pull_request', payload), { GITHUB_SHA: 'c'.repeat(40) })).toBe(HEAD_SHA);
  });

  test('not without a token, a commit, or with check-run: false', () => {
    expect(names({ token: '' })).not.toContain('check-run');
    expect(names({ settings: { comment: true, checkRun: false } })).not.toContain('check-run');
    expect(names({ settings: undefined, checkRunInput: 'false' })).not.toContain('check-run');
    expect(names({ settings: undefined }, { 'INPUT_CHECK-RUN': 'false' })).not.toContain('check-run');
    expect(names({ event: event('push') })).not.toContain('check-run');
    expect(names({ event: event('issue_comment', { issue: { number: 42, pull_request: {} } }) }, { GITHUB_SHA: 'a'.repeat(40) })).not.toContain('check-run');
    expect(names({ event: event('schedule') }, { GITHUB_SHA: 'a'.repeat(40) })).not.toContain('check-run');
  });
});

describe('threshold lines', () => {
  test('a mapping, a block of YAML text, and text that is not YAML', () => {
    expect(thresholdKeyLines('candidate: a\nthresholds:\n  accuracy: { min: 0.8 }\n\n  log_loss:\n    max-drop: 0.1\n')).toEqual({ accuracy: 3, log_loss: 5 });
    expect(thresholdKeyLines('candidate: a\nthresholds: |\n  accuracy: { min: 0.8 }\n  # note\n  log_loss: { max: 1 }\ndata: x\n')).toEqual({ accuracy: 3, log_loss: 5 });
    expect(thresholdKeyLines('thresholds: [\n')).toEqual({});
    expect(thresholdKeyLines('candidate: a\n')).toEqual({});
  });
});
