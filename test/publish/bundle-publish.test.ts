// mode: publish in-process (src, not dist) against the loopback API: the comment links the triggering run
// from the workflow_run event, never the bundle's runUrl (review item 1); a bundle naming a pull request from
// another head repository or branch is refused (item 3); a pull request that moved on past the run's commit
// gets a notice and the check run on that commit, but no comment and no failure (item 6).

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActionOutput } from '../../src/publish/action-output.js';
import { runPublish } from '../../src/publish/from-artifact.js';
import { publishBundle, slimReport } from '../../src/publish/bundle.js';
import type { JsonReport } from '../../src/report/json.js';
import { startGitHubApi, type GitHubApi, type StoredPull } from '../support/github-api-server.js';
import { actionEnv, type ActionEnv } from './action-env.js';
import { makeZip } from './bundle-zip.js';

const TOKEN = 'ghs_bundlePublish_0123456789abcdef';
const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const NEWER = 'e'.repeat(40);
const FORK = 'fork-user/model-repo';
const RUN_PAGE = 'https://github.com/octo-org/model-repo/actions/runs/4242';

const golden = JSON.parse(readFileSync(path.join(process.cwd(), 'test', 'golden', 'files', 'penguins-sex.json'), 'utf8')) as JsonReport;
const INPUTS = { 'INPUT_GITHUB-TOKEN': TOKEN, 'INPUT_ARTIFACT-NAME': 'model-gate', INPUT_COMMENT: 'true', 'INPUT_CHECK-RUN': 'true' };

let api: GitHubApi | undefined;
let io: ActionEnv | undefined;
afterEach(async () => {
  io?.restore();
  io = undefined;
  for (const k of Object.keys(INPUTS)) delete process.env[k];
  process.exitCode = undefined;
  await api?.close();
  api = undefined;
});

function zip(pullRequest: Record<string, unknown> = {}): Buffer {
  const pr = { schemaVersion: 1, number: 42, headSha: SHA, repository: 'octo-org/model-repo', key: 'default', ...pullRequest };
  return makeZip({ 'default-abc/report.json': JSON.stringify(slimReport(golden)), 'default-abc/pull-request.json': JSON.stringify(pr) });
}

async function publish(artifact: Buffer, pull: StoredPull, run: Record<string, unknown> = {}): Promise<{ api: GitHubApi; lines: string[]; failed: boolean }> {
  const server = await startGitHubApi({ token: TOKEN });
  api = server;
  server.state.artifacts.push({ id: 777, runId: 4242, name: 'model-gate', zip: artifact });
  server.state.pulls.set(pull.number, pull);
  const event = path.join(mkdtempSync(path.join(os.tmpdir(), 'mg-bundle-publish-')), 'event.json');
  const workflowRun = { id: 4242, event: 'pull_request', head_sha: SHA, head_branch: 'better-model', head_repository: { full_name: FORK }, html_url: RUN_PAGE, pull_requests: [], ...run };
  writeFileSync(event, JSON.stringify({ action: 'completed', workflow_run: workflowRun, repository: { full_name: 'octo-org/model-repo' } }));
  io = actionEnv();
  Object.assign(process.env, INPUTS);
  const env = { GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'octo-org/model-repo', GITHUB_SERVER_URL: 'https://github.com', GITHUB_API_URL: server.url, GITHUB_RUN_ID: '5000' };
  await runPublish(new ActionOutput(), env, { retries: 0 });
  return { api: server, lines: io.stdout(), failed: process.exitCode === 1 };
}

const forkPull: StoredPull = { number: 42, headSha: SHA, headRepo: FORK, headRef: 'better-model' };

test('the comment links the triggering run from the event, not the bundle\'s runUrl', async () => {
  const r = await publish(zip({ runUrl: 'https://evil.example/login?next=github.com/octo-org/model-repo' }), forkPull);
  expect(r.failed).toBe(false);
  expect(r.api.state.comments).toHaveLength(1);
  const body = r.api.state.comments[0]!.body;
  expect(body).not.toContain('evil.example');
  expect(body).toContain(`[the pull request's workflow run](${RUN_PAGE})`);
  expect(r.api.violations).toEqual([]);
});

test('without workflow_run.html_url the link is built from the server, the repository and the run id', async () => {
  const r = await publish(zip(), forkPull, { html_url: undefined, id: 4242 });
  expect(r.api.state.comments[0]!.body).toContain(`[the pull request's workflow run](${RUN_PAGE})`);
});

test('a bundle naming a pull request from another head repository or branch is refused, and nothing is posted', async () => {
  // The maintainer's own pull request #42 from octo-org/model-repo:feature, at the fork run's very commit.
  const r = await publish(zip(), { number: 42, headSha: SHA, headRef: 'feature' });
  expect(r.failed).toBe(true);
  expect(r.lines.join('\n')).toContain(
    'refused artifact "model-gate" of run 4242: the artifact names pull request #42, but that pull request is from "octo-org/model-repo:feature", where the triggering run ran on "fork-user/model-repo:better-model". Nothing was posted.',
  );
  expect(r.api.state.comments).toEqual([]);
  expect(r.api.state.checkRuns).toEqual([]);
  expect(r.api.violations).toEqual([]);
});

test('a pull request that moved on past the run\'s commit: a notice, the check run on that commit, no comment, no failure', async () => {
  const r = await publish(zip(), { ...forkPull, headSha: NEWER, commits: [SHA, NEWER] });
  expect(r.failed).toBe(false);
  expect(r.api.state.comments).toEqual([]);
  expect(r.api.state.checkRuns).toHaveLength(1);
  expect(r.api.state.checkRuns[0]).toMatchObject({ headSha: SHA, status: 'completed' });
  expect(r.lines.join('\n')).toContain("model-gate: notice: pull request #42 has moved on since the triggering run's commit 6dcb09b5b578");
  expect(r.api.requests.map((q) => q.route)).toContain('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits');
  expect(r.api.violations).toEqual([]);
});

test('a head that is not one of the pull request\'s commits is still refused', async () => {
  const r = await publish(zip(), { ...forkPull, headSha: NEWER, commits: ['f'.repeat(40), NEWER] });
  expect(r.failed).toBe(true);
  expect(r.lines.join('\n')).toContain("its head is eeeeeeeeeeee, and the triggering run's commit 6dcb09b5b578 is not one of its commits");
  expect(r.api.state.comments).toEqual([]);
  expect(r.api.state.checkRuns).toEqual([]);
});

test('the evaluate side writes a compact slim report, no runUrl, and no hidden folder for a key starting with a dot', async () => {
  io = actionEnv();
  const event = { repo: { owner: 'octo-org', repo: 'model-repo' }, pullRequest: { number: 42, headSha: SHA, fromFork: true }, runUrl: RUN_PAGE };
  const result = await publishBundle.publish({ event, report: { json: golden }, key: '.nightly', out: new ActionOutput() } as never);
  expect(result.status).toBe('done');
  const root = io.outputs()['publish-dir']!;
  const [folder] = readdirSync(root);
  expect(folder).toMatch(/^key\.nightly-[0-9a-f]{10}$/);
  expect(JSON.parse(readFileSync(path.join(root, folder!, 'pull-request.json'), 'utf8'))).toEqual({ schemaVersion: 1, number: 42, headSha: SHA, repository: 'octo-org/model-repo', key: '.nightly' });
  const text = readFileSync(path.join(root, folder!, 'report.json'), 'utf8');
  expect(text).toBe(JSON.stringify(slimReport(golden)) + '\n');
});
