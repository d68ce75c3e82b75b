// The built action (node dist/index.js) inside a real temporary git repository, against the loopback GitHub
// API, for the release-gating events of issue 12: a pull request compared against @base (a sticky
// comment, and a check run when the action makes one), a tag push compared against @previous-release
// that fails the step when the gate fails (and the first release, which has none), and a `release` event
// that reports and says it cannot block the release. The model lives at one path (models/sex); the baselines are read
// out of git, never from a second copy in the checkout.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGitHubApi, type GitHubApi } from '../support/github-api-server.js';
import { cleanUp, clone, commit, git, newRepo } from '../git/repos.js';
import { nodeBinaries, requireNodeBinary } from '../support/node-binaries.js';
import { parseOutputs } from '../support/github-outputs.js';
import { runActionProcess } from '../support/action-process.js';

const root = process.cwd();
const TOKEN = 'ghs_e2eGitGateToken_0123456789abcdef';
const FIXTURES = path.join(root, 'fixtures', 'penguins-sex');
const fx = (p: string) => readFileSync(path.join(FIXTURES, p));
/** The better network (accuracy 0.936 on eval.csv) and the older, worse one (0.894), at one path. */
const good = { 'models/sex/model.json': fx('candidate/model.json'), 'models/sex/weights.bin': fx('candidate/weights.bin') };
const worse = { 'models/sex/model.json': fx('baseline/model.json'), 'models/sex/weights.bin': fx('baseline/weights.bin') };

interface StepResult {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  /** RUNNER_TEMP of the run, where the baselines' temporary folders were made. */
  runnerTemp: string;
}

/** node dist/index.js as the runner starts it, with the workspace a git checkout. */
async function runStep(node: string, api: GitHubApi, workspace: string, event: { name: string; payload: object; ref: string; sha: string }, inputs: Record<string, string>): Promise<StepResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-git-e2e-'));
  const runnerTemp = path.join(dir, 'runner-temp');
  const eventPath = path.join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(event.payload));
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  mkdirSync(runnerTemp);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    // No user or system git configuration: the repository's own, as on a fresh runner.
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: event.ref,
    GITHUB_SHA: event.sha,
    GITHUB_REPOSITORY: 'octo-org/model-repo',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api.url,
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    'INPUT_GITHUB-TOKEN': TOKEN,
    INPUT_COMMENT: 'true',
    'INPUT_FAIL-ON': 'regression',
    INPUT_TASK: 'auto',
    INPUT_CANDIDATE: 'models/sex/model.json',
    INPUT_DATA: 'data/eval.csv',
    'INPUT_LABEL-COLUMN': 'sex',
    'INPUT_ID-COLUMN': 'id',
    INPUT_THRESHOLDS: 'accuracy: { max-drop: 0.02 }',
  };
  if (event.name === 'pull_request') env.GITHUB_BASE_REF = 'main';
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const { code, stdout } = await runActionProcess(node, path.join(root, 'dist', 'index.js'), env, workspace);
  const read = (file: string) => (existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : '');
  return { code, stdout, outputs: parseOutputs(read(outputFile)), summary: read(summaryFile), runnerTemp };
}

/** What the run left where people read: log, summary, outputs, the JSON report, the comments. */
function everything(result: StepResult, api: GitHubApi): string {
  const report = result.outputs['report-json'] && existsSync(result.outputs['report-json']) ? readFileSync(result.outputs['report-json'], 'utf8') : '';
  return [result.stdout, result.summary, JSON.stringify(result.outputs), report, ...api.state.comments.map((c) => c.body)].join('\n');
}

/** The baselines' temporary folders (model-gate-git-*) left in RUNNER_TEMP: none once the step ends. */
function gitFoldersLeft(result: StepResult): string[] {
  return readdirSync(result.runnerTemp).filter((n) => n.startsWith('model-gate-git-'));
}

/** Check runs, when the action makes them (issue 12 item 2): one, for this run's commit. */
function expectOneCheckRunIfAny(api: GitHubApi, conclusion: string): void {
  const checkRuns = api.requests.filter((r) => r.pathname.includes('/check-runs'));
  if (checkRuns.length === 0) return;
  expect(checkRuns.filter((r) => r.method === 'POST')).toHaveLength(1);
  const body = JSON.stringify(checkRuns.map((r) => r.body ?? null));
  if (body.includes('"conclusion"')) expect(body).toContain(`"conclusion":"${conclusion}"`);
}

