// Pull requests from forks, end to end (issue 13, item 1): dist/index.js evaluates a fork's pull_request
// with a read-only token and leaves the publish bundle; the test zips it as actions/upload-artifact would and
// serves it from the loopback GitHub API; a mode: publish run on the workflow_run event posts exactly one
// comment and one check run. Tampered artifacts are refused with a clear message and post nothing.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGitHubApi, type GitHubApi, type StoredPull } from '../support/github-api-server.js';
import { nodeBinaries, requireNodeBinary } from '../support/node-binaries.js';
import { parseOutputs } from '../support/github-outputs.js';
import { runActionProcess } from '../support/action-process.js';
import { makeZip } from '../publish/bundle-zip.js';

const root = process.cwd();
const TOKEN = 'ghs_forkPublishToken_0123456789abcdef';
const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
let runtime = process.execPath;

async function runStep(api: GitHubApi, env: Record<string, string>): Promise<{ code: number; stdout: string; outputs: Record<string, string> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-fork-'));
  const outputFile = path.join(dir, 'output');
  writeFileSync(outputFile, '');
  const full: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/model-repo',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: root,
    GITHUB_OUTPUT: outputFile,
    RUNNER_TEMP: dir,
    'INPUT_GITHUB-TOKEN': TOKEN,
    ...env,
  };
  const { code, stdout } = await runActionProcess(runtime, path.join(root, 'dist', 'index.js'), full, root);
  return { code, stdout, outputs: parseOutputs(existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : '') };
}

/** The fixture's pull_request payload, its head moved to a fork. */
function forkPayload(): string {
  const payload = JSON.parse(readFileSync(path.join(root, 'test', 'support', 'fixtures', 'pull_request.opened.json'), 'utf8'));
  payload.pull_request.head.repo.full_name = 'fork-user/model-repo';
  payload.pull_request.head.sha = SHA;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'model-gate-event-')), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

function workflowRunPayload(pullRequests: unknown[] = []): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'model-gate-event-')), 'event.json');
  writeFileSync(
    file,
    JSON.stringify({
      action: 'completed',
      workflow_run: {
        id: 4242,
        event: 'pull_request',
        head_sha: SHA,
        head_branch: 'retrain-may',
        head_repository: { full_name: 'fork-user/model-repo' },
        html_url: 'https://github.com/octo-org/model-repo/actions/runs/4242',
        conclusion: 'failure',
        pull_requests: pullRequests,
      },
      repository: { full_name: 'octo-org/model-repo' },
    }),
  );
  return file;
}

/** The folder zipped as upload-artifact does (entries relative to it): with zip(1) when present, else in-process deflate. */
function zipFolder(dir: string): Buffer {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'model-gate-zip-')), 'artifact.zip');
  if (spawnSync('zip', ['-v'], { encoding: 'utf8' }).status === 0) {
    const r = spawnSync('zip', ['-r', '-X', '-q', out, '.'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`zip failed: ${r.stderr}`);
    return readFileSync(out);
  }
  const files: Record<string, Buffer> = {};
  for (const sub of readdirSync(dir)) for (const f of readdirSync(path.join(dir, sub))) files[`${sub}/${f}`] = readFileSync(path.join(dir, sub, f));
  return makeZip(files);
}

function publishEnv(event = workflowRunPayload()): Record<string, string> {
  return { GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: event, GITHUB_RUN_ID: '5000', INPUT_MODE: 'publish', 'INPUT_ARTIFACT-NAME': 'model-gate', INPUT_COMMENT: 'true', 'INPUT_CHECK-RUN': 'true' };
}