// The origin's history: v1.0.0 the good network, v1.1.0 (main) a retrained, worse one, and a pull request
// branch that brings the good one back.
let origin: string;
let v100: string;
let v110: string;
let prHead: string;
beforeAll(() => {
  origin = newRepo();
  v100 = commit(origin, { ...good, 'data/eval.csv': fx('eval.csv') }, 'first release');
  git(origin, 'tag', 'v1.0.0');
  v110 = commit(origin, worse, 'retrained on new data');
  git(origin, 'tag', 'v1.1.0');
  git(origin, 'checkout', '-q', '-b', 'better-model');
  prHead = commit(origin, good, 'a better network');
  git(origin, 'checkout', '-q', 'main');
});
afterAll(cleanUp);

let api: GitHubApi;
afterEach(async () => api?.close());

describe.each(nodeBinaries())('dist/index.js under $name', (binary) => {
  beforeAll(() => requireNodeBinary(binary));

  test('a pull request compared against @base: the merge base\'s model is the baseline; one sticky comment (and check run)', async () => {
    api = await startGitHubApi({ token: TOKEN });
    // actions/checkout's default: one commit, no history, no tags.
    const work = clone(origin, { depth: 1, branch: 'better-model' });
    const payload = JSON.parse(readFileSync(path.join(root, 'test', 'support', 'fixtures', 'pull_request.opened.json'), 'utf8'));
    payload.pull_request.base.sha = v110;
    payload.pull_request.head.sha = prHead;
    const event = { name: 'pull_request', payload, ref: 'refs/pull/42/merge', sha: prHead };

    const result = await runStep(binary.path, api, work, event, { baselines: 'main=@base' });
    expect(result.stdout.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
    expect(result.code).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    const report = JSON.parse(readFileSync(result.outputs['report-json'], 'utf8'));
    expect(report.models.map((m: { name: string; role: string }) => `${m.name}:${m.role}`)).toEqual(['candidate:candidate', 'main:baseline', 'dummy:dummy']);
    const main = report.models[1];
    expect(main.path).toBe(`@base (merge base ${v110.slice(0, 7)}): models/sex/model.json`);
    // The worse network, byte for byte, read from the base commit.
    expect(main.files.map((f: { sha256: string }) => f.sha256)).toEqual([
      createHash('sha256').update(worse['models/sex/model.json']).digest('hex'),
      createHash('sha256').update(worse['models/sex/weights.bin']).digest('hex'),
    ]);
    expect(report.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);

    expect(api.state.comments).toHaveLength(1);
    const body = api.state.comments[0].body;
    expect(body).toContain('<!-- model-gate:comment key=default -->');
    expect(body).toContain(`&#64;base (merge base ${v110.slice(0, 7)}): sex/model.json`);
    expect(result.outputs['comment-id']).toBe(String(api.state.comments[0].id));
    expect(api.state.checkRuns).toHaveLength(1);
    expectOneCheckRunIfAny(api, 'success');

    // The temporary folder never shows and is gone.
    const all = everything(result, api);
    expect(all).not.toContain(result.runnerTemp + path.sep + 'model-gate-git-');
    expect(gitFoldersLeft(result)).toEqual([]);
    expect(api.violations).toEqual([]);
  }, 120000);

  test('a pull request checked out as GitHub\'s merge commit, after the base branch moved: @base is the tip GitHub merged with', async () => {
    api = await startGitHubApi({ token: TOKEN });
    // main moved on (C) after the event named v1.1.0 as the base; GitHub rebuilt refs/pull/42/merge on C.
    const moved = clone(origin);
    git(moved, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    const c = commit(moved, { 'README.md': 'main moved on\n' }, 'C');
    git(moved, 'checkout', '-q', '-b', 'pull-42-merge');
    git(moved, 'merge', '-q', '--no-ff', '-m', 'Merge better-model into main', 'origin/better-model');
    const merge = git(moved, 'rev-parse', 'HEAD');
    // actions/checkout's default for pull_request: the merge commit, one commit deep.
    const work = clone(moved, { depth: 1, branch: 'pull-42-merge' });
    const payload = JSON.parse(readFileSync(path.join(root, 'test', 'support', 'fixtures', 'pull_request.opened.json'), 'utf8'));
    payload.pull_request.base.sha = v110;
    payload.pull_request.head.sha = prHead;
    const result = await runStep(binary.path, api, work, { name: 'pull_request', payload, ref: 'refs/pull/42/merge', sha: merge }, { baselines: 'main=@base' });
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(result.outputs['report-json'], 'utf8'));
    expect(report.models.find((m: { name: string }) => m.name === 'main').path).toBe(`@base (merge base ${c.slice(0, 7)}): models/sex/model.json`);
    expect(report.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
    expect(gitFoldersLeft(result)).toEqual([]);
    expect(api.violations).toEqual([]);
  }, 120000);

  test('a tag push compared against @previous-release fails the step when the gate fails', async () => {
    api = await startGitHubApi({ token: TOKEN });
    // The tag's commit, as actions/checkout fetches it on a tag push (fetch-depth: 0 brings the tags).
    const work = clone(origin, { branch: 'v1.1.0' });
    const payload = { ref: 'refs/tags/v1.1.0', before: '0'.repeat(40), after: v110, created: true, deleted: false, forced: false, base_ref: 'refs/heads/main', repository: { full_name: 'octo-org/model-repo', name: 'model-repo', owner: { login: 'octo-org' } } };
    const event = { name: 'push', payload, ref: 'refs/tags/v1.1.0', sha: v110 };

    const result = await runStep(binary.path, api, work, event, { baselines: 'release=@previous-release', comment: 'false' });
    expect(result.code).toBe(1);
    expect(result.outputs.verdict).toBe('fail');
    expect(result.stdout).toMatch(/::error::model-gate verdict: fail/);
    const report = JSON.parse(readFileSync(result.outputs['report-json'], 'utf8'));
    const release = report.models.find((m: { name: string }) => m.name === 'release');
    expect(release.path).toBe(`@previous-release (v1.0.0, ${v100.slice(0, 7)}): models/sex/model.json`);
    expect(report.findings.map((f: { message: string }) => f.message)).toContain(
      'accuracy against release: 0.8936 vs 0.9362, worse by 4.255 pp, more than max-drop 0.02 (2 pp).',
    );
    // Not an input error: the gate failed (exit 1, not 2).
    expect(result.stdout).not.toContain('exit code 2');
    expect(result.summary).toContain(`&#64;previous-release (v1.0.0, ${v100.slice(0, 7)}): sex/model.json`);
    // The changelog entry is titled with the tag's version, in the output and in the job summary.
    expect(result.outputs.changelog).toMatch(/^## \[1\.1\.0\] - \d{4}-\d{2}-\d{2}\n/);
    expect(result.summary).toContain('## [1.1.0] - ');
    expect(result.summary).not.toContain('[Unreleased]');
    expect(api.state.checkRuns).toHaveLength(1);
    expectOneCheckRunIfAny(api, 'failure');
    expect(everything(result, api)).not.toContain(result.runnerTemp + path.sep + 'model-gate-git-');
    expect(gitFoldersLeft(result)).toEqual([]);
    expect(api.violations).toEqual([]);
  }, 120000);

  test('a release event reports against @previous-release and says first that it cannot block the published release', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const work = clone(origin, { branch: 'v1.1.0' });
    const payload = {
      action: 'published',
      release: { id: 101, tag_name: 'v1.1.0', name: 'v1.1.0', target_commitish: 'main', draft: false, prerelease: false, html_url: 'https://github.com/octo-org/model-repo/releases/tag/v1.1.0' },
      repository: { full_name: 'octo-org/model-repo', name: 'model-repo', owner: { login: 'octo-org' } },
    };
    const event = { name: 'release', payload, ref: 'refs/tags/v1.1.0', sha: v110 };

    const result = await runStep(binary.path, api, work, event, { baselines: 'release=@previous-release' });
    // The gate fails (v1.1.0 is worse than v1.0.0): the step fails, and that is all it can do.
    expect(result.code).toBe(1);
    expect(result.outputs.verdict).toBe('fail');
    // The summary's first lines say so, before the report.
    const head = result.summary.split('\n').slice(0, 3).join('\n');
    expect(head).toContain('> [!WARNING]');
    expect(head).toContain('This run is for a `release` event (published): the release **v1.1.0** already exists, and a failing verdict here cannot block or undo it');
    expect(result.stdout).toMatch(/::warning::This run is for a `release` event \(published\): the release "v1\.1\.0" already exists/);
    // The outputs carry the verdict, the findings and the changelog entry titled with the release's version.
    expect(result.outputs.changelog).toMatch(/^## \[1\.1\.0\] - \d{4}-\d{2}-\d{2}\n/);
    expect(result.summary).toContain('## [1.1.0] - ');
    const report = JSON.parse(readFileSync(result.outputs['report-json'], 'utf8'));
    expect(report.models.find((m: { name: string }) => m.name === 'release').path).toBe(`@previous-release (v1.0.0, ${v100.slice(0, 7)}): models/sex/model.json`);
    expect(report.findings.map((f: { message: string }) => f.message)).toContain(
      'accuracy against release: 0.8936 vs 0.9362, worse by 4.255 pp, more than max-drop 0.02 (2 pp).',
    );
    // No pull request, so no comment.
    expect(api.state.comments).toEqual([]);
    expectOneCheckRunIfAny(api, 'failure');
    expect(everything(result, api)).not.toContain(result.runnerTemp + path.sep + 'model-gate-git-');
    expect(gitFoldersLeft(result)).toEqual([]);
    expect(api.violations).toEqual([]);
  }, 120000);

  test('the first release: a tag push with no earlier release tag warns and is gated by the thresholds alone', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const work = clone(origin, { depth: 1, branch: 'v1.0.0' });
    const payload = { ref: 'refs/tags/v1.0.0', before: '0'.repeat(40), after: v100, created: true, deleted: false, forced: false, repository: { full_name: 'octo-org/model-repo', name: 'model-repo', owner: { login: 'octo-org' } } };
    const result = await runStep(binary.path, api, work, { name: 'push', payload, ref: 'refs/tags/v1.0.0', sha: v100 }, { baselines: 'release=@previous-release', comment: 'false' });
    expect(result.code).toBe(0);
    expect(result.outputs.verdict).toBe('warn');
    const report = JSON.parse(readFileSync(result.outputs['report-json'], 'utf8'));
    expect(report.models.map((m: { name: string }) => m.name)).toEqual(['candidate', 'dummy']);
    expect(report.findings.find((f: { kind: string }) => f.kind === 'no_previous_release')?.message).toContain('so this is the first release');
    expect(result.outputs.changelog).toMatch(/^## \[1\.0\.0\] - /);
    expect(gitFoldersLeft(result)).toEqual([]);
    expect(api.violations).toEqual([]);
  }, 120000);

  test('a tag push whose candidate is no worse than the previous release passes', async () => {
    api = await startGitHubApi({ token: TOKEN });
    // v1.2.0 brings the good network back: compared against v1.1.0, the worse one.
    const repo = clone(origin, { branch: 'better-model' });
    git(repo, 'tag', 'v1.2.0');
    const payload = { ref: 'refs/tags/v1.2.0', before: '0'.repeat(40), after: prHead, created: true, deleted: false, forced: false, repository: { full_name: 'octo-org/model-repo', name: 'model-repo', owner: { login: 'octo-org' } } };
    const result = await runStep(binary.path, api, repo, { name: 'push', payload, ref: 'refs/tags/v1.2.0', sha: prHead }, { baselines: 'release=@previous-release', comment: 'false' });
    expect(result.code).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    const report = JSON.parse(readFileSync(result.outputs['report-json'], 'utf8'));
    expect(report.models.find((m: { name: string }) => m.name === 'release').path).toBe(`@previous-release (v1.1.0, ${v110.slice(0, 7)}): models/sex/model.json`);
    expect(gitFoldersLeft(result)).toEqual([]);
  }, 120000);
});