let api: GitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe.each(nodeBinaries())('fork pull request → workflow_run publish under $name', (binary) => {
  let bundleDir = '';

  beforeAll(async () => {
    requireNodeBinary(binary);
    runtime = binary.path;
    // The fork's run: a read-only token, so neither a comment nor a check run, but the bundle.
    const ro = await startGitHubApi({ token: TOKEN, writes: 'forbidden' });
    try {
      const r = await runStep(ro, {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: forkPayload(),
        GITHUB_RUN_ID: '4242',
        INPUT_CONFIG: 'fixtures/penguins-sex/model-gate.yml',
        INPUT_COMMENT: 'true',
        'INPUT_FAIL-ON': 'regression',
      });
      expect(ro.state.comments).toEqual([]);
      expect(ro.state.checkRuns).toEqual([]);
      bundleDir = r.outputs['publish-dir'] ?? '';
      expect(bundleDir).not.toBe('');
      expect(statSync(bundleDir).isDirectory()).toBe(true);
    } finally {
      await ro.close();
    }
  }, 120_000);

  async function publishWith(zip: Buffer, pulls: StoredPull[] = [{ number: 42, headSha: SHA, headRepo: 'fork-user/model-repo', headRef: 'retrain-may' }]) {
    const server = await startGitHubApi({ token: TOKEN });
    api = server;
    server.state.artifacts.push({ id: 777, runId: 4242, name: 'model-gate', zip });
    for (const p of pulls) server.state.pulls.set(p.number, p);
    return { server, ...(await runStep(server, publishEnv())) };
  }

  test('the evaluate run leaves report.json and pull-request.json', () => {
    const [folder] = readdirSync(bundleDir);
    const pr = JSON.parse(readFileSync(path.join(bundleDir, folder!, 'pull-request.json'), 'utf8'));
    // No runUrl: the publish run links the triggering run from its own event (review item 1).
    expect(pr).toEqual({ schemaVersion: 1, number: 42, headSha: SHA, repository: 'octo-org/model-repo', key: 'default' });
    // The slim report, compact (review item 5): one line, the models without their per-class sections.
    const text = readFileSync(path.join(bundleDir, folder!, 'report.json'), 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    const report = JSON.parse(text);
    expect(report.schemaVersion).toBe(1);
    for (const m of report.models) expect(m.confusionMatrix).toBeUndefined();
  });

  test('publish posts exactly one comment and one check run on the head commit', async () => {
    const r = await publishWith(zipFolder(bundleDir));
    const api = r.server;
    expect(r.code).toBe(0);
    expect(api.violations).toEqual([]);
    expect(api.state.commentsOn(42)).toHaveLength(1);
    expect(api.state.comments).toHaveLength(1);
    expect(api.state.comments[0]!.body).toMatch(/^<!-- model-gate:comment key=default -->\n\n## .* model-gate: (pass|warn|fail)/);
    expect(api.state.comments[0]!.body).toContain("[the pull request's workflow run](https://github.com/octo-org/model-repo/actions/runs/4242)");
    expect(api.state.checkRuns).toHaveLength(1);
    expect(api.state.checkRuns[0]).toMatchObject({ headSha: SHA, name: 'model-gate', status: 'completed', conclusion: 'success', title: '✅ model-gate: pass · binary · 94 rows' });
    expect(api.state.checkRuns[0]!.summary).toBe(api.state.comments[0]!.body);
    // The fork's pull request was asked for: its run lists no pull requests.
    expect(api.requests.map((q) => q.route).filter((x) => x?.startsWith('GET'))).toEqual(
      expect.arrayContaining(['GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', 'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', 'GET /_artifact-blobs/{id}.zip', 'GET /repos/{owner}/{repo}/pulls/{pull_number}']),
    );
    expect(r.outputs['comment-id']).toBe(String(api.state.comments[0]!.id));
    // A re-run of the publish workflow updates the same comment; GitHub does not reopen a completed check
    // run, so it makes a new one (GitHub shows the newest), with the same result.
    const again = await runStep(api, publishEnv());
    expect(again.code).toBe(0);
    expect(api.state.comments).toHaveLength(1);
    expect(api.state.checkRuns).toHaveLength(2);
    expect(api.state.checkRuns[1]).toMatchObject({ headSha: SHA, name: 'model-gate', status: 'completed', conclusion: 'success' });
    expect(api.violations).toEqual([]);
  }, 60_000);

  test('a pull request pushed to after the run gets a notice and the check run on the run\'s commit, not a comment or a failure', async () => {
    const newer = 'e'.repeat(40);
    const r = await publishWith(zipFolder(bundleDir), [{ number: 42, headSha: newer, headRepo: 'fork-user/model-repo', headRef: 'retrain-may', commits: [SHA, newer] }]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("model-gate: notice: pull request #42 has moved on since the triggering run's commit 6dcb09b5b578");
    expect(r.server.state.comments).toEqual([]);
    expect(r.server.state.checkRuns).toHaveLength(1);
    expect(r.server.state.checkRuns[0]).toMatchObject({ headSha: SHA, status: 'completed' });
    expect(r.server.violations).toEqual([]);
  }, 60_000);

  test('mode: publish outside a workflow_run event, or an unknown mode, is bad input (exit 2)', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const wrong = await runStep(api, { ...publishEnv(), GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: forkPayload() });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain('`mode: publish` runs on a workflow_run event (on: workflow_run: types: [completed]), not on "pull_request".');
    const bogus = await runStep(api, { ...publishEnv(), INPUT_MODE: 'publsh' });
    expect(bogus.code).toBe(2);
    expect(bogus.stdout).toContain('`mode` must be evaluate, publish, monitor or merge, not "publsh".');
    expect(api.requests).toEqual([]);
  });

  test('a run without actions: read is told so, and nothing is posted', async () => {
    api = await startGitHubApi({ token: TOKEN, faults: [{ route: '/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', status: 403, message: 'Resource not accessible by integration' }] });
    const r = await runStep(api, publishEnv());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/could not list the artifacts of run 4242: .*HTTP 403: Resource not accessible by integration .*\. The publish job needs `permissions: actions: read`/);
    expect(api.state.comments).toEqual([]);
  });

  test('a push run triggers nothing, and a run without the artifact publishes nothing', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const event = path.join(mkdtempSync(path.join(os.tmpdir(), 'model-gate-event-')), 'event.json');
    writeFileSync(event, JSON.stringify({ workflow_run: { id: 4242, event: 'push', head_sha: SHA, pull_requests: [] }, repository: { full_name: 'octo-org/model-repo' } }));
    const push = await runStep(api, publishEnv(event));
    expect(push.code).toBe(0);
    expect(push.stdout).toContain('the triggering run was a "push" run, not a pull_request run: nothing to publish.');
    const none = await runStep(api, publishEnv());
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('left no artifact named "model-gate": nothing to publish.');
    expect(api.state.comments).toEqual([]);
    expect(api.state.checkRuns).toEqual([]);
    expect(api.violations).toEqual([]);
  });

  const tamper = (edit: (files: Record<string, Buffer>) => void): Buffer => {
    const files: Record<string, Buffer> = {};
    for (const sub of readdirSync(bundleDir)) for (const f of readdirSync(path.join(bundleDir, sub))) files[`${sub}/${f}`] = readFileSync(path.join(bundleDir, sub, f));
    edit(files);
    return makeZip(files);
  };
  const editJson = (files: Record<string, Buffer>, name: string, fn: (v: Record<string, unknown>) => void) => {
    const key = Object.keys(files).find((k) => k.endsWith(name))!;
    const v = JSON.parse(files[key]!.toString('utf8'));
    fn(v);
    files[key] = Buffer.from(JSON.stringify(v));
  };

  test.each([
    ['wrong PR', () => tamper((f) => editJson(f, 'pull-request.json', (v) => (v.number = 43))), /refused artifact "model-gate" of run 4242: the artifact names pull request #43, but that pull request is from "other\/model-repo:main", where the triggering run ran on "fork-user\/model-repo:retrain-may"\. Nothing was posted\./],
    ['same commit, other PR', () => tamper((f) => editJson(f, 'pull-request.json', (v) => (v.number = 44))), /the artifact names pull request #44, but that pull request is from "octo-org\/model-repo:feature", where the triggering run ran on "fork-user\/model-repo:retrain-may"/],
    ['schema-invalid', () => tamper((f) => editJson(f, 'report.json', (v) => (v.markdown = '<img src=x>'))), /refused artifact "model-gate" of run 4242: .*report.json does not match the report schema \(schemaVersion 1\): \$.markdown: not a field of the report/],
    ['oversized', () => makeZip({ 'x/report.json': randomBytes(11 * 1024 * 1024) }, false), /refused artifact "model-gate" of run 4242: the artifact is \d+ bytes, more than the 10485760 allowed/],
  ] as [string, () => Buffer, RegExp][])('a tampered artifact (%s) is refused and posts nothing', async (_name, zip, message) => {
    const r = await publishWith(zip(), [
      { number: 42, headSha: SHA, headRepo: 'fork-user/model-repo', headRef: 'retrain-may' },
      { number: 43, headSha: '0'.repeat(40), headRepo: 'other/model-repo' },
      // A maintainer's own pull request whose head is the fork run's commit (review item 3).
      { number: 44, headSha: SHA, headRef: 'feature' },
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(r.server.state.comments).toEqual([]);
    expect(r.server.state.checkRuns).toEqual([]);
    expect(r.server.violations).toEqual([]);
  }, 60_000);
});
